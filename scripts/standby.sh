#!/usr/bin/env bash
# Start, making them first if need be, a small PostgreSQL pair for the replica tests
# (tests/replica): a primary on 127.0.0.1:5433 and a hot standby of it on 127.0.0.1:5434,
# made with `pg_basebackup -R`, trust auth on loopback (replication included). Idempotent:
# a pair already running is left as it is; one stopped (a reboot) is started again.
#
# A pair of its own rather than a standby of the 5432 cluster: on a developer's machine
# that one holds the benchmark databases, which a base backup would copy whole.
# To rebuild the pair from nothing: stop both (pg_ctl stop) and remove $BASE.
set -euo pipefail

BASE=/var/tmp/creditsvc-replica
PRIMARY_PORT=5433
STANDBY_PORT=5434
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
BIN="/usr/lib/postgresql/$version/bin"

# The server refuses to run as root: everything runs as the postgres OS user.
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres "$@"
  fi
}

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$1"; }

in_recovery() {
  [ "$("$BIN/psql" -h 127.0.0.1 -p "$STANDBY_PORT" -U postgres -d postgres -tAc \
    'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ]
}

start() {  # data directory, port
  ready "$2" && return 0
  as_postgres "$BIN/pg_ctl" -D "$1" -l "$1.log" -w -t 60 start >/dev/null
  for _ in $(seq 1 30); do ready "$2" && return 0; sleep 1; done
  echo "PostgreSQL on port $2 did not start; see $1.log" >&2
  exit 1
}

if ready "$PRIMARY_PORT" && ready "$STANDBY_PORT" && in_recovery; then
  echo "replica pair: primary :$PRIMARY_PORT, standby :$STANDBY_PORT (running)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  mkdir -p "$BASE" && chown postgres:postgres "$BASE"
else
  sudo mkdir -p "$BASE" && sudo chown postgres:postgres "$BASE"
fi

if [ ! -f "$BASE/primary/PG_VERSION" ]; then
  as_postgres "$BIN/initdb" -D "$BASE/primary" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  # Small: the tests make one database of a few MB per run. wal_keep_size lets a standby
  # that a test stopped for a few seconds catch up from the primary's WAL without a slot
  # (a slot would keep WAL for ever once the standby is gone for good).
  as_postgres tee -a "$BASE/primary/postgresql.conf" >/dev/null <<EOF
# creditsvc replica tests (scripts/standby.sh)
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$BASE'
max_connections = 100
shared_buffers = 32MB
wal_level = replica
max_wal_senders = 4
wal_keep_size = 256MB
hot_standby = on
EOF
fi
start "$BASE/primary" "$PRIMARY_PORT"

if [ ! -f "$BASE/standby/PG_VERSION" ]; then
  # -R writes primary_conninfo and standby.signal: the copy starts as a hot standby.
  as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres \
    -D "$BASE/standby" -R -X stream -c fast
  echo "port = $STANDBY_PORT" | as_postgres tee -a "$BASE/standby/postgresql.conf" >/dev/null
fi
start "$BASE/standby" "$STANDBY_PORT"

in_recovery || { echo "the server on :$STANDBY_PORT is not a standby" >&2; exit 1; }
echo "replica pair: primary :$PRIMARY_PORT, standby :$STANDBY_PORT"
