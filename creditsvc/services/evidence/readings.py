"""Ingest and list fair-scale re-weigh readings (自助公平秤复称记录).

Readings are machine data at high volume, so they are deliberately NOT written to the
audit log one row per reading: the device's bearer token is the actor, and every
stored row carries `device_id` and `received_at`, which is the whole of what an audit
row would say. Readings are never edited (DESIGN.md §3), so there is no before/after
to record either; the token's own issue and revocation are audited in
`creditsvc.services.accounts.users`.

A batch costs a fixed number of queries whatever its size: the policy in force, one for
the stalls and one for the merchants it names, one `INSERT ... ON CONFLICT (device_id,
seq) DO NOTHING RETURNING` that also adds the stored readings to their daily tallies
(`reading_days`; on SQLite a second statement), and one upsert into the rescoring outbox;
on PostgreSQL, where readings are partitioned by month, two more to refuse a seq already
stored at another time (`_not_stored`). The caller commits once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import Select, Text, bindparam, cast, column, func, select
from sqlalchemy.dialects import postgresql, sqlite

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    SCALE_UNVERIFIED,
    SCALE_VERIFICATION_LAPSED,
    Device,
    Merchant,
    Reading,
    Stall,
)
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.schemas.readings import ReadingIn
from creditsvc.services import scope
from creditsvc.services.accounts import notifications
from creditsvc.services.evidence import reading_days
from creditsvc.services.standing import policies
from creditsvc.services.standing.outbox import mark_dirty
from scoring.retail import WeighingVerdict, assess_weighing

ITEM = ReadingIn()  # built once: a schema's construction costs more than a load
OUTBOX_REASON = "reading"
READINGS = Reading.__table__
COLUMNS = tuple(c.name for c in READINGS.c if not c.primary_key)
STORED = ("seq", *reading_days.FIELDS)  # what the INSERT returns: the seq and what a day counts
# pg_advisory_xact_lock(SEQ_LOCK, device id): one device's batches in turn (_not_stored).
SEQ_LOCK = 21


@dataclass(frozen=True)
class Place:
    """Where a reading was taken: the merchant it judges and the stall, when named."""

    merchant_id: int
    stall_id: int | None = None


class Places:
    """The stalls and merchants a batch names, resolved with one query for each kind."""

    def __init__(self, market_id: int, items: list[dict]) -> None:
        self.market_id = market_id
        numbers = {item["stall"] for item in items if "stall" in item}
        codes = {item["merchant"] for item in items if "merchant" in item}
        self.stalls = self._stalls(numbers) if numbers else {}
        self.merchants = self._merchants(codes) if codes else {}

    def _stalls(self, numbers: set[str]) -> dict[str, tuple[int, int | None]]:
        """Stall number → (stall id, the id of its merchant, if one the scale may judge)."""
        holder = (Merchant.id == Stall.merchant_id) & scope.traders(self.market_id)
        stmt = (
            select(Stall.number, Stall.id, Merchant.id)
            .outerjoin(Merchant, holder)
            .where(Stall.market_id == self.market_id, Stall.number.in_(numbers))
        )
        return {
            number: (stall_id, merchant) for number, stall_id, merchant in db.session.execute(stmt)
        }

    def _merchants(self, codes: set[str]) -> dict[str, tuple[int, bool]]:
        """USCC → (merchant id, trades in this market: `scope.traders`)."""
        trades_here = scope.traders(self.market_id).label("trades_here")
        stmt = select(Merchant.uscc, Merchant.id, trades_here).where(Merchant.uscc.in_(codes))
        return {
            code: (merchant_id, bool(here)) for code, merchant_id, here in db.session.execute(stmt)
        }

    def resolve(self, item: dict) -> Place | tuple[str, str]:
        """The item's place, or (field, reason) when it cannot be judged against a merchant."""
        if "stall" in item:
            stall = self.stalls.get(item["stall"])
            if stall is None:
                return "stall", "no such stall in this device's market"
            if stall[1] is None:
                return "stall", "no merchant of this market is registered at this stall"
            return Place(merchant_id=stall[1], stall_id=stall[0])
        merchant = self.merchants.get(item["merchant"])
        if merchant is None:
            return "merchant", "no merchant with this USCC"
        if not merchant[1]:
            return "merchant", "the merchant does not trade in this device's market"
        return Place(merchant_id=merchant[0])


class Answer:
    """What the scale is told: each item accepted with its verdict, duplicate, or rejected."""

    def __init__(self) -> None:
        self.results: list[dict] = []
        self.duplicates: list[dict] = []
        self.errors: list[dict] = []

    def reject(self, index: int, seq: object, field: str | None, reason: str) -> None:
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        self.errors.append({"index": index, "seq": seq, "field": field, "reason": reason})

    def duplicate(self, index: int, seq: int) -> None:
        self.duplicates.append({"index": index, "seq": seq})

    def as_dict(self) -> dict:
        self.duplicates.sort(key=lambda d: d["index"])
        self.errors.sort(key=lambda e: e["index"])
        return {
            "accepted": len(self.results),
            "duplicate": len(self.duplicates),
            "rejected": len({e["index"] for e in self.errors}),
            "results": self.results,
            "duplicates": self.duplicates,
            "errors": self.errors,
        }


def ingest(device: Device, items: list) -> dict:
    """Judge a batch from `device`, store its new readings and mark their merchants dirty.

    Per-item problems are answered, never raised. A seq already stored for this device,
    or repeated within the batch, is a duplicate (the later copy); a rejected item does
    not claim its seq. Flushes only: the caller commits the readings and the outbox
    together, once.
    """
    answer = Answer()
    loaded = _load(items, answer)
    places = Places(device.market_id, [item for _, item in loaded])
    # The policy in force decides the uncertain category-vs-price question (rules.md §1).
    band_rule = policies.current().document["retail_band_rule"]
    received_at = utcnow()
    rows: dict[int, dict] = {}  # seq → row to insert
    results: dict[int, dict] = {}  # seq → the verdict to answer if it is stored
    for index, item in loaded:
        place = places.resolve(item)
        if not isinstance(place, Place):
            answer.reject(index, item["seq"], *place)
        elif item["seq"] in rows:
            answer.duplicate(index, item["seq"])
        else:
            verdict = assess_weighing(
                item["settled_g"],
                item["measured_g"],
                item["category"],
                item.get("unit_price"),
                k=device.k,
                band_rule=band_rule,
            )
            code = unverified(device, clock.local(item["time"]).date())
            if code is not None:
                verdict = _unassessable(verdict, code, device.verification_due)
            rows[item["seq"]] = _row(device, item, place, verdict, received_at, code)
            results[item["seq"]] = _result(index, item["seq"], verdict, code)
    stored = _insert(list(rows.values()))
    if any(rows[seq]["reason_code"] for seq in stored):
        tell_host(device)
    for seq, result in results.items():
        if seq in stored:
            answer.results.append(result)
        else:
            answer.duplicate(result["index"], seq)
    mark_dirty((rows[seq]["merchant_id"] for seq in stored), OUTBOX_REASON)
    return answer.as_dict()


def unverified(device: Device, day: date) -> str | None:
    """Why the scale cannot judge a reading taken on `day` (a Shanghai date), or None.

    rules.md §1 presumes a verified scale (计量法 第九条): after its verification fell due
    the scale's readings are no evidence either way (issue 20). A scale with no due date
    has nothing on record; it counts as unverified where the setting
    READINGS_REQUIRE_VERIFICATION_RECORD says so."""
    if device.verification_due is None:
        required = current_app.config.get("READINGS_REQUIRE_VERIFICATION_RECORD", True)
        return SCALE_UNVERIFIED if required else None
    return SCALE_VERIFICATION_LAPSED if day > device.verification_due else None


def _unassessable(verdict: WeighingVerdict, code: str, due: date | None) -> WeighingVerdict:
    """The re-weigh with its figures, but judged neither short nor within."""
    if code == SCALE_VERIFICATION_LAPSED:
        reason = f"the scale's verification fell due on {due.isoformat() if due else '?'}"
    else:
        reason = "the scale has no verification on record"
    reason += " (rules.md §1 presumes a verified scale)"
    return replace(verdict, verdict="not_assessable", limit_g=None, deviation_g=None, reason=reason)


def tell_host(device: Device) -> None:
    """Tell the market's hosts that the scale's readings are not assessable: once per
    scale per day, not per reading."""
    today = clock.today()
    if device.lapse_notified_on == today:
        return
    device.lapse_notified_on = today
    due = device.verification_due
    body = (
        f"公平秤{device.serial}的检定已于{due.isoformat()}到期，"
        if due
        else f"公平秤{device.serial}没有检定记录，"
    ) + "其复称结果不作为计量证据（不可评定），请尽快送检。"
    notifications.notify(
        notifications.market_hosts(device.market_id),
        f"公平秤{device.serial}检定失效",
        body,
        "device",
        device.id,
    )


def _load(items: list, answer: Answer) -> list[tuple[int, dict]]:
    """Each item through the item schema; one error entry per bad field of a bad item."""
    loaded = []
    for index, raw in enumerate(items):
        try:
            loaded.append((index, ITEM.load(raw)))
        except ValidationError as exc:
            seq = raw.get("seq") if isinstance(raw, dict) else None
            messages = exc.messages if isinstance(exc.messages, dict) else {None: exc.messages}
            for field, reasons in messages.items():
                name = None if field in (None, "_schema") else field
                answer.reject(index, seq, name, "; ".join(map(str, reasons)))
    return loaded


def _row(
    device: Device,
    item: dict,
    place: Place,
    verdict: WeighingVerdict,
    received_at: datetime,
    code: str | None = None,
) -> dict:
    return {
        "device_id": device.id,
        "seq": item["seq"],
        "merchant_id": place.merchant_id,
        "stall_id": place.stall_id,
        "measured_at": item["time"].astimezone(UTC),
        "received_at": received_at,
        "category": item["category"],
        "unit_price": item.get("unit_price"),
        "settled_g": item["settled_g"],
        "measured_g": item["measured_g"],
        "band": verdict.band,
        "k": device.k,
        "limit_g": None if verdict.limit_g is None else float(verdict.limit_g),
        "shortfall_g": float(verdict.shortfall_g),
        "verdict": verdict.verdict,
        "reason_code": code,
    }


def _result(index: int, seq: int, verdict: WeighingVerdict, code: str | None = None) -> dict:
    return {
        "index": index,
        "seq": seq,
        "verdict": verdict.verdict,
        "shortfall_g": float(verdict.shortfall_g),
        "limit_g": None if verdict.limit_g is None else float(verdict.limit_g),
        "band": verdict.band,
        "reason": verdict.reason,
        "reason_code": code,
    }


def _insert(rows: list[dict]) -> set[int]:
    """One bulk `INSERT ... ON CONFLICT (device_id, seq) DO NOTHING RETURNING`; the seqs
    it stored. A seq stored meanwhile (a concurrent resend) is skipped, never raised.

    The stored rows, and only they, are added to their days' tallies (`reading_days`): a
    resent seq counts once. On PostgreSQL in the same statement, through a CTE."""
    if not rows:
        return set()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        rows = _not_stored(rows)
        if not rows:
            return set()
        stmt, params = _from_json(), {"rows": json.dumps(rows, default=datetime.isoformat)}
        # The partitioned table's unique key must hold its partition key (models.reading).
        key = [READINGS.c.device_id, READINGS.c.seq, READINGS.c.measured_at]
    else:
        stmt, params = sqlite.insert(READINGS), rows
        key = [READINGS.c.device_id, READINGS.c.seq]
    stmt = stmt.on_conflict_do_nothing(index_elements=key)
    if postgres:
        stored = stmt.returning(*(READINGS.c[name] for name in STORED)).cte("stored")
        days = reading_days.added_from(stored).cte("days")
        return set(db.session.execute(select(stored.c.seq).add_cte(days), params).scalars())
    seqs = set(db.session.execute(stmt.returning(READINGS.c.seq), params).scalars())
    reading_days.add(db.session.connection(), (row for row in rows if row["seq"] in seqs))
    return seqs


def _not_stored(rows: list[dict]) -> list[dict]:
    """PostgreSQL: the rows whose seq the device has not stored at any time.

    There the unique key is (device_id, seq, measured_at), so a seq resent with another
    time would be a second reading of the same re-weigh and count twice against the
    merchant. The device's batches are taken one at a time (a transaction lock on the
    device, held to commit) and its stored seqs looked up in the batch's range: one index
    range per month partition, whatever the batch's size."""
    device_id = rows[0]["device_id"]  # a batch comes from one device
    seqs = [row["seq"] for row in rows]
    db.session.execute(select(func.pg_advisory_xact_lock(SEQ_LOCK, device_id)))
    stored = db.session.scalars(
        select(READINGS.c.seq).where(
            READINGS.c.device_id == device_id, READINGS.c.seq.between(min(seqs), max(seqs))
        )
    )
    seen = set(stored)
    return [row for row in rows if row["seq"] not in seen]


def _from_json() -> postgresql.Insert:
    """PostgreSQL: `INSERT ... SELECT * FROM jsonb_to_recordset(:rows)`, the batch as one
    JSON parameter.

    An executemany with RETURNING makes SQLAlchemy send one VALUES statement with 15
    placeholders per row, too long for psycopg's statement cache, so it is parsed again
    for every batch. One JSON parameter keeps the statement short and cached, and
    PostgreSQL parses the rows in C; one array per column through unnest() costs more
    Python time (see BENCHMARKS.md, 'Readings ingest').
    """
    columns = [column(name, READINGS.c[name].type) for name in COLUMNS]
    rows = cast(bindparam("rows", type_=Text), postgresql.JSONB)
    source = func.jsonb_to_recordset(rows).table_valued(*columns).render_derived(with_types=True)
    return postgresql.insert(READINGS).from_select(COLUMNS, select(*source.c))


# Listing -------------------------------------------------------------------------


def listing(p: Principal, args: dict) -> Select:
    """The readings `p` may see, filtered, newest first."""
    stmt = (
        select(Reading)
        .join(Device, Device.id == Reading.device_id)
        .join(Merchant, Merchant.id == Reading.merchant_id)
        .where(scope.readings(p))
    )
    for key, condition in (
        ("device", lambda v: Device.serial == v),
        ("merchant", lambda v: Merchant.uscc == v),
        ("verdict", lambda v: Reading.verdict == v),
        ("since", lambda v: Reading.measured_at >= v.astimezone(UTC)),
        ("until", lambda v: Reading.measured_at < v.astimezone(UTC)),
    ):
        if key in args:
            stmt = stmt.where(condition(args[key]))
    return stmt.order_by(Reading.measured_at.desc(), Reading.id.desc())


def label(readings: list[Reading]) -> list[Reading]:
    """Attach the device serial, merchant USCC and stall number the answer shows."""
    if not readings:
        return readings
    stmt = (
        select(Reading.id, Device.serial, Merchant.uscc, Stall.number)
        .join(Device, Device.id == Reading.device_id)
        .join(Merchant, Merchant.id == Reading.merchant_id)
        .outerjoin(Stall, Stall.id == Reading.stall_id)
        .where(Reading.id.in_([r.id for r in readings]))
    )
    labels = {row[0]: row[1:] for row in db.session.execute(stmt)}
    for reading in readings:
        reading.device_serial, reading.merchant_uscc, reading.stall_number = labels[reading.id]
    return readings
