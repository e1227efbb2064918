"""Net-content lot test: 定量包装商品计量监督管理办法 附表3 and JJF 1070-2005 表3.

Expected figures are typed from the regulation, not read from the packaged CSVs.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.netcontent import (
    PlanRow,
    SampleSizeError,
    SamplingTable,
    area_shortfall_allowed,
    assess_lot,
    count_shortfall_allowed,
    length_shortfall_allowed,
    load_sampling_table,
    sampling_plan,
    tolerance_T,
)

# JJF 1070-2005 表3: first batch, last batch, sample size, lambda, allowed T1, allowed T2
JJF1070_2005 = [
    (1, 10, None, None, 0, 0),
    (11, 50, 10, "1.028", 0, 0),
    (51, 99, 13, "0.848", 1, 0),
    (100, 500, 50, "0.379", 3, 0),
    (501, 3200, 80, "0.295", 5, 0),
    (3201, None, 125, "0.234", 7, 0),
]


@pytest.mark.parametrize(
    ("nominal", "expected"),
    [
        # (0, 50] at 9 %, rounded up to 0.1
        (1, "0.1"),
        (15, "1.4"),  # 1.35 -> 1.4
        (16, "1.5"),  # 1.44 -> 1.5: rounded up, not to nearest
        (50, "4.5"),
        # (50, 100] 4.5 g
        (50.1, "4.5"),
        (100, "4.5"),
        # (100, 200] at 4.5 %
        (100.1, "4.6"),  # 4.5045 -> 4.6
        (101, "4.6"),  # 4.545 -> 4.6
        (200, "9.0"),
        # (200, 300] 9 g
        (200.1, "9"),
        (300, "9"),
        # (300, 500] at 3 %
        (300.1, "9.1"),  # 9.003 -> 9.1
        (400, "12.0"),
        (500, "15.0"),
        # (500, 1000] 15 g
        (500.1, "15"),
        (1000, "15"),
        # (1000, 10000] at 1.5 %, rounded up to whole g above 1 kg
        (1000.1, "16"),  # 15.0015 -> 16
        (1001, "16"),  # 15.015 -> 16
        (2000, "30"),
        (10000, "150"),
        # (10000, 15000] 150 g
        (10000.5, "150"),
        (15000, "150"),
        # (15000, 50000] at 1 %
        (15001, "151"),  # 150.01 -> 151
        (20000, "200"),
        (50000, "500"),
    ],
)
def test_tolerance_T_by_row_with_rounding(nominal, expected):
    assert tolerance_T(nominal) == Decimal(expected)
    assert tolerance_T(nominal, "mL") == Decimal(expected)


def test_tolerance_T_precision_follows_nominal():
    assert tolerance_T(1000).as_tuple().exponent == -1
    assert tolerance_T(1001).as_tuple().exponent == 0


@pytest.mark.parametrize(
    ("nominal", "unit", "message"),
    [
        (0, "g", "outside the T table"),
        (50000.1, "g", "outside the T table"),
        (-5, "g", "non-negative"),
        (float("nan"), "g", "finite"),
        (500, "kg", "unit must be g or mL"),
        (500, "m", "unit must be g or mL"),
    ],
)
def test_tolerance_T_rejects_what_the_table_does_not_cover(nominal, unit, message):
    with pytest.raises(ValueError, match=message):
        tolerance_T(nominal, unit)


def test_length_area_and_count_rules():
    assert length_shortfall_allowed(5) == 0
    assert length_shortfall_allowed(Decimal("5.5")) == Decimal("0.11")
    assert length_shortfall_allowed(100) == 2
    assert area_shortfall_allowed(10) == Decimal("0.3")
    assert [count_shortfall_allowed(n) for n in (1, 50, 51, 100, 101, 250)] == [0, 0, 1, 1, 2, 3]
    with pytest.raises(ValueError):
        count_shortfall_allowed(10.5)  # type: ignore[arg-type]


def test_packaged_plan_matches_jjf1070_2005():
    rows = [
        (r.batch_from, r.batch_to, r.sample_size, r.lam, r.allowed_t1, r.allowed_t2)
        for r in load_sampling_table().rows
    ]
    expected = [
        (lo, hi, n, None if lam is None else Decimal(lam), t1, t2)
        for lo, hi, n, lam, t1, t2 in JJF1070_2005
    ]
    assert rows == expected


@pytest.mark.parametrize("row", JJF1070_2005)
def test_sampling_plan_first_and_last_batch_of_each_row(row):
    first, last, size, lam, allowed_t1, allowed_t2 = row
    for batch in (first, last or 100_000):
        plan = sampling_plan(batch)
        assert plan.sample_size == (batch if size is None else size)
        assert plan.lam == (None if lam is None else Decimal(lam))
        assert (plan.allowed_t1, plan.allowed_t2) == (allowed_t1, allowed_t2)
        assert plan.plan == "jjf1070-2005"


@pytest.mark.parametrize("batch", [0, -3, True, 2.5])
def test_sampling_plan_rejects_bad_batch_sizes(batch):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        sampling_plan(batch)


def test_plan_is_swappable():
    # a made-up plan: 2 units from any batch, 1 T1 defect allowed, lambda 2.5
    custom = SamplingTable("test-plan", (PlanRow(1, None, 2, Decimal("2.5"), 1, 0),))
    plan = sampling_plan(10_000, custom)
    assert (plan.plan, plan.sample_size, plan.lam) == ("test-plan", 2, Decimal("2.5"))
    # mean 490, s = sqrt(200) = 14.142, limit 500 - 2.5 x 14.142 = 464.64
    verdict = assess_lot(500, "g", 10_000, [500, 480], plan=custom)
    assert (verdict.t1, verdict.mean_limit, verdict.verdict) == (1, Decimal("464.64"), "pass")
    with pytest.raises(SampleSizeError):
        assess_lot(500, "g", 10_000, [500, 480])  # JJF 1070-2005 needs 125


def test_unknown_plan_name():
    with pytest.raises(ValueError, match="unknown sampling plan 'jjf1070-2023'"):
        sampling_plan(100, "jjf1070-2023")


@pytest.mark.parametrize(
    ("measured", "t1", "t2"),
    [
        (500, 0, 0),
        (485, 0, 0),  # Qn - T: not a defect
        (484.99, 1, 0),
        (470, 1, 0),  # Qn - 2T: still T1
        (469.99, 0, 1),
    ],
)
def test_defect_edges(measured, t1, t2):
    # nominal 500 g: T = 15 g; a batch of 1 has no mean test and allows no defect
    verdict = assess_lot(500, "g", 1, [measured])
    assert (verdict.tolerance, verdict.t1, verdict.t2) == (15, t1, t2)
    assert verdict.verdict == ("pass" if t1 == t2 == 0 else "fail")


def test_defect_reasons_name_the_count_and_allowance():
    verdict = assess_lot(500, "g", 3, [469, 468, 480])
    assert verdict.reasons == ("2 T2 defects (none allowed)", "1 T1 defect (none allowed)")


def test_allowed_t1_defects():
    # batch 51-99: 13 units, 1 T1 allowed; the mean test passes in both lots
    one = assess_lot(500, "g", 60, [500] * 12 + [480])
    assert (one.t1, one.verdict, one.reasons) == (1, "pass", ())
    two = assess_lot(500, "g", 60, [500] * 11 + [480, 480])
    assert (two.t1, two.verdict, two.reasons) == (2, "fail", ("2 T1 defects (1 allowed)",))


def test_mean_test_fails_below_qn_minus_lambda_s():
    # batch 200: 50 units, lambda 0.379; mean 498.5, s = sqrt(112.5 / 49) = 1.5152
    verdict = assess_lot(500, "g", 200, [497] * 25 + [500] * 25)
    assert (verdict.t1, verdict.t2) == (0, 0)
    assert verdict.mean == Decimal("498.50")
    assert verdict.std_dev == Decimal("1.52")
    assert verdict.mean_limit == Decimal("499.43")
    assert verdict.verdict == "fail"
    assert verdict.reasons == ("mean 498.50 below limit 499.43",)


def test_mean_test_passes_at_or_above_the_limit():
    # mean 499.8, s = sqrt(98 / 49) = 1.4142, limit 500 - 0.379 x 1.4142 = 499.46
    verdict = assess_lot(500, "g", 200, [500] * 49 + [490])
    assert (verdict.mean, verdict.mean_limit) == (Decimal("499.80"), Decimal("499.46"))
    assert verdict.verdict == "pass"
    # every unit at nominal: s = 0 and the mean equals its limit, which passes
    exact = assess_lot(500, "g", 200, [500] * 50)
    assert exact.mean == exact.mean_limit == 500
    assert exact.verdict == "pass"


def test_small_batches_have_no_mean_test():
    # ten units 10 g under nominal: no defect (T = 15), and no mean test below 11 units
    small = assess_lot(500, "g", 10, [490] * 10)
    assert (small.mean_limit, small.std_dev, small.sample_size) == (None, None, 10)
    assert small.mean == 490
    assert small.verdict == "pass"
    # the same sample from a batch of 11 fails the mean test (s = 0, limit = Qn)
    larger = assess_lot(500, "g", 11, [490] * 10)
    assert larger.mean_limit == 500
    assert larger.verdict == "fail"


@pytest.mark.parametrize(("batch", "given_count"), [(5, 4), (5, 6), (10, 9), (200, 49)])
def test_wrong_number_of_measurements(batch, given_count):
    required = sampling_plan(batch).sample_size
    with pytest.raises(SampleSizeError) as raised:
        assess_lot(500, "g", batch, [500] * given_count)
    assert (raised.value.required, raised.value.given) == (required, given_count)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == (
        f"batch of {batch} needs {required} measurements, got {given_count}"
    )


def test_measurements_are_validated():
    with pytest.raises(ValueError, match="measurement must be a finite"):
        assess_lot(500, "g", 2, [500, -1])


# from 1 g up, so that Qn - 2T > 0 and a T2 unit can exist
nominals = st.decimals(min_value=1, max_value=50000, places=1)
batches = st.integers(min_value=1, max_value=5000)


@given(nominals, batches)
def test_all_units_at_nominal_always_pass(nominal, batch):
    size = sampling_plan(batch).sample_size
    verdict = assess_lot(nominal, "g", batch, [nominal] * size)
    assert verdict.verdict == "pass"
    assert (verdict.t1, verdict.t2, verdict.reasons) == (0, 0, ())


@given(nominals, batches, st.data())
def test_a_t2_unit_always_fails(nominal, batch, data):
    size = sampling_plan(batch).sample_size
    tolerance = tolerance_T(nominal)
    ok_unit = st.decimals(nominal - tolerance, nominal + tolerance, places=2)
    units = data.draw(st.lists(ok_unit, min_size=size - 1, max_size=size - 1))
    below_2t = nominal - 2 * tolerance - Decimal("0.01")
    short = data.draw(st.decimals(min_value=0, max_value=below_2t, places=2))
    units.insert(data.draw(st.integers(min_value=0, max_value=size - 1)), short)
    verdict = assess_lot(nominal, "g", batch, units)
    assert verdict.t2 >= 1
    assert verdict.verdict == "fail"
    assert any("T2" in reason for reason in verdict.reasons)
