"""The scoring policy: a versioned document a city officer can replace (DESIGN.md §6).

Version 1 is the policy of the design card as first written; version 2 (issue 20)
settles its arithmetic and counts one fault once, and is the default in force. A policy
is plain data; `Policy` checks it and gives typed access. Every score snapshot names the
version it used, and a version's document never changes once written, so a snapshot
made under version 1 is still recomputed and explained under version 1.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

# How the total is clipped to [0, 100] (the document's "arithmetic"). Version 1 had no key
# and clipped at 100 before taking the fair-scale points off: min(100 − D + C, 100) − FS.
CLIP_BEFORE_FAIR_SCALE = "clip_before_fair_scale"
# Version 2: clip(100 − D + C − FS, 0, 100), as the scorecard's docstring always said.
CLIP_AFTER_FAIR_SCALE = "clip_after_fair_scale"
ARITHMETICS = (CLIP_BEFORE_FAIR_SCALE, CLIP_AFTER_FAIR_SCALE)

POLICY_V1: dict[str, Any] = {
    "version": 1,
    "description": "诚信计量 default scorecard (DESIGN.md §6)",
    # Rated: at least one inspection in 24 months or at least 30 re-weighs in 12 months.
    "rated": {"inspection_days": 730, "min_reweighs": 30, "reweigh_days": 365},
    # Each piece of evidence loses half its weight every year; after 3 years, nothing.
    "decay": {"half_life_days": 365, "max_age_days": 1095},
    "deductions": {
        "finding": {"serious": 40, "major": 15, "minor": 5},
        "failed_lot": 15,
        "substantiated_complaint": 8,
    },
    # Clean inspections (no finding) in the last 3 years add back points, undecayed.
    "clean_inspection": {"points": 2, "max_points": 6},
    # Short-weight rate of fair-scale re-weighs in the last 12 months, estimated with a
    # Beta(prior_short, prior_within) prior: 1 short of 3 barely moves, 40 of 400 does.
    "fair_scale": {
        "window_days": 365,
        "prior_short": 2,
        "prior_within": 98,
        "tolerated_rate": 0.02,
        "points_per_percent": 2,
        "max_points": 30,
    },
    # Worst-element caps, as in food-hygiene rating schemes.
    "caps": {
        "serious_days": 365,
        "serious_grade": "C",
        "cheat_codes": ["CHEAT", "TAMPER"],
        "cheat_days": 730,
        "cheat_grade": "D",
    },
    "grades": [
        {"grade": "A", "min": 90, "zh": "诚信", "en": "honest"},
        {"grade": "B", "min": 75, "zh": "基本诚信", "en": "mostly honest"},
        {"grade": "C", "min": 60, "zh": "警示", "en": "warning"},
        {"grade": "D", "min": 0, "zh": "失信", "en": "dishonest"},
    ],
    # 零售商品称重计量监督管理办法: category vs unit-price band, unsettled in the sources.
    "retail_band_rule": "stricter",
}

POLICY_V2: dict[str, Any] = copy.deepcopy(POLICY_V1) | {
    "version": 2,
    "description": "诚信计量 scorecard, version 2: arithmetic settled, one fault one deduction",
    "arithmetic": CLIP_AFTER_FAIR_SCALE,
    # A failing net-content lot and a SHORT_PREPACK finding about the same lot (the same
    # product in the same inspection) are one fault: the lot's deduction counts, the
    # finding's does not (DESIGN.md §6). Absent (version 1): both were deducted.
    "one_fault_one_deduction": True,
    # Officers' alert on a fair scale whose short-weight rate stays high (DESIGN.md §6,
    # seed §四.2): at least `min_readings` assessable re-weighs in `window_days` days with a
    # short rate of `short_rate` or more. It raises an alert, never a grade by itself.
    "fair_scale_alert": {"short_rate": 0.15, "min_readings": 30, "window_days": 30},
}

# The policy in force on a fresh database: version 2 (version 1 is written beside it).
DEFAULT_POLICY = POLICY_V2
BUILT_IN_POLICIES = (POLICY_V1, POLICY_V2)

SEVERITIES = ("minor", "major", "serious")
GRADE_ORDER = "ABCD"


class PolicyError(ValueError):
    """A policy document that cannot be used, with the path of the problem."""


def _number(doc: dict, *path: str, minimum: float = 0) -> float:
    node: Any = doc
    for key in path:
        if not isinstance(node, dict) or key not in node:
            raise PolicyError(f"{'.'.join(path)} is missing")
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, int | float) or node < minimum:
        raise PolicyError(f"{'.'.join(path)} must be a number ≥ {minimum}")
    return float(node)


@dataclass(frozen=True)
class Policy:
    document: dict[str, Any]

    @property
    def version(self) -> int:
        return int(self.document["version"])

    def number(self, *path: str) -> float:
        return _number(self.document, *path)

    @property
    def arithmetic(self) -> str:
        """How the total is clipped; documents without the key are version 1's."""
        return str(self.document.get("arithmetic", CLIP_BEFORE_FAIR_SCALE))

    @property
    def one_fault_one_deduction(self) -> bool:
        """Whether a failed lot and a SHORT_PREPACK finding about it count once."""
        return bool(self.document.get("one_fault_one_deduction", False))

    @property
    def grades(self) -> list[dict[str, Any]]:
        return sorted(self.document["grades"], key=lambda g: -g["min"])

    @property
    def cheat_codes(self) -> tuple[str, ...]:
        return tuple(self.document["caps"]["cheat_codes"])

    def grade_for(self, score: float) -> str:
        return next(g["grade"] for g in self.grades if score >= g["min"])

    def grade_label(self, grade: str, language: str = "zh") -> str:
        """A grade's public name ("zh" or "en"): the policy is its only source (DESIGN.md §6)."""
        return str({g["grade"]: g[language] for g in self.grades}[grade])

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Policy:
        """Check every figure the scorecard reads; raise PolicyError naming the first bad one."""
        for path in (
            ("rated", "inspection_days"),
            ("rated", "min_reweighs"),
            ("rated", "reweigh_days"),
            ("decay", "max_age_days"),
            ("deductions", "failed_lot"),
            ("deductions", "substantiated_complaint"),
            ("clean_inspection", "points"),
            ("clean_inspection", "max_points"),
            ("fair_scale", "window_days"),
            ("fair_scale", "tolerated_rate"),
            ("fair_scale", "points_per_percent"),
            ("fair_scale", "max_points"),
            ("caps", "serious_days"),
            ("caps", "cheat_days"),
        ):
            _number(document, *path)
        for path in (
            ("decay", "half_life_days"),
            ("fair_scale", "prior_short"),
            ("fair_scale", "prior_within"),
        ):
            _number(document, *path, minimum=1e-9)
        for severity in SEVERITIES:
            _number(document, "deductions", "finding", severity)
        _check_grades(document.get("grades"))
        caps = document["caps"]
        for key in ("serious_grade", "cheat_grade"):
            if caps.get(key) not in tuple(GRADE_ORDER):
                raise PolicyError(f"caps.{key} must be one of A, B, C, D")
        _check_version_2_keys(document)
        if document.get("retail_band_rule") not in ("stricter", "category", "price"):
            raise PolicyError("retail_band_rule must be stricter, category or price")
        if not isinstance(document.get("version"), int) or document["version"] < 1:
            raise PolicyError("version must be a positive whole number")
        return cls(document)


def _check_version_2_keys(document: dict) -> None:
    """Keys version 2 added; a version 1 document has none of them."""
    if document.get("arithmetic", CLIP_BEFORE_FAIR_SCALE) not in ARITHMETICS:
        raise PolicyError("arithmetic must be " + " or ".join(ARITHMETICS))
    if not isinstance(document.get("one_fault_one_deduction", False), bool):
        raise PolicyError("one_fault_one_deduction must be true or false")
    if "fair_scale_alert" in document:
        for key in ("short_rate", "min_readings", "window_days"):
            _number(document, "fair_scale_alert", key)


def _check_grades(grades: Any) -> None:
    if not isinstance(grades, list) or [g.get("grade") for g in grades] != list(GRADE_ORDER):
        raise PolicyError("grades must list A, B, C and D in that order")
    minimums = [g.get("min") for g in grades]
    if any(not isinstance(m, int | float) for m in minimums) or minimums != sorted(
        minimums, reverse=True
    ):
        raise PolicyError("grade minimums must be numbers falling from A to D")
    if minimums[-1] != 0:
        raise PolicyError("grade D must start at 0 so every score has a grade")
    # Pages and printed placards show these names; nothing else holds a copy of them.
    for row in grades:
        for language in ("zh", "en"):
            name = row.get(language)
            if not isinstance(name, str) or not name.strip():
                raise PolicyError(f"grade {row['grade']} needs its {language} name")


DEFAULT = Policy.from_document(DEFAULT_POLICY)
