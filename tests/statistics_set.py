"""A small constructed set for the statistics refresh and the pages that read it: three
businesses in two districts, their snapshots across three Shanghai months, re-weighs on
either side of a month's first midnight, and notices published or not."""

from __future__ import annotations

from datetime import date, timedelta

from creditsvc.extensions import db
from creditsvc.models import Notice, ScoreSnapshot
from creditsvc.months import Month
from tests.factories import reading

XUHUI, JINGAN = "310104", "310106"


def snapshot(merchant, as_of: date, grade: str | None) -> None:
    db.session.add(
        ScoreSnapshot(
            merchant_id=merchant.id,
            as_of=as_of,
            policy_version=1,
            rated=grade is not None,
            score=None,
            grade=grade,
            reasons=[],
            inputs_hash="x" * 64,
        )
    )


def notice(kind: str, district: str, published_on: date | None) -> None:
    db.session.add(
        Notice(
            kind=kind,
            district_code=district,
            status="published" if published_on else "draft",
            title="测试文书",
            as_of=published_on or date(2026, 1, 1),
            created_by="test",
            published_on=published_on,
        )
    )


def build(world, today: date) -> dict:
    """The set, relative to `today`; returns the months and the businesses."""
    month = Month.of_day(today)
    this, last, older = (month.plus(-i).first_day for i in range(3))
    market = world.market(XUHUI)
    device, _caller, _token = world.device(market, "STAT-1")
    x1 = world.merchant(XUHUI, market=market)
    x2 = world.merchant(XUHUI, market=market)
    j1 = world.merchant(JINGAN)
    world.merchant(JINGAN)  # never scored: counted nowhere
    snapshot(x1, older + timedelta(days=3), "B")
    snapshot(x1, last + timedelta(days=5), "A")
    snapshot(x2, last + timedelta(days=1), "C")
    snapshot(x2, last + timedelta(days=2), "D")  # the month's last: D, not C
    snapshot(x2, this, None)  # unrated this month
    snapshot(j1, this, "A")
    midnight = month.start
    db.session.add_all(
        [
            reading(device, x1, 1, midnight - timedelta(days=3), "within"),
            reading(device, x1, 2, midnight - timedelta(minutes=1), "within"),  # last month
            reading(device, x1, 3, midnight + timedelta(minutes=1), "short"),
            reading(device, x2, 4, midnight + timedelta(minutes=2), "not_assessable"),
        ]
    )
    notice("exposure", XUHUI, this)
    notice("honor_roll", JINGAN, last)
    notice("honor_roll", JINGAN, last)
    notice("exposure", XUHUI, None)  # a draft: never published
    db.session.commit()
    return {"this": this, "last": last, "older": older, "x1": x1, "x2": x2, "j1": j1}
