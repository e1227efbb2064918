"""Factories: a small city (streets, markets, merchants, fair scales, people with tokens),
the evidence and notices recorded for it through the API, and a browser session's log-in.

One way to make each thing: a test that needs another shape passes parameters here
instead of writing its own copy. The `world` fixture (conftest.py) is a `World`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask

from creditsvc import clock
from creditsvc.auth import SESSION_KEY
from creditsvc.extensions import db
from creditsvc.models import (
    ApiToken,
    BrowserSession,
    Device,
    Market,
    Merchant,
    Reading,
    Street,
    Void,
)
from creditsvc.principals import hash_token
from creditsvc.services.accounts import users as accounts
from creditsvc.uscc import make as make_uscc

PASSWORD = "correct horse battery"
TODAY = clock.today()
# A fair scale's verification in the factories: due a year ahead (issue 20: a reading from
# a scale past due, or with nothing on record, is not assessable).
VERIFIED_UNTIL = TODAY + timedelta(days=365)
# A demo city small enough to load and train the risk model on in seconds, with three
# inspections per merchant over the three years so that each merchant's history says
# something about it.
TRAINING_CITY = {
    "merchants": 1500,
    "seed": 2017,
    "inspections": 4500,
    "complaints": 1500,
    "readings": 60_000,
}


# The city and its people ----------------------------------------------------------------


@dataclass
class Caller:
    """A test client that sends one principal's bearer token."""

    client: object
    token: str | None
    username: str | None = None
    # Makes another user of the same role and scope (four eyes: one drafts, one approves).
    make_colleague: Callable[[], Caller] | None = None

    def colleague(self) -> Caller:
        assert self.make_colleague is not None, "only a user made by World has colleagues"
        return self.make_colleague()

    def _headers(self, headers):
        merged = dict(headers or {})
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        return merged

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url, **kw):
        return self.client.patch(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


class World:
    """Factories for a small city: streets, markets, merchants, fair scales, users with tokens."""

    XUHUI, JINGAN = "310104", "310106"

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self._serial = 0

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def street(self, district: str = XUHUI, name: str | None = None) -> Street:
        street = Street(district_code=district, name=name or f"测试街道{self._next()}")
        db.session.add(street)
        db.session.commit()
        return street

    def market(self, district: str = XUHUI, name: str | None = None) -> Market:
        market = Market(district_code=district, name=name or f"测试菜市场{self._next()}")
        db.session.add(market)
        db.session.commit()
        return market

    def uscc(self, entity_type: str = "2") -> str:
        return make_uscc("9", entity_type, "310000", f"{self._next():09d}")

    def merchant(self, district: str = XUHUI, market: Market | None = None, **kw) -> Merchant:
        merchant = Merchant(
            uscc=kw.pop("uscc", None) or self.uscc(),
            name=kw.pop("name", f"测试商户{self._serial}"),
            trade=kw.pop("trade", "market_stall"),
            district_code=district,
            market_id=market.id if market else None,
            **kw,
        )
        db.session.add(merchant)
        db.session.commit()
        return merchant

    def device(
        self,
        market: Market,
        serial: str,
        high_accuracy: bool = False,
        verification_due: date | None = VERIFIED_UNTIL,
    ) -> tuple[Device, Caller, ApiToken]:
        """A fair scale (公平秤) in `market`, its device token, and a Caller sending the token.
        It is verified until a year from today unless `verification_due` says otherwise
        (None: nothing on record)."""
        device = Device(
            serial=serial,
            market_id=market.id,
            high_accuracy=high_accuracy,
            verification_due=verification_due,
        )
        db.session.add(device)
        db.session.commit()
        row, token = accounts.issue_device_token("test", device)
        db.session.commit()
        return device, Caller(self.client, token), row

    def user(self, role: str, **scope) -> Caller:
        """A user of `role` (district=, merchant=, market=) and a Caller with its token."""
        user = accounts.create_user(
            "test", username=f"{role}{self._next()}", password=PASSWORD, role=role, **scope
        )
        _, token = accounts.issue_user_token("test", user)
        db.session.commit()
        return Caller(self.client, token, user.username, lambda: self.user(role, **scope))

    def city(self) -> Caller:
        return self.user("city")

    def district(self, code: str = XUHUI) -> Caller:
        return self.user("district", district=code)

    def host(self, market: Market) -> Caller:
        return self.user("host", market=market.id)

    def merchant_user(self, merchant: Merchant) -> Caller:
        return self.user("merchant", merchant=merchant.uscc)

    def anonymous(self) -> Caller:
        return Caller(self.client, None)

    def role(self, who: str, merchant: Merchant | None = None, market: Market | None = None):
        """One caller named as the tables of who-may-do-what name them: `district` is a
        Xuhui officer and `other_district` a Jing'an one, `host` hosts `market` (else a new
        market), `merchant` is the user of `merchant`. Only that one caller is made."""
        make: dict[str, Callable[[], Caller]] = {
            "anonymous": self.anonymous,
            "city": self.city,
            "district": self.district,
            "other_district": lambda: self.district(self.JINGAN),
            "host": lambda: self.host(market or self.market()),
            "merchant": lambda: self.merchant_user(merchant),
            "association": lambda: self.user("association"),
        }
        return make[who]()


# Evidence ---------------------------------------------------------------------------------


def inspect(
    world: World,
    merchant: Merchant,
    findings: Iterable[str] = (),
    on: date = TODAY,
    penalty: dict | None = None,
    officer: Caller | None = None,
) -> int:
    """A routine inspection of `merchant` by 张三, posted by `officer` (else a new district
    officer of the merchant's district); returns its id. A finding is a catalogue code, or
    `CODE:severity` to set its severity, as in the import sheet."""
    body: dict[str, Any] = {
        "merchant": merchant.uscc,
        "inspected_on": on.isoformat(),
        "kind": "routine",
        "officers": ["张三"],
        "findings": [_finding(f) for f in findings],
    }
    if penalty:
        body["penalty"] = penalty
    officer = officer or world.district(merchant.district_code)
    response = officer.post("/api/v1/inspections", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def _finding(text: str) -> dict[str, str]:
    code, _, severity = text.partition(":")
    return {"code": code, "severity": severity} if severity else {"code": code}


def complain(
    officer: Caller,
    merchant: Merchant,
    on: date = TODAY,
    channel: str = "12345",
    allegation: str = "短秤",
    **fields: str,
) -> int:
    """A complaint about `merchant` received on `on`, recorded by `officer`; returns its id.
    `contact=` gives the complainant's contact."""
    body = {
        "merchant": merchant.uscc,
        "channel": channel,
        "received_on": on.isoformat(),
        "allegation": allegation,
        **fields,
    }
    response = officer.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def substantiate(officer: Caller, complaint_id: int, reason: str = "现场核实") -> None:
    """Move a complaint through verification to substantiated."""
    for to in ("verifying", "substantiated"):
        response = officer.post(
            f"/api/v1/complaints/{complaint_id}/transitions", json={"to": to, "reason": reason}
        )
        assert response.status_code in (200, 201), response.json


# Readings and voids, as stored ------------------------------------------------------------


def reading(device, merchant, seq: int, at, verdict: str = "within", **fields) -> Reading:
    """A re-weigh of 500 g as stored (not yet added): 20 g short when its verdict is short."""
    short = verdict == "short"
    return Reading(
        device_id=device.id,
        seq=seq,
        merchant_id=merchant.id,
        measured_at=at,
        received_at=at,
        category="vegetable",
        settled_g=500,
        measured_g=480 if short else 500,
        k=2,
        shortfall_g=20 if short else 0,
        verdict=verdict,
        **fields,
    )


def void(kind: str, evidence_id: int, merchant_id: int, reason: str) -> Void:
    """A record voided by an officer, as stored (not yet added)."""
    return Void(
        evidence_kind=kind,
        evidence_id=evidence_id,
        merchant_id=merchant_id,
        reason=reason,
        actor="test",
    )


# Notices ----------------------------------------------------------------------------------


def penalise(world, merchant, number, decided_on=TODAY, fine="5000", **penalty):
    """An inspection with a finding and a penalty decision; returns the inspection id."""
    findings = penalty.pop("findings", ("SHORT_RETAIL",))
    decision = {
        "decision_number": number,
        "decided_on": decided_on.isoformat(),
        "procedure": penalty.pop("procedure", "ordinary"),
        "fine_yuan": fine,
        **penalty,
    }
    return inspect(world, merchant, findings, on=decided_on, penalty=decision)


def draft(officer, **body):
    response = officer.post("/api/v1/notices", json={"district": "310104", **body})
    assert response.status_code == 201, response.json
    return response.json


def exposure_body(start=TODAY - timedelta(days=60), end=TODAY):
    return {"kind": "exposure", "period_start": start.isoformat(), "period_end": end.isoformat()}


def approve(officer, notice_id):
    """A colleague of `officer` (who drafted it) approves the notice: four eyes."""
    response = officer.colleague().post(f"/api/v1/notices/{notice_id}/approve")
    assert response.status_code == 200, response.json
    return response.json


PUBLISH = {"confirm": True}  # the officer has read what goes public


def publish(officer, body):
    """Draft, have a colleague approve, and publish; returns the published notice."""
    notice = draft(officer, **body)
    approve(officer, notice["id"])
    response = officer.post(f"/api/v1/notices/{notice['id']}/publish", json=PUBLISH)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "published"
    return response.json


# Browser sessions -------------------------------------------------------------------------


def csrf_token(client, url):
    page = client.get(url).get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def login(client, username, password=PASSWORD):
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def session_row(client) -> BrowserSession:
    """The server's row of the browser session that `client`'s cookie names."""
    with client.session_transaction() as cookie:
        secret = cookie[SESSION_KEY]
    return db.session.get(BrowserSession, hash_token(secret))


# The holiday calendar -----------------------------------------------------------------------

# A name no State Council notice uses: a year loaded by a test is marked as test data.
TEST_CALENDAR_NAME = "测试数据"


def ordinary_weeks_csv(year: int, holidays: Iterable[date] = ()) -> bytes:
    """TEST DATA, not the State Council's notice: every day of `year` as an ordinary week
    (weekdays worked, weekends rest), `holidays` marked as days off named 测试数据."""
    off = set(holidays)
    lines = ["date,kind,name"]
    day = date(year, 1, 1)
    while day.year == year:
        if day in off:
            lines.append(f"{day},holiday,{TEST_CALENDAR_NAME}")
        else:
            lines.append(f"{day},{'rest' if day.weekday() >= 5 else 'workday'},")
        day += timedelta(days=1)
    return ("\n".join(lines) + "\n").encode()


def load_test_calendar(world: World, year: int, holidays: Iterable[date] = ()) -> None:
    """Load a TEST calendar for `year` through the city officer's loader (the console's)."""
    from creditsvc.principals import CITY, Principal
    from creditsvc.services import calendar

    user = accounts.create_user(
        "test", username=f"calendar{world._next()}", password=PASSWORD, role=CITY
    )
    calendar.load_year(Principal(role=CITY, user=user), year, ordinary_weeks_csv(year, holidays))
    db.session.commit()
