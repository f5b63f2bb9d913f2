#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and trials, listening only on 127.0.0.1.
#   scripts/postgres.sh start <dir>   create and start a cluster in <dir>; print its CSCW_PG_* settings
#   scripts/postgres.sh stop <dir>    stop it (the caller removes <dir>)
#
# start creates a database `cscw` owned by the loader role `cscw_loader` (which may create more
# databases, so each test can have its own) and a login role `cscw_analyst` with nothing granted
# yet: the dbt build grants the analyst what it may read. Both
# passwords are generated here, per cluster, and only printed. Installs Debian's `postgresql` package
# when no server is installed. PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` user and <dir> is handed to it.
set -euo pipefail

usage() { echo "usage: $0 start|stop <dir>" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && [ -x "$found/pg_ctl" ] && echo "$found"
}

install_server() {
  echo "postgres.sh: installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Only the binaries are wanted: no main cluster started on port 5432 beside ours.
  mkdir -p /etc/postgresql-common
  grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
    || echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf
  # Keep that local setting if the package asks about it, rather than waiting for an answer.
  export UCF_FORCE_CONFFOLD=1
  local options=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  apt-get install "${options[@]}" postgresql >&2 \
    || { apt-get update -q >&2 && apt-get install "${options[@]}" postgresql >&2; }
}

if [ "$(id -u)" = 0 ]; then
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi

case "$action" in
  start)
    bin=$(find_bin || true)
    if [ -z "$bin" ]; then
      [ "$(id -u)" = 0 ] || { echo "postgres.sh: no PostgreSQL server installed and not root to install it" >&2; exit 1; }
      install_server
      bin=$(find_bin)
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
    as_server test -w "$dir" || { echo "postgres.sh: the server user cannot write $dir" >&2; exit 1; }

    superuser=$(as_server id -un)
    loader_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
    analyst_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

    # Local (socket) connections stay inside <dir>, which only the server user can enter; TCP needs a password.
    as_server "$bin/initdb" --pgdata "$dir/data" --username "$superuser" --encoding UTF8 --locale C.UTF-8 \
      --auth-local trust --auth-host scram-sha-256 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # Throwaway data: durability off for speed; two cores, so no parallel workers fighting dbt's threads.
    as_server "$bin/pg_ctl" --pgdata "$dir/data" --log "$dir/server.log" --wait --timeout 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_parallel_workers_per_gather=0 -c work_mem=64MB" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }

    as_server "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$superuser" -d postgres \
      -v loader_password="$loader_password" -v analyst_password="$analyst_password" >/dev/null <<'SQL'
create role cscw_loader login createdb password :'loader_password';
create role cscw_analyst login password :'analyst_password';
create database cscw owner cscw_loader;
SQL
    cat <<EOF
CSCW_PG_HOST=127.0.0.1
CSCW_PG_PORT=$port
CSCW_PG_DATABASE=cscw
CSCW_PG_USER=cscw_loader
CSCW_PG_PASSWORD=$loader_password
CSCW_PG_ANALYST_USER=cscw_analyst
CSCW_PG_ANALYST_PASSWORD=$analyst_password
EOF
    ;;
  stop)
    bin=$(find_bin)
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_server "$bin/pg_ctl" --pgdata "$dir/data" --mode fast --wait stop >/dev/null
    ;;
  *)
    usage
    ;;
esac
