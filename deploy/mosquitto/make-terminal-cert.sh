#!/usr/bin/env bash
# Certificates for free-area sync over MQTT with TLS (deploy/mosquitto/README.md).
#
#   make-terminal-cert.sh [-d DIR] [-y DAYS] ca
#       a CA (DIR/ca.key, DIR/ca.crt), unless one exists
#   make-terminal-cert.sh [-d DIR] [-y DAYS] broker NAME [NAME...]
#       the broker's server certificate; each NAME (host name or IP address) goes in the SAN
#   make-terminal-cert.sh [-d DIR] [-y DAYS] client ID
#       a client certificate with CN = ID: the terminal ID, or "office" for the office
#
# Keys are EC P-256 and written with mode 600. DIR defaults to ./certs, DAYS to 825.
set -euo pipefail

dir=./certs
days=825

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

while getopts "d:y:h" opt; do
  case "$opt" in
    d) dir=$OPTARG ;;
    y) days=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
command=$1
shift

mkdir -p "$dir"
umask 077

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

require_ca() {
  if [ ! -f "$dir/ca.key" ] || [ ! -f "$dir/ca.crt" ]; then
    echo "no CA in $dir: run '$0 -d $dir ca' first" >&2
    exit 1
  fi
}

# Signs DIR/NAME.csr with the CA into DIR/NAME.crt, with the extensions in $2.
sign() {
  local name=$1 extensions=$2
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile <(printf '%s\n' "$extensions") -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr"
  chmod 644 "$dir/$name.crt"
  echo "$dir/$name.crt"
}

case "$command" in
  ca)
    if [ -f "$dir/ca.key" ]; then
      echo "$dir/ca.crt exists; keeping it"
      exit 0
    fi
    new_key "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -sha256 -days "$days" -subj "/CN=free-area sync CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "$dir/ca.crt"
    chmod 644 "$dir/ca.crt"
    echo "$dir/ca.crt"
    ;;
  broker)
    [ $# -ge 1 ] || usage
    require_ca
    san=""
    for name in "$@"; do
      if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then entry="IP:$name"; else entry="DNS:$name"; fi
      san="${san:+$san,}$entry"
    done
    new_key "$dir/broker.key"
    openssl req -new -key "$dir/broker.key" -subj "/CN=$1" -out "$dir/broker.csr"
    sign broker "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san"
    ;;
  client)
    [ $# -eq 1 ] || usage
    id=$1
    # The ID becomes an MQTT topic level through the ACL: no wildcards, no separators.
    if [[ ! $id =~ ^[A-Za-z0-9._-]{1,64}$ ]]; then
      echo "not a terminal ID: $id (letters, digits, dot, dash, underscore; at most 64)" >&2
      exit 1
    fi
    require_ca
    new_key "$dir/$id.key"
    openssl req -new -key "$dir/$id.key" -subj "/CN=$id" -out "$dir/$id.csr"
    sign "$id" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
    ;;
  *)
    usage
    ;;
esac
