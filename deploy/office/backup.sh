#!/usr/bin/env bash
# Backs up the office database: pg_dump in its custom format (compressed; pg_restore can pick
# tables from it), checked with pg_restore --list, and dumps older than the retention deleted.
#
#   backup.sh [-d DIR] [-k DAYS] [DBNAME]
#
#   -d DIR   where dumps go (default /var/lib/fa-office-backups); files DBNAME-YYYYmmddTHHMMSSZ.dump
#   -k DAYS  keep dumps for DAYS days (default 35); the newest dump is never deleted
#   DBNAME   default $PGDATABASE, else fa
#
# The connection comes from libpq's environment: PGHOST, PGPORT, PGUSER, and PGPASSWORD or
# ~/.pgpass. Run as the postgres user (peer authentication), or as the read-only report role
# made by postgres-setup.sql, which may read everything pg_dump needs. A dump is written to a
# .partial file and renamed only once complete and readable, so DIR never holds a torn dump.
set -euo pipefail

dir=/var/lib/fa-office-backups
keep_days=35

usage() {
  sed -n '5,9s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

while getopts "d:k:h" opt; do
  case "$opt" in
    d) dir=$OPTARG ;;
    k) keep_days=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
db=${1:-${PGDATABASE:-fa}}
[[ $keep_days =~ ^[0-9]+$ ]] || usage
[[ $db =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "backup.sh: not a database name: $db" >&2; exit 2; }

umask 077
mkdir -p "$dir"
file=$dir/$db-$(date -u +%Y%m%dT%H%M%SZ).dump
partial=$file.partial
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --compress=6 --no-password --dbname="$db" --file="$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$file"
echo "$file ($(du -h "$file" | cut -f1))"

# Retention: by age, never the newest dump.
newest=$(find "$dir" -maxdepth 1 -name "$db-*.dump" -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
find "$dir" -maxdepth 1 -name "$db-*.dump" -mtime +"$keep_days" ! -path "$newest" -print -delete |
  sed 's/^/deleted /'
