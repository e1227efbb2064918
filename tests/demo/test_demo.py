"""The demo city: reproducible from its seed, valid codes, consistent places, demo logins."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from creditsvc.demo import city, names
from creditsvc.demo.plan import (
    ORG_SPACE,
    TRADE_SHARES,
    Layout,
    honesty,
    honesty_block,
    organisation_code,
    plan_city,
)
from creditsvc.extensions import db
from creditsvc.models import (
    TRADES,
    AuditEntry,
    Device,
    Inspection,
    Instrument,
    Market,
    Merchant,
    Stall,
    Street,
    User,
)
from creditsvc.services.accounts import users as accounts
from creditsvc.services.errors import Conflict
from creditsvc.uscc import parse

MERCHANTS = 300
SEED = 7
LOGINS = ("city", "xuhui", "xuhui2", "xiehui", "host", "merchant")
TIMESTAMPS = ("created_at", "updated_at")  # SQLite hands them back without a time zone
# Written after the rows from the inspections loaded (services.evidence.last_inspection),
# not by the generator; test_last_inspection_follows_the_inspections checks it.
DERIVED = ("last_inspected_on",)


def _digest(merchants: int, seed: int) -> str:
    """A hash of every row the generators yield for a city."""
    plan = plan_city(merchants, seed, Layout.fresh())
    digest = hashlib.sha256()
    for _, rows in city.WRITERS:
        for chunk in rows(plan):
            digest.update(json.dumps(chunk, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _without_timestamps(row) -> dict:
    return {key: value for key, value in dict(row).items() if key not in TIMESTAMPS + DERIVED}


def test_same_seed_gives_the_same_city_and_another_seed_another():
    assert _digest(MERCHANTS, SEED) == _digest(MERCHANTS, SEED)
    assert _digest(MERCHANTS, SEED + 1) != _digest(MERCHANTS, SEED)


def test_load_writes_exactly_the_generated_rows(app):
    city.load(MERCHANTS, SEED)

    plan = plan_city(MERCHANTS, SEED, Layout.fresh())
    for model, rows in ((Merchant, city.merchant_rows), (Market, city.market_rows)):
        stored = db.session.execute(select(model.__table__).order_by(model.id)).mappings()
        generated = [row for chunk in rows(plan) for row in chunk]
        assert [_without_timestamps(row) for row in stored] == [
            _without_timestamps(row) for row in generated
        ]


def test_last_inspection_follows_the_inspections(app):
    city.load(MERCHANTS, SEED)

    latest = dict(
        db.session.execute(
            select(Inspection.merchant_id, func.max(Inspection.inspected_on)).group_by(
                Inspection.merchant_id
            )
        ).all()
    )
    stored = dict(db.session.execute(select(Merchant.id, Merchant.last_inspected_on)).all())
    assert latest and {k: v for k, v in stored.items() if v is not None} == latest


def test_trade_mix_is_the_configured_one():
    counts = Counter(plan_city(10_000, SEED).trade)
    assert {TRADES[k]: n for k, n in counts.items()} == {
        trade: round(share * 10_000) for trade, share in TRADE_SHARES.items()
    }


def test_usccs_are_valid_unique_and_typed_by_trade(app):
    city.load(MERCHANTS, SEED)

    merchants = db.session.execute(select(Merchant.uscc, Merchant.trade, Merchant.district_code))
    codes = []
    for uscc, trade, district in merchants:
        code = parse(uscc)
        assert code.code == uscc
        assert code.registration_authority == "9"
        assert code.entity_type == ("2" if trade == "market_stall" else "1")
        assert code.division in (district, "310000")
        codes.append(uscc)
    assert len(codes) == len(set(codes)) == MERCHANTS
    for host_uscc, district in db.session.execute(select(Market.host_uscc, Market.district_code)):
        assert parse(host_uscc).entity_type == "1"
        assert parse(host_uscc).division == district


def test_organisation_codes_stay_unique_for_a_large_city():
    codes = {organisation_code(12345, index) for index in range(200_000)}
    hosts = {organisation_code(12345, ORG_SPACE - 1 - number) for number in range(5_000)}
    assert len(codes | hosts) == 205_000
    assert all(re.fullmatch(r"MA[0-9A-HJ-NP-RTUW-Y]{7}", code) for code in hosts)


def test_every_trade_appears_and_places_lie_in_the_merchants_district(app):
    city.load(MERCHANTS, SEED)

    assert set(db.session.scalars(select(Merchant.trade).distinct())) == set(TRADES)
    street_district = dict(db.session.execute(select(Street.id, Street.district_code)).all())
    market_district = dict(db.session.execute(select(Market.id, Market.district_code)).all())
    for merchant in db.session.execute(select(Merchant.__table__)).mappings():
        assert street_district[merchant["street_id"]] == merchant["district_code"]
        if merchant["trade"] == "market_stall":
            assert market_district[merchant["market_id"]] == merchant["district_code"]
        else:
            assert merchant["market_id"] is None
    streets = Counter(db.session.scalars(select(Street.district_code)))
    assert set(streets) == set(names.DISTRICTS)
    assert min(streets.values()) >= 6


def test_stalls_devices_and_instruments_belong_together(app):
    city.load(MERCHANTS, SEED)

    stalls = db.session.execute(
        select(Stall.number, Stall.market_id, Merchant.market_id, Merchant.trade).join(
            Merchant, Stall.merchant_id == Merchant.id
        )
    ).all()
    stall_merchants = select(func.count()).where(Merchant.trade == "market_stall")
    assert len(stalls) == db.session.scalar(stall_merchants)
    for number, stall_market, merchant_market, trade in stalls:
        assert re.fullmatch(r"[A-Z]\d*-\d{3}", number)
        assert stall_market == merchant_market and trade == "market_stall"
    for serial, district in db.session.execute(
        select(Device.serial, Market.district_code).join(Market, Device.market_id == Market.id)
    ):
        assert re.fullmatch(rf"FS-{district}-\d{{4}}", serial)
    kinds = dict(
        db.session.execute(
            select(Merchant.trade, func.min(Instrument.kind))
            .join(Instrument, Instrument.merchant_id == Merchant.id)
            .where(Merchant.trade.in_(("fuel_station", "optical_shop", "market_stall")))
            .group_by(Merchant.trade)
        ).all()
    )
    assert kinds == {
        "fuel_station": "fuel_dispenser",
        "optical_shop": "lensmeter",
        "market_stall": "pricing_scale",
    }


def test_a_stall_is_named_after_what_it_sells(app):
    city.load(MERCHANTS, SEED, inspections=0, complaints=0, readings=0)

    plan = plan_city(MERCHANTS, SEED, Layout.fresh())
    goods = list(names.GOODS)
    stalls = db.session.execute(
        select(Merchant.id, Merchant.name).where(Merchant.trade == "market_stall")
    ).all()
    assert stalls
    for merchant_id, name in stalls:
        assert goods[plan.goods[merchant_id - 1]] in name


def test_if_empty_leaves_a_loaded_registry_alone(app):
    city.load(MERCHANTS, SEED)
    before = {model: _count(model) for model in (Merchant, Market, Stall, Device, User)}

    summary = city.load(MERCHANTS, SEED + 1, if_empty=True)

    assert "not loaded" in summary
    assert {model: _count(model) for model in before} == before
    with pytest.raises(Conflict):
        city.load(MERCHANTS, SEED + 1)


def test_a_failed_load_writes_nothing(app, monkeypatch):
    def broken(plan):
        yield from ()
        raise RuntimeError("disk full")  # after streets, markets and merchants went in

    monkeypatch.setattr(city, "WRITERS", (*city.WRITERS, (Instrument, broken)))
    with pytest.raises(RuntimeError, match="disk full"):
        city.load(MERCHANTS, SEED)

    assert _count(Merchant) == _count(Street) == _count(User) == 0


def test_demo_users_log_in_with_their_scope(app):
    summary = city.load(MERCHANTS, SEED)

    assert city.PASSWORD in summary
    users = {name: accounts.authenticate(name, city.PASSWORD) for name in LOGINS}
    assert all(user is not None for user in users.values()), summary
    assert users["city"].role == "city"
    assert users["xuhui"].district_code == "310104"
    # Two officers of one district: one drafts a notice, the other approves it.
    assert users["xuhui2"].district_code == "310104" and users["xuhui2"].role == "district"
    assert [market.district_code for market in users["host"].markets] == ["310104"]
    assert users["merchant"].merchant.trade == "market_stall"
    assert users["merchant"].merchant.district_code == "310104"
    assert accounts.authenticate("city", "wrong-password") is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "demo_load"))
    assert entry.entity_id == str(SEED) and entry.after["counts"]["merchants"] == MERCHANTS


def test_honesty_is_hidden_reproducible_and_mostly_high():
    block = honesty_block(SEED, 1000, 3000)
    assert honesty(SEED, 1000) == block[0] and honesty(SEED, 2999) == block[-1]
    assert honesty_block(SEED, 0, 5000)[1000:3000].tolist() == block.tolist()
    assert ((block >= 0) & (block <= 1)).all()
    assert 0.7 < block.mean() < 0.9
    assert honesty(SEED + 1, 1000) != honesty(SEED, 1000)
    assert "honesty" not in {column.name for column in Merchant.__table__.columns}


def test_the_demo_city_officer_sees_the_years_not_loaded_and_no_page_fails(app, client):
    """The demo loads the notices of 2025 and 2026 only (no year is invented): on a day
    whose next year is not loaded, its city officer sees the banner; the pages answer."""
    from creditsvc import clock
    from creditsvc.services import calendar
    from tests.factories import login

    city.load(MERCHANTS, SEED)
    db.session.commit()
    assert {y.year for y in calendar.loaded_years()} == {2025, 2026}
    missing = calendar.years_needed_missing()
    assert missing == [y for y in (clock.today().year, clock.today().year + 1) if y > 2026]
    login(client, "city", city.PASSWORD)
    for url in ("/console/", "/console/calendar", "/console/notices", "/console/merchants"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        page = answer.get_data(as_text=True)
        assert ("calendar-missing" in page) == bool(missing), url
        assert all(str(y) in page for y in missing), url


def test_the_demo_shows_work_in_progress_on_every_officer_page(app):
    """Issue 19: the demo loaded as `make run` loads it (history up to today, scenes) has
    readings in the last 30 days, objections awaiting a decision, a penalty awaiting
    publication, this month's random inspection plan and a community under review."""
    from datetime import timedelta

    from creditsvc import clock
    from creditsvc.models import (
        InspectionPlan,
        Objection,
        ObjectionStatus,
        Reading,
    )
    from creditsvc.principals import Principal
    from creditsvc.services.programme.queue import queue
    from creditsvc.services.publication import penalty_publicity

    today = clock.today()
    summary = city.load(MERCHANTS, SEED, as_of=today, scenes=True)
    assert "work in progress in 徐汇区" in summary
    xuhui = db.session.scalar(select(User).where(User.username == "xuhui"))
    recent = db.session.scalar(
        select(func.count())
        .select_from(Reading)
        .join(Device, Device.id == Reading.device_id)
        .join(Market, Market.id == Device.market_id)
        .where(
            Market.district_code == xuhui.district_code,
            Reading.measured_at >= clock.now() - timedelta(days=30),
        )
    )
    assert recent > 0
    disputed = db.session.scalars(
        select(Objection).where(Objection.status == ObjectionStatus.DISPUTED)
    ).all()
    assert disputed and all(o.district_code == xuhui.district_code for o in disputed)
    officer = Principal(role=xuhui.role, user=xuhui)
    waiting = penalty_publicity.listing(officer, {"status": "pending"}, today)
    assert any(row["decision_number"].startswith("沪市监徐处") for row in waiting)
    plan = db.session.scalar(select(InspectionPlan))
    assert plan is not None and plan.period_start == today.replace(day=1) and plan.items
    kinds = {item["kind"] for item in queue(officer, today)}
    assert {"objection", "community"} <= kinds
