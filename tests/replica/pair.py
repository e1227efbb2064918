"""The replica pair of scripts/standby.sh as the tests see it: its addresses, statements
run on it, stopping and starting its standby, waiting for the standby to catch up, and a
record of where each statement ran."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PG_URL, run_sql
from tests.workers import wait_until

PRIMARY_URL = os.environ.get(
    "TEST_REPLICA_PRIMARY_URL", "postgresql://postgres@127.0.0.1:5433/postgres"
)
STANDBY_URL = os.environ.get(
    "TEST_REPLICA_STANDBY_URL", "postgresql://postgres@127.0.0.1:5434/postgres"
)
# Where scripts/standby.sh keeps the standby (a fixed path, made and owned by postgres).
STANDBY_DATA = os.environ.get(
    "TEST_REPLICA_STANDBY_DATA",
    "/var/tmp/creditsvc-replica/standby",  # noqa: S108
)

# Each test module here is marked with it.
POSTGRESQL_ONLY = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has no standbys")


def answers(url: str) -> bool:
    try:
        run_sql(url, "SELECT 1")
    except Exception:
        return False
    return True


CHECKS = ("pg_current_wal_lsn", "pg_last_wal_replay_lsn")  # creditsvc.replicas' lag checks


class Statements:
    """Where each statement sent through SQLAlchemy ran, by the server's port."""

    def __init__(self) -> None:
        self.seen: list[tuple[int | None, str]] = []
        self._lock = threading.Lock()

    def _note(self, conn, _cursor, statement, *_args) -> None:
        with self._lock:
            self.seen.append((conn.engine.url.port, statement))

    def ports(self) -> set[int | None]:
        """The ports statements ran on, but the lag checks' (they ask both, by design)."""
        with self._lock:
            return {port for port, sql in self.seen if not any(c in sql for c in CHECKS)}

    def clear(self) -> None:
        with self._lock:
            self.seen.clear()


def as_postgres(*command: str) -> None:
    """Run a server command as the postgres OS user, as scripts/standby.sh does."""
    bin_dir = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"
    argv = [str(bin_dir / command[0]), *command[1:]]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    elif os.environ.get("USER") != "postgres":
        argv = ["sudo", "-n", "-u", "postgres", *argv]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)  # noqa: S603 - ours


def stop_standby() -> None:
    as_postgres("pg_ctl", "-D", STANDBY_DATA, "-m", "fast", "-w", "stop")


def start_standby() -> None:
    if not answers(STANDBY_URL):
        as_postgres("pg_ctl", "-D", STANDBY_DATA, "-l", f"{STANDBY_DATA}.log", "-w", "start")
    wait_until("the standby back", lambda: answers(STANDBY_URL))


def caught_up(primary: str, standby: str) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    position = run_sql(primary, "SELECT pg_current_wal_lsn()::text")
    replayed = "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), CAST(:position AS pg_lsn)) >= 0"
    wait_until("the standby caught up", lambda: run_sql(standby, replayed, position=position))
    time.sleep(0.05)
