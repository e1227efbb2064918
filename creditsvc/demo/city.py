"""The demo city generator: streams table rows from the plan and loads them in one go.

Each `*_rows(city)` generator yields one registry table's rows in chunks, every chunk from
its own seeded stream, so rows never depend on wall-clock time, dict or set order, or on
which generator ran first; `evidence.chunks(city)` then streams the city's history
(inspections, complaints, fair-scale readings) driven by `plan.honesty()`. `load()` writes
everything in one transaction through `bulk.Loader` (binary COPY on PostgreSQL, Core
executemany elsewhere), with explicit ids and no ORM objects.
"""

from __future__ import annotations

import dataclasses
import random
import time as clock
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from creditsvc.bulk import (
    Loader,
    advance_sequences,
    defer_constraints,
    first_free_ids,
    restore_constraints,
)
from creditsvc.demo import evidence, names
from creditsvc.demo import scenes as demo_scenes
from creditsvc.demo.logins import ACTOR, PASSWORD, demo_users
from creditsvc.demo.plan import (
    ALL_STREETS,
    AS_OF,
    DISTRICT_CODES,
    INSTRUMENTS,
    ORG_SPACE,
    STALL,
    STREET_COUNT,
    STREET_OFFSET,
    CityPlan,
    EvidenceCounts,
    Layout,
    demo_stamp,
    organisation_code,
    plan_city,
    seeded_random,
    stall_number,
)
from creditsvc.demo.readings import INSTALLED_DAYS
from creditsvc.extensions import db
from creditsvc.models import (
    TRADES,
    AuditEntry,
    Base,
    Community,
    CommunityStatus,
    Device,
    Instrument,
    Market,
    Merchant,
    Stall,
    Street,
    VerificationRecord,
)
from creditsvc.models.base import utcnow
from creditsvc.months import Month
from creditsvc.services.errors import Conflict
from creditsvc.services.evidence import last_inspection, partitions, reading_days
from creditsvc.services.programme import commitments
from creditsvc.uscc import make as make_uscc

CHUNK = 5_000  # rows per bulk insert
COMMITMENT_SHARE = 0.6  # signed the self-commitment (诚信计量承诺) in the last three years
CITY_DIVISION_SHARE = 0.25  # companies registered by the city bureau (division 310000)
SERIAL_PREFIX = {"pricing_scale": "PS", "fuel_dispenser": "FD", "lensmeter": "LM"}
OVERDUE_DAYS = 90  # instrument due dates run from 90 days overdue to a year ahead
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
    accepted = (
        None
        if status == CommunityStatus.APPLYING
        else applied + timedelta(days=rnd.randint(60, 150))
    )
    revoked = None
    if status == CommunityStatus.REVOKED and accepted is not None:
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
    """The fair scales (自助公平秤) of each market, numbered per district."""
    rnd = seeded_random(city.seed, "devices")
    issued = [0] * len(DISTRICT_CODES)
    rows: list[dict] = []
    number = 0
    for market, district in enumerate(city.market_district):
        for _ in range(city.market_devices[market]):
            issued[district] += 1
            rows.append(
                {
                    "id": city.layout.first_id("devices") + number,
                    "serial": f"FS-{DISTRICT_CODES[district]}-{issued[district]:04d}",
                    "market_id": city.market_id(market),
                    "high_accuracy": city.high_accuracy[number],
                    "verification_due": city.as_of + timedelta(days=rnd.randint(1, 365)),
                    "active": True,
                    "created_at": city.stamp,
                    "updated_at": city.stamp,
                }
            )
            number += 1
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
        "name": _merchant_name(trade, code, road, _GOODS[city.goods[index]], rnd),
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


def _merchant_name(trade: str, code: str, road: str, goods: str, rnd: random.Random) -> str:
    return rnd.choice(names.TRADE_NAMES[trade]).format(
        surname=rnd.choice(names.SURNAMES),
        given=rnd.choice(names.GIVEN_NAMES),
        goods=goods,
        brand=rnd.choice(names.BRANDS),
        word=rnd.choice(names.TRADE_WORDS[trade]),
        road=road,
        district=names.DISTRICTS[code][0],
    )


def stall_rows(city: CityPlan) -> Rows:
    """The stall of each market-stall merchant ("A-012" within its market)."""
    stall_id = city.layout.first_id("stalls")
    for start in range(0, city.merchants, CHUNK):
        rows = []
        for index in range(start, min(start + CHUNK, city.merchants)):
            if city.market[index] < 0:
                continue
            rows.append(
                {
                    "id": stall_id,
                    "market_id": city.market_id(city.market[index]),
                    "number": stall_number(city.stall[index]),
                    "merchant_id": city.merchant_id(index),
                    "created_at": city.stamp,
                    "updated_at": city.stamp,
                }
            )
            stall_id += 1
        if rows:
            yield rows


def instrument_rows(city: CityPlan) -> Rows:
    """Pricing scales, fuel dispensers and lensmeters under mandatory verification."""
    instrument_id = city.layout.first_id("instruments")
    for start in range(0, city.merchants, CHUNK):
        rnd = seeded_random(city.seed, "instruments", start // CHUNK)
        rows: list[dict] = []
        for index in range(start, min(start + CHUNK, city.merchants)):
            kind = INSTRUMENTS[TRADES[city.trade[index]]][0]
            serial = f"{SERIAL_PREFIX[kind]}-{DISTRICT_CODES[city.district[index]]}-{index:07d}"
            for k in range(1, city.instruments[index] + 1):
                due = city.as_of + timedelta(days=rnd.randint(-OVERDUE_DAYS, 365))
                rows.append(
                    {
                        "id": instrument_id,
                        "merchant_id": city.merchant_id(index),
                        "district_code": DISTRICT_CODES[city.district[index]],
                        "kind": kind,
                        "serial": f"{serial}-{k:02d}",
                        "verification_due": due,
                        "created_at": city.stamp,
                        "updated_at": city.stamp,
                    }
                )
                instrument_id += 1
        if rows:
            yield rows


# Registry tables in insertion order (parents first); `evidence.chunks` writes the history.
WRITERS: tuple[tuple[type[Base], Callable[[CityPlan], Rows]], ...] = (
    (Community, community_rows),
    (Market, market_rows),
    (Device, device_rows),
    (Merchant, merchant_rows),
    (Stall, stall_rows),
    (Instrument, instrument_rows),
)
# Tables whose rows get explicit ids (children refer to them): PostgreSQL's sequences are
# moved past them at the end; SQLite takes max(id) + 1 by itself.
NUMBERED = (Market, Device, Merchant, Stall, Instrument)
NUMBERED_TABLES = tuple(model.__table__ for model in NUMBERED) + evidence.TABLES


DEMO_INSTITUTE = "上海市计量测试技术研究院"


def _fair_scales() -> list:
    return db.session.execute(
        select(Device.id, Device.serial, Device.market_id, Device.verification_due)
        .add_columns(Market.district_code)
        .join(Market, Market.id == Device.market_id)
        .order_by(Device.id)
    ).all()


def fair_scale_rows(city: CityPlan, scales: list) -> list[dict]:
    """Each fair scale registered as its market's instrument (issue 20)."""
    return [
        {
            "market_id": market_id,
            "device_id": device_id,
            "district_code": district,
            "kind": "fair_scale",
            "serial": serial,
            "verification_due": due,
            "created_at": city.stamp,
            "updated_at": city.stamp,
        }
        for device_id, serial, market_id, due, district in scales
    ]


def verification_rows(city: CityPlan, scales: list) -> list[dict]:
    """The passed verification each scale's due date comes from, a year before it."""
    ids = dict(
        db.session.execute(
            select(Instrument.device_id, Instrument.id).where(Instrument.device_id.is_not(None))
        ).all()
    )
    return [
        {
            "instrument_id": ids[device_id],
            "certificate_number": f"JD{city.as_of.year - 1}-{device_id:06d}",
            "institute": DEMO_INSTITUTE,
            "verified_on": due - timedelta(days=365),
            "result": "passed",
            "next_due": due,
            "recorded_by": ACTOR,
            "recorded_at": city.stamp,
        }
        for device_id, _, _, due, _ in scales
    ]


def load(
    merchants: int,
    seed: int,
    if_empty: bool = False,
    as_of: date = AS_OF,
    inspections: int | None = None,
    complaints: int | None = None,
    readings: int | None = None,
    scenes: bool = False,
) -> str:
    """Write the demo city for `seed` with its history in one transaction; return a summary.

    Evidence counts not given are `EvidenceCounts.scaled(merchants)`. With `if_empty`, a
    registry that already has merchants is left alone. On an empty database the same
    arguments always write the same rows (only the outbox's marked_at is the clock's).
    With `scenes`, work in progress is added through the services (`demo.scenes`).
    """
    started = clock.perf_counter()
    present = db.session.scalar(select(func.count()).select_from(Merchant))
    if present:
        if if_empty:
            return f"demo city not loaded: the registry already holds {present:,} merchants"
        raise Conflict(f"the registry already holds {present:,} merchants; the demo needs none")
    history = dict(inspections=inspections, complaints=complaints, readings=readings)
    try:
        layout, new_streets = _layout(as_of)
        city = plan_city(
            merchants, seed, layout, as_of, EvidenceCounts.scaled(merchants, **history)
        )
        loader = _write(city)
        logins = demo_users()
        if scenes:
            logins += ["", "work in progress in 徐汇区:", *demo_scenes.stage(as_of)]
        _record(city, {"streets": new_streets, **loader.rows})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return _summary(city, loader, new_streets, logins, clock.perf_counter() - started)


def _write(city: CityPlan) -> Loader:
    """Registry, then evidence (their constraints deferred), sequences and the outbox."""
    loader = Loader(db.session)
    _reading_months(city.as_of)
    deferred = defer_constraints(db.session, NUMBERED_TABLES)
    loader.load((model.__table__, chunk) for model, rows in WRITERS for chunk in rows(city))
    loader.load(evidence.chunks(city))
    with loader.timed("indexes and keys"):
        restore_constraints(db.session, deferred)
    with loader.timed("last inspections"):  # written in bulk: no signal tells of them
        last_inspection.refresh()
    advance_sequences(db.session, NUMBERED_TABLES)
    with loader.timed("fair-scale instruments"):
        scales = _fair_scales()
        loader.load([(Instrument.__table__, fair_scale_rows(city, scales))])
        loader.load([(VerificationRecord.__table__, verification_rows(city, scales))])
    with loader.timed("reading_days"):
        # The readings came by COPY, not through ingest: count their days now.
        loader.rows["reading_days"] = reading_days.backfill(db.session.connection())
    with loader.timed("dirty_merchants"):
        loader.rows["dirty_merchants"] = evidence.mark_dirty(db.session, utcnow())
    with loader.timed("commitments"):
        loader.rows["commitments"] = commitments.record_registry_dates(ACTOR)
    return loader


def _reading_months(as_of: date) -> None:
    """PostgreSQL: the readings' month partitions for the whole history, so the readings
    land in their months rather than the default partition (services.evidence.partitions)."""
    conn = db.session.connection()
    if partitions.partitioned(conn):
        first = as_of - timedelta(days=max(INSTALLED_DAYS))
        months = Month.of_day(first), Month.of_day(as_of)
        partitions.ensure_months(conn, *months)


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
    street_ids = tuple(known[street] for street in ALL_STREETS)
    return Layout(street_ids, first_free_ids(db.session, NUMBERED_TABLES)), len(missing)


def _street_ids() -> dict[tuple[str, str], int]:
    rows = db.session.execute(select(Street.district_code, Street.name, Street.id))
    return {(code, name): street_id for code, name, street_id in rows}


def _record(city: CityPlan, counts: dict[str, int]) -> None:
    """One audit entry for the whole load, with what it takes to regenerate the city."""
    after = {
        "seed": city.seed,
        "merchants": city.merchants,
        "as_of": city.as_of.isoformat(),
        "first_ids": dict(city.layout.first_ids),
        "evidence": dataclasses.asdict(city.evidence),
        "counts": counts,
    }
    db.session.add(
        AuditEntry(
            actor=ACTOR, action="demo_load", entity="demo", entity_id=str(city.seed), after=after
        )
    )


def _summary(
    city: CityPlan, loader: Loader, streets: int, logins: list[str], seconds: float
) -> str:
    return "\n".join(
        [
            f"demo city loaded in {seconds:.1f} s (seed {city.seed}, as of {city.as_of}):",
            f"  {streets:,} streets added",
            *(
                f"  {step:<22} {loader.rows[step]:>12,} rows {spent:>8.1f} s"
                for step, spent in loader.seconds.items()
            ),
            f"demo logins, password {PASSWORD!r} (for demonstration only):",
            *logins,
        ]
    )
