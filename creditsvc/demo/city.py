"""The demo city generator: streams table rows from the plan and loads them in one go.

Each `*_rows(city)` generator yields one table's rows in chunks, every chunk from its own
seeded stream, so rows never depend on wall-clock time, dict or set order, or on which
generator ran first. Evidence generators (inspections, complaints, fair-scale readings)
join `WRITERS` as further streaming functions, driven by `plan.honesty()`. `load()` writes
everything in one transaction with bulk Core inserts and no ORM objects.
"""

from __future__ import annotations

import random
import time as clock
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from creditsvc.demo import names
from creditsvc.demo.plan import (
    ALL_STREETS,
    AS_OF,
    DISTRICT_CODES,
    ORG_SPACE,
    STALL,
    STREET_COUNT,
    STREET_OFFSET,
    XUHUI,
    CityPlan,
    Layout,
    demo_stamp,
    organisation_code,
    plan_city,
    seeded_random,
    stall_number,
)
from creditsvc.extensions import db
from creditsvc.models import (
    TRADES,
    AuditEntry,
    Base,
    Community,
    Device,
    Instrument,
    Market,
    Merchant,
    Stall,
    Street,
    User,
)
from creditsvc.services import accounts
from creditsvc.services.errors import Conflict
from creditsvc.uscc import make as make_uscc

CHUNK = 5_000  # rows per bulk insert
PASSWORD = "demo-password"  # noqa: S105 - demo logins only, printed by the summary
ACTOR = "demo"
COMMITMENT_SHARE = 0.6  # signed the self-commitment (诚信计量承诺) in the last three years
CITY_DIVISION_SHARE = 0.25  # companies registered by the city bureau (division 310000)
# Instruments by trade: kind, fewest, most. Due dates run from 90 days overdue to a year ahead.
INSTRUMENTS = {
    "market_stall": ("pricing_scale", 1, 2),
    "supermarket": ("pricing_scale", 3, 12),
    "restaurant": ("pricing_scale", 0, 1),
    "fuel_station": ("fuel_dispenser", 4, 12),
    "optical_shop": ("lensmeter", 1, 2),
    "pharmacy_hospital": ("pricing_scale", 0, 2),
    "other": ("pricing_scale", 0, 2),
}
SERIAL_PREFIX = {"pricing_scale": "PS", "fuel_dispenser": "FD", "lensmeter": "LM"}
OVERDUE_DAYS = 90
HIGH_ACCURACY_SHARE = 0.2  # fair scales with k = 1
COMMUNITY_STATUSES = {  # status: (weight, days since application)
    "applying": (2, (20, 150)),
    "accepted": (4, (200, 900)),
    "re_evaluated": (2, (1100, 1800)),
    "revoked": (1, (400, 1400)),
}
_GOODS = tuple(names.GOODS)

Rows = Iterator[list[dict]]


def community_rows(city: CityPlan) -> Rows:
    """Two to four demonstration communities per district, in every status."""
    rnd = seeded_random(city.seed, "communities")
    rows: list[dict] = []
    for district, count in enumerate(STREET_COUNT.tolist()):
        picked = sorted(rnd.sample(range(count), min(count, rnd.randint(2, 4))))
        rows.extend(_community(city, int(STREET_OFFSET[district]) + s, rnd) for s in picked)
    yield rows


def _community(city: CityPlan, street: int, rnd: random.Random) -> dict:
    name = ALL_STREETS[street][1]
    statuses = list(COMMUNITY_STATUSES)
    status = rnd.choices(statuses, [COMMUNITY_STATUSES[s][0] for s in statuses])[0]
    applied = city.as_of - timedelta(days=rnd.randint(*COMMUNITY_STATUSES[status][1]))
    accepted = None if status == "applying" else applied + timedelta(days=rnd.randint(60, 150))
    revoked = None
    if status == "revoked" and accepted is not None:
        revoked = accepted + timedelta(days=rnd.randint(30, (city.as_of - accepted).days))
    return {
        "street_id": city.layout.street_ids[street],
        "name": name + names.COMMUNITY_SUFFIX[names.street_kind(name)],
        "status": status,
        "applied_on": applied,
        "accepted_on": accepted,
        "revoked_on": revoked,
        "created_at": city.stamp,
        "updated_at": city.stamp,
    }


def market_rows(city: CityPlan) -> Rows:
    """Markets with their host company and its USCC (entity type 1)."""
    for start in range(0, len(city.market_name), CHUNK):
        stop = min(start + CHUNK, len(city.market_name))
        yield [_market(city, number) for number in range(start, stop)]


def _market(city: CityPlan, number: int) -> dict:
    code = DISTRICT_CODES[city.market_district[number]]
    # Hosts count down from the top of the code space, merchants up from the bottom.
    organisation = organisation_code(city.org_offset, ORG_SPACE - 1 - number)
    return {
        "id": city.market_id(number),
        "name": city.market_name[number],
        "district_code": code,
        "street_id": city.layout.street_ids[city.market_street[number]],
        "address": city.market_address[number],
        "host_name": city.market_host[number],
        "host_uscc": make_uscc("9", "1", code, organisation),
        "created_at": city.stamp,
        "updated_at": city.stamp,
    }


def device_rows(city: CityPlan) -> Rows:
    """One to three fair scales (自助公平秤) per market, numbered per district."""
    rnd = seeded_random(city.seed, "devices")
    issued = [0] * len(DISTRICT_CODES)
    rows: list[dict] = []
    for number, district in enumerate(city.market_district):
        for _ in range(rnd.choices((1, 2, 3), (5, 3, 2))[0]):
            issued[district] += 1
            rows.append(
                {
                    "serial": f"FS-{DISTRICT_CODES[district]}-{issued[district]:04d}",
                    "market_id": city.market_id(number),
                    "high_accuracy": rnd.random() < HIGH_ACCURACY_SHARE,
                    "verification_due": city.as_of + timedelta(days=rnd.randint(1, 365)),
                    "active": True,
                    "created_at": city.stamp,
                    "updated_at": city.stamp,
                }
            )
        if len(rows) >= CHUNK:
            yield rows
            rows = []
    if rows:
        yield rows


def merchant_rows(city: CityPlan) -> Rows:
    """Merchants of every trade with a valid, unique USCC."""
    for start in range(0, city.merchants, CHUNK):
        rnd = seeded_random(city.seed, "merchants", start // CHUNK)
        stop = min(start + CHUNK, city.merchants)
        yield [_merchant(city, index, rnd) for index in range(start, stop)]


def _merchant(city: CityPlan, index: int, rnd: random.Random) -> dict:
    trade = TRADES[city.trade[index]]
    code = DISTRICT_CODES[city.district[index]]
    market = city.market[index]
    road = rnd.choice(names.ROADS[code])  # of the address, and of "XX路店" in a name
    if market >= 0:
        place = city.market_name[market] + stall_number(city.stall[index])
        address = f"{city.market_address[market]}{place}摊位"
    else:
        address = f"{road}{rnd.randint(1, 1500)}号"
    signed = rnd.random() < COMMITMENT_SHARE
    return {
        "id": city.merchant_id(index),
        "uscc": _merchant_uscc(city, index, code, rnd),
        "uscc_override_reason": None,
        "name": _merchant_name(trade, code, road, rnd),
        "trade": trade,
        "district_code": code,
        "street_id": city.layout.street_ids[city.street[index]],
        "market_id": city.market_id(market) if market >= 0 else None,
        "address": address,
        "commitment_signed_on": (
            city.as_of - timedelta(days=rnd.randrange(3 * 365)) if signed else None
        ),
        "created_at": city.stamp,
        "updated_at": city.stamp,
    }


def _merchant_uscc(city: CityPlan, index: int, code: str, rnd: random.Random) -> str:
    """Registration authority 9; stalls are 个体工商户 (2) of the district, others companies (1)."""
    if city.trade[index] == STALL:
        return make_uscc("9", "2", code, organisation_code(city.org_offset, index))
    division = "310000" if rnd.random() < CITY_DIVISION_SHARE else code
    return make_uscc("9", "1", division, organisation_code(city.org_offset, index))


def _merchant_name(trade: str, code: str, road: str, rnd: random.Random) -> str:
    return rnd.choice(names.TRADE_NAMES[trade]).format(
        surname=rnd.choice(names.SURNAMES),
        given=rnd.choice(names.GIVEN_NAMES),
        goods=rnd.choice(_GOODS),
        brand=rnd.choice(names.BRANDS),
        word=rnd.choice(names.TRADE_WORDS[trade]),
        road=road,
        district=names.DISTRICTS[code][0],
    )


def stall_rows(city: CityPlan) -> Rows:
    """The stall of each market-stall merchant ("A-012" within its market)."""
    for start in range(0, city.merchants, CHUNK):
        stop = min(start + CHUNK, city.merchants)
        rows = [
            {
                "market_id": city.market_id(city.market[index]),
                "number": stall_number(city.stall[index]),
                "merchant_id": city.merchant_id(index),
                "created_at": city.stamp,
                "updated_at": city.stamp,
            }
            for index in range(start, stop)
            if city.market[index] >= 0
        ]
        if rows:
            yield rows


def instrument_rows(city: CityPlan) -> Rows:
    """Pricing scales, fuel dispensers and lensmeters under mandatory verification."""
    for start in range(0, city.merchants, CHUNK):
        rnd = seeded_random(city.seed, "instruments", start // CHUNK)
        rows: list[dict] = []
        for index in range(start, min(start + CHUNK, city.merchants)):
            kind, fewest, most = INSTRUMENTS[TRADES[city.trade[index]]]
            serial = f"{SERIAL_PREFIX[kind]}-{DISTRICT_CODES[city.district[index]]}-{index:07d}"
            for k in range(1, rnd.randint(fewest, most) + 1):
                due = city.as_of + timedelta(days=rnd.randint(-OVERDUE_DAYS, 365))
                rows.append(
                    {
                        "merchant_id": city.merchant_id(index),
                        "kind": kind,
                        "serial": f"{serial}-{k:02d}",
                        "verification_due": due,
                        "created_at": city.stamp,
                        "updated_at": city.stamp,
                    }
                )
        if rows:
            yield rows


# Tables in insertion order (parents first); evidence generators are appended here.
WRITERS: tuple[tuple[type[Base], Callable[[CityPlan], Rows]], ...] = (
    (Community, community_rows),
    (Market, market_rows),
    (Device, device_rows),
    (Merchant, merchant_rows),
    (Stall, stall_rows),
    (Instrument, instrument_rows),
)

# Markets and merchants get explicit ids (stalls and instruments refer to them), so
# PostgreSQL's sequences must be moved past them; SQLite takes max(id) + 1 by itself.
_ADVANCE_SEQUENCES = (
    "SELECT setval(pg_get_serial_sequence('markets', 'id'), (SELECT max(id) FROM markets))",
    "SELECT setval(pg_get_serial_sequence('merchants', 'id'), (SELECT max(id) FROM merchants))",
)


def load(merchants: int, seed: int, if_empty: bool = False, as_of: date = AS_OF) -> str:
    """Write the demo city for `seed` in one transaction; return a summary for the console.

    With `if_empty`, a registry that already has merchants is left alone. On an empty
    database the same (merchants, seed, as_of) always writes the same rows.
    """
    started = clock.perf_counter()
    present = db.session.scalar(select(func.count()).select_from(Merchant))
    if present:
        if if_empty:
            return f"demo city not loaded: the registry already holds {present:,} merchants"
        raise Conflict(f"the registry already holds {present:,} merchants; the demo needs none")
    try:
        layout, new_streets = _layout(as_of)
        city = plan_city(merchants, seed, layout, as_of)
        counts = {"streets": new_streets}
        counts.update((model.__tablename__, _insert(model, rows(city))) for model, rows in WRITERS)
        if db.session.get_bind().dialect.name == "postgresql":
            for statement in _ADVANCE_SEQUENCES:
                db.session.execute(text(statement))
        logins = _demo_users()
        _record(city, counts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return _summary(city, counts, logins, clock.perf_counter() - started)


def _layout(as_of: date) -> tuple[Layout, int]:
    """Insert the streets the database lacks; read all street ids and the first free ids."""
    known = _street_ids()
    stamp = demo_stamp(as_of)
    missing = [
        {
            "district_code": code,
            "name": name,
            "kind": names.street_kind(name),
            "created_at": stamp,
            "updated_at": stamp,
        }
        for code, name in ALL_STREETS
        if (code, name) not in known
    ]
    if missing:
        db.session.execute(insert(Street.__table__), missing)
        known = _street_ids()
    first_market = (db.session.scalar(select(func.max(Market.id))) or 0) + 1
    first_merchant = (db.session.scalar(select(func.max(Merchant.id))) or 0) + 1
    layout = Layout(tuple(known[street] for street in ALL_STREETS), first_market, first_merchant)
    return layout, len(missing)


def _street_ids() -> dict[tuple[str, str], int]:
    rows = db.session.execute(select(Street.district_code, Street.name, Street.id))
    return {(code, name): street_id for code, name, street_id in rows}


def _insert(model: type[Base], chunks: Rows) -> int:
    written = 0
    for chunk in chunks:
        db.session.execute(insert(model.__table__), chunk)
        written += len(chunk)
    return written


def _demo_users() -> list[str]:
    """Create the four demo logins; a username already taken is left as it is."""
    market = db.session.scalar(
        select(Market).where(Market.district_code == XUHUI).order_by(Market.id).limit(1)
    )
    stall = db.session.scalar(
        select(Merchant)
        .where(Merchant.district_code == XUHUI, Merchant.trade == TRADES[STALL])
        .order_by(Merchant.id)
        .limit(1)
    )
    wanted: list[tuple[str, str, dict[str, Any], str]] = [
        ("city", "city", {}, "city officer"),
        ("xuhui", "district", {"district": XUHUI}, f"district officer, 徐汇区 ({XUHUI})"),
    ]
    if market is not None:
        wanted.append(("host", "host", {"market": market.id}, f"market host, {market.name}"))
    if stall is not None:
        what = f"merchant, {stall.name} ({stall.uscc})"
        wanted.append(("merchant", "merchant", {"merchant": stall.uscc}, what))
    lines = []
    for username, role, scope, what in wanted:
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            lines.append(f"  {username:<9} exists already, left unchanged")
            continue
        accounts.create_user(ACTOR, username=username, password=PASSWORD, role=role, **scope)
        lines.append(f"  {username:<9} {what}")
    return lines


def _record(city: CityPlan, counts: dict[str, int]) -> None:
    """One audit entry for the whole load, with what it takes to regenerate the city."""
    after = {
        "seed": city.seed,
        "merchants": city.merchants,
        "as_of": city.as_of.isoformat(),
        "first_market_id": city.layout.first_market_id,
        "first_merchant_id": city.layout.first_merchant_id,
        "counts": counts,
    }
    db.session.add(
        AuditEntry(
            actor=ACTOR, action="demo_load", entity="demo", entity_id=str(city.seed), after=after
        )
    )


def _summary(city: CityPlan, counts: dict[str, int], logins: list[str], seconds: float) -> str:
    written = ", ".join(f"{count:,} {table}" for table, count in counts.items())
    return "\n".join(
        [
            f"demo city loaded in {seconds:.1f} s (seed {city.seed}, as of {city.as_of}):",
            f"  {written}",
            f"demo logins, password {PASSWORD!r} (for demonstration only):",
            *logins,
        ]
    )
