"""Whether an exposure entry may end early by credit repair (信用修复).

《市场监督管理行政处罚信息公示规定》第十四条 (reference/rules.md §4): early end needs the
obligations fulfilled, the harm remedied, no repeat of the same violation type, and the
business not on the abnormal-operations or serious-violation lists; most penalties become
repairable after 6 months of publication (food, drugs, special equipment: 1 year).
A pure rule: facts in, a verdict and one reason per condition out.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

MINIMUM_MONTHS, MINIMUM_MONTHS_STRICT = 6, 12


@dataclass(frozen=True)
class RepairFacts:
    published_on: date
    today: date
    violation_codes: frozenset[str]
    later_violation_codes: frozenset[str]  # found at inspections after the decision
    obligations_fulfilled: bool
    harm_remedied: bool
    strict_domain: bool = False  # food, drugs, special equipment: 1 year
    # None until an officer has looked the business up on the two lists.
    on_restricted_lists: bool | None = None


@dataclass(frozen=True)
class RepairCheck:
    eligible: bool
    reasons: list[dict] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _reason(code: str, ok: bool | None, text: str) -> dict:
    return {"code": code, "ok": ok, "text": text}


def assess(facts: RepairFacts) -> RepairCheck:
    """Each condition of 第十四条 as a reason (ok True, False, or None when an officer
    has still to confirm it); eligible when none is False and none is None."""
    months = MINIMUM_MONTHS_STRICT if facts.strict_domain else MINIMUM_MONTHS
    from_day = add_months(facts.published_on, months)
    repeats = sorted(facts.violation_codes & facts.later_violation_codes)
    lists = facts.on_restricted_lists
    reasons = [
        _reason(
            "MIN_PUBLISHED",
            facts.today >= from_day,
            f"公示满{months}个月方可申请提前移出（{from_day.isoformat()}起）",
        ),
        _reason("OBLIGATIONS", facts.obligations_fulfilled, "已履行行政处罚决定规定的义务"),
        _reason("HARM_REMEDIED", facts.harm_remedied, "已主动消除危害后果和不良影响"),
        _reason(
            "NO_REPEAT",
            not repeats,
            f"此后再次发生同类违法行为：{'、'.join(repeats)}"
            if repeats
            else "未再发生同类违法行为",
        ),
        _reason(
            "NOT_LISTED",
            None if lists is None else not lists,
            "未被列入经营异常名录或严重违法失信名单"
            if lists is not True
            else "被列入经营异常名录或严重违法失信名单",
        ),
    ]
    return RepairCheck(all(r["ok"] is True for r in reasons), reasons)
