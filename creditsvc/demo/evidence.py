"""The history of the demo city: inspections, complaints and fair-scale readings.

Every generator draws from the hidden honesty of each merchant (`plan.honesty_block`, never
stored), so a dishonest merchant is inspected and complained about more often, is found
at fault more often and more seriously, and weighs short more often: a risk model trained
on the demo city has a real signal to find, and the scorecard shows every grade.

Each stream yields (table, chunk) pairs, chunk by chunk, every chunk from its own seeded
generator; ids are explicit (from `Layout.first_ids`), so the same plan always yields the
same rows. `chunks(city)` chains the streams in insertion order (parents first).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Table, bindparam, text
from sqlalchemy.orm import Session

from creditsvc.bulk import Chunk
from creditsvc.demo import names
from creditsvc.demo.logins import ACTOR as RECORDED_BY
from creditsvc.demo.plan import DISTRICT_CODES, CityPlan, honesty_block, seeded_random
from creditsvc.models import (
    Complaint,
    ComplaintTransition,
    DirtyMerchant,
    Finding,
    Inspection,
    NetContentLot,
    PenaltyDecision,
    Reading,
)

Stream = Iterator[tuple[Table, Chunk]]
BLOCK = 4096  # merchants per chunk of inspections or complaints
OFFICERS_PER_DISTRICT = 12
HISTORY_DAYS = 3 * 365  # inspections and complaints: the last three years (DESIGN.md §6)
# Tables with explicitly numbered rows, parents first.
TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        Inspection,
        NetContentLot,
        Finding,
        PenaltyDecision,
        Complaint,
        ComplaintTransition,
        Reading,
    )
)


@dataclass(frozen=True)
class Subjects:
    """The merchants of a plan as arrays (by merchant index), with their hidden honesty."""

    ids: np.ndarray
    honesty: np.ndarray
    trade: np.ndarray
    district: np.ndarray
    market: np.ndarray
    goods: np.ndarray
    first_instrument: np.ndarray  # id of the merchant's first instrument
    instruments: np.ndarray  # how many it has

    @classmethod
    def of(cls, city: CityPlan) -> Subjects:
        count = np.asarray(city.instruments, dtype=np.int64)
        first = city.layout.first_id("instruments") + np.cumsum(count) - count
        return cls(
            ids=city.merchant_id(0) + np.arange(city.merchants),
            honesty=honesty_block(city.seed, 0, city.merchants),
            trade=np.asarray(city.trade),
            district=np.asarray(city.district),
            market=np.asarray(city.market),
            goods=np.asarray(city.goods),
            first_instrument=first,
            instruments=count,
        )

    def instrument(self, who: np.ndarray, rng: np.random.Generator) -> list[int | None]:
        """One instrument id of each merchant in `who`, None for a merchant without any."""
        pick = self.first_instrument[who] + (rng.random(len(who)) * self.instruments[who])
        return [int(i) if n else None for i, n in zip(pick, self.instruments[who], strict=True)]


def chunks(city: CityPlan) -> Stream:
    """Every evidence table's rows, parents first."""
    from creditsvc.demo import complaints, inspections, readings

    subjects = Subjects.of(city)
    yield from inspections.chunks(city, subjects)
    yield from complaints.chunks(city, subjects)
    yield from readings.chunks(city, subjects)


def allocate(total: int, weight: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`total` events spread over merchants in proportion to `weight` (multinomial)."""
    if total <= 0 or not len(weight) or weight.sum() <= 0:
        return np.zeros(len(weight), dtype=np.int64)
    return rng.multinomial(total, weight / weight.sum())


def merchant_blocks(counts: np.ndarray) -> Iterator[tuple[int, np.ndarray, int]]:
    """Per block of merchants: its number, each event's merchant index, and the index of
    its first event in the whole city (so ids never depend on earlier blocks)."""
    offsets = np.concatenate(([0], np.cumsum(counts)))
    for block, start in enumerate(range(0, len(counts), BLOCK)):
        stop = min(start + BLOCK, len(counts))
        who = np.repeat(np.arange(start, stop), counts[start:stop])
        if len(who):
            yield block, who, int(offsets[start])


def officers(city: CityPlan) -> list[list[str]]:
    """A pool of officers' names per district (DISTRICT_CODES order), distinct within it."""
    rnd = seeded_random(city.seed, "officers")
    pools = []
    for _ in DISTRICT_CODES:
        pool: list[str] = []
        while len(pool) < OFFICERS_PER_DISTRICT:
            name = rnd.choice(names.SURNAMES) + rnd.choice(names.GIVEN_NAMES)
            if name not in pool:
                pool.append(name)
        pools.append(pool)
    return pools


def days_before(as_of: np.datetime64, days: np.ndarray) -> np.ndarray:
    """The dates `days` before `as_of`, as datetime64[D]."""
    return as_of - days.astype("timedelta64[D]")


def mark_dirty(session: Session, at: datetime) -> int:
    """Put every merchant with evidence in the rescoring outbox, with one statement.

    Asked per merchant through the merchant_id indexes (EXISTS) rather than as a DISTINCT
    over every evidence row, which would sort a city's 20 million readings.
    """
    statement = text(
        "INSERT INTO dirty_merchants (merchant_id, marked_at, reason)"
        " SELECT id, :at, :reason FROM merchants AS m WHERE"
        " EXISTS (SELECT 1 FROM inspections AS e WHERE e.merchant_id = m.id)"
        " OR EXISTS (SELECT 1 FROM complaints AS e WHERE e.merchant_id = m.id)"
        " OR EXISTS (SELECT 1 FROM readings AS e WHERE e.merchant_id = m.id)"
    ).bindparams(bindparam("at", type_=DirtyMerchant.__table__.c.marked_at.type))
    return session.execute(statement, {"at": at, "reason": RECORDED_BY}).rowcount
