"""The default policy of DESIGN.md §6, pinned by scenarios with dates relative to today."""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditsvc import clock
from scoring import explain, scorecard
from scoring.policy import DEFAULT, DEFAULT_POLICY, Policy, PolicyError

TODAY = clock.today()
I64 = np.int64


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def one_merchant(findings=(), inspections=(), complaints=(), reweighs=()) -> scorecard.Evidence:
    """findings: (date, severity, failed_lot, code); inspections: (date, clean);
    complaints: substantiated dates; reweighs: (date, total, assessable, short)."""
    f = scorecard.Findings(
        np.zeros(len(findings), I64),
        np.array([d.toordinal() for d, *_ in findings], I64),
        np.array([scorecard.SEVERITY_INDEX[s] for _, s, *_ in findings], I64),
        np.array([lot for _, _, lot, _ in findings], bool),
        np.array([code for *_, code in findings], object),
        np.arange(1, len(findings) + 1),
    )
    i = scorecard.Inspections(
        np.zeros(len(inspections), I64),
        np.array([d.toordinal() for d, _ in inspections], I64),
        np.array([clean for _, clean in inspections], bool),
        np.arange(1, len(inspections) + 1),
    )
    c = scorecard.Complaints(
        np.zeros(len(complaints), I64),
        np.array([d.toordinal() for d in complaints], I64),
        np.arange(1, len(complaints) + 1),
    )
    r = scorecard.Reweighs(
        np.zeros(len(reweighs), I64),
        np.array([d.toordinal() for d, *_ in reweighs], I64),
        *(np.array([row[k] for row in reweighs], I64) for k in (1, 2, 3)),
    )
    return scorecard.Evidence(1, f, i, c, r)


def result(evidence, as_of=TODAY, policy=DEFAULT):
    scores = scorecard.score(evidence, policy, as_of)
    codes = [str(c) for c in scores.reasons["code"]]
    return bool(scores.rated[0]), float(scores.score[0]), str(scores.grade[0]), codes


def major_today():
    return [(TODAY, "major", False, "UNVERIFIED")]


def test_no_evidence_is_unrated_never_a_perfect_score():
    rated, _, grade, _ = result(one_merchant())
    assert (rated, grade) == (False, "")


def test_one_clean_inspection_is_100_and_a():
    assert result(one_merchant(inspections=[(TODAY, True)]))[:3] == (True, 100.0, "A")


def test_a_major_finding_today_is_85_b():
    evidence = one_merchant(findings=major_today(), inspections=[(TODAY, False)])
    assert result(evidence)[1:3] == (85.0, "B")


def test_a_major_finding_a_year_ago_is_92_5_a():
    evidence = one_merchant(
        findings=[(ago(365), "major", False, "UNVERIFIED")], inspections=[(ago(365), False)]
    )
    assert result(evidence)[1:3] == (92.5, "A")


def test_major_finding_plus_substantiated_complaint_today_is_77_b():
    evidence = one_merchant(
        findings=major_today(), inspections=[(TODAY, False)], complaints=[TODAY]
    )
    assert result(evidence)[1:3] == (77.0, "B")


def test_an_unsubstantiated_complaint_costs_nothing():
    # Only substantiated complaints reach the scorecard; an open one is not evidence.
    evidence = one_merchant(inspections=[(TODAY, True)])
    assert result(evidence)[1] == 100.0


def test_a_serious_finding_caps_at_c():
    evidence = one_merchant(
        findings=[(ago(200), "serious", False, "HOST_CONNIVE")],
        inspections=[(ago(200), False), (ago(10), True), (ago(5), True), (ago(1), True)],
    )
    rated, score, grade, codes = result(evidence)
    assert score >= 75 and grade == "C" and "CAP_SERIOUS" in codes


def test_cheating_makes_d_whatever_else():
    evidence = one_merchant(
        findings=[(ago(600), "serious", False, "CHEAT")],
        inspections=[(ago(600), False)] + [(ago(d), True) for d in (1, 2, 3)],
    )
    rated, score, grade, codes = result(evidence)
    assert score > 90 and grade == "D" and "CAP_CHEAT" in codes


def test_one_short_of_three_barely_moves_while_forty_of_four_hundred_lowers_markedly():
    base = result(one_merchant(inspections=[(TODAY, False)]))[1]
    few = result(one_merchant(inspections=[(TODAY, False)], reweighs=[(TODAY, 3, 3, 1)]))[1]
    many = result(one_merchant(inspections=[(TODAY, False)], reweighs=[(TODAY, 400, 400, 40)]))[1]
    assert base - few < 2.5
    assert base - many > 10


def test_thirty_reweighs_in_a_year_rate_a_merchant_without_inspections():
    assert result(one_merchant(reweighs=[(ago(10), 29, 29, 0)]))[0] is False
    assert result(one_merchant(reweighs=[(ago(10), 30, 20, 0)]))[0] is True
    assert result(one_merchant(reweighs=[(ago(400), 300, 300, 0)]))[0] is False


def test_evidence_older_than_three_years_counts_nothing():
    old = ago(3 * 365 + 1)
    evidence = one_merchant(
        findings=[(old, "serious", False, "CHEAT")],
        inspections=[(old, False), (TODAY, True)],
        complaints=[old],
    )
    assert result(evidence)[1:3] == (100.0, "A")


def test_evidence_after_the_as_of_date_is_ignored():
    evidence = one_merchant(findings=major_today(), inspections=[(TODAY, False)])
    assert result(evidence, as_of=ago(1))[0] is False


def test_a_failed_lot_counts_once_at_its_own_weight():
    evidence = one_merchant(
        findings=[(TODAY, "major", True, "SHORT_PREPACK")], inspections=[(TODAY, False)]
    )
    rated, score, grade, codes = result(evidence)
    assert (score, codes) == (85.0, ["FAILED_LOT"])


def test_clean_inspection_credit_is_capped_at_six():
    evidence = one_merchant(
        findings=[(ago(30), "major", False, "UNVERIFIED")],
        inspections=[(ago(30), False)] + [(ago(d), True) for d in range(1, 6)],
    )
    decayed = 15 * 0.5 ** (30 / 365)
    assert result(evidence)[1] == round(100 - decayed + 6, 2)


def test_the_grade_rises_on_the_day_the_decay_allows():
    evidence = one_merchant(findings=major_today(), inspections=[(TODAY, False)])
    rise = explain.improvement(evidence, DEFAULT, TODAY)
    # 100 − 15·0.5^(d/365) ≥ 90 first when d ≥ 365·log2(1.5) = 213.5 days.
    assert rise.rises_on == TODAY + timedelta(days=214)
    assert rise.grade_then == "A"
    assert rise.sooner[0]["action"] == "clean_reinspection"


def test_reasons_explain_every_point_in_both_languages():
    evidence = one_merchant(
        findings=major_today(), inspections=[(TODAY, False)], complaints=[TODAY]
    )
    scores = scorecard.score(evidence, DEFAULT, TODAY)
    reasons = explain.reasons_of(scores.reasons, 0, {"UNVERIFIED": ("未检定", "unverified")})
    assert sum(r["points"] for r in reasons) == 100 - float(scores.score[0])
    assert all(r["text"] and r["text_en"] for r in reasons)
    assert "未检定" in reasons[0]["text"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1200), st.sampled_from(["minor", "major", "serious"])), max_size=6
    ),
    st.integers(0, 5),
    st.integers(0, 50),
    st.integers(0, 500),
)
def test_score_is_bounded_and_falls_with_more_evidence(findings, complaints, short, extra):
    rows = [(ago(d), s, False, "UNVERIFIED") for d, s in findings]
    base = one_merchant(
        findings=rows,
        inspections=[(TODAY, False)],
        reweighs=[(TODAY, short + extra, short + extra, short)],
    )
    worse = one_merchant(
        findings=rows + [(TODAY, "minor", False, "UNVERIFIED")],
        inspections=[(TODAY, False)],
        complaints=[TODAY] * complaints,
        reweighs=[(TODAY, short + extra, short + extra, short)],
    )
    _, s1, g1, _ = result(base)
    _, s2, g2, _ = result(worse)
    assert 0 <= s2 <= s1 <= 100
    assert "ABCD".index(g2) >= "ABCD".index(g1)


def test_a_batch_scores_each_merchant_as_alone():
    alone = [
        one_merchant(findings=major_today(), inspections=[(TODAY, False)]),
        one_merchant(inspections=[(TODAY, True)], reweighs=[(TODAY, 400, 400, 40)]),
    ]
    merged = scorecard.Evidence(
        2,
        scorecard.Findings(
            *(
                np.concatenate([getattr(alone[0].findings, k), getattr(alone[1].findings, k)])
                for k in ("merchant", "day", "severity", "failed_lot", "code", "inspection_id")
            )
        ),
        scorecard.Inspections(
            np.array([0, 1]),
            np.array([TODAY.toordinal()] * 2),
            np.array([False, True]),
            np.array([1, 2]),
        ),
        alone[1].complaints,
        scorecard.Reweighs(
            np.array([1]),
            np.array([TODAY.toordinal()]),
            np.array([400]),
            np.array([400]),
            np.array([40]),
        ),
    )
    batch = scorecard.score(merged, DEFAULT, TODAY)
    assert [float(s) for s in batch.score] == [result(alone[0])[1], result(alone[1])[1]]


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("decay", "half_life_days"), 0, "half_life_days"),
        (("grades",), [], "grades"),
        (("caps", "cheat_grade"), "E", "cheat_grade"),
        (("retail_band_rule",), "any", "retail_band_rule"),
        (("deductions", "finding", "major"), "fifteen", "major"),
        (("grades", 1, "zh"), " ", "grade B needs its zh name"),
    ],
)
def test_a_bad_policy_document_names_its_problem(path, value, words):
    import copy

    document = copy.deepcopy(DEFAULT_POLICY)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(PolicyError, match=words):
        Policy.from_document(document)
