"""The metrology violations an inspection can record (reference/violation_catalogue.csv),
with the obligation and penalty articles an exposure notice must cite."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Violation:
    code: str
    name_zh: str
    name_en: str
    default_severity: str
    obligation_basis: str
    penalty_basis: str
    penalty_summary: str
    certainty: str  # verified | secondary | uncertain: how sure the source reading is


@cache
def violations() -> dict[str, Violation]:
    text = resources.files("creditsvc").joinpath("data/violation_catalogue.csv").read_text("utf-8")
    return {row["code"]: Violation(**row) for row in csv.DictReader(text.splitlines())}


def violation(code: str) -> Violation:
    return violations()[code]


@cache
def violation_names() -> dict[str, tuple[str, str]]:
    """Each violation's (Chinese, English) name, as reasons are worded with them."""
    return {code: (v.name_zh, v.name_en) for code, v in violations().items()}
