#!/usr/bin/env bash
# Creates OrleansML's PostgreSQL schema (Orleans' clustering, reminder and grain-storage tables and queries), or
# brings it up to date. Running it again is harmless; two hosts running it at once is safe (the script takes a lock).
#
#   create-schema.sh [ENV_FILE [SQL_FILE]]
#
# ENV_FILE (default /etc/orleansml/orleansml.env) supplies ConnectionStrings__cluster, the Npgsql connection string
# the silos use; its Host, Port, Database, Username and Password are handed to psql through PG* variables, so the
# password never appears on a command line. SQL_FILE defaults to the script the silo ships with:
# /opt/orleansml/silo/schema/orleansml-postgresql.sql. Needs psql (Debian: postgresql-client) and PostgreSQL 15+.
# The role needs CREATE on the database (the silos' role may own it; OrleansML needs nothing beyond it).
set -euo pipefail
env_file=${1:-/etc/orleansml/orleansml.env}
sql_file=${2:-/opt/orleansml/silo/schema/orleansml-postgresql.sql}

die() { echo "create-schema.sh: $*" >&2; exit 2; }
[ -r "$env_file" ] || die "cannot read the environment file '$env_file'."
[ -r "$sql_file" ] || die "cannot read the schema script '$sql_file'."
command -v psql >/dev/null || die "psql is not installed (Debian: apt-get install postgresql-client)."

# The last ConnectionStrings__cluster line wins, as in systemd; surrounding quotes are removed.
connection=$(sed -n 's/^[[:space:]]*ConnectionStrings__cluster[[:space:]]*=[[:space:]]*//p' "$env_file" | tail -n 1)
connection=${connection%\"}; connection=${connection#\"}; connection=${connection%\'}; connection=${connection#\'}
[ -n "$connection" ] || die "$env_file sets no ConnectionStrings__cluster."

unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
IFS=';' read -r -a parts <<< "$connection"
for part in "${parts[@]}"; do
  [ -n "${part//[[:space:]]/}" ] || continue
  key=$(printf '%s' "${part%%=*}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')
  value=${part#*=}
  case "$key" in
    host|server) export PGHOST=$value ;;
    port) export PGPORT=$value ;;
    database|db) export PGDATABASE=$value ;;
    username|user|userid) export PGUSER=$value ;;
    password|pwd) export PGPASSWORD=$value ;;
    sslmode) export PGSSLMODE=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]') ;;
  esac
done
[ -n "${PGHOST:-}" ] && [ -n "${PGDATABASE:-}" ] && [ -n "${PGUSER:-}" ] \
  || die "ConnectionStrings__cluster in $env_file must name Host, Database and Username."

echo "applying $sql_file to database $PGDATABASE on $PGHOST:${PGPORT:-5432} as $PGUSER" >&2
psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -f "$sql_file" >/dev/null
echo "schema ready" >&2
