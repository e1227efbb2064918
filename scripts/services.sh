#!/usr/bin/env bash
# Start PostgreSQL (127.0.0.1:5432, trust auth for local tests) and Redis
# (127.0.0.1:6379, nothing kept on disk) when they are not already running.
set -euo pipefail

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # A freshly installed cluster asks for passwords on TCP; the test suite connects
  # as postgres without one, on loopback only.
  if ! $SUDO grep -q "creditsvc-tests" "$hba"; then
    printf 'host all all 127.0.0.1/32 trust # creditsvc-tests\nhost all all ::1/128 trust # creditsvc-tests\n' \
      | $SUDO tee /tmp/creditsvc-hba >/dev/null
    $SUDO sh -c "cat '$hba' >> /tmp/creditsvc-hba && cp /tmp/creditsvc-hba '$hba'"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
echo "redis: $(redis-cli -h 127.0.0.1 -p 6379 ping)"
