"""Risk features as of a date: nothing after the date changes them (no leakage)."""

from datetime import date

import numpy as np
import pytest

from scoring import risk_features as rf

D = date(2025, 6, 15).toordinal()
TRADES = ("market_stall", "supermarket", "other")


def ints(*values):
    return np.array(values, dtype=np.int64)


def evidence(extra: bool = False) -> rf.RiskEvidence:
    """Three merchants with history before D; `extra` adds evidence dated after D, and a
    complaint received before D but substantiated only after it."""
    later = [D + 1, D + 30, D + 200] if extra else []
    n = len(later)
    inspections = rf.Inspections(
        merchant=np.r_[ints(0, 0, 1), np.zeros(n, dtype=np.int64)],
        day=np.r_[ints(D - 400, D - 10, D), ints(*later)],
        clean=np.r_[np.array([False, True, False]), np.zeros(n, dtype=bool)],
        bad=np.r_[np.array([True, False, True]), np.ones(n, dtype=bool)],
    )
    findings = rf.Findings(
        merchant=np.r_[ints(0, 1, 1), np.zeros(n, dtype=np.int64)],
        day=np.r_[ints(D - 400, D, D), ints(*later)],
        severity=np.r_[ints(2, 1, 0), np.full(n, 2, dtype=np.int64)],
        group=np.r_[ints(0, 1, 3), np.zeros(n, dtype=np.int64)],
    )
    # The second complaint is decided (substantiated) only after D when `extra`.
    complaints = rf.Complaints(
        merchant=ints(2, 2, *([0] if extra else [])),
        received=ints(D - 100, D - 5, *([D + 2] if extra else [])),
        decided=ints(D - 50, D + 10 if extra else rf.NO_DAY, *([D + 20] if extra else [])),
    )
    month = rf._ordinal_month(ints(D))[0]
    months = [month - 13, month - 1, *([month, month + 1] if extra else [])]
    readings = rf.Readings(
        merchant=ints(*[0] * len(months)),
        month=ints(*months),
        assessable=ints(*[50] * len(months)),
        short=ints(*[5] * len(months)),
    )
    merchants = rf.Merchants(
        trade=ints(0, 1, 2),
        district=ints(0, 0, 1),
        market=ints(0, -1, -1),
        commitment_day=ints(D - 1, D + 1 if extra else rf.NO_DAY, rf.NO_DAY),
    )
    return rf.RiskEvidence(3, TRADES, merchants, inspections, findings, complaints, readings)


def column(features: rf.Features, name: str) -> np.ndarray:
    return features.X[:, features.names.index(name)]


def test_evidence_after_the_date_changes_no_feature():
    before = rf.build_features(evidence(), D)
    after = rf.build_features(evidence(extra=True), D)
    assert before.names == after.names
    np.testing.assert_array_equal(before.X, after.X)


def test_evidence_after_the_date_does_count_later():
    later = D + 400
    before = rf.build_features(evidence(), later)
    after = rf.build_features(evidence(extra=True), later)
    assert column(after, "findings_serious_3y")[0] == column(before, "findings_serious_3y")[0] + 3
    assert column(after, "commitment_signed")[1] == 1 > column(before, "commitment_signed")[1]
    substantiated = "complaints_substantiated_decayed"
    assert column(after, substantiated)[2] > column(before, substantiated)[2]


def test_features_read_what_was_known_on_the_date():
    f = rf.build_features(evidence(), D)
    assert column(f, "findings_serious_1y").tolist() == [0, 0, 0]  # 400 days old
    assert column(f, "findings_serious_3y").tolist() == [1, 0, 0]
    assert column(f, "findings_serious_decayed")[0] == pytest.approx(0.5 ** (400 / 365))
    assert column(f, "findings_major_1y").tolist() == [0, 1, 0]  # on D itself: known
    assert column(f, "days_since_inspection").tolist() == [10, 0, rf.LOOKBACK_DAYS + 1]
    assert column(f, "never_inspected").tolist() == [0, 0, 1]
    assert column(f, "clean_inspections_3y").tolist() == [1, 0, 0]
    assert column(f, "complaints_1y").tolist() == [0, 0, 2]
    assert column(f, "complaints_substantiated_1y").tolist() == [0, 0, 1]  # one still open
    # Readings of the twelve whole months before D's month: one month of 50, 5 short.
    assert column(f, "short_reweighs_12m")[0] == 5
    assert column(f, "short_rate_12m")[0] == pytest.approx((5 + 1) / (50 + 50))
    assert column(f, "commitment_signed").tolist() == [1, 0, 0]
    assert column(f, "trade_supermarket").tolist() == [0, 1, 0]


def test_many_dates_stack_the_same_rows_as_one_date_each():
    days = [D - 100, D]
    both = rf.build_features(evidence(extra=True), days)
    for day in days:
        one = rf.build_features(evidence(extra=True), day)
        np.testing.assert_array_equal(both.X[both.as_of == day], one.X)
    assert both.merchant.tolist() == [0, 1, 2, 0, 1, 2]


def test_targets_look_only_at_the_next_180_days():
    ev = evidence(extra=True)
    merchant, as_of = ints(0, 1, 2, 0), ints(D, D, D, D + 100)
    bad, observed = rf.targets(ev, merchant, as_of)
    # Merchant 0: inspected on D+1 and D+30 (bad); D+200 is outside D's window.
    assert observed.tolist() == [True, False, False, True]
    assert bad.tolist() == [True, False, False, True]
    bad, observed = rf.targets(ev, ints(0), ints(D + 200))
    assert observed.tolist() == [False]


def test_base_rates_use_inspections_up_to_the_date_only():
    early = rf.build_features(evidence(), D - 500)
    city = column(early, "district_base_rate")
    assert np.allclose(city, city[0])  # no inspection yet: the prior everywhere
    now = rf.build_features(evidence(), D)
    rates = column(now, "district_base_rate")
    assert rates[0] == rates[1] != rates[2]


def test_the_training_set_keeps_the_rows_with_an_outcome():
    ev = evidence(extra=True)
    features, y = rf.training_set(ev, [D, D + 100])
    assert features.merchant.tolist() == [0, 0] and features.as_of.tolist() == [D, D + 100]
    assert y.tolist() == [True, True]
    full = rf.build_features(ev, [D, D + 100])
    np.testing.assert_array_equal(features.X, full.X[full.merchant == 0])
    empty, none = rf.training_set(ev, [])
    assert empty.X.shape == (0, len(empty.names)) and len(none) == 0
