"""Short weight at retail (零售商品称重计量监督管理办法 第五条、第六条, 附表1、附表2).

A re-weighed sale is short when ``settled - measured > k x deviation``, where the
negative deviation comes from ``tables/retail_weighing_tolerances.csv`` by band and
settled mass (reference/rules.md §1). Bands 1-4 follow the goods category or the unit
price; gold and silver ornaments have their own per-piece rows. Live poultry, live fish
and water-soaked goods (活禽、活鱼、水发物) and masses outside the table are "not
assessable": the reading counts as re-weigh activity, never as short.

Masses are converted to :class:`~decimal.Decimal` through their shortest ``repr`` so that
``1000.1 - 960.1`` is exactly 40.0 and table boundaries compare exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Literal

from scoring.tables import amount, optional, read_table

Verdict = Literal["within", "short", "not_assessable"]
BandRule = Literal["stricter", "category", "price"]
BAND_RULES: tuple[BandRule, ...] = ("stricter", "category", "price")
DEVICE_K = (1, 2)


class Category(StrEnum):
    """Goods categories a reading may name; values are the strings the API accepts."""

    GRAIN = "grain"
    VEGETABLE = "vegetable"
    FRUIT = "fruit"
    MEAT = "meat"
    EGG = "egg"
    POULTRY = "poultry"
    SEAFOOD = "seafood"
    PASTRY = "pastry"
    CANDY = "candy"
    CONDIMENT = "condiment"
    DRIED_VEGETABLE = "dried_vegetable"
    DELICACY = "delicacy"
    LIVE_POULTRY = "live_poultry"
    LIVE_FISH = "live_fish"
    WATER_SOAKED = "water_soaked"
    GOLD = "gold"
    SILVER = "silver"
    OTHER = "other"


# 附表1 names the goods of bands 1-3; 附表2 the ornaments. OTHER is banded by price alone.
CATEGORY_BAND: dict[str, str] = {
    Category.GRAIN: "1",
    Category.VEGETABLE: "1",
    Category.FRUIT: "1",
    Category.MEAT: "2",
    Category.EGG: "2",
    Category.POULTRY: "2",
    Category.SEAFOOD: "2",
    Category.PASTRY: "2",
    Category.CANDY: "2",
    Category.CONDIMENT: "2",
    Category.DRIED_VEGETABLE: "3",
    Category.DELICACY: "3",
    Category.GOLD: "gold",
    Category.SILVER: "silver",
}
# 附表1 注: 活禽、活鱼、水发物除外.
EXCLUDED_CATEGORIES = frozenset({Category.LIVE_POULTRY, Category.LIVE_FISH, Category.WATER_SOAKED})
ORNAMENT_BANDS = frozenset({"gold", "silver"})


@dataclass(frozen=True)
class ToleranceRow:
    """One row of 附表1/附表2: bounds are (above, up_to]; ``None`` is unbounded."""

    band: str
    price_above: Decimal | None
    price_up_to: Decimal | None
    mass_above_g: Decimal
    mass_up_to_g: Decimal
    deviation_g: Decimal


@dataclass(frozen=True)
class WeighingVerdict:
    """The outcome of one re-weigh; figures are ``None`` when not assessable."""

    verdict: Verdict
    band: str | None
    deviation_g: Decimal | None
    limit_g: Decimal | None
    shortfall_g: Decimal
    reason: str


@cache
def tolerance_rows() -> tuple[ToleranceRow, ...]:
    """The packaged retail tolerance table, read once."""
    return tuple(
        ToleranceRow(
            band=row["band"],
            price_above=optional(row["price_above_yuan_per_kg"]),
            price_up_to=optional(row["price_up_to_yuan_per_kg"]),
            mass_above_g=Decimal(row["mass_above_g"]),
            mass_up_to_g=Decimal(row["mass_up_to_g"]),
            deviation_g=Decimal(row["negative_deviation_g"]),
        )
        for row in read_table("retail_weighing_tolerances.csv")
    )


def band_for_price(unit_price: Decimal) -> str:
    """Band 1-4 from the table's price columns (yuan/kg, bounds (above, up_to])."""
    for row in tolerance_rows():
        if row.band in ORNAMENT_BANDS:
            continue
        above_ok = row.price_above is None or unit_price > row.price_above
        if above_ok and (row.price_up_to is None or unit_price <= row.price_up_to):
            return row.band
    raise ValueError(f"no band covers unit price {_fmt(unit_price)} yuan/kg")


def deviation_for(band: str, mass_g: Decimal) -> Decimal | None:
    """The band's negative deviation at ``mass_g``, or ``None`` outside its rows."""
    for row in tolerance_rows():
        if row.band == band and row.mass_above_g < mass_g <= row.mass_up_to_g:
            return row.deviation_g
    return None


def assess_weighing(
    settled_g: float | Decimal,
    measured_g: float | Decimal,
    category: str,
    unit_price: float | Decimal | None = None,
    k: int = 2,
    band_rule: BandRule = "stricter",
) -> WeighingVerdict:
    """Judge one re-weigh against 附表1/附表2 (第五条) with the device factor k (第六条).

    ``k`` is 1 when the re-weigh scale's maximum permitted error is at most a third of the
    deviation (a high-accuracy scale) and 2 when it equals the trade scale's (default).
    ``band_rule`` decides between the category's band and the unit price's band when both
    exist and differ: ``"stricter"`` takes the smaller deviation at this mass (or the
    only band with a row at it), ``"category"`` or ``"price"`` take that band. No source
    settles which should win (rules.md §1 marks it uncertain), so it is a policy setting.
    Gold and silver are judged per piece on the ornament rows; the unit price is ignored.

    Raises ValueError for negative or non-finite masses or price, an unknown category,
    a ``k`` other than 1 or 2, or an unknown ``band_rule``.
    """
    settled = amount("settled_g", settled_g)
    measured = amount("measured_g", measured_g)
    goods = _category(category)
    price = None if unit_price is None else amount("unit_price", unit_price)
    if isinstance(k, bool) or not isinstance(k, int) or k not in DEVICE_K:
        raise ValueError(f"k must be 1 or 2, got {k!r}")
    if band_rule not in BAND_RULES:
        raise ValueError(f"band_rule must be one of {', '.join(BAND_RULES)}")

    shortfall = max(Decimal(0), settled - measured)
    band, note = _choose_band(goods, price, settled, band_rule)
    if band is None:
        return WeighingVerdict("not_assessable", None, None, None, shortfall, note)
    deviation = deviation_for(band, settled)
    if deviation is None:
        reason = _join(_outside_reason(band, settled), note)
        return WeighingVerdict("not_assessable", band, None, None, shortfall, reason)

    limit = k * deviation
    verdict: Verdict = "short" if shortfall > limit else "within"
    relation = "exceeds" if verdict == "short" else "is within"
    reason = (
        f"shortfall {_fmt(shortfall)} g {relation} {k} x {_fmt(deviation)} g"
        f" = {_fmt(limit)} g ({_band_label(band)})"
    )
    return WeighingVerdict(verdict, band, deviation, limit, shortfall, _join(reason, note))


def _choose_band(
    goods: Category, price: Decimal | None, mass: Decimal, band_rule: BandRule
) -> tuple[str | None, str]:
    """The band to judge by and a note: why there is none, or how a conflict went."""
    if goods in EXCLUDED_CATEGORIES:
        return None, f"{goods} is excluded from the table (活禽、活鱼、水发物)"
    category_band = CATEGORY_BAND.get(goods)
    if category_band in ORNAMENT_BANDS or price is None:
        if category_band is None:
            return None, f"{goods} needs a unit price to choose a band"
        return category_band, ""
    price_band = band_for_price(price)
    if category_band is None or category_band == price_band:
        return price_band, ""
    chosen = _resolve_conflict(category_band, price_band, mass, band_rule)
    note = (
        f"category band {category_band} and price band {price_band} differ;"
        f" band_rule={band_rule} chose band {chosen}"
    )
    return chosen, note


def _resolve_conflict(
    category_band: str, price_band: str, mass: Decimal, band_rule: BandRule
) -> str:
    """Apply the band_rule policy to two different bands."""
    if band_rule == "category":
        return category_band
    if band_rule == "price":
        return price_band
    by_category = deviation_for(category_band, mass)
    by_price = deviation_for(price_band, mass)
    if by_price is None or (by_category is not None and by_category <= by_price):
        return category_band
    return price_band


def _outside_reason(band: str, mass: Decimal) -> str:
    rows = [row for row in tolerance_rows() if row.band == band]
    low = min(row.mass_above_g for row in rows)
    high = max(row.mass_up_to_g for row in rows)
    bounds = f"({_fmt(low)}, {_fmt(high)}] g"
    return f"mass {_fmt(mass)} g is outside the {_band_label(band)} table {bounds}"


def _category(category: str) -> Category:
    try:
        return Category(category)
    except ValueError:
        known = ", ".join(member.value for member in Category)
        raise ValueError(f"unknown category {category!r}; use one of: {known}") from None


def _band_label(band: str) -> str:
    return f"{band} ornament" if band in ORNAMENT_BANDS else f"band {band}"


def _join(reason: str, note: str) -> str:
    return f"{reason}; {note}" if note else reason


def _fmt(value: Decimal) -> str:
    """1000.0 → "1000", 0.10 → "0.1" (no exponent)."""
    return f"{value.normalize():f}"
