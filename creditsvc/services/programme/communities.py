"""Demonstration communities (诚信计量示范社(街)区, reference/rules.md §5).

A street or town applies with its participating units → the district bureau reviews →
the city bureau's acceptance draws 12 units at random in 4 groups (reproducible from the
recorded seed), records each drawn unit's score and the organiser's, and accepts or
rejects → an accepted community is re-evaluated every few years, with a reminder first.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import (
    Community,
    CommunityDraw,
    CommunityStatus,
    CommunityUnit,
    CurrentScore,
    DrawnUnit,
    Merchant,
)
from creditsvc.models.demonstration import SEED_LIMIT
from creditsvc.models.geography import DESIGNATED_COMMUNITY
from creditsvc.principals import Principal
from creditsvc.services import audit, lifecycle, scope
from creditsvc.services.accounts import notifications
from creditsvc.services.errors import Conflict, Forbidden, Invalid
from creditsvc.services.registry.queries import merchants_in_scope
from creditsvc.workdays import add_months

# rules.md §5: the city bureau's acceptance draws 12 participating units, in 4 groups.
DRAW_SIZE, DRAW_GROUPS = 12, 4
# Where a decided draw takes the community, by the draw's kind.
PASSED = {"acceptance": CommunityStatus.ACCEPTED, "re_evaluation": CommunityStatus.RE_EVALUATED}
FAILED = {"acceptance": CommunityStatus.REJECTED, "re_evaluation": CommunityStatus.REVOKED}


def draw_groups(merchant_ids: list[int], seed: int) -> list[list[int]]:
    """The 12 units drawn from `merchant_ids` in 4 groups of 3: the same seed and the same
    units always give the same draw (candidates are sorted first, the order given does not
    matter)."""
    candidates = sorted(set(merchant_ids))
    if len(candidates) < DRAW_SIZE:
        raise ValueError(f"a draw needs at least {DRAW_SIZE} participating units")
    chosen = random.Random(seed).sample(candidates, DRAW_SIZE)
    per_group = DRAW_SIZE // DRAW_GROUPS
    return [chosen[g * per_group : (g + 1) * per_group] for g in range(DRAW_GROUPS)]


def _require(p: Principal, community: Community, *statuses: str) -> dict:
    if not scope.may_write_district(p, community.district_code):
        raise Forbidden("only an officer of the community's district may do this")
    lifecycle.require(community, *statuses)
    return audit.state(community)


def unit_ids(community: Community) -> list[int]:
    stmt = select(CommunityUnit.merchant_id).where(CommunityUnit.community_id == community.id)
    return sorted(db.session.scalars(stmt))


def set_units(p: Principal, community: Community, usccs: list[str]) -> list[Merchant]:
    """Name the participating units of an application (replacing any named before)."""
    _require(p, community, CommunityStatus.APPLYING)
    merchants = merchants_in_scope(p, usccs, "units")
    elsewhere = sorted(m.uscc for m in merchants if m.district_code != community.district_code)
    if elsewhere:
        raise Invalid(f"not merchants of the community's district: {', '.join(elsewhere)}", "units")
    db.session.execute(
        CommunityUnit.__table__.delete().where(CommunityUnit.community_id == community.id)
    )
    db.session.add_all(CommunityUnit(community_id=community.id, merchant=m) for m in merchants)
    audit.record(p.name, "set_units", community, reason=f"{len(merchants)} participating units")
    return sorted(merchants, key=lambda m: m.id)


def review(p: Principal, community: Community, approve: bool, note: str, today: date) -> Community:
    """The district bureau's review: passed on to the city for acceptance, or rejected."""
    before = _require(p, community, CommunityStatus.APPLYING)
    if approve and len(unit_ids(community)) < DRAW_SIZE:
        raise Invalid(
            f"the acceptance draws {DRAW_SIZE} units: name at least {DRAW_SIZE}", "approve"
        )
    lifecycle.move(community, CommunityStatus.REVIEWED if approve else CommunityStatus.REJECTED)
    community.reviewed_on, community.review_note = today, note
    audit.record(p.name, "review", community, before=before, reason=note)
    people = notifications.officers_of(community.district_code)
    verdict = "区局审核通过，待市局验收" if approve else f"区局审核未通过：{note}"
    notifications.notify(
        people, f"示范社区申请：{community.name}", verdict, "community", community.id
    )
    return community


def open_draw(community: Community) -> CommunityDraw | None:
    stmt = select(CommunityDraw).where(
        CommunityDraw.community_id == community.id, CommunityDraw.passed.is_(None)
    )
    return db.session.scalar(stmt)


def draw(p: Principal, community: Community, seed: int | None) -> CommunityDraw:
    """The city bureau draws the units it will check: for the acceptance of a reviewed
    application, or for the re-evaluation of a designated community."""
    _require(p, community, CommunityStatus.REVIEWED, *DESIGNATED_COMMUNITY)
    if open_draw(community) is not None:
        raise Conflict("a draw of this community awaits its decision")
    seed = secrets.randbelow(SEED_LIMIT) if seed is None else seed
    try:
        groups = draw_groups(unit_ids(community), seed)
    except ValueError as exc:
        raise Invalid(str(exc), "units") from exc
    kind = "acceptance" if community.status == CommunityStatus.REVIEWED else "re_evaluation"
    record = CommunityDraw(community=community, kind=kind, seed=seed, drawn_by=p.name)
    record.units = [
        _drawn(merchant_id, number, position)
        for number, group in enumerate(groups, start=1)
        for position, merchant_id in enumerate(group, start=1)
    ]
    db.session.add(record)
    audit.record(p.name, "draw", record, reason=f"seed {seed}")
    return record


def _drawn(merchant_id: int, group_number: int, position: int) -> DrawnUnit:
    """A drawn unit with its current standing and its commitment, as they are now."""
    score = db.session.get(CurrentScore, merchant_id)
    merchant = db.session.get(Merchant, merchant_id)
    return DrawnUnit(
        merchant_id=merchant_id,
        group_number=group_number,
        position=position,
        rated=bool(score and score.rated),
        score=score.score if score and score.rated else None,
        grade=score.grade if score and score.rated else None,
        commitment_signed_on=merchant.commitment_signed_on,
    )


def decide(p: Principal, community: Community, data: dict, today: date) -> CommunityDraw:
    """Accept or reject on the open draw, recording the organiser's score."""
    before = _require(p, community, CommunityStatus.REVIEWED, *DESIGNATED_COMMUNITY)
    record = open_draw(community)
    if record is None:
        raise Conflict("draw the units to check first")
    record.passed, record.organiser_score = data["passed"], data["organiser_score"]
    record.decided_by, record.decided_on, record.note = p.name, today, data["note"]
    years = current_app.config["COMMUNITY_REEVALUATION_YEARS"]
    if record.passed:
        lifecycle.move(community, PASSED[record.kind])
        if record.kind == "acceptance":
            community.accepted_on = today
        community.re_evaluation_due = add_months(today, 12 * years)
    else:
        lifecycle.move(community, FAILED[record.kind])
        community.revoked_on = today if record.kind == "re_evaluation" else None
        community.re_evaluation_due = None
    audit.record(p.name, "decide", record, reason=data["note"])
    audit.record(p.name, record.kind, community, before=before, reason=data["note"])
    outcome = "通过" if record.passed else "未通过"
    notifications.notify(
        notifications.officers_of(community.district_code),
        f"示范社区{'验收' if record.kind == 'acceptance' else '复评'}{outcome}：{community.name}",
        f"组织单位得分{record.organiser_score:g}；{data['note']}",
        "community",
        community.id,
    )
    return record


def remind(today: date, actor: str = "scheduler") -> int:
    """Remind officers of re-evaluations falling due within COMMUNITY_REMINDER_DAYS,
    once per due date."""
    horizon = today + timedelta(days=current_app.config["COMMUNITY_REMINDER_DAYS"])
    stmt = select(Community).where(
        Community.status.in_(DESIGNATED_COMMUNITY),
        Community.re_evaluation_due <= horizon,
        (Community.reminded_for.is_(None))
        | (Community.reminded_for != Community.re_evaluation_due),
    )
    due = list(db.session.scalars(stmt.order_by(Community.id)))
    for community in due:
        before = audit.state(community)
        community.reminded_for = community.re_evaluation_due
        audit.record(actor, "remind", community, before=before)
        notifications.notify(
            notifications.officers_of(community.district_code),
            f"示范社区复评即将到期：{community.name}",
            f"{community.name}应于{community.re_evaluation_due.isoformat()}前完成复评。",
            "community",
            community.id,
        )
    return len(due)
