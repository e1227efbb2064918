"""Drill: the documented backup and restore (docs/deployment.md), on a private cluster.

A demo city is loaded into a throw-away PostgreSQL cluster, dumped with `pg_dump
--format=custom`, restored with `pg_restore` into an empty database and migrated with
`creditsvc db upgrade`; the row counts must match and the audit log must still refuse
deletes. Nothing else on the machine is touched.

    .venv/bin/python benchmarks/drills/backup_restore.py [--merchants 300]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_restart import Cluster, cli, pg_bin  # noqa: E402

TABLES = ("merchants", "inspections", "complaints", "readings", "audit_log")


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def audit_refuses_delete(url: str) -> bool:
    with psycopg.connect(url) as conn:
        try:
            conn.execute("DELETE FROM audit_log")
        except psycopg.Error:
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchants", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="creditsvc-backup-drill-"))
    cluster = Cluster(root)
    cluster.init()
    cluster.start()
    try:
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE drill")
            conn.execute("CREATE DATABASE restored")
        env = dict(os.environ, DATABASE_URL=cluster.url("drill"), STORAGE_DIR=str(root / "s"),
                   SECRET_KEY=secrets.token_hex(16), REDIS_URL="",
                   PERSONAL_DATA_KEY=Fernet.generate_key().decode())  # fmt: skip
        cli(env, "db", "upgrade")
        cli(env, "demo", "--merchants", str(args.merchants))
        dump = root / "creditsvc.dump"
        runas = ["runuser", "-u", "postgres", "--"] if cluster.as_postgres else []
        subprocess.run([*runas, pg_bin("pg_dump"), "--format=custom", "--no-owner",  # noqa: S603
                        f"--file={dump}", cluster.url("drill")], check=True)  # fmt: skip
        subprocess.run([*runas, pg_bin("pg_restore"), "--no-owner",  # noqa: S603
                        f"--dbname={cluster.url('restored')}", str(dump)], check=True)  # fmt: skip
        cli(dict(env, DATABASE_URL=cluster.url("restored")), "db", "upgrade")
        before, after = counts(cluster.url("drill")), counts(cluster.url("restored"))
        refused = audit_refuses_delete(cluster.url("restored"))
        print(f"dump: {dump.stat().st_size} bytes; rows {before}")
        print(f"restored rows equal: {before == after}; audit log refuses DELETE: {refused}")
        return 0 if before == after and refused else 1
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
