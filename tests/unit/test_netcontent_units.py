"""Issue 20: every unit of rules.md §2 judged (定量包装商品计量监督管理办法 附表3, JJF 1070).

Expected figures are worked by hand from the regulation, in the comments."""

from decimal import Decimal

import pytest

from scoring.netcontent import assess_lot, judging_unit, tolerance


@pytest.mark.parametrize(
    ("nominal", "unit", "expected", "judged_in"),
    [
        ("1", "kg", "15", "g"),  # Qn 1000 g: (500, 1000] g row, T = 15 g
        ("1", "L", "15", "mL"),  # the same row for volume
        ("0.25", "kg", "9", "g"),  # Qn 250 g: (200, 300] row, T = 9 g
        ("2.5", "L", "38", "mL"),  # Qn 2500 mL: 1.5 % = 37.5, above 1000 rounded up to 38
        ("500", "g", "15", "g"),
        ("5", "m", "0", "m"),  # length up to 5 m: no shortfall allowed
        ("10", "m", "0.2", "m"),  # above 5 m: 2 % of 10 m
        ("2", "m2", "0.06", "m2"),  # area: 3 % of 2 m²
        ("50", "pcs", "0", "pcs"),  # count up to 50: none
        ("120", "pcs", "2", "pcs"),  # above 50: 1 % of 120 = 1.2, rounded up to 2
    ],
)
def test_the_tolerance_of_each_unit(nominal, unit, expected, judged_in):
    assert tolerance(Decimal(nominal), unit) == Decimal(expected)
    assert judging_unit(unit) == judged_in


def test_a_one_kilogram_lot_is_judged_in_grams():
    # Batch 4: every unit measured, no mean test. Qn 1000 g, T 15 g: 0.984 kg = 984 g is
    # a T1 defect (970 ≤ q < 985), and none is allowed for a batch of 1-10.
    passing = assess_lot(Decimal(1), "kg", 4, [Decimal(x) for x in ("1.001", "0.99", "1", "1")])
    assert (passing.verdict, passing.tolerance, passing.mean) == ("pass", 15, Decimal("997.75"))
    failing = assess_lot(Decimal(1), "kg", 4, [Decimal(x) for x in ("1", "0.984", "1", "1")])
    assert (failing.verdict, failing.t1, failing.t2) == ("fail", 1, 0)


def test_a_one_litre_lot_with_a_t2_unit_fails():
    # Qn 1000 mL, T 15 mL: 0.969 L = 969 mL is below Qn − 2T = 970 mL, a T2 defect.
    verdict = assess_lot(Decimal(1), "L", 3, [Decimal("1"), Decimal("0.969"), Decimal("1.01")])
    assert (verdict.verdict, verdict.t1, verdict.t2) == ("fail", 0, 1)


def test_a_counted_lot_of_up_to_fifty_allows_no_piece_short():
    # Qn 50 pieces, T 0: a bag of 49 is below Qn − 2T = 50, a T2 defect.
    assert assess_lot(50, "pcs", 3, [50, 51, 50]).verdict == "pass"
    short = assess_lot(50, "pcs", 3, [50, 49, 50])
    assert (short.verdict, short.t2) == ("fail", 1)


def test_a_counted_lot_above_fifty_allows_one_percent_rounded_up():
    # Qn 120, T 2: 118 is Qn − T, not short; 117 is a T1 defect (116 ≤ q < 118).
    assert assess_lot(120, "pcs", 2, [118, 120]).verdict == "pass"
    assert assess_lot(120, "pcs", 2, [117, 120]).t1 == 1


def test_length_and_area_lots():
    # 10 m rolls, T 0.2 m: 9.7 m is a T1 defect (9.6 ≤ q < 9.8). 2 m² at T 0.06 m².
    assert assess_lot(10, "m", 2, [Decimal("9.7"), 10]).t1 == 1
    assert assess_lot(Decimal(2), "m2", 2, [Decimal("1.95"), 2]).verdict == "pass"
    assert assess_lot(Decimal(2), "m2", 2, [Decimal("1.87"), 2]).t2 == 1


def test_a_counted_lot_needs_a_whole_nominal_and_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="whole number"):
        tolerance(Decimal("10.5"), "pcs")
    with pytest.raises(ValueError, match="unit must be one of"):
        tolerance(Decimal(1), "lb")
