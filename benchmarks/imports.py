"""Spreadsheet imports at the largest size allowed against a bare COPY of the same rows
(issue 17).

    .venv/bin/python benchmarks/imports.py [--rows 200000] [--kinds merchants,inspections]
        [--keep]

Builds a PostgreSQL database `bench_imports` (migrated, nothing else), a city officer, and
for each kind a valid CSV of `--rows` rows, generated here and never kept: merchants spread
over the sixteen districts, then one inspection of each of those merchants, one in ten with
a finding. Each file is imported through the job path, as an rq work horse runs it
(creditsvc.jobs.imports.run_import, in a child process of its own so that its peak RSS is
the import's), and timed from the claim to the status row's "done". The lower bound is one
bare COPY of the same rows into the same table (and nothing else: no checks, no audit),
rolled back, in the same run.
The rescore an import asks for when it ends is left out: on a worker it is a job of its own.
Target: 200,000 rows in under 60 s, with the import's peak memory bounded (not growing with
the rows: compare --rows 50000). Memory is read from /proc: the peak (VmHWM) against the
resident size once the app is ready, before the import starts.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "bench_imports"
URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
OFFICER = "bench-city"
TRADES = ("market_stall", "supermarket", "restaurant")
KINDS = ("日常检查", "双随机抽查", "专项检查")


def admin(sql: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def app():
    from creditsvc import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None})


def build() -> list[str]:
    """A migrated database with one city officer; returns the district codes."""
    admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB}")
    env = {"DATABASE_URL": URL, "PATH": str(ROOT / ".venv/bin") + ":/usr/bin:/bin"}
    subprocess.run(  # noqa: S603 - the project's own flask
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    from creditsvc.extensions import db
    from creditsvc.services.accounts import users as accounts

    with app().app_context():
        accounts.create_user(
            "bench",
            username=OFFICER,
            password="bench import officer",  # noqa: S106 - a throwaway benchmark account
            role="city",
        )
        db.session.commit()
        return list(db.session.scalars(text("SELECT code FROM districts ORDER BY code")))


def merchants_csv(rows: int, districts: list[str]) -> tuple[bytes, list[str]]:
    from creditsvc.uscc import make

    usccs = [make("9", "2", "310000", f"{i:09d}") for i in range(1, rows + 1)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["统一社会信用代码", "名称", "行业", "所在区", "地址"])
    for i, uscc in enumerate(usccs):
        district = districts[i % len(districts)]
        writer.writerow([uscc, f"商户{i:06d}", TRADES[i % 3], district, f"某路{i % 2000}号"])
    return out.getvalue().encode(), usccs


def inspections_csv(usccs: list[str]) -> bytes:
    rng = random.Random(17)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["统一社会信用代码", "检查日期", "检查类型", "检查人员", "违法行为代码"])
    start = date.today() - timedelta(days=300)
    for i, uscc in enumerate(usccs):
        day = start + timedelta(days=rng.randrange(300))
        finding = "UNVERIFIED" if i % 10 == 0 else ""
        writer.writerow([uscc, day.isoformat(), KINDS[i % 3], "张三、李四", finding])
    return out.getvalue().encode()


def import_in_child(kind: str, data: bytes) -> dict:
    """Store the upload and open its status row as `start_import` does, then run the job
    in a child process of its own (as an rq work horse) and read its figures."""
    from creditsvc.extensions import db
    from creditsvc.imports import runner
    from creditsvc.models import User
    from creditsvc.principals import Principal
    from creditsvc.services import jobruns

    with app().app_context():
        user = db.session.scalar(text("SELECT id FROM users WHERE username = :u"), {"u": OFFICER})
        user = db.session.get(User, user)
        run_id = jobruns.create(Principal(role=user.role, user=user), f"import:{kind}").id
        db.session.commit()
        path = runner.upload_path(run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        child = subprocess.run(  # noqa: S603 - this script, no shell
            [sys.executable, __file__, "--child", run_id],
            cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
    finally:
        path.unlink(missing_ok=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def _memory_mib(field: str) -> float:
    """This process's resident memory now (VmRSS) or at its highest (VmHWM), in MiB.
    Not getrusage's ru_maxrss: it keeps the high-water mark from before exec, so the child
    would report the parent's peak, which holds the generated file."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(run_id: str) -> None:
    import os

    from creditsvc.jobs import rescore
    from creditsvc.jobs.imports import run_import
    from creditsvc.services import jobruns

    # Without Redis the rescore the import asks for at its end would run inside the job
    # (on a worker it is a job of its own, queued): it is not the import's time.
    rescore.rescore_soon = lambda: None
    with app().app_context():
        ready_mib = _memory_mib("VmRSS")
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):  # where the time goes, to stderr
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(run_import, run_id)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        else:
            run_import(run_id)
        seconds = time.perf_counter() - started
        run = jobruns.as_left(run_id)
        peak_mib = _memory_mib("VmHWM")
        figures = {"seconds": seconds, "status": run.status, "error": run.error,
                   "result": {k: v for k, v in (run.result or {}).items() if k != "errors"},
                   "first_errors": (run.result or {}).get("errors", [])[:3],
                   "ready_mib": ready_mib, "peak_mib": peak_mib}  # fmt: skip
    print(json.dumps(figures, ensure_ascii=False))


def bare_copy(kind: str, data: bytes) -> float:
    """Seconds of one COPY of the file's rows into the kind's table, rolled back."""
    import psycopg

    rows = list(csv.reader(io.StringIO(data.decode())))[1:]
    now = datetime.now(UTC)
    with psycopg.connect(URL) as conn:
        if kind == "merchants":
            statement = (
                "COPY merchants (uscc, name, trade, district_code, address, created_at,"
                " updated_at) FROM STDIN"
            )
            values = [(u, n, t, d, a, now, now) for u, n, t, d, a in rows]
        else:
            ids = dict(conn.execute("SELECT uscc, id || ',' || district_code FROM merchants"))
            statement = (
                "COPY inspections (merchant_id, district_code, inspected_on, kind, officers,"
                " notes, recorded_by, created_at, updated_at) FROM STDIN"
            )
            values = []
            for uscc, day, _, _, _ in rows:
                merchant_id, district = ids[uscc].split(",")
                values.append((int(merchant_id), district, day, "routine",
                               '["张三", "李四"]', "", "bench", now, now))  # fmt: skip
        started = time.perf_counter()
        with conn.cursor().copy(statement) as copy:
            for row in values:
                copy.write_row(row)
        seconds = time.perf_counter() - started
        conn.rollback()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--kinds", default="merchants,inspections")
    parser.add_argument("--keep", action="store_true", help="do not drop bench_imports")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    districts = build()
    merchants, usccs = merchants_csv(args.rows, districts)
    files = {"merchants": merchants}
    if "inspections" in args.kinds:
        files["inspections"] = inspections_csv(usccs)
    for kind in ("merchants", "inspections"):
        if kind not in files:
            continue
        if kind == "inspections" and "merchants" not in args.kinds:
            raise SystemExit("inspections need the merchants imported first")
        bare = bare_copy(kind, files[kind]) if kind == "merchants" else None
        figures = import_in_child(kind, files[kind])
        if bare is None:
            bare = bare_copy(kind, files[kind])  # needs the merchants just imported
        if figures["status"] != "done":
            raise SystemExit(f"{kind}: the import ended {figures['status']}: {figures}")
        seconds, rows = figures["seconds"], figures["result"]["rows"]
        print(f"{kind}: {rows} rows ({len(files[kind]) / 2**20:.1f} MiB of CSV)")
        print(f"  bare COPY of the same rows: {bare:.2f} s ({rows / bare:,.0f} rows/s)")
        print(f"  import through the job path: {seconds:.2f} s ({rows / seconds:,.0f} rows/s),"
              f" {seconds / bare:.1f}× the bare COPY (target < 60 s)")  # fmt: skip
        print(
            f"  memory of the import process: {figures['ready_mib']:.0f} MiB ready, "
            f"{figures['peak_mib']:.0f} MiB at its peak"
        )
    if not args.keep:
        admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
