"""The plan of the demo city: every decision that spans the whole city, from one seed.

`plan_city()` fixes trades, districts, streets, markets and stall places as compact lists
indexed by merchant index (0-based) or market number; the row generators in `city` turn
them into table rows chunk by chunk. Also here: the hidden `honesty()` of each merchant,
which later evidence generators (inspections, complaints, fair-scale readings) draw from.
Randomness comes only from generators seeded with (seed, stream, part), never from the
global `random`, the clock, or dict and set order.
"""

from __future__ import annotations

import random
import string
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time

import numpy as np

from creditsvc.demo import names
from creditsvc.models import TRADES
from creditsvc.uscc import ALPHABET

AS_OF = date(2026, 11, 1)  # the demo city's "today": every generated date is relative to it
XUHUI = "310104"  # the demo district; its first market and stall get the demo logins
TRADE_SHARES = {
    "market_stall": 0.55,
    "restaurant": 0.15,
    "supermarket": 0.08,
    "fuel_station": 0.04,
    "optical_shop": 0.04,
    "pharmacy_hospital": 0.04,
    "other": 0.10,
}
STALL = TRADES.index("market_stall")
STALLS_PER_MARKET = 40
STALLS_PER_SECTION = 50  # A-001 … A-050, B-001 …
# Instruments by trade: kind, fewest, most.
INSTRUMENTS = {
    "market_stall": ("pricing_scale", 1, 2),
    "supermarket": ("pricing_scale", 3, 12),
    "restaurant": ("pricing_scale", 0, 1),
    "fuel_station": ("fuel_dispenser", 4, 12),
    "optical_shop": ("lensmeter", 1, 2),
    "pharmacy_hospital": ("pricing_scale", 0, 2),
    "other": ("pricing_scale", 0, 2),
}
DEVICES_PER_MARKET = {1: 5, 2: 3, 3: 2}  # fair scales (自助公平秤) per market: weight
HIGH_ACCURACY_SHARE = 0.2  # fair scales with k = 1
HONESTY_SHAPE = (6.0, 1.5)  # Beta(a, b): mean 0.8, most merchants honest, a dishonest tail
HONESTY_BLOCK = 1024
ORG_SPACE = len(ALPHABET) ** 7
# Golden-ratio step through the code space: neighbours get unrelated-looking codes, and as
# the step is no multiple of 31, index → organisation code is one-to-one.
ORG_STEP = 17_003_730_641

DISTRICT_CODES = tuple(names.DISTRICTS)
_WEIGHTS = np.array([weight for _, weight in names.DISTRICTS.values()], dtype=float)
_WEIGHTS /= _WEIGHTS.sum()
# Every street and town in district order, the order of Layout.street_ids.
ALL_STREETS = tuple((code, name) for code in DISTRICT_CODES for name in names.STREETS[code])
STREET_COUNT = np.array([len(names.STREETS[code]) for code in DISTRICT_CODES])
STREET_OFFSET = np.concatenate(([0], np.cumsum(STREET_COUNT)[:-1]))


@dataclass(frozen=True)
class Layout:
    """The ids the database gave the streets (in `ALL_STREETS` order) and, per table with
    explicit ids, the first free id (1 when not given)."""

    street_ids: tuple[int, ...]
    first_ids: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def fresh(cls) -> Layout:
        """The ids an empty database assigns."""
        return cls(tuple(range(1, len(ALL_STREETS) + 1)))

    def first_id(self, table: str) -> int:
        return self.first_ids.get(table, 1)


@dataclass(frozen=True)
class EvidenceCounts:
    """How much history the demo city gets: inspections, complaints, fair-scale readings."""

    inspections: int
    complaints: int
    readings: int

    @classmethod
    def scaled(cls, merchants: int, **given: int | None) -> EvidenceCounts:
        """The counts `given`; the others per 2,000 merchants: 1,500 inspections, 600
        complaints, 200,000 readings."""
        scaled = cls(round(merchants * 0.75), round(merchants * 0.3), merchants * 100)
        return replace(scaled, **{name: n for name, n in given.items() if n is not None})


@dataclass(frozen=True)
class CityPlan:
    """The whole city as lists indexed by merchant index (0-based) or market number."""

    seed: int
    as_of: date
    stamp: datetime  # created_at / updated_at of every generated row
    layout: Layout
    org_offset: int
    trade: list[int]  # per merchant: position in TRADES
    district: list[int]  # per merchant: position in DISTRICT_CODES
    street: list[int]  # per merchant: position in ALL_STREETS
    market: list[int]  # per merchant: market number, -1 for all but market stalls
    stall: list[int]  # per merchant: stall number within its market, -1 when none
    market_district: list[int]
    market_street: list[int]
    market_name: list[str]
    market_address: list[str]
    market_host: list[str]
    goods: list[int]  # per merchant: position in names.GOODS (what a stall sells)
    instruments: list[int]  # per merchant: how many measuring instruments it has
    market_devices: list[int]  # per market: how many fair scales it has
    high_accuracy: list[bool]  # per fair scale, in market order: k = 1
    evidence: EvidenceCounts

    @property
    def merchants(self) -> int:
        return len(self.trade)

    def merchant_id(self, index: int) -> int:
        return self.layout.first_id("merchants") + index

    def market_id(self, number: int) -> int:
        return self.layout.first_id("markets") + number


def demo_stamp(as_of: date) -> datetime:
    """The created_at / updated_at of every generated row: a fixed hour of `as_of`."""
    return datetime.combine(as_of, time(8), tzinfo=UTC)


def seeded_generator(seed: int, stream: str, part: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed & (2**64 - 1), zlib.crc32(stream.encode()), part])


def seeded_random(seed: int, stream: str, part: int = 0) -> random.Random:
    return random.Random(f"{seed}:{stream}:{part}")  # str seeds hash with SHA-512: stable


def plan_city(
    merchants: int,
    seed: int,
    layout: Layout | None = None,
    as_of: date = AS_OF,
    evidence: EvidenceCounts | None = None,
) -> CityPlan:
    """Decide the whole city for `seed` (and its history's size, by default scaled)."""
    rng = seeded_generator(seed, "plan")
    trade = _trades(merchants, rng)
    stalls = np.flatnonzero(trade == STALL)
    n_markets = max(1, round(len(stalls) / STALLS_PER_MARKET)) if len(stalls) else 0
    market_district = rng.choice(len(DISTRICT_CODES), size=n_markets, p=_WEIGHTS)
    market_district[:1] = DISTRICT_CODES.index(XUHUI)  # the demo host's market
    market_street = _pick_streets(market_district, rng)
    market = np.full(merchants, -1)
    market[stalls] = _assign_stalls(len(stalls), n_markets, rng)
    district = rng.choice(len(DISTRICT_CODES), size=merchants, p=_WEIGHTS)
    district[stalls] = market_district[market[stalls]]
    street = _pick_streets(district, rng)
    street[stalls] = market_street[market[stalls]]
    return CityPlan(
        seed,
        as_of,
        demo_stamp(as_of),
        layout or Layout.fresh(),
        seeded_random(seed, "uscc").randrange(ORG_SPACE),
        trade.tolist(),
        district.tolist(),
        street.tolist(),
        market.tolist(),
        _stall_numbers(market).tolist(),
        market_district.tolist(),
        market_street.tolist(),
        *_market_labels(seed, market_district.tolist(), market_street.tolist()),
        *_equipment(seed, trade, n_markets),
        evidence or EvidenceCounts.scaled(merchants),
    )


def _equipment(seed: int, trade: np.ndarray, markets: int) -> tuple[list, ...]:
    """Goods of each merchant, instruments per merchant, fair scales per market and their k."""
    rng = seeded_generator(seed, "equipment")
    goods = rng.integers(len(names.GOODS), size=len(trade))
    fewest = np.array([INSTRUMENTS[name][1] for name in TRADES])[trade]
    most = np.array([INSTRUMENTS[name][2] for name in TRADES])[trade]
    instruments = rng.integers(fewest, most + 1)
    weights = np.array(list(DEVICES_PER_MARKET.values()), dtype=float)
    devices = rng.choice(list(DEVICES_PER_MARKET), size=markets, p=weights / weights.sum())
    high_accuracy = rng.random(int(devices.sum())) < HIGH_ACCURACY_SHARE
    return goods.tolist(), instruments.tolist(), devices.tolist(), high_accuracy.tolist()


def _trades(merchants: int, rng: np.random.Generator) -> np.ndarray:
    """Exactly the TRADE_SHARES mix (largest remainder), in a seeded random order."""
    raw = [TRADE_SHARES[trade] * merchants for trade in TRADES]
    counts = [int(share) for share in raw]
    by_remainder = sorted(range(len(TRADES)), key=lambda k: (counts[k] - raw[k], k))
    for k in by_remainder[: merchants - sum(counts)]:
        counts[k] += 1
    trade = np.repeat(np.arange(len(TRADES)), counts)
    rng.shuffle(trade)
    return trade


def _pick_streets(district: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniformly chosen street of each district, as a position in ALL_STREETS."""
    offset = rng.random(len(district)) * STREET_COUNT[district]
    return STREET_OFFSET[district] + offset.astype(np.int64)


def _assign_stalls(stalls: int, markets: int, rng: np.random.Generator) -> np.ndarray:
    """Market of each stall: markets differ in size; every market has at least one stall."""
    if not stalls:
        return np.empty(0, dtype=np.int64)
    size = rng.lognormal(0.0, 0.5, markets)
    market = rng.choice(markets, size=stalls, p=size / size.sum())
    head = min(stalls, markets)
    market[:head] = np.arange(head)  # also puts the first stall in market 0 (徐汇)
    return market


def _stall_numbers(market: np.ndarray) -> np.ndarray:
    """Each stall's rank within its market, in merchant order; -1 for merchants without one."""
    number = np.full(len(market), -1)
    stalls = np.flatnonzero(market >= 0)
    order = stalls[np.argsort(market[stalls], kind="stable")]
    grouped = market[order]
    number[order] = np.arange(len(order)) - np.searchsorted(grouped, grouped)
    return number


def _market_labels(seed: int, districts: list[int], streets: list[int]) -> tuple[list, ...]:
    """Names ("斜土路菜市场", "莘庄第二农贸市场"), addresses and host companies of markets."""
    rnd = seeded_random(seed, "markets")
    used: dict[str, int] = {}
    labels: tuple[list, list, list] = ([], [], [])
    for district, street in zip(districts, streets, strict=True):
        code = DISTRICT_CODES[district]
        core = names.street_core(ALL_STREETS[street][1])
        road = rnd.choice(names.ROADS[code])
        prefix = core if rnd.random() < 0.7 else road
        labels[0].append(_unique_name(prefix, rnd.choice(names.MARKET_KINDS), used))
        labels[1].append(f"{road}{rnd.randint(1, 999)}号")
        host = rnd.choice(names.MARKET_HOSTS)
        labels[2].append(host.format(core=core, brand=rnd.choice(names.BRANDS)))
    return labels


def _unique_name(prefix: str, kind: str, used: dict[str, int]) -> str:
    key = prefix + kind
    used[key] = used.get(key, 0) + 1
    return key if used[key] == 1 else f"{prefix}第{_chinese_number(used[key])}{kind}"


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def stall_number(rank: int) -> str:
    """The printed number of a market's rank-th stall: 0 → "A-001", 50 → "B-001"."""
    section, place = divmod(rank, STALLS_PER_SECTION)
    letter = string.ascii_uppercase[section % 26] + (str(section // 26) if section >= 26 else "")
    return f"{letter}-{place + 1:03d}"


def organisation_code(offset: int, index: int) -> str:
    """The 9-character organisation part of a USCC, one-to-one with `index`."""
    value = (index * ORG_STEP + offset) % ORG_SPACE
    chars = []
    for _ in range(7):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "MA" + "".join(reversed(chars))


def honesty_block(seed: int, start: int, stop: int) -> np.ndarray:
    """The hidden honesty (0 cheats … 1 scrupulous) of merchant indexes start..stop-1.

    Never stored: evidence generators draw violations, complaints and short weights from
    it. Values come in fixed blocks, so a merchant's honesty does not depend on the city's
    size or on which range is asked for.
    """
    if stop <= start:
        return np.empty(0)
    first, last = start // HONESTY_BLOCK, (stop - 1) // HONESTY_BLOCK
    blocks = [
        seeded_generator(seed, "honesty", block).beta(*HONESTY_SHAPE, size=HONESTY_BLOCK)
        for block in range(first, last + 1)
    ]
    offset = first * HONESTY_BLOCK
    return np.concatenate(blocks)[start - offset : stop - offset]


def honesty(seed: int, merchant_index: int) -> float:
    """The hidden honesty of one merchant (index 0 is the first merchant generated)."""
    return float(honesty_block(seed, merchant_index, merchant_index + 1)[0])
