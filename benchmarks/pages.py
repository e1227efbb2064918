"""Web page latency on the demo city: the public site and the merchant portal through
gunicorn, against trivial endpoints in the same run (issue 6; target: under 200 ms).

Run by hand, never in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/pages.py [--merchants 2000] [--requests 40] [--reuse]

It builds the demo city (`creditsvc demo`, the same as `make run`) in a scratch SQLite
file under benchmarks/data/, rescores it, publishes an honor roll, an exposure notice
and a placard of 徐汇区 through the API, then starts gunicorn (2 workers) on a free
loopback port and requests each page one after another from one keep-alive client:
a few warm-up requests, then --requests timed ones. It prints p50, p95 and the slowest
per page, with /favicon.ico (no database) and /healthz (one SELECT) as the floor.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import serving
from sqlalchemy import create_engine, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditsvc.models import (  # noqa: E402
    Community,
    Device,
    InspectionPlan,
    Instrument,
    Market,
    Merchant,
    Notice,
    Objection,
    User,
)

DATA = ROOT / "benchmarks" / "data"
DB_FILE = DATA / "pages.db"
STORAGE = DATA / "pages-storage"
TARGET_MS = 200.0
WARM_UP = 3


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{DB_FILE}",
        STORAGE_DIR=str(STORAGE),
        SECRET_KEY="bench-pages",  # noqa: S106 - a scratch database, thrown away
        PERSONAL_DATA_KEY="HFxGv0S0uXhRk1j7r7pWm3Vb7Yd0xq2j4cGvJt0x8yQ=",
    )
    return env


def build(merchants: int) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    DB_FILE.unlink(missing_ok=True)
    env = environment()
    bin_dir = ROOT / ".venv" / "bin"

    def run(*command: str) -> None:
        # fixed command lines: the project's own tools, no shell
        subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603

    started = time.perf_counter()
    run(str(bin_dir / "flask"), "--app", "wsgi", "db", "upgrade")
    run(str(bin_dir / "creditsvc"), "demo", "--merchants", str(merchants))
    run(str(bin_dir / "creditsvc"), "rescore", "--all")
    print(f"demo city built and rescored in {time.perf_counter() - started:.0f} s")
    publish_documents(env)


def publish_documents(env: dict[str, str]) -> None:
    """An honor roll, an exposure notice and the demo merchant's placard, as an officer."""
    os.environ.update(env)
    from creditsvc import create_app
    from creditsvc.extensions import db
    from creditsvc.services.accounts import users as accounts

    app = create_app()
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.username == "xuhui"))
        merchant = db.session.get(Merchant, merchant_user(app).merchant_id)
        _, token = accounts.issue_user_token("bench", officer)
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        today = date.today()
        bodies = [
            {"kind": "honor_roll"},
            {"kind": "exposure", "period_start": (today - timedelta(days=365)).isoformat(),
             "period_end": today.isoformat()},
            {"kind": "placard", "merchant": merchant.uscc},
        ]  # fmt: skip
        for body in bodies:
            made = client.post("/api/v1/notices", json={"district": "310104", **body},
                               headers=headers)  # fmt: skip
            if made.status_code != 201:
                print(f"  no {body['kind']}: {made.json['message']}")
                continue
            for step in ("approve", "publish"):
                client.post(f"/api/v1/notices/{made.json['id']}/{step}", headers=headers)
        db.session.remove()


def merchant_user(app) -> User:
    from creditsvc.extensions import db

    return db.session.scalar(select(User).where(User.username == "merchant"))


class Client:
    """One keep-alive connection with a cookie jar of one session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Accept": "text/html"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text

    def log_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urlencode({"username": username, "password": password, "csrf_token": token})
        status, _ = self.request("POST", "/login", form)
        if status != 302:
            raise SystemExit(f"log-in as {username} answered {status}")


def time_page(client: Client, path: str, count: int) -> list[float]:
    for _ in range(WARM_UP):
        status, _ = client.request("GET", path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        client.request("GET", path)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def pages() -> list[tuple[str, str, str | None]]:
    """(label, path, whose session it needs: None, "merchant" or "xuhui") of each page."""
    engine = create_engine(f"sqlite:///{DB_FILE}")
    with engine.connect() as conn:
        uscc = conn.scalar(
            select(Merchant.uscc)
            .join(User, User.merchant_id == Merchant.id)
            .where(User.username == "merchant")
        )
        name = conn.scalar(select(Merchant.name).where(Merchant.uscc == uscc))
        # The console's officer is Xuhui's: a business of its own district.
        xuhui_uscc = conn.scalar(
            select(Merchant.uscc).where(Merchant.district_code == "310104").order_by(Merchant.id)
        )
        serial = conn.scalar(select(Notice.serial).where(Notice.kind == "exposure"))
        serial = serial or conn.scalar(select(Notice.serial).where(Notice.serial.is_not(None)))
    engine.dispose()
    found = [
        ("floor: /favicon.ico (no database)", "/favicon.ico", None),
        ("floor: /healthz (one SELECT)", "/healthz", None),
        ("front page", "/", None),
        ("search, no filter (page 1)", "/merchants", None),
        ("search by name", "/merchants?q=" + quote(name[:2]), None),
        ("search by district and grade", "/merchants?district=310104&grade=B", None),
        ("business page (placard QR target)", f"/merchants/{uscc}", None),
        ("notices: honor rolls", "/documents", None),
        ("notices: exposure", "/documents?kind=exposure", None),
        ("businesses on honor rolls", "/honor-roll", None),
        ("demonstrations", "/demonstrations", None),
        ("how grades work", "/grades", None),
        ("merchant portal", "/portal", "merchant"),
        ("console: dashboard", "/console/", "xuhui"),
        ("console: businesses by name", "/console/merchants?q=" + quote(name[:2]), "xuhui"),
        ("console: a business's record", f"/console/merchants/{xuhui_uscc}", "xuhui"),
    ]
    if serial:
        found.insert(12, ("verify a document", f"/verify/{serial}", None))
    return found + work_pages()


def work_pages() -> list[tuple[str, str, str | None]]:
    """The pages of issue 19: the officers' sections, the hosts', the association's and the
    merchant's requests, each as its own demo login sees it."""
    engine = create_engine(f"sqlite:///{DB_FILE}")
    with engine.connect() as conn:

        def first(column, *where):
            return conn.scalar(select(column).where(*where).order_by(column).limit(1))

        objection = first(Objection.id, Objection.district_code == "310104")
        plan = first(InspectionPlan.id, InspectionPlan.district_code == "310104")
        community = first(Community.id)
        market = conn.scalar(
            select(Market.id).join(User.markets).where(User.username == "host").limit(1)
        )
        scale = first(Device.serial, Device.market_id == market)
        instrument = first(Instrument.id, Instrument.district_code == "310104")
    engine.dispose()
    pages = [
        ("console: objections", "/console/objections", "xuhui"),
        ("console: an objection", f"/console/objections/{objection}", "xuhui"),
        ("console: repairs", "/console/repairs", "xuhui"),
        ("console: replies", "/console/replies", "xuhui"),
        ("console: penalty register", "/console/penalties", "xuhui"),
        ("console: plans", "/console/plans", "xuhui"),
        ("console: a plan", f"/console/plans/{plan}", "xuhui"),
        ("console: conflicts", "/console/conflicts", "xuhui"),
        ("console: risk classes", "/console/risk", "xuhui"),
        ("console: communities", "/console/communities", "xuhui"),
        ("console: a community", f"/console/communities/{community}", "xuhui"),
        ("console: demonstration units", "/console/units", "xuhui"),
        ("console: commitments", "/console/commitments", "xuhui"),
        ("console: registry", "/console/registry", "xuhui"),
        ("console: a market", f"/console/markets/{market}", "xuhui"),
        ("console: a fair scale", f"/console/devices/{scale}", "xuhui"),
        ("console: policies", "/console/policies", "xuhui"),
        ("instruments, overdue", "/instruments?due=overdue", "xuhui"),
        ("an instrument", f"/instruments/{instrument}", "xuhui"),
        ("console: accounts (city)", "/console/accounts", "city"),
        ("host: markets", "/host", "host"),
        ("host: a market", f"/host/markets/{market}", "host"),
        ("host: a fair scale", f"/host/devices/{scale}", "host"),
        ("association: nominations", "/association", "xiehui"),
        ("portal: commitment", "/portal/commitment", "merchant"),
        ("portal: credit repair", "/portal/repairs", "merchant"),
        ("notifications", "/account/notifications", "merchant"),
    ]
    return [page for page in pages if "/None" not in page[1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merchants", type=int, default=2000, help="size of the demo city")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="reuse benchmarks/data/pages.db")
    args = parser.parse_args()
    if not (args.reuse and DB_FILE.exists()):
        build(args.merchants)
    port = serving.free_port()
    server = serving.start_gunicorn(port, environment(), workers=2)
    try:
        logins = ("merchant", "xuhui", "city", "host", "xiehui")
        sessions = {None: Client(port)} | {name: Client(port) for name in logins}
        for name in logins:
            sessions[name].log_in(name, "demo-password")
        print(f"\n{'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        worst = 0.0
        for label, path, whose in pages():
            timings = time_page(sessions[whose], path, args.requests)
            p50, p95 = statistics.median(timings), serving.percentile(timings, 0.95)
            if not label.startswith("floor"):
                worst = max(worst, p95)
            print(f"{label:<38} {p50:8.1f} {p95:8.1f} {max(timings):8.1f}")
        verdict = "within" if worst < TARGET_MS else "OVER"
        print(f"\nslowest page p95: {worst:.1f} ms, {verdict} the {TARGET_MS:.0f} ms target")
    finally:
        serving.stop([server], timeout=30)


if __name__ == "__main__":
    main()
