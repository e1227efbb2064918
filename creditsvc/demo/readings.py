"""Demo fair-scale readings (自助公平秤复称记录): shoppers re-weighing what a stall sold them.

Readings come from the fair scales of each market, for the stalls trading there, over the
12 to 15 months since the market's scales were installed; each scale numbers its readings
in time order. Goods and unit prices follow what the stall sells (`names.GOODS`), settled
masses are whole 5 g steps, and a dishonest stall gives short weight more often.

The stored band, limit, shortfall and verdict come from `scoring.retail.assess_weighing`
with the scale's k. Masses, shortfalls and prices are discretised (5 g steps, whole grams,
three prices per kind of goods), so its results are memoised by those inputs and 20 million
readings need only a few hundred thousand calls.
"""

from __future__ import annotations

import numpy as np

from creditsvc.demo import names
from creditsvc.demo.plan import CityPlan, seeded_generator
from creditsvc.demo.streams import Stream, Subjects, allocate
from creditsvc.models import VERDICTS, Reading
from scoring.retail import Category, assess_weighing

GOODS = tuple(names.GOODS)
# The goods category of scoring.retail for each kind of goods a stall sells.
GOODS_CATEGORY = {
    "蔬菜": Category.VEGETABLE,
    "水果": Category.FRUIT,
    "鲜肉": Category.MEAT,
    "牛羊肉": Category.MEAT,
    "水产": Category.SEAFOOD,
    "海鲜": Category.SEAFOOD,
    "禽蛋": Category.EGG,
    "豆制品": Category.OTHER,  # banded by price
    "干货": Category.DRIED_VEGETABLE,
    "粮油": Category.GRAIN,
    "熟食": Category.OTHER,
    "南北货": Category.DELICACY,
}
CATEGORIES = tuple(Category)
CATEGORY_OF_GOODS = np.array([CATEGORIES.index(GOODS_CATEGORY[goods]) for goods in GOODS])
LIVE_FISH = CATEGORIES.index(Category.LIVE_FISH)  # 活鱼: not assessable (附表1 注)
LIVE_FISH_SHARE = 0.4  # of what aquatic-goods stalls (水产) sell
TYPICAL = {"水果": 1200, "水产": 800, "禽蛋": 1000, "粮油": 2500, "干货": 250, "熟食": 300}
TYPICAL_MASS_G = np.array([TYPICAL.get(goods, 500) for goods in GOODS], dtype=float)
PRICE_LEVELS = 3
# Three unit prices per kind of goods across its typical range, in 0.5 yuan/kg steps.
PRICES = np.array(
    [
        round(price * 2) / 2
        for low, high in names.GOODS.values()
        for price in np.linspace(low, high, PRICE_LEVELS)
    ]
)
MASS_STEP_G = 5
MASS_RANGE_G = (20, 9000)
CHEAT_FRACTIONS = np.array([0.03, 0.05, 0.08, 0.10, 0.15])  # of the settled mass
SCALE_NOISE_G = 0.6  # standard deviation of an honest re-weigh's difference
INSTALLED_DAYS = (365, 457)  # the market's fair scales started 12 to 15 months ago
# Shoppers by local hour (06:00-19:59): the morning market is the busiest.
HOURS = np.arange(6, 20)
HOUR_WEIGHTS = np.array([1, 3, 4, 4, 3, 2, 1, 1, 1, 1, 2, 3, 2, 1], dtype=float)
SHANGHAI_UTC_OFFSET_S = 8 * 3600
MARKET_BLOCK = 32  # markets per chunk
BANDS = np.array([None, "1", "2", "3", "4", "gold", "silver"], dtype=object)  # None: no band
VERDICT_NAMES = np.array(VERDICTS, dtype=object)
# Radixes of the memo key; a shortfall is at least -SHORT_BASE g (overweight noise).
SHORT_BASE, SHORT_SPAN, MASS_SPAN = 100, 2000, MASS_RANGE_G[1] + 1


def chunks(city: CityPlan, subjects: Subjects) -> Stream:
    """The readings of every market's scales, a block of markets at a time."""
    stalls = np.flatnonzero(subjects.market >= 0)  # merchant indexes; stall ids in this order
    rng = seeded_generator(city.seed, "readings")
    counts = allocate(city.evidence.readings, rng.lognormal(0.0, 0.6, len(stalls)), rng)
    base_price = rng.integers(PRICE_LEVELS, size=len(stalls))
    by_market = np.argsort(subjects.market[stalls], kind="stable")
    markets = subjects.market[stalls][by_market]
    scales = Scales(city)
    verdicts = Verdicts()
    next_id = city.layout.first_id("readings")
    for block, start in enumerate(range(0, len(city.market_name), MARKET_BLOCK)):
        lo, hi = np.searchsorted(markets, [start, start + MARKET_BLOCK])
        places = by_market[lo:hi]  # positions in `stalls` of this block's stalls
        place = np.repeat(places, counts[places])
        if not len(place):
            continue
        rng = seeded_generator(city.seed, "readings", block + 1)
        draw = _Draw(city, subjects, stalls[place], rng, start)
        columns = draw.columns(place, base_price, scales, verdicts)
        columns["id"] = next_id + np.arange(len(place))
        next_id += len(place)
        yield Reading.__table__, columns


class Scales:
    """The fair scales of the plan: the first one of each market, ids and k."""

    def __init__(self, city: CityPlan) -> None:
        self.per_market = np.asarray(city.market_devices, dtype=np.int64)
        self.first = np.cumsum(self.per_market) - self.per_market
        self.ids = city.layout.first_id("devices") + np.arange(int(self.per_market.sum()))
        # 零售商品称重计量监督管理办法 第六条: k = 1 for a high-accuracy scale, else 2.
        self.k = np.where(np.asarray(city.high_accuracy, dtype=bool), 1, 2)
        self.first_stall = city.layout.first_id("stalls")


class Verdicts:
    """`assess_weighing` results by their discretised inputs, kept across chunks as sorted
    arrays so that a chunk's known readings are looked up without a Python loop."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.int64)
        self.results = np.empty((0, 4))  # band index, limit (NaN: none), shortfall, verdict

    def judge(self, category, price, k, settled, shortfall) -> tuple[np.ndarray, ...]:
        """Band, limit (g, None when not assessable), shortfall (g) and verdict of each."""
        key = ((category * len(PRICES) + price) * 2 + k - 1) * MASS_SPAN + settled
        key = key * SHORT_SPAN + shortfall + SHORT_BASE
        unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        new = ~np.isin(unique, self.keys, assume_unique=True)
        if new.any():
            picked = first[new]
            inputs = (
                category[picked],
                price[picked],
                k[picked],
                settled[picked],
                shortfall[picked],
            )
            self._learn(
                unique[new], [self._assess(*values) for values in zip(*inputs, strict=True)]
            )
        found = self.results[np.searchsorted(self.keys, unique)][inverse]
        limit = found[:, 1].astype(object)
        limit[np.isnan(found[:, 1])] = None
        return (
            BANDS[found[:, 0].astype(np.int64)],
            limit,
            found[:, 2],
            VERDICT_NAMES[found[:, 3].astype(np.int64)],
        )

    def _learn(self, keys: np.ndarray, results: list[tuple]) -> None:
        merged = np.concatenate((self.keys, keys))
        order = np.argsort(merged, kind="stable")
        self.keys = merged[order]
        self.results = np.concatenate((self.results, np.array(results, dtype=float)))[order]

    @staticmethod
    def _assess(category, price, k, settled, shortfall) -> tuple:
        result = assess_weighing(
            float(settled),
            float(settled - shortfall),
            CATEGORIES[category].value,
            float(PRICES[price]),
            k=int(k),
        )
        limit = np.nan if result.limit_g is None else float(result.limit_g)
        band = BANDS.tolist().index(result.band)
        return band, limit, float(result.shortfall_g), VERDICTS.index(result.verdict)


class _Draw:
    """The random draws of one block of markets, reading by reading."""

    def __init__(self, city: CityPlan, subjects: Subjects, merchant, rng, first_market: int):
        self.city, self.subjects, self.merchant, self.rng = city, subjects, merchant, rng
        self.market = subjects.market[merchant]
        self.first_market = first_market
        self.goods = subjects.goods[merchant]

    def columns(self, place, base_price, scales: Scales, verdicts: Verdicts) -> dict:
        n, rng = len(place), self.rng
        device = scales.first[self.market] + (
            rng.random(n) * scales.per_market[self.market]
        ).astype(np.int64)
        measured_at = self._moments()
        order = np.lexsort((measured_at, device))  # each scale numbers its readings in time order
        device, measured_at, place = device[order], measured_at[order], place[order]
        self.merchant, self.market, self.goods = (
            a[order] for a in (self.merchant, self.market, self.goods)
        )
        category, price = self._goods(base_price[place])
        settled, shortfall = self._masses()
        k = scales.k[device]
        band, limit, short, verdict = verdicts.judge(category, price, k, settled, shortfall)
        received = measured_at + rng.integers(1, 120, n).astype("timedelta64[s]")
        return {
            "device_id": scales.ids[device],
            "seq": np.arange(n) - np.searchsorted(device, device) + 1,
            "merchant_id": self.subjects.ids[self.merchant],
            "stall_id": scales.first_stall + place,
            "measured_at": measured_at,
            "received_at": received,
            "category": np.array([c.value for c in CATEGORIES], dtype=object)[category],
            "unit_price": PRICES[price],
            "settled_g": settled.astype(float),
            "measured_g": (settled - shortfall).astype(float),
            "band": band,
            "k": k,
            "limit_g": limit,
            "shortfall_g": short,
            "verdict": verdict,
        }

    def _moments(self) -> np.ndarray:
        """Shopping hours on days since the market's scales were installed (UTC)."""
        rng, n = self.rng, len(self.merchant)
        markets = int(self.market.max()) - self.first_market + 1
        installed = rng.integers(*INSTALLED_DAYS, size=markets)[self.market - self.first_market]
        days_ago = 1 + (rng.random(n) * installed).astype(np.int64)
        hour = rng.choice(HOURS, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        local = hour * 3600 + rng.integers(0, 3600, n) - SHANGHAI_UTC_OFFSET_S
        midnight = np.datetime64(self.city.as_of, "s") - days_ago * 86400
        return midnight + local.astype("timedelta64[s]")

    def _goods(self, base_price: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Category and price index of each reading: the stall's goods near its usual price."""
        rng, n = self.rng, len(self.goods)
        category = CATEGORY_OF_GOODS[self.goods]
        live = (self.goods == GOODS.index("水产")) & (rng.random(n) < LIVE_FISH_SHARE)
        category[live] = LIVE_FISH
        step = rng.choice([-1, 0, 1], size=n, p=[0.15, 0.7, 0.15])
        level = np.clip(base_price + step, 0, PRICE_LEVELS - 1)
        return category, self.goods * PRICE_LEVELS + level

    def _masses(self) -> tuple[np.ndarray, np.ndarray]:
        """Settled mass (5 g steps) and shortfall (whole grams; negative when overweight)."""
        rng, n = self.rng, len(self.goods)
        typical = np.log(TYPICAL_MASS_G[self.goods])
        settled = np.rint(rng.lognormal(typical, 0.5) / MASS_STEP_G).astype(np.int64) * MASS_STEP_G
        settled = np.clip(settled, *MASS_RANGE_G)
        dishonesty = 1 - self.subjects.honesty[self.merchant]
        cheats = rng.random(n) < 0.002 + 0.35 * dishonesty**2.5
        skimmed = np.rint(settled * CHEAT_FRACTIONS[rng.integers(len(CHEAT_FRACTIONS), size=n)])
        noise = np.clip(np.rint(rng.normal(0.0, SCALE_NOISE_G, n)), -SHORT_BASE, SHORT_BASE)
        return settled, np.where(cheats, skimmed, noise).astype(np.int64)
