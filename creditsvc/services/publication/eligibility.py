"""What a notice lists and why each entry qualifies (DESIGN.md §7, reference/rules.md §4).

Each function returns candidate entries: the content a document shows, a `qualifies`
text an officer reads in the draft, and the records it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, func, select

from creditsvc import vocabulary
from creditsvc.catalogue import violations
from creditsvc.extensions import db
from creditsvc.models import (
    TRADES,
    Community,
    CommunityStatus,
    CurrentScore,
    Finding,
    Inspection,
    Merchant,
    PenaltyChange,
    PenaltyDecision,
    Stall,
    Street,
    Void,
)
from creditsvc.models.geography import DESIGNATED_COMMUNITY
from creditsvc.services.programme import demonstration_units
from creditsvc.services.standing import policies
from creditsvc.uscc import USCC
from creditsvc.workdays import add_months
from notices.context import UNRATED_LABEL

# 第十三条: a public reprimand or a low fine is shown for 3 months, anything else 3 years.
SHORT_WINDOW_MONTHS, LONG_WINDOW_MONTHS = 3, 36
# Uncertain: the province sets what counts as a low fine (较低数额罚款); Shanghai's figure
# was not found, so it is the setting EXPOSURE_LOW_FINE_YUAN with this default.
DEFAULT_LOW_FINE_YUAN = 10000
HONOR_ROLL_CLEAN_MONTHS = 12
DEMONSTRATION_STATUSES = DESIGNATED_COMMUNITY  # the communities a listing names


@dataclass
class Candidate:
    content: dict
    qualifies: str
    merchant_id: int | None = None
    penalty_id: int | None = None
    community_id: int | None = None
    window_months: int | None = None


def inspection_not_void() -> ColumnElement[bool]:
    return ~exists().where(Void.evidence_kind == "inspection", Void.evidence_id == Inspection.id)


ORDINARY_PROCEDURE = "ordinary"


def penalty_publishable() -> ColumnElement[bool]:
    """The one rule for whether a penalty decision may be shown in public (reference/rules.md
    §4, 《市场监督管理行政处罚信息公示规定》总局令第45号), as a condition on a statement that
    joins PenaltyDecision to its Inspection. Every public output rests on it: exposure
    notices, the penalty-publicity list, and so the public pages and open data that show
    only what those documents published.

    - decided under the ordinary procedure (第二条: the simplified procedure is not published);
    - not a warning alone (第二条);
    - not revoked or changed by a later decision (第十一条: it comes off within 3 working days);
    - its inspection not voided (a correction or an upheld objection: the record is void).
    """
    return and_(
        PenaltyDecision.procedure == ORDINARY_PROCEDURE,
        PenaltyDecision.warning_only.is_(False),
        ~exists().where(PenaltyChange.penalty_id == PenaltyDecision.id),
        inspection_not_void(),
    )


def publishable(penalty_ids: list[int]) -> set[int]:
    """Those of `penalty_ids` that `penalty_publishable` allows today."""
    if not penalty_ids:
        return set()
    stmt = (
        select(PenaltyDecision.id)
        .join(Inspection, Inspection.id == PenaltyDecision.inspection_id)
        .where(PenaltyDecision.id.in_(penalty_ids), penalty_publishable())
    )
    return set(db.session.scalars(stmt))


def is_individual_business(uscc: str) -> bool:
    """个体工商户: registration authority 9 and type 2 (GB 32100, rules.md §3)."""
    return USCC(uscc).individual_business


def stall_of(merchant: Merchant) -> str | None:
    return db.session.scalar(select(func.min(Stall.number)).where(Stall.merchant_id == merchant.id))


def business(merchant: Merchant) -> dict:
    """How a business is named in public: an individual business by its trade name and its
    stall, never its owner (行政处罚信息公示规定 第六条); every business by its code."""
    stall = stall_of(merchant)
    place = merchant.market.name if merchant.market else None
    if place and stall:
        place = f"{place} {stall}号摊位"
    individual = is_individual_business(merchant.uscc)
    address = (place or merchant.address) if individual else (merchant.address or place)
    return {
        "business_name": merchant.name,
        "uscc": merchant.uscc,  # public on its licence, an individual business's too
        "individual_business": individual,
        "address": address or "地址未登记",
        "stall": stall,
    }


def low_fine_limit() -> Decimal:
    return Decimal(str(current_app.config.get("EXPOSURE_LOW_FINE_YUAN", DEFAULT_LOW_FINE_YUAN)))


def yuan(amount: Decimal) -> str:
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


CONFISCATE = "没收"


def penalty_summary(penalty: PenaltyDecision) -> str:
    parts = [f"罚款{yuan(penalty.fine_yuan)}元"] if penalty.fine_yuan else []
    if penalty.confiscation:
        # The field names what is confiscated, but an officer may type the verb too:
        # a notice must not print 没收没收.
        parts.append(CONFISCATE + penalty.confiscation.removeprefix(CONFISCATE))
    return "；".join(parts) or "责令改正"


def exposure_window(penalty: PenaltyDecision) -> tuple[int, str]:
    limit = low_fine_limit()
    if not penalty.confiscation and penalty.fine_yuan <= limit:
        why = f"罚款{yuan(penalty.fine_yuan)}元，不超过较低数额{yuan(limit)}元，公示3个月"
        return SHORT_WINDOW_MONTHS, why
    return LONG_WINDOW_MONTHS, "非较低数额罚款或有没收，公示3年"


def violation_facts(codes: list[str]) -> dict:
    rows = [violations()[c] for c in dict.fromkeys(codes) if c in violations()]
    return {
        "violations": [
            {
                "code": v.code,
                "name": v.name_zh,
                "obligation_article": v.obligation_basis,
                "penalty_article": v.penalty_basis,
            }
            for v in rows
        ],
        "violation_name": "；".join(v.name_zh for v in rows),
        "obligation_article": "；".join(v.obligation_basis for v in rows),
        "penalty_article": "；".join(v.penalty_basis for v in rows),
    }


def exposure(district_code: str, start: date, end: date) -> list[Candidate]:
    """Penalty decisions of the district decided in the period that may be published
    (`penalty_publishable`: ordinary procedure, not a warning alone, not revoked, changed
    or voided)."""
    stmt = (
        select(PenaltyDecision)
        .join(Inspection, Inspection.id == PenaltyDecision.inspection_id)
        .where(
            Inspection.district_code == district_code,
            PenaltyDecision.decided_on.between(start, end),
            penalty_publishable(),
        )
        .order_by(PenaltyDecision.decided_on, PenaltyDecision.decision_number)
    )
    return [_exposure_entry(p) for p in db.session.scalars(stmt)]


def _exposure_entry(penalty: PenaltyDecision) -> Candidate:
    inspection = penalty.inspection
    months, window = exposure_window(penalty)
    content = business(inspection.merchant) | violation_facts([f.code for f in inspection.findings])
    content |= {
        "decision_number": penalty.decision_number,
        "decision_date": penalty.decided_on.isoformat(),
        "penalty_summary": penalty_summary(penalty),
    }
    qualifies = (
        f"{penalty.decided_on.isoformat()}作出行政处罚决定（{penalty.decision_number}），"
        f"普通程序，非仅警告，未被撤销或变更，检查记录未作废；{window}（《市场监督管理行政处罚信息公示规定》第十三条）"
    )
    return Candidate(content, qualifies, inspection.merchant_id, penalty.id, window_months=months)


def _serious_finding_since(since: date) -> ColumnElement[bool]:
    return exists().where(
        Finding.inspection_id == Inspection.id,
        Inspection.merchant_id == Merchant.id,
        Finding.severity.in_(("major", "serious")),
        Inspection.inspected_on >= since,
        inspection_not_void(),
    )


def honor_roll(district_code: str, today: date) -> list[Candidate]:
    """Rated grade A now, a signed commitment, no major or serious finding in 12 months;
    demonstration units designated and in force are marked (DESIGN.md §7).
    """
    since = add_months(today, -HONOR_ROLL_CLEAN_MONTHS)
    stmt = (
        select(Merchant, CurrentScore, Street.name)
        .join(CurrentScore, CurrentScore.merchant_id == Merchant.id)
        .outerjoin(Street, Street.id == Merchant.street_id)
        .where(
            Merchant.district_code == district_code,
            CurrentScore.rated.is_(True),
            CurrentScore.grade == "A",
            Merchant.commitment_signed_on.is_not(None),
            Merchant.commitment_signed_on <= today,
            ~_serious_finding_since(since),
        )
    )
    rows = sorted(
        db.session.execute(stmt).all(),
        key=lambda r: (r[2] is None, r[2] or "", TRADES.index(r[0].trade), r[0].name, r[0].id),
    )
    units = demonstration_units.designated_merchant_ids(today)
    return [_honor_entry(m, score, street, since, m.id in units) for m, score, street in rows]


def _honor_entry(
    merchant: Merchant, score: CurrentScore, street: str | None, since: date, unit: bool
):
    facts = business(merchant)
    content = {
        "name": merchant.name,
        "uscc": merchant.uscc,
        "street": street or "未划分街道",
        "trade": vocabulary.chinese(vocabulary.TRADE_WORDS, merchant.trade),
        "grade": "A",
        "as_of": score.as_of.isoformat(),
        "address": facts["address"],
        "stall": facts["stall"],
        "demonstration": unit,
    }
    qualifies = (
        f"诚信计量等级A（{score.score:.1f}分，评定日期{score.as_of.isoformat()}）；"
        f"{merchant.commitment_signed_on.isoformat()}签署诚信计量自我承诺书；"
        f"{since.isoformat()}以来无重大或严重计量违法行为"
    ) + ("；诚信计量示范单位" if unit else "")
    return Candidate(content, qualifies, merchant_id=merchant.id)


def demonstration(district_code: str) -> list[Candidate]:
    """The district's demonstration communities that passed acceptance or re-evaluation,
    by street (sorted here, so both databases agree) in the order they were registered."""
    stmt = (
        select(Community)
        .join(Street, Street.id == Community.street_id)
        .where(Street.district_code == district_code, Community.status.in_(DEMONSTRATION_STATUSES))
    )
    found = sorted(db.session.scalars(stmt), key=lambda c: (c.street.name, c.id))
    return [_community_entry(c) for c in found]


def _community_entry(community: Community) -> Candidate:
    accepted = community.accepted_on.isoformat() if community.accepted_on else None
    content = {
        "name": community.name,
        "street": community.street.name,
        "status": community.status,
        "accepted_on": accepted,
    }
    if community.status == CommunityStatus.RE_EVALUATED:
        why = f"经复评保留诚信计量示范社（街）区称号（首次命名{accepted or '日期未登记'}）"
    else:
        why = f"经市局验收命名为诚信计量示范社（街）区（{accepted or '日期未登记'}）"
    return Candidate(content, why, community_id=community.id)


def placard(merchant: Merchant, today: date) -> list[Candidate]:
    """One merchant's grade now (or 未评级), named as the policy it was computed under names
    it (the merchant's public page does the same), and the date it was assessed."""
    score = db.session.get(CurrentScore, merchant.id)
    rated = bool(score and score.rated and score.grade)
    as_of = score.as_of if score else today
    label = UNRATED_LABEL
    if rated:
        policy = policies.version(score.policy_version) or policies.current()
        label = policy.grade_label(score.grade)
    content = {
        "name": merchant.name,
        "uscc": merchant.uscc,
        "address": business(merchant)["address"],
        "grade": score.grade if rated else None,
        "grade_label": label,
        "as_of": as_of.isoformat(),
        "demonstration": merchant.id in demonstration_units.designated_merchant_ids(today),
    }
    qualifies = (
        f"当前诚信计量等级{score.grade}（评定日期{as_of.isoformat()}）"
        if rated
        else "尚未评级：公示牌显示“未评级”，不显示分数"
    ) + ("；诚信计量示范单位" if content["demonstration"] else "")
    return [Candidate(content, qualifies, merchant_id=merchant.id)]
