"""The public scorecard (DESIGN.md §6), vectorised over many merchants at once.

One implementation serves both paths: a single merchant is a batch of one. Inputs are
columnar numpy arrays with dates as day numbers (`date.toordinal()`), so a city of
200,000 merchants is scored with array operations, not a Python loop.

    100 − Σ decayed deductions + clean-inspection credit − fair-scale points,
    clipped to [0, 100], graded A/B/C/D, then capped by the worst elements.

That is policy version 2's arithmetic. Version 1 documents (no "arithmetic" key) clipped
at 100 before the fair-scale points were taken off, min(100 − D + C, 100) − FS, and
deducted a failed lot and a SHORT_PREPACK finding about it twice; they are scored so
still, so a snapshot made under version 1 is recomputed as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from scoring.policy import CLIP_AFTER_FAIR_SCALE, GRADE_ORDER, SEVERITIES, Policy

SEVERITY_INDEX = {name: i for i, name in enumerate(SEVERITIES)}
# 商品量计量违法行为处罚规定: prepackaged goods short of their net content. A failing lot is
# recorded as such a finding by itself; an officer may list one about the same lot too.
SHORT_PREPACK = "SHORT_PREPACK"


def same_fault(
    inspection: np.ndarray, code: np.ndarray, severity: np.ndarray, failed_lot: np.ndarray
) -> np.ndarray:
    """For each finding, the row of the failing lot's finding it is the same fault as, or -1.

    One fault, one deduction (policy version 2, DESIGN.md §6): an inspection's failing lot
    is a SHORT_PREPACK finding by itself, and a SHORT_PREPACK finding the officer listed in
    the same inspection is about that lot. With several failing lots, the officer's
    findings pair with them one to one, the most severe first and the lots in row order;
    a finding left over (more findings than failing lots) is a fault of its own.
    """
    out = np.full(len(inspection), -1, dtype=np.int64)
    listed = (code == SHORT_PREPACK) & ~failed_lot
    if not listed.any() or not failed_lot.any():
        return out
    lots: dict[int, list[int]] = {}
    for row in np.flatnonzero(failed_lot).tolist():
        lots.setdefault(int(inspection[row]), []).append(row)
    rows = np.flatnonzero(listed)
    rows = rows[np.lexsort((-severity[rows], inspection[rows]))]
    taken: dict[int, int] = {}
    for row in rows.tolist():
        key = int(inspection[row])
        k = taken.get(key, 0)
        if k < len(lots.get(key, ())):
            out[row] = lots[key][k]
            taken[key] = k + 1
    return out


def _ints(values=()) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _bools(values=()) -> np.ndarray:
    return np.asarray(values, dtype=bool)


@dataclass(frozen=True)
class Findings:
    merchant: np.ndarray  # row index of the merchant in the batch
    day: np.ndarray  # inspection date, as an ordinal
    severity: np.ndarray  # index into SEVERITIES
    failed_lot: np.ndarray  # a SHORT_PREPACK finding made by a failing net-content lot
    code: np.ndarray  # violation code (object array)
    inspection_id: np.ndarray


@dataclass(frozen=True)
class Inspections:
    merchant: np.ndarray
    day: np.ndarray
    clean: np.ndarray
    inspection_id: np.ndarray


@dataclass(frozen=True)
class Complaints:
    merchant: np.ndarray
    day: np.ndarray  # date received
    complaint_id: np.ndarray  # substantiated complaints only


@dataclass(frozen=True)
class Reweighs:
    """Fair-scale re-weigh counts per merchant and day (or per merchant, pre-windowed)."""

    merchant: np.ndarray
    day: np.ndarray
    total: np.ndarray  # every re-weigh, assessable or not: activity
    assessable: np.ndarray
    short: np.ndarray


@dataclass(frozen=True)
class Evidence:
    size: int  # number of merchants in the batch
    findings: Findings
    inspections: Inspections
    complaints: Complaints
    reweighs: Reweighs

    @classmethod
    def empty(cls, size: int) -> Evidence:
        e = _ints()
        return cls(
            size,
            Findings(e, e, e, _bools(), np.asarray([], dtype=object), e),
            Inspections(e, e, _bools(), e),
            Complaints(e, e, e),
            Reweighs(e, e, e, e, e),
        )


@dataclass
class Reasons:
    """Every point lost, credited or capped, as parallel arrays (one row a reason)."""

    merchant: list[np.ndarray] = field(default_factory=list)
    code: list[np.ndarray] = field(default_factory=list)
    points: list[np.ndarray] = field(default_factory=list)
    evidence_kind: list[np.ndarray] = field(default_factory=list)
    evidence_id: list[np.ndarray] = field(default_factory=list)
    day: list[np.ndarray] = field(default_factory=list)
    detail: list[np.ndarray] = field(default_factory=list)

    def add(self, merchant, code, points, kind, evidence_id, day, detail) -> None:
        n = len(merchant)
        self.merchant.append(np.asarray(merchant, dtype=np.int64))
        self.code.append(np.broadcast_to(np.asarray(code, dtype=object), (n,)))
        self.points.append(np.asarray(points, dtype=float))
        self.evidence_kind.append(np.broadcast_to(np.asarray(kind, dtype=object), (n,)))
        self.evidence_id.append(np.asarray(evidence_id, dtype=np.int64))
        self.day.append(np.asarray(day, dtype=np.int64))
        self.detail.append(np.asarray(detail, dtype=object))

    def joined(self) -> dict[str, np.ndarray]:
        names = ("merchant", "code", "points", "evidence_kind", "evidence_id", "day", "detail")
        return {name: np.concatenate(getattr(self, name)) for name in names}


@dataclass(frozen=True)
class Scores:
    rated: np.ndarray
    score: np.ndarray  # rounded to 2 decimals; meaningful only where rated
    grade: np.ndarray  # 'A'..'D', or '' when unrated
    reasons: dict[str, np.ndarray]


def _decayed(weight, age: np.ndarray, policy: Policy) -> np.ndarray:
    half_life = policy.number("decay", "half_life_days")
    return np.asarray(weight, dtype=float) * np.power(0.5, age / half_life)


def _counting(age: np.ndarray, policy: Policy) -> np.ndarray:
    """Evidence counts from its own day to 3 years later; later evidence not at all."""
    return (age >= 0) & (age <= policy.number("decay", "max_age_days"))


def _none(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


class _Batch:
    """One scoring pass: the evidence, the policy, the date and the reasons found."""

    def __init__(self, evidence: Evidence, policy: Policy, as_of: date) -> None:
        self.e, self.policy, self.as_of = evidence, policy, as_of.toordinal()
        self.size = evidence.size
        self.reasons = Reasons()

    def per_merchant(self, merchant: np.ndarray, weights=None) -> np.ndarray:
        return np.bincount(merchant, weights=weights, minlength=self.size).astype(float)

    def findings(self) -> np.ndarray:
        f, policy = self.e.findings, self.policy
        age = self.as_of - f.day
        keep = _counting(age, policy)
        if policy.one_fault_one_deduction:
            # The lot is deducted; the officer's finding about it is not (same_fault).
            keep &= same_fault(f.inspection_id, f.code, f.severity, f.failed_lot) < 0
        by_severity = np.array([policy.number("deductions", "finding", s) for s in SEVERITIES])
        lot_weight = policy.number("deductions", "failed_lot")
        weight = np.where(f.failed_lot, lot_weight, by_severity[f.severity])
        points = _decayed(weight, age, policy)[keep]
        names = np.array(["FINDING_" + s.upper() for s in SEVERITIES], dtype=object)
        codes = np.where(f.failed_lot, "FAILED_LOT", names[f.severity])[keep]
        self.reasons.add(
            f.merchant[keep],
            codes,
            points,
            "inspection",
            f.inspection_id[keep],
            f.day[keep],
            f.code[keep],
        )
        return self.per_merchant(f.merchant[keep], points)

    def complaints(self) -> np.ndarray:
        c = self.e.complaints
        age = self.as_of - c.day
        keep = _counting(age, self.policy)
        weight = self.policy.number("deductions", "substantiated_complaint")
        points = _decayed(weight, age, self.policy)[keep]
        self.reasons.add(
            c.merchant[keep],
            "COMPLAINT_SUBSTANTIATED",
            points,
            "complaint",
            c.complaint_id[keep],
            c.day[keep],
            _none(int(keep.sum())),
        )
        return self.per_merchant(c.merchant[keep], points)

    def clean_credit(self) -> np.ndarray:
        i = self.e.inspections
        keep = _counting(self.as_of - i.day, self.policy) & i.clean
        count = self.per_merchant(i.merchant[keep])
        each = self.policy.number("clean_inspection", "points")
        credit = np.minimum(count * each, self.policy.number("clean_inspection", "max_points"))
        who = np.flatnonzero(credit > 0)
        latest = np.zeros(self.size, dtype=np.int64)
        np.maximum.at(latest, i.merchant[keep], i.day[keep])
        detail = count[who].astype(np.int64).astype(str).astype(object)
        self.reasons.add(
            who,
            "CLEAN_INSPECTIONS",
            -credit[who],
            "inspection",
            np.zeros(len(who)),
            latest[who],
            detail,
        )
        return credit

    def reweigh_counts(self, window: float) -> list[np.ndarray]:
        r = self.e.reweighs
        age = self.as_of - r.day
        keep = (age >= 0) & (age < window)
        return [
            self.per_merchant(r.merchant[keep], col[keep])
            for col in (r.total, r.assessable, r.short)
        ]

    def fair_scale(self) -> np.ndarray:
        fs = self.policy.document["fair_scale"]
        _, assessable, short = self.reweigh_counts(fs["window_days"])
        rate = posterior_short_rate(short, assessable, fs["prior_short"], fs["prior_within"])
        excess = np.maximum(0.0, rate - fs["tolerated_rate"]) * 100
        points = np.minimum(excess * fs["points_per_percent"], fs["max_points"])
        who = np.flatnonzero(points >= 0.005)
        detail = np.asarray(
            [f"{int(short[m])}/{int(assessable[m])}" for m in who] or [], dtype=object
        )
        self.reasons.add(
            who,
            "FAIR_SCALE_SHORT_RATE",
            points[who],
            "readings",
            np.zeros(len(who)),
            np.full(len(who), self.as_of),
            detail,
        )
        return points

    def rated(self) -> np.ndarray:
        i, policy = self.e.inspections, self.policy
        age = self.as_of - i.day
        recent = (age >= 0) & (age <= policy.number("rated", "inspection_days"))
        inspected = self.per_merchant(i.merchant[recent]) > 0
        total = self.reweigh_counts(policy.number("rated", "reweigh_days"))[0]
        return inspected | (total >= policy.number("rated", "min_reweighs"))

    def cap(self, grade: np.ndarray, mask: np.ndarray, worst: str, code: str) -> np.ndarray:
        """A cap in force is a reason, whether or not the grade was already below it."""
        who = np.flatnonzero(mask)
        self.reasons.add(
            who,
            code,
            np.zeros(len(who)),
            "grade",
            np.zeros(len(who)),
            np.full(len(who), self.as_of),
            np.full(len(who), worst, dtype=object),
        )
        return np.where(mask, np.maximum(grade, GRADE_ORDER.index(worst)), grade)

    def caps(self, grade: np.ndarray) -> np.ndarray:
        """Grade indices (0 = A) after the worst-element caps."""
        f, caps = self.e.findings, self.policy.document["caps"]
        age = self.as_of - f.day
        serious = (f.severity == SEVERITY_INDEX["serious"]) & (age >= 0)
        serious &= age <= caps["serious_days"]
        cheat = np.isin(f.code, list(caps["cheat_codes"])) & (age >= 0)
        cheat &= age <= caps["cheat_days"]
        has_serious = self.per_merchant(f.merchant[serious]) > 0
        has_cheat = self.per_merchant(f.merchant[cheat]) > 0
        grade = self.cap(grade, has_serious & ~has_cheat, caps["serious_grade"], "CAP_SERIOUS")
        return self.cap(grade, has_cheat, caps["cheat_grade"], "CAP_CHEAT")


def score(evidence: Evidence, policy: Policy, as_of: date) -> Scores:
    """Score every merchant of `evidence` as of a date; evidence after it is ignored."""
    batch = _Batch(evidence, policy, as_of)
    raw = 100.0 - batch.findings() - batch.complaints() + batch.clean_credit()
    if policy.arithmetic == CLIP_AFTER_FAIR_SCALE:  # version 2
        raw = raw - batch.fair_scale()
    else:  # version 1: min(100 − D + C, 100) − FS
        raw = np.minimum(raw, 100.0) - batch.fair_scale()
    raw = np.round(np.clip(raw, 0.0, 100.0), 2)
    bounds = np.array([g["min"] for g in policy.grades])  # falling: A, B, C, D
    grade = batch.caps(np.argmax(raw[:, None] >= bounds[None, :], axis=1))
    rated = batch.rated()
    grade = np.where(rated, np.array(list(GRADE_ORDER), dtype=object)[grade], "")
    return Scores(rated=rated, score=raw, grade=grade, reasons=batch.reasons.joined())


def posterior_short_rate(
    short: np.ndarray, assessable: np.ndarray, prior_short: float, prior_within: float
) -> np.ndarray:
    """The short-weight rate's posterior mean under a Beta(prior_short, prior_within) prior:
    one short re-weigh out of three does not sink a stall, 40 out of 400 do (DESIGN §6).
    The scorecard's fair-scale points and the officers' alerts read the same estimate."""
    short = np.asarray(short, dtype=np.float64)
    assessable = np.asarray(assessable, dtype=np.float64)
    return (short + prior_short) / (assessable + prior_short + prior_within)
