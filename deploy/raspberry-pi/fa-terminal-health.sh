#!/usr/bin/env bash
# Health probe of fa-terminal.service, run every 30 s by fa-terminal-health.timer
# (deploy/raspberry-pi/README.md). Node has no sd_notify watchdog, so the probe asks the
# terminal's GET /healthz, which answers 200, or 503 with the problems it sees. After
# FA_HEALTH_FAILURES failed probes in a row:
#   - no answer (hung, crashed, not listening) or an unexpected status: restart the terminal.
#     A restart is graceful: SIGTERM lets the tap in progress finish first.
#   - 503 naming the reader service or the readers: restart pcscd; the terminal reconnects to
#     it by itself, so it keeps running.
#   - 503 naming the journal (disk full, read-only, I/O error): log an error and restart
#     nothing, since a restart cannot free a disk.
# A terminal that is not running, or started less than FA_HEALTH_GRACE seconds ago, is left
# alone and its count cleared.
#
# Environment (the unit reads /etc/fa/health.env):
#   FA_HEALTH_URL       default http://127.0.0.1:8080/healthz
#   FA_HEALTH_FAILURES  default 3
#   FA_HEALTH_GRACE     default 60
#   FA_HEALTH_UNIT      default fa-terminal.service
set -euo pipefail

url=${FA_HEALTH_URL:-http://127.0.0.1:8080/healthz}
limit=${FA_HEALTH_FAILURES:-3}
grace=${FA_HEALTH_GRACE:-60}
unit=${FA_HEALTH_UNIT:-fa-terminal.service}
count_file=${RUNTIME_DIRECTORY:-/run/fa-terminal-health}/failures

# journald takes a leading <N> as the priority: 3 error, 4 warning, 6 info.
log() {
  printf '<%s>%s\n' "$1" "$2"
}

failures() {
  local n
  n=$(cat "$count_file" 2>/dev/null || true)
  [[ $n =~ ^[0-9]+$ ]] && echo "$n" || echo 0
}

if ! systemctl is-active --quiet "$unit"; then
  rm -f "$count_file"
  exit 0
fi
started_us=$(systemctl show --property=ActiveEnterTimestampMonotonic --value "$unit")
uptime_s=$(cut -d. -f1 /proc/uptime)
if [[ $started_us =~ ^[0-9]+$ ]] && ((uptime_s - started_us / 1000000 < grace)); then
  rm -f "$count_file"
  exit 0
fi

# curl prints the status after the body even when it gets no answer (000 then).
response=$(curl --silent --show-error --max-time 5 --write-out '\n%{http_code}' "$url" 2>&1) || true
code=${response##*$'\n'}
body=${response%$'\n'*}

if [[ $code == 200 ]]; then
  if (($(failures) > 0)); then log 6 "$unit healthy again"; fi
  rm -f "$count_file"
  exit 0
fi

count=$(($(failures) + 1))
echo "$count" >"$count_file"
log 4 "$unit unhealthy ($count of $limit): HTTP $code ${body//$'\n'/ }"
if ((count < limit)); then
  exit 0
fi
rm -f "$count_file"

if [[ $code == 503 && $body == *"journal not writable"* ]]; then
  log 3 "$unit cannot write its journal and refuses taps: free space on /var/lib/fa or check the disk (journalctl -u $unit); not restarting"
elif [[ $code == 503 && ($body == *"reader service down"* || $body == *"no reader attached"*) ]]; then
  log 3 "$unit sees no reader after $count probes: restarting pcscd"
  systemctl restart --no-block pcscd.service
else
  log 3 "$unit failed $count probes in a row: restarting it"
  systemctl restart --no-block "$unit"
fi
