"""Scoring policy version 2 (issue 20): the arithmetic settled, one fault one deduction,
and version 1 still scored as it was so its snapshots explain themselves."""

from dataclasses import replace

import numpy as np
import pytest

from scoring import scorecard
from scoring.policy import (
    CLIP_AFTER_FAIR_SCALE,
    DEFAULT,
    POLICY_V1,
    POLICY_V2,
    Policy,
    PolicyError,
)
from tests.unit.test_scorecard import TODAY, one_merchant, result

V1 = Policy.from_document(POLICY_V1)
V2 = Policy.from_document(POLICY_V2)


def worked_example() -> scorecard.Evidence:
    """Issue 20's example: 40 short re-weighs of 400 and three clean inspections."""
    return one_merchant(inspections=[(TODAY, True)] * 3, reweighs=[(TODAY, 400, 400, 40)])


def test_version_2_is_the_default_and_settles_the_arithmetic():
    assert DEFAULT.version == 2
    assert DEFAULT.arithmetic == CLIP_AFTER_FAIR_SCALE
    assert DEFAULT.document["fair_scale_alert"] == {
        "short_rate": 0.15,
        "min_readings": 30,
        "window_days": 30,
    }


def test_worked_example_under_version_2_is_93_2_a():
    # Fair-scale rate (40 + 2) / (400 + 2 + 98) = 8.4 %, 6.4 points over the tolerated
    # 2 %, at 2 points each: FS = 12.8. Clean credit C = 3 × 2 = 6, no deductions.
    # Version 2: clip(100 − 0 + 6 − 12.8, 0, 100) = 93.2, grade A (≥ 90).
    rated, score, grade, codes = result(worked_example(), policy=V2)
    assert (rated, score, grade) == (True, 93.2, "A")
    assert "FAIR_SCALE_SHORT_RATE" in codes and "CLEAN_INSPECTIONS" in codes


def test_worked_example_under_version_1_stays_87_2_b():
    # Version 1: min(100 + 6, 100) − 12.8 = 87.2, grade B: an old snapshot recomputes.
    assert result(worked_example(), policy=V1)[1:3] == (87.2, "B")


def test_version_2_still_clips_to_zero_and_one_hundred():
    clean = one_merchant(inspections=[(TODAY, True)] * 3)
    assert result(clean, policy=V2)[1] == 100.0
    ruined = one_merchant(
        findings=[(TODAY, "serious", False, "UNVERIFIED")] * 4,
        inspections=[(TODAY, False)],
        reweighs=[(TODAY, 400, 400, 200)],
    )
    assert result(ruined, policy=V2)[1] == 0.0


def lot_and_its_finding(severity: str = "major") -> scorecard.Evidence:
    """One inspection: a failing lot (its own SHORT_PREPACK finding) and the officer's
    SHORT_PREPACK finding about the same lot."""
    evidence = one_merchant(
        findings=[
            (TODAY, "major", True, "SHORT_PREPACK"),
            (TODAY, severity, False, "SHORT_PREPACK"),
        ],
        inspections=[(TODAY, False)],
    )
    same_inspection = np.array([7, 7], dtype=np.int64)
    return replace(evidence, findings=replace(evidence.findings, inspection_id=same_inspection))


def test_a_failed_lot_and_its_finding_deduct_once_under_version_2():
    rated, score, grade, codes = result(lot_and_its_finding(), policy=V2)
    assert (score, grade, codes) == (85.0, "B", ["FAILED_LOT"])


def test_version_1_deducted_them_twice():
    assert result(lot_and_its_finding(), policy=V1)[1:] == (
        70.0,
        "C",
        ["FAILED_LOT", "FINDING_MAJOR"],
    )


def test_a_short_prepack_finding_in_another_inspection_is_a_fault_of_its_own():
    evidence = one_merchant(
        findings=[
            (TODAY, "major", True, "SHORT_PREPACK"),
            (TODAY, "major", False, "SHORT_PREPACK"),
        ],
        inspections=[(TODAY, False), (TODAY, False)],
    )
    assert result(evidence, policy=V2)[1] == 70.0


def test_more_findings_than_failing_lots_leave_the_extra_counted():
    inspection = np.array([3, 3, 3, 3, 9])
    code = np.array(
        ["SHORT_PREPACK", "SHORT_PREPACK", "SHORT_PREPACK", "UNVERIFIED", "SHORT_PREPACK"],
        dtype=object,
    )
    severity = np.array([1, 0, 2, 1, 1])
    failed_lot = np.array([True, False, False, False, False])
    pairs = scorecard.same_fault(inspection, code, severity, failed_lot)
    # The most severe listed finding (row 2, serious) is the lot's; row 1 and the other
    # inspection's finding stand alone; a finding of another code is never the lot's.
    assert pairs.tolist() == [-1, -1, 0, -1, -1]


def test_a_serious_finding_about_a_lot_still_caps_the_grade():
    rated, score, grade, codes = result(lot_and_its_finding("serious"), policy=V2)
    assert (score, grade) == (85.0, "C")
    assert codes[:1] == ["FAILED_LOT"] and "CAP_SERIOUS" in codes


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("arithmetic", "round_first", "arithmetic"),
        ("one_fault_one_deduction", "yes", "one_fault_one_deduction"),
        ("fair_scale_alert", {"short_rate": 0.15}, "fair_scale_alert.min_readings"),
    ],
)
def test_a_bad_version_2_key_names_its_problem(key, value, words):
    with pytest.raises(PolicyError, match=words):
        Policy.from_document(POLICY_V2 | {key: value})
