"""The long API fuzz run: tests/security/test_fuzz_api.py with a larger budget, on SQLite and
PostgreSQL.

`make test` runs every operation of /api/openapi.json with a few examples per generation
mode (positive and negative) and a fixed seed. This runs the same test with more examples,
so rarer inputs are reached; a failure prints the request that reproduces it (curl).

    .venv/bin/python benchmarks/fuzz_api.py [--examples 200] [--sqlite-only] [-k PATTERN]
        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

The seed stays fixed (derandomized); change the budget to explore further.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def run(examples: int, database: str | None, pattern: str | None) -> tuple[int, float]:
    env = dict(os.environ, FUZZ_EXAMPLES=str(examples))
    env.pop("TEST_DATABASE_URL", None)
    if database:
        env["TEST_DATABASE_URL"] = database
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
               "tests/security/test_fuzz_api.py"]  # fmt: skip
    if pattern:
        command += ["-k", pattern]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    return result.returncode, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="examples per mode per operation")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("-k", dest="pattern", help="only operations matching (pytest -k)")
    args = parser.parse_args()
    targets = [("SQLite", None)] + ([] if args.sqlite_only else [("PostgreSQL", args.pg_url)])
    failed = False
    for name, database in targets:
        code, seconds = run(args.examples, database, args.pattern)
        print(f"fuzz {name}: {args.examples} examples/mode/operation, exit {code}, {seconds:.0f} s")
        failed |= code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
