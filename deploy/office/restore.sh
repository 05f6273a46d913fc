#!/usr/bin/env bash
# Restores a dump made by backup.sh into a NEW database, leaving the current one untouched:
#
#   restore.sh [-O] DUMP NEWDB
#
#   -O   give the restored objects to the user running the restore instead of their
#        original owners, and skip the dump's grants (for a restore without superuser rights)
#
# NEWDB must not exist yet. The restore runs in one transaction and stops at the first error,
# so NEWDB ends up either complete or empty. Then come the database-level settings of
# postgres-setup.sql, which pg_dump does not carry (CONNECT, and the roles' search_path set to
# FA_SCHEMA, default fa_office), for the roles FA_OFFICE_ROLE and FA_REPORT_ROLE (default
# fa_office, fa_report) where they exist; and the row count of every table, to compare with
# the source. Switching the office to NEWDB is a separate, deliberate step
# (deploy/office/README.md).
#
# The connection comes from libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD or
# ~/.pgpass); run as the postgres user to keep the original owners.
set -euo pipefail

no_owner=()
while getopts "Oh" opt; do
  case "$opt" in
    O) no_owner=(--no-owner --no-privileges) ;;
    *)
      sed -n '4,8s/^# \{0,1\}//p' "$0" >&2
      exit 2
      ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n '4,8s/^# \{0,1\}//p' "$0" >&2; exit 2; }
dump=$1
db=$2
office_role=${FA_OFFICE_ROLE:-fa_office}
report_role=${FA_REPORT_ROLE:-fa_report}
schema=${FA_SCHEMA:-fa_office}
[ -r "$dump" ] || { echo "restore.sh: cannot read $dump" >&2; exit 1; }
[[ $db =~ ^[A-Za-z0-9_]+$ ]] || { echo "restore.sh: use letters, digits and _ for the new database's name: $db" >&2; exit 2; }

psql_admin() { psql --no-psqlrc --no-password --quiet --set=ON_ERROR_STOP=1 --dbname="${PGDATABASE:-postgres}" "$@"; }

pg_restore --list "$dump" >/dev/null
exists=$(psql_admin --tuples-only --no-align --set=db="$db" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db'")
[ "$exists" = 0 ] || { echo "restore.sh: database $db exists; restore into a new one" >&2; exit 1; }

createdb --no-password --template=template0 --encoding=UTF8 "$db"
if ! pg_restore --no-password --exit-on-error --single-transaction "${no_owner[@]}" --dbname="$db" "$dump"; then
  echo "restore.sh: the restore failed and was rolled back; $db is empty (dropdb $db to retry)" >&2
  exit 1
fi

psql_admin --set=db="$db" --set=office="$office_role" --set=report="$report_role" --set=schema="$schema" <<'SQL'
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO %I', :'db', :'office')
WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = :'office') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'report')
WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = :'report') \gexec
-- Per-database role settings need a superuser; without one the roles name the schema themselves.
SELECT format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', rolname, :'db', :'schema')
FROM pg_roles
WHERE rolname IN (:'office', :'report') AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) \gexec
SQL

echo "restored $dump into $db; rows per table:"
psql --no-psqlrc --no-password --quiet --set=ON_ERROR_STOP=1 --dbname="$db" --tuples-only --no-align --field-separator=' ' <<'SQL' |
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I', table_schema || '.' || table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY table_schema, table_name \gexec
SQL
  sed 's/^/  /'
