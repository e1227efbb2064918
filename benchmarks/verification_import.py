"""A verification institute's sheet of 10,000 instruments through the import path, against a
bare insert of the same rows (issue 20).

    .venv/bin/python benchmarks/verification_import.py [--rows 10000] [--sqlite]

Builds a database `bench_verification` (PostgreSQL; or a SQLite file with --sqlite),
migrated, with a city officer, 2,500 merchants in the sixteen districts and a market in
each district with 200 numbered stalls. The sheet, generated here and never kept, holds
`--rows` verifications of instruments not registered yet: four in five held by a merchant
(by USCC), the rest by a market (by name within its district) or one of its stalls; one in
twenty failed. It is imported through the job's own path (creditsvc.imports.runner.run,
all rows or none), timed from start to the status row's "done". The lower bound is one
bare insert of the same instruments and records (no checks, no audit, no due dates),
rolled back, in the same run. Target: 10,000 rows in under 30 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "bench_verification"
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
OFFICER = "bench-city"
MERCHANTS = 2500
STALLS = 200
KINDS = ("计价秤", "燃油加油机", "焦度计", "验光仪")


def admin(sql: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def app(url: str):
    from creditsvc import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None})


def build(url: str, sqlite: bool) -> dict:
    """A migrated database with an officer, merchants, a market per district and its stalls."""
    if not sqlite:
        admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        admin(f"CREATE DATABASE {DB}")
    env = {"DATABASE_URL": url, "PATH": str(ROOT / ".venv/bin") + ":/usr/bin:/bin"}
    subprocess.run(  # noqa: S603 - the project's own flask
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    from creditsvc.extensions import db
    from creditsvc.models import Market, Merchant, Stall
    from creditsvc.services.accounts import users as accounts
    from creditsvc.uscc import make

    with app(url).app_context():
        accounts.create_user(
            "bench",
            username=OFFICER,
            password="bench verification officer",  # noqa: S106 - a throwaway account
            role="city",
        )
        districts = list(db.session.scalars(text("SELECT code FROM districts ORDER BY code")))
        now = datetime.now(UTC)
        usccs = [make("9", "2", "310000", f"{i:09d}") for i in range(1, MERCHANTS + 1)]
        db.session.execute(
            insert(Merchant),
            [
                {"uscc": u, "name": f"商户{i:05d}", "trade": "market_stall",
                 "district_code": districts[i % len(districts)], "address": "",
                 "created_at": now, "updated_at": now}
                for i, u in enumerate(usccs)
            ],
        )  # fmt: skip
        markets = [Market(name=f"测试菜市场{d}", district_code=d) for d in districts]
        db.session.add_all(markets)
        db.session.flush()
        db.session.execute(
            insert(Stall),
            [
                {"market_id": m.id, "number": f"A-{n}", "created_at": now, "updated_at": now}
                for m in markets
                for n in range(1, STALLS + 1)
            ],
        )
        db.session.commit()
        return {"districts": districts, "usccs": usccs, "markets": [m.name for m in markets]}


def sheet(rows: int, city: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["出厂编号", "器具类别", "使用单位统一社会信用代码", "所在区", "所在市场", "摊位号",
         "检定证书编号", "检定机构", "检定日期", "检定结论", "有效期至"]
    )  # fmt: skip
    verified = date.today() - timedelta(days=30)
    districts = city["districts"]
    for i in range(rows):
        failed = i % 20 == 19
        due = "" if failed else (verified + timedelta(days=365)).isoformat()
        result = "不合格" if failed else "合格"
        if i % 5:
            holder = [city["usccs"][i % MERCHANTS], "", "", ""]
            kind = KINDS[i % len(KINDS)]
        else:
            d = (i // 5) % len(districts)
            stall = f"A-{(i // 80) % STALLS + 1}" if i % 10 else ""
            holder = ["", districts[d], city["markets"][d], stall]
            kind = "公平秤" if not stall else "计价秤"
        writer.writerow(
            [f"SN-{i:06d}", kind, *holder, f"JD{i:08d}", "上海市计量测试技术研究院",
             verified.isoformat(), result, due]
        )  # fmt: skip
    return out.getvalue().encode()


def run_import(url: str, data: bytes) -> dict:
    from creditsvc.extensions import db
    from creditsvc.imports import runner
    from creditsvc.jobs import rescore
    from creditsvc.models import User
    from creditsvc.principals import Principal
    from creditsvc.services import jobruns

    rescore.rescore_soon = lambda: None  # a job of its own on a worker: not the import's
    with app(url).app_context():
        user_id = db.session.scalar(
            text("SELECT id FROM users WHERE username = :u"), {"u": OFFICER}
        )
        user = db.session.get(User, user_id)
        run_id = jobruns.create(Principal(role=user.role, user=user), "import:verifications").id
        db.session.commit()
        path = runner.upload_path(run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        started = time.perf_counter()
        runner.run(run_id)
        seconds = time.perf_counter() - started
        run = jobruns.as_left(run_id)
        path.unlink(missing_ok=True)
        result = run.result or {}
        return {
            "seconds": seconds,
            "status": run.status,
            "accepted": result.get("accepted"),
            "first_errors": result.get("errors", [])[:3],
        }


def bare_insert(url: str, rows: int) -> float:
    """Seconds of one insert of as many instruments and records (no checks), rolled back."""
    from creditsvc import bulk
    from creditsvc.extensions import db
    from creditsvc.models import Instrument, VerificationRecord

    with app(url).app_context():
        merchant_ids = list(db.session.scalars(text("SELECT id FROM merchants ORDER BY id")))
        now = datetime.now(UTC)
        verified = date.today() - timedelta(days=30)
        started = time.perf_counter()
        ids = bulk.reserve_ids(db.session, Instrument.__table__, rows)
        instruments = [
            {"id": row_id, "merchant_id": merchant_ids[i % len(merchant_ids)], "stall_id": None,
             "market_id": None, "device_id": None, "district_code": "310104",
             "kind": "pricing_scale", "serial": f"BARE-{i:06d}",
             "verification_due": verified + timedelta(days=365), "due_notified_for": None,
             "created_at": now, "updated_at": now}
            for i, row_id in enumerate(ids)
        ]  # fmt: skip
        records = [
            {"instrument_id": row_id, "certificate_number": f"JD{i:08d}",
             "institute": "上海市计量测试技术研究院", "verified_on": verified, "result": "passed",
             "next_due": verified + timedelta(days=365), "recorded_by": "bench",
             "recorded_at": now}
            for i, row_id in enumerate(ids)
        ]  # fmt: skip
        record_ids = bulk.reserve_ids(db.session, VerificationRecord.__table__, rows)
        for record, row_id in zip(records, record_ids, strict=True):
            record["id"] = row_id
        bulk.Loader(db.session).load(
            [(Instrument.__table__, instruments), (VerificationRecord.__table__, records)]
        )
        db.session.flush()
        seconds = time.perf_counter() - started
        db.session.rollback()
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    url = PG_URL
    if args.sqlite:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench_verification.db"
    city = build(url, args.sqlite)
    data = sheet(args.rows, city)
    figures = run_import(url, data)
    bare = bare_insert(url, args.rows)
    database = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"verification import, {args.rows:,} rows, {database}")
    print(f"  import (all checks, audit, due dates): {figures['seconds']:.2f} s "
          f"({figures['status']}, {figures['accepted']} accepted) "
          f"= {args.rows / figures['seconds']:,.0f} rows/s")  # fmt: skip
    if figures["first_errors"]:
        print(f"  first errors: {figures['first_errors']}")
    print(f"  bare insert of the same rows: {bare:.2f} s = {args.rows / bare:,.0f} rows/s")
    print(f"  import / bare: {figures['seconds'] / bare:.1f}x; target: under 30 s")
    if not args.sqlite:
        admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
