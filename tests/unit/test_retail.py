"""Retail short-weight rule: 零售商品称重计量监督管理办法 第五条、第六条, 附表1、附表2.

The expected figures below are typed from the regulation, not read from the packaged
CSV, so a wrong table fails these tests.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.retail import (
    CATEGORY_BAND,
    EXCLUDED_CATEGORIES,
    Category,
    assess_weighing,
    band_for_price,
    tolerance_rows,
)

# band, mass above (g), mass up to (g), negative deviation (g)
REGULATION_ROWS = [
    ("1", "0", "1000", "20"),
    ("1", "1000", "2000", "40"),
    ("1", "2000", "4000", "80"),
    ("1", "4000", "25000", "100"),
    ("2", "0", "2500", "5"),
    ("2", "2500", "10000", "10"),
    ("2", "10000", "15000", "15"),
    ("3", "0", "1000", "2"),
    ("3", "1000", "4000", "4"),
    ("3", "4000", "6000", "6"),
    ("4", "0", "500", "1"),
    ("4", "500", "2000", "2"),
    ("4", "2000", "5000", "3"),
    ("gold", "0", "100", "0.01"),
    ("silver", "0", "100", "0.1"),
]
# A way to reach each band through the public function: (category, unit price).
BAND_INPUT = {
    "1": ("grain", None),
    "2": ("meat", None),
    "3": ("delicacy", None),
    "4": ("other", 150),
    "gold": ("gold", None),
    "silver": ("silver", None),
}
FOOD_CATEGORIES = sorted(c for c, band in CATEGORY_BAND.items() if band.isdigit())


def _next_row(index: int) -> tuple[str, str, str, str] | None:
    row = REGULATION_ROWS[index]
    following = REGULATION_ROWS[index + 1] if index + 1 < len(REGULATION_ROWS) else None
    return following if following and following[0] == row[0] else None


def _assess(band: str, settled: float | Decimal, measured=None, k: int = 2):
    category, price = BAND_INPUT[band]
    measured = settled if measured is None else measured
    return assess_weighing(settled, measured, category, unit_price=price, k=k)


def test_packaged_table_matches_regulation():
    rows = [(r.band, r.mass_above_g, r.mass_up_to_g, r.deviation_g) for r in tolerance_rows()]
    expected = [(b, Decimal(lo), Decimal(hi), Decimal(d)) for b, lo, hi, d in REGULATION_ROWS]
    assert rows == expected


def test_category_bands_follow_annex_1():
    assert {c for c, b in CATEGORY_BAND.items() if b == "1"} == {"grain", "vegetable", "fruit"}
    assert {c for c, b in CATEGORY_BAND.items() if b == "2"} == {
        "meat",
        "egg",
        "poultry",
        "seafood",
        "pastry",
        "candy",
        "condiment",
    }
    assert {c for c, b in CATEGORY_BAND.items() if b == "3"} == {"dried_vegetable", "delicacy"}
    assert set(EXCLUDED_CATEGORIES) == {"live_poultry", "live_fish", "water_soaked"}
    assert "other" not in CATEGORY_BAND


@pytest.mark.parametrize("index", range(len(REGULATION_ROWS)))
def test_row_boundaries(index):
    band, above, up_to, deviation = REGULATION_ROWS[index]
    step = Decimal("0.01") if band in ("gold", "silver") else Decimal("0.1")
    for mass in (Decimal(up_to), Decimal(up_to) - step, Decimal(above) + step):
        verdict = _assess(band, float(mass))
        assert verdict.deviation_g == Decimal(deviation), mass
        assert verdict.band == band

    just_above = _assess(band, float(Decimal(up_to) + step))
    following = _next_row(index)
    if following is None:
        assert just_above.verdict == "not_assessable"
        assert just_above.deviation_g is None
        assert "outside" in just_above.reason
    else:
        assert just_above.deviation_g == Decimal(following[3])


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("index", range(len(REGULATION_ROWS)))
def test_limit_is_k_times_deviation_and_strict(index, k):
    band, _, up_to, deviation = REGULATION_ROWS[index]
    settled = Decimal(up_to)
    limit = k * Decimal(deviation)

    at_limit = _assess(band, float(settled), float(settled - limit), k=k)
    assert at_limit.verdict == "within"
    assert at_limit.limit_g == limit
    assert at_limit.shortfall_g == limit

    beyond = _assess(band, float(settled), float(settled - limit - Decimal("0.001")), k=k)
    assert beyond.verdict == "short"
    assert beyond.shortfall_g == limit + Decimal("0.001")


def test_float_noise_does_not_move_the_boundary():
    # In floats 1000.1 - 960.1 = 40.00000000000006; the rule compares 40.0 with 2 x 20.
    verdict = assess_weighing(1000.1, 960.1, "grain")
    assert (verdict.shortfall_g, verdict.limit_g, verdict.verdict) == (40, 80, "within")
    verdict = assess_weighing(999.1, 959.1, "grain")
    assert (verdict.shortfall_g, verdict.limit_g, verdict.verdict) == (40, 40, "within")


def test_reason_explains_the_figures():
    short = assess_weighing(500, 455, "grain")
    assert short.reason == "shortfall 45 g exceeds 2 x 20 g = 40 g (band 1)"
    outside = assess_weighing(30000, 29000, "grain")
    assert outside.reason == "mass 30000 g is outside the band 1 table (0, 25000] g"


@pytest.mark.parametrize(
    ("price", "band"),
    [(0, "1"), (6, "1"), (6.01, "2"), (30, "2"), (30.01, "3"), (100, "3"), (100.01, "4")],
)
def test_other_goods_are_banded_by_price(price, band):
    assert band_for_price(Decimal(str(price))) == band
    assert assess_weighing(400, 400, "other", unit_price=price).band == band


def test_other_goods_without_price_are_not_assessable():
    verdict = assess_weighing(400, 300, "other")
    assert verdict.verdict == "not_assessable"
    assert verdict.band is None
    assert verdict.shortfall_g == 100
    assert "unit price" in verdict.reason


# (category, price, settled g, rule) -> band; grain is band 1, meat band 2, price 50 band 3.
@pytest.mark.parametrize(
    ("category", "price", "settled", "band_rule", "band", "deviation"),
    [
        # both bands have a row: stricter takes the smaller deviation
        ("grain", 50, 500, "stricter", "3", "2"),
        ("grain", 50, 500, "category", "1", "20"),
        ("grain", 50, 500, "price", "3", "2"),
        ("meat", 3, 500, "stricter", "2", "5"),
        ("meat", 3, 500, "category", "2", "5"),
        ("meat", 3, 500, "price", "1", "20"),
        # only one band has a row at this mass: stricter uses that one
        ("grain", 50, 20000, "stricter", "1", "100"),
        ("grain", 50, 20000, "price", "3", None),
        ("meat", 3, 20000, "stricter", "1", "100"),
        ("meat", 3, 20000, "category", "2", None),
        # neither band has a row
        ("meat", 150, 20000, "stricter", "2", None),
        # no conflict when price and category agree
        ("fruit", 4, 500, "price", "1", "20"),
    ],
)
def test_category_price_conflict(category, price, settled, band_rule, band, deviation):
    verdict = assess_weighing(settled, settled, category, price, band_rule=band_rule)
    assert verdict.band == band
    if deviation is None:
        assert verdict.verdict == "not_assessable"
        assert verdict.deviation_g is None
    else:
        assert verdict.verdict == "within"
        assert verdict.deviation_g == Decimal(deviation)


def test_conflict_is_named_in_the_reason():
    verdict = assess_weighing(500, 490, "grain", 50)
    assert verdict.verdict == "short"
    assert "category band 1 and price band 3 differ" in verdict.reason
    assert "band_rule=stricter chose band 3" in verdict.reason


@pytest.mark.parametrize("category", sorted(EXCLUDED_CATEGORIES))
@pytest.mark.parametrize("price", [None, 20])
def test_excluded_goods_are_never_short(category, price):
    verdict = assess_weighing(1000, 500, category, price)
    assert verdict.verdict == "not_assessable"
    assert (verdict.band, verdict.deviation_g, verdict.limit_g) == (None, None, None)
    assert verdict.shortfall_g == 500


@pytest.mark.parametrize("band", ["1", "2", "3", "4", "gold", "silver"])
def test_zero_mass_is_outside_the_table(band):
    assert _assess(band, 0).verdict == "not_assessable"


@pytest.mark.parametrize(
    ("metal", "deviation"), [("gold", Decimal("0.01")), ("silver", Decimal("0.1"))]
)
def test_ornaments_are_judged_per_piece_up_to_100_g(metal, deviation):
    at_100 = assess_weighing(100, float(100 - 2 * deviation), metal)
    assert (at_100.verdict, at_100.deviation_g) == ("within", deviation)
    assert assess_weighing(100, float(100 - 3 * deviation), metal).verdict == "short"
    above = assess_weighing(100.01, 100.01, metal)
    assert above.verdict == "not_assessable"
    assert above.band == metal
    assert above.reason == f"mass 100.01 g is outside the {metal} ornament table (0, 100] g"
    # the food price bands do not apply to ornaments
    assert assess_weighing(50, 50, metal, unit_price=400000).deviation_g == deviation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"settled_g": -1}, "settled_g must be a finite, non-negative number"),
        ({"measured_g": -0.5}, "measured_g must be a finite, non-negative number"),
        ({"settled_g": float("nan")}, "settled_g must be a finite"),
        ({"measured_g": float("inf")}, "measured_g must be a finite"),
        ({"settled_g": Decimal("NaN")}, "settled_g must be a finite"),
        ({"settled_g": "500"}, "settled_g must be a number"),
        ({"settled_g": True}, "settled_g must be a number"),
        ({"category": "fish"}, "unknown category 'fish'"),
        ({"unit_price": -1}, "unit_price must be a finite, non-negative number"),
        ({"unit_price": float("nan")}, "unit_price must be a finite"),
        ({"k": 3}, "k must be 1 or 2"),
        ({"k": 0}, "k must be 1 or 2"),
        ({"k": True}, "k must be 1 or 2"),
        ({"k": 2.0}, "k must be 1 or 2"),
        ({"band_rule": "lenient"}, "band_rule must be one of"),
    ],
)
def test_invalid_input_is_rejected(kwargs, message):
    arguments = {"settled_g": 500, "measured_g": 490, "category": "grain", **kwargs}
    with pytest.raises(ValueError, match=message):
        assess_weighing(**arguments)


def test_category_accepts_the_enum_and_plain_strings():
    by_enum = assess_weighing(500, 490, Category.MEAT)
    assert by_enum == assess_weighing(500, 490, "meat")


masses = st.one_of(
    st.decimals(min_value=0, max_value=30000, places=2),
    st.floats(min_value=0, max_value=30000, allow_nan=False),
)
categories = st.sampled_from([c.value for c in Category])
prices = st.none() | st.decimals(min_value=0, max_value=500, places=2)
band_rules = st.sampled_from(["stricter", "category", "price"])


def _exact(value) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@given(masses, masses, categories, prices, st.sampled_from([1, 2]), band_rules)
def test_within_exactly_when_shortfall_is_at_most_the_limit(
    settled, measured, category, price, k, band_rule
):
    verdict = assess_weighing(settled, measured, category, price, k, band_rule)
    assert verdict.shortfall_g == max(Decimal(0), _exact(settled) - _exact(measured))
    if verdict.verdict == "not_assessable":
        assert verdict.limit_g is None
    else:
        assert verdict.limit_g == k * verdict.deviation_g
        assert (verdict.verdict == "within") == (verdict.shortfall_g <= verdict.limit_g)


@given(masses, st.decimals(min_value=0, max_value=100, places=3), categories, prices)
def test_never_short_when_measured_at_least_settled(settled, extra, category, price):
    measured = _exact(settled) + extra
    verdict = assess_weighing(settled, measured, category, price)
    assert verdict.verdict != "short"
    assert verdict.shortfall_g == 0


@given(masses, masses, st.sampled_from(FOOD_CATEGORIES), prices, band_rules)
def test_high_accuracy_limit_is_half_the_ordinary_one(
    settled, measured, category, price, band_rule
):
    ordinary = assess_weighing(settled, measured, category, price, 2, band_rule)
    accurate = assess_weighing(settled, measured, category, price, 1, band_rule)
    assert ordinary.band == accurate.band
    if ordinary.limit_g is None:
        assert accurate.limit_g is None
    else:
        assert accurate.limit_g * 2 == ordinary.limit_g
        if ordinary.verdict == "short":
            assert accurate.verdict == "short"
