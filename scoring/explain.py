"""Reasons in words, Chinese and English, and how a merchant's grade can rise."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import numpy as np

from scoring.policy import GRADE_ORDER, Policy
from scoring.scorecard import Evidence, Inspections, score

SEVERITY_ZH = {"FINDING_SERIOUS": "严重", "FINDING_MAJOR": "较重", "FINDING_MINOR": "轻微"}


@cache
def _day(ordinal: int) -> str:
    return date.fromordinal(int(ordinal)).isoformat() if ordinal > 0 else ""


def text(code: str, points: float, when: str, detail: str, names: dict[str, tuple[str, str]]):
    """(zh, en) sentences for one reason dated `when` (ISO); `names` maps violation codes
    to their names."""
    zh_name, en_name = names.get(detail, (detail, detail))
    if code.startswith("FINDING_"):
        level = code.removeprefix("FINDING_").lower()
        return (
            f"{when} 检查发现{SEVERITY_ZH[code]}违法行为：{zh_name}，扣 {points:.1f} 分",
            f"{when} inspection found a {level} violation: {en_name}; −{points:.1f} points",
        )
    if code == "FAILED_LOT":
        return (
            f"{when} 定量包装商品净含量检验不合格，扣 {points:.1f} 分",
            f"{when} a lot of prepackaged goods failed the net-content check; −{points:.1f} points",
        )
    if code == "COMPLAINT_SUBSTANTIATED":
        return (
            f"{when} 受理的投诉经核实成立，扣 {points:.1f} 分",
            f"{when} a complaint was substantiated; −{points:.1f} points",
        )
    if code == "CLEAN_INSPECTIONS":
        return (
            f"近三年 {detail} 次检查未发现问题，加 {-points:.1f} 分",
            f"{detail} clean inspections in three years; +{-points:.1f} points",
        )
    if code == "FAIR_SCALE_SHORT_RATE":
        short, assessable = detail.split("/")
        return (
            f"近一年自助公平秤复称 {assessable} 次中 {short} 次短秤，扣 {points:.1f} 分",
            f"{short} of {assessable} fair-scale re-weighs in a year were short; "
            f"−{points:.1f} points",
        )
    if code in CAPS:
        zh, en = CAPS[code]
        return (f"{zh}，等级最高为 {detail}", f"{en}: the grade is at most {detail}")
    return (code, code)


CAPS = {
    "CAP_SERIOUS": ("一年内有严重违法行为", "a serious violation within a year"),
    "CAP_CHEAT": ("两年内有作弊或破坏计量器具准确度行为", "cheating or tampering within two years"),
}


def worded(reasons: list[dict], names: dict[str, tuple[str, str]]) -> list[dict]:
    """Stored reasons with their sentences, Chinese and English. Snapshots keep the facts
    (code, points, date, detail, evidence) and the words are written when read: a
    city-wide rescore then stores a third of the bytes, and a fixed wording reaches
    every past snapshot."""
    return [
        r
        | dict(
            zip(
                ("text", "text_en"),
                text(r["code"], r["points"], r["date"], r["detail"], names),
                strict=True,
            )
        )
        for r in reasons
    ]


def reasons_of(reasons: dict[str, np.ndarray], merchant: int, names=None) -> list[dict]:
    """The reasons of one merchant of a batch, largest loss first, in words."""
    mine = reasons["merchant"] == merchant
    batch = {key: column[mine] for key, column in reasons.items()}
    return worded(reasons_by_merchant(batch, merchant + 1)[merchant], names or {})


CAPS_FIRST = {"CAP_CHEAT": 0, "CAP_SERIOUS": 1}


def reasons_by_merchant(reasons: dict[str, np.ndarray], size: int) -> list[list[dict]]:
    """Each of a batch's `size` merchants' reasons as stored (no sentences: `worded`),
    caps first, then largest loss.

    Sorted, rounded and dated as arrays, then turned into Python lists once: reading
    numpy arrays element by element, or sorting 200,000 small lists, costs more than
    building the dicts, and a first city-wide rescore writes 200,000 lists.
    """
    points = np.round(reasons["points"].astype(float), 2)
    rank = np.array([CAPS_FIRST.get(code, 2) for code in reasons["code"].tolist()], dtype=int)
    order = np.lexsort((-points, rank, reasons["merchant"]))  # stable, as the old sort
    days, day_index = np.unique(reasons["day"][order], return_inverse=True)
    dates = np.array([_day(d) for d in days.tolist()], dtype=object)[day_index]
    columns = [
        reasons[key][order].tolist()
        for key in ("merchant", "code", "detail", "evidence_kind", "evidence_id")
    ]
    out: list[list[dict]] = [[] for _ in range(size)]
    rows = zip(*columns, points[order].tolist(), dates.tolist(), strict=True)
    for merchant, code, detail, kind, evidence_id, lost, when in rows:
        out[merchant].append(
            {
                "code": code,
                "points": lost,
                "date": when,
                "detail": detail,
                "evidence": {"kind": kind, "id": evidence_id} if evidence_id else {"kind": kind},
            }
        )
    return out


@dataclass(frozen=True)
class Improvement:
    rises_on: date | None  # first day the grade rises if nothing new happens
    grade_then: str | None
    sooner: list[dict]  # actions that would raise it sooner or add points


def _grade_on(evidence: Evidence, policy: Policy, day: date) -> str:
    return str(score(evidence, policy, day).grade[0])


def next_rise(evidence: Evidence, policy: Policy, as_of: date, horizon_days: int = 1100):
    """The first day the grade rises (weekly scan, then daily within the week)."""
    now = _grade_on(evidence, policy, as_of)
    if not now or now == "A":
        return None, None

    def better(day: date) -> str | None:
        grade = _grade_on(evidence, policy, day)
        return grade if grade and GRADE_ORDER.index(grade) < GRADE_ORDER.index(now) else None

    for week in range(7, horizon_days + 7, 7):
        if better(as_of + timedelta(days=week)):
            for day in range(week - 6, week + 1):
                found = better(as_of + timedelta(days=day))
                if found:
                    return as_of + timedelta(days=day), found
    return None, None


def _with_clean_inspection(evidence: Evidence, as_of: date) -> Evidence:
    i = evidence.inspections
    extra = Inspections(
        np.append(i.merchant, 0),
        np.append(i.day, as_of.toordinal()),
        np.append(i.clean, True),
        np.append(i.inspection_id, 0),
    )
    return replace(evidence, inspections=extra)


def _reinspection(evidence: Evidence, policy: Policy, as_of: date, now) -> list[dict]:
    after = score(_with_clean_inspection(evidence, as_of), policy, as_of)
    gain = round(float(after.score[0] - now.score[0]), 2)
    if gain <= 0:
        return []
    grade = str(after.grade[0])
    return [
        {
            "action": "clean_reinspection",
            "points": gain,
            "grade": grade,
            "text": f"一次未发现问题的复查可加 {gain:.1f} 分（等级 {grade}）",
            "text_en": f"a clean re-inspection would add {gain:.1f} points (grade {grade})",
        }
    ]


def _accurate_weighing(policy: Policy, now) -> list[dict]:
    fair = [r for r in reasons_of(now.reasons, 0) if r["code"] == "FAIR_SCALE_SHORT_RATE"]
    if not fair:
        return []
    fs = policy.document["fair_scale"]
    short, assessable = (int(x) for x in fair[0]["detail"].split("/"))
    # Smallest n with (short + a) / (assessable + n + a + b) ≤ tolerated rate.
    needed = (short + fs["prior_short"]) / fs["tolerated_rate"]
    needed -= assessable + fs["prior_short"] + fs["prior_within"]
    needed = max(0, int(np.ceil(needed)))
    return [
        {
            "action": "accurate_weighing",
            "reweighs": needed,
            "text": f"再有 {needed} 次复称无短秤，公平秤扣分即可清零",
            "text_en": f"{needed} more accurate re-weighs clear the fair-scale deduction",
        }
    ]


def improvement(evidence: Evidence, policy: Policy, as_of: date) -> Improvement:
    """For a batch of one merchant: when its grade rises, and what would raise it sooner."""
    rises_on, grade_then = next_rise(evidence, policy, as_of)
    now = score(evidence, policy, as_of)
    sooner: list[dict] = []
    if now.rated[0] and now.grade[0] != "A":
        sooner += _reinspection(evidence, policy, as_of, now)
    sooner += _accurate_weighing(policy, now)
    return Improvement(rises_on, grade_then, sooner)
