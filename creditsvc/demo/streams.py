"""What the demo history's streams share: the merchants as arrays with their hidden
honesty, the officers who record evidence, and how events are spread over merchants and
days (`creditsvc.demo.evidence` chains the streams)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Table

from creditsvc.bulk import Chunk
from creditsvc.demo import names
from creditsvc.demo.plan import DISTRICT_CODES, CityPlan, honesty_block, seeded_random

Stream = Iterator[tuple[Table, Chunk]]
BLOCK = 4096  # merchants per chunk of inspections or complaints
OFFICERS_PER_DISTRICT = 12
HISTORY_DAYS = 3 * 365  # inspections and complaints: the last three years (DESIGN.md §6)


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
