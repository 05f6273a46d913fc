#!/usr/bin/env bash
# Installs or updates the free-area terminal on a Raspberry Pi (Raspberry Pi OS or Debian 12
# "bookworm" or 13 "trixie"; arm64): deploy/raspberry-pi/README.md.
#
#   sudo deploy/raspberry-pi/install.sh [--config FILE] [--keys DIR] [--display] [--no-start]
#
#   --config FILE  install FILE as /etc/fa/terminal.json (validated first). Without it an
#                  existing /etc/fa/terminal.json is kept, or deploy/examples/taxi.json goes there.
#   --keys DIR     install the key files the office issued for this terminal
#                  (issuer-public.json, mac-master.json, auth-master.json) into the key directory
#                  the configuration names (card.keys), owned by fa, mode 600.
#   --display      also install Chromium and fonts-noto-cjk for the in-car or gate display.
#   --no-start     install and enable, but do not (re)start the terminal.
#
# Run it again to update: the app is rebuilt from this checkout and swapped in (the previous
# one stays in /opt/fa.old); configuration, keys and the journal are kept.
set -euo pipefail

APP=/opt/fa
ETC=/etc/fa
STATE=/var/lib/fa
UNITS=/etc/systemd/system
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODE_MAJOR=20

config=""
keys=""
display=no
start=yes

say() { printf '\n== %s\n' "$*"; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '5,14s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --config) config=$(realpath "${2:?--config needs a file}") && shift ;;
    --keys) keys=$(realpath "${2:?--keys needs a directory}") && shift ;;
    --display) display=yes ;;
    --no-start) start=no ;;
    -h | --help) usage ;;
    *) usage ;;
  esac
  shift
done

[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"
[ -f "$SRC/package-lock.json" ] || die "$SRC is not a free-area checkout"
[ -z "$config" ] || [ -f "$config" ] || die "no such configuration file: $config"
# A build that failed half-way leaves nothing behind; the running app is never touched by it.
trap 'rm -rf "$APP.new"' EXIT

have_systemd() { [ -d /run/systemd/system ]; }

# The major version apt would install, or 0.
candidate_major() {
  local v
  v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *\([0-9][0-9]*\).*/\1/p')
  echo "${v:-0}"
}

node_major() {
  if command -v node >/dev/null; then node -p 'process.versions.node.split(".")[0]'; else echo 0; fi
}

install_packages() {
  say "Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # pcscd + libccid: the PC/SC daemon and the CCID driver for the readers; libpcsclite-dev and
  # the build tools: the pcsclite and better-sqlite3 native modules; gpiod: gpioset for a door.
  apt-get install -y -qq --no-install-recommends \
    pcscd libccid libpcsclite-dev pcsc-tools build-essential python3 pkg-config \
    curl ca-certificates gpiod
  if [ "$display" = yes ]; then
    local browser=chromium
    [ "$(candidate_major chromium)" -gt 0 ] || browser=chromium-browser
    apt-get install -y -qq --no-install-recommends fonts-noto-cjk "$browser"
  fi
}

install_node() {
  say "Node.js $NODE_MAJOR or newer"
  if [ "$(node_major)" -lt "$NODE_MAJOR" ]; then
    if [ "$(candidate_major nodejs)" -lt "$NODE_MAJOR" ]; then
      die "Node.js >= $NODE_MAJOR is needed and apt offers nodejs $(candidate_major nodejs) (Debian 12 and
Raspberry Pi OS bookworm ship 18). Debian 13 (trixie) ships 20; on bookworm add a Node.js 20
apt source or unpack the official linux-arm64 build into /usr/local (see README.md,
\"Node.js\"), then run this script again."
    fi
    apt-get install -y -qq --no-install-recommends nodejs
  fi
  command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends npm
  # Headers for the native modules from the system, instead of a download from nodejs.org.
  if [ ! -f /usr/include/node/common.gypi ] && [ "$(candidate_major libnode-dev)" -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends libnode-dev || true
  fi
  echo "node $(node --version) at $(command -v node), npm $(npm --version)"
}

ensure_groups_and_user() {
  say "user fa, group gpio"
  if ! getent group gpio >/dev/null; then
    # Raspberry Pi OS has the group and its udev rule; plain Debian has neither.
    groupadd --system gpio
    mkdir -p /etc/udev/rules.d
    printf '%s\n' 'SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"' >/etc/udev/rules.d/60-fa-gpio.rules
    if udevadm control --reload 2>/dev/null; then udevadm trigger --subsystem-match=gpio 2>/dev/null || true; fi
  fi
  if ! id -u fa >/dev/null 2>&1; then
    useradd --system --user-group --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin fa
  fi
  # Where pcscd is built with polkit, a system user needs a rule to reach it.
  if [ -f /usr/share/polkit-1/actions/org.debian.pcsc-lite.policy ] && [ -d /etc/polkit-1 ]; then
    mkdir -p /etc/polkit-1/rules.d
    cat >/etc/polkit-1/rules.d/60-fa-pcscd.rules <<'RULES'
polkit.addRule(function (action, subject) {
  if ((action.id == "org.debian.pcsc-lite.access_pcsc" || action.id == "org.debian.pcsc-lite.access_card") &&
      subject.user == "fa") {
    return polkit.Result.YES;
  }
});
RULES
  fi
}

build_app() {
  say "build $APP from $SRC"
  local stage=$APP.new
  rm -rf "$stage"
  mkdir -p "$stage"
  tar -C "$SRC" --exclude=./node_modules --exclude=./dist --exclude=./data --exclude=./.git \
    --exclude=./.tmp --exclude=./.ci --exclude=./coverage -cf - . | tar -C "$stage" -xf -
  if [ -f /usr/include/node/common.gypi ]; then export npm_config_nodedir=/usr; fi
  (
    cd "$stage"
    npm ci --no-audit --no-fund
    npm run build
    npm prune --omit=dev --no-audit --no-fund
    # pcsclite is an optional dependency: npm skips it silently when it fails to build.
    node -e "require('better-sqlite3'); require('pcsclite')" ||
      die "a native module did not build (see the npm output above; libpcsclite-dev and build-essential are needed)"
  )
  chmod 0755 "$stage/dist/src/cli/main.js"
  chown -R root:root "$stage"
  # Readable by the service user whatever the checkout's modes (a clone made with umask 077 is
  # private to its owner), writable by root only.
  chmod -R u+rwX,go=rX "$stage"
  if [ -d "$APP" ]; then
    rm -rf "$APP.old"
    mv "$APP" "$APP.old"
  fi
  mv "$stage" "$APP"
  ln -sfn "$APP/dist/src/cli/main.js" /usr/local/bin/fa
}

# Prints "key=value" lines about a configuration file, after validating it with the
# terminal's own schema (every bad field is listed, and the script stops).
describe_config() {
  (cd "$STATE" && node --input-type=module -e '
    const { join, resolve } = await import("node:path");
    const { loadTerminalConfig } = await import(process.argv[1] + "/dist/src/terminal/config.js");
    let c;
    try {
      c = loadTerminalConfig(process.argv[2]);
    } catch (error) {
      console.error(error.message);
      process.exit(1);
    }
    const host = ["0.0.0.0", "::", ""].includes(c.http.host) ? "127.0.0.1" : c.http.host;
    const urlHost = host.includes(":") ? "[" + host + "]" : host;
    console.log("id=" + c.terminal.id);
    console.log("app=" + c.app.kind);
    console.log("reader=" + c.reader.kind);
    console.log("keys=" + resolve(c.card.keys ?? join(c.dataDir, "keys")));
    console.log("health=http://" + urlHost + ":" + c.http.port + "/healthz");
  ' "$APP" "$1")
}

config_value() { sed -n "s/^$1=//p" <<<"$2"; }

install_config() {
  say "configuration in $ETC"
  install -d -o root -g fa -m 0750 "$ETC" "$ETC/certs"
  install -d -o fa -g fa -m 0700 "$STATE"
  if [ -n "$config" ]; then
    describe_config "$config" >/dev/null
    install -o root -g fa -m 0640 "$config" "$ETC/terminal.json"
  elif [ ! -f "$ETC/terminal.json" ]; then
    install -o root -g fa -m 0640 "$SRC/deploy/examples/taxi.json" "$ETC/terminal.json"
    echo "installed deploy/examples/taxi.json as $ETC/terminal.json: edit it for this vehicle"
  fi
  local info keydir
  info=$(describe_config "$ETC/terminal.json")
  echo "$info"
  keydir=$(config_value keys "$info")
  install -d -o fa -g fa -m 0700 "$keydir"
  if [ -n "$keys" ]; then
    [ ! -f "$keys/issuer-private.json" ] || echo "warning: $keys holds issuer-private.json; it stays at the office and is not installed" >&2
    for f in issuer-public.json mac-master.json auth-master.json; do
      [ -f "$keys/$f" ] || die "$keys/$f is missing"
      install -o fa -g fa -m 0600 "$keys/$f" "$keydir/$f"
    done
  fi
  if [ ! -f "$ETC/health.env" ]; then
    printf '# Read by fa-terminal-health.service (fa-terminal-health.sh lists the settings).\nFA_HEALTH_URL=%s\n' \
      "$(config_value health "$info")" >"$ETC/health.env"
  fi
  CONFIG_INFO=$info
}

install_units() {
  say "systemd units"
  install -m 0644 "$SRC"/deploy/raspberry-pi/fa-terminal.service "$SRC"/deploy/raspberry-pi/fa-terminal-health.service \
    "$SRC"/deploy/raspberry-pi/fa-terminal-health.timer "$UNITS"/
  local node_bin dropin=$UNITS/fa-terminal.service.d/10-node.conf
  node_bin=$(command -v node)
  if [ "$node_bin" != /usr/bin/node ]; then
    mkdir -p "$(dirname "$dropin")"
    printf '[Service]\nExecStart=\nExecStart=%s %s/dist/src/cli/main.js terminal --config %s/terminal.json\n' "$node_bin" "$APP" "$ETC" >"$dropin"
  else
    rm -f "$dropin"
  fi
  if ! have_systemd; then
    echo "systemd is not running here: units installed, nothing enabled or started"
    return
  fi
  systemctl daemon-reload
  systemctl enable --now pcscd.socket
  systemctl enable fa-terminal.service fa-terminal-health.timer
}

start_terminal() {
  local keydir
  keydir=$(config_value keys "$CONFIG_INFO")
  if [ "$start" = no ] || ! have_systemd; then return; fi
  if [ "$(config_value reader "$CONFIG_INFO")" = pcsc ] && [ ! -f "$keydir/mac-master.json" ]; then
    say "not started: no keys in $keydir"
    echo "Install the key files the office issued for terminal $(config_value id "$CONFIG_INFO"):"
    echo "  sudo $0 --keys DIR     (or copy them there: owner fa, mode 600)"
    echo "then: sudo systemctl start fa-terminal fa-terminal-health.timer"
    return
  fi
  say "start"
  systemctl restart fa-terminal.service
  systemctl start fa-terminal-health.timer
  systemctl --no-pager --lines=5 status fa-terminal.service || true
}

install_packages
install_node
ensure_groups_and_user
build_app
install_config
install_units
start_terminal
say "done: journalctl -u fa-terminal -f shows the terminal; fa card readers lists the readers"
