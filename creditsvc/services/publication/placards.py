"""Placards follow the grade: a placard (诚信计量公示牌) is valid only while the grade printed
on it is the business's grade today. When a rescore changes the grade, the placard lapses
(已失效): `/verify` says so, with today's grade and the business's public page, and the
merchant is told and can have the new placard issued from the merchant portal.
"""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import CurrentScore, Merchant, Notice, NoticeStatus
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.services import audit, lifecycle
from creditsvc.services.accounts import notifications
from creditsvc.services.errors import Conflict
from creditsvc.services.publication import publishing
from creditsvc.services.publication.notices import _fill, _title

KIND = "placard"
# Who lapses a placard, and who approves a placard issued again at the merchant's request:
# the service itself, since both follow from the computed grade alone.
SYSTEM = "system"


def printed_grade(notice: Notice) -> str | None:
    """The grade printed on a placard (None: printed 未评级)."""
    return notice.entries[0].content.get("grade") if notice.entries else None


def grade_today(merchant_id: int) -> str | None:
    """The business's grade now (None: not rated)."""
    score = db.session.get(CurrentScore, merchant_id)
    return score.grade if score is not None and score.rated else None


def outdated(notice: Notice) -> bool:
    """A placard in force whose printed grade is no longer the business's grade."""
    return (
        notice.kind == KIND
        and notice.status == NoticeStatus.PUBLISHED
        and notice.merchant_id is not None
        and printed_grade(notice) != grade_today(notice.merchant_id)
    )


def verification_facts(notice: Notice) -> dict:
    """What `/verify` adds for a placard: the grade printed, today's grade and the
    business's public page; a placard whose grade has changed reads as lapsed even
    before the reaction below has marked it."""
    if notice.kind != KIND or notice.merchant is None:
        return {"printed_grade": None, "grade_today": None, "business_url": None}
    facts = {
        "printed_grade": printed_grade(notice),
        "grade_today": grade_today(notice.merchant_id),
        "business_url": url_for("site.business", uscc=notice.merchant.uscc),
    }
    if outdated(notice):
        facts |= {"status": NoticeStatus.LAPSED, "in_force": False, "pdf_url": None}
    return facts


def lapse(notice: Notice, today: date, actor: str = SYSTEM) -> Notice:
    """Mark a placard whose grade has changed as lapsed (已失效), on `today`."""
    before = audit.state(notice)
    lifecycle.move(notice, NoticeStatus.LAPSED)
    notice.expired_on = today
    grade = grade_today(notice.merchant_id) or "未评级"
    reason = f"等级已由{printed_grade(notice) or '未评级'}变更为{grade}"
    audit.record(actor, "lapse", notice, before=before, reason=reason)
    return notice


def in_force_of(merchant_ids: list[int]) -> list[Notice]:
    """The placards in force of these merchants (few: one a merchant at most)."""
    stmt = select(Notice).where(Notice.kind == KIND, Notice.status == NoticeStatus.PUBLISHED)
    wanted = set(merchant_ids)
    return [n for n in db.session.scalars(stmt.order_by(Notice.id)) if n.merchant_id in wanted]


def on_grades_changed(_sender, *, merchant_ids: list[int], as_of: date, **_) -> None:
    """A rescore changed grades: each placard printed with an old grade lapses, and the
    merchant's users are told where to get the new one."""
    for notice in in_force_of(merchant_ids):
        if not outdated(notice):
            continue
        old = printed_grade(notice) or "未评级"
        lapse(notice, as_of)
        new = grade_today(notice.merchant_id) or "未评级"
        notifications.notify(
            notifications.merchant_users(notice.merchant_id),
            f"诚信计量等级已变更为{new}，公示牌{notice.serial}已失效",
            f"{as_of.isoformat()}起，贵单位的诚信计量等级由{old}变更为{new}，"
            f"原公示牌（编号{notice.serial}）已失效，请勿继续张贴。"
            "请登录商户门户领取新的公示牌并更换。",
            "notice",
            notice.id,
        )


def replaceable(merchant: Merchant) -> Notice | None:
    """The merchant's latest placard, if it lapsed and none is in force since: the one a
    new placard replaces."""
    latest = db.session.scalar(
        select(Notice)
        .where(
            Notice.kind == KIND,
            Notice.merchant_id == merchant.id,
            Notice.status.in_((NoticeStatus.PUBLISHED, NoticeStatus.LAPSED)),
        )
        .order_by(Notice.id.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.status == NoticeStatus.LAPSED else None


def reissue(p: Principal, merchant: Merchant, today: date | None = None) -> Notice:
    """Issue the merchant a new placard with today's grade, in place of one that lapsed:
    drafted for the merchant, approved by the service (it prints the computed grade and
    nothing an officer judges), rendered, signed and stored now. Conflict when no placard
    of the merchant has lapsed, or a placard is in force already."""
    lapsed = replaceable(merchant)
    if lapsed is None:
        raise Conflict("there is no lapsed placard to replace", "placard")
    today = today or clock.today()
    notice = Notice(
        kind=KIND,
        district_code=merchant.district_code,
        status=NoticeStatus.DRAFT,
        as_of=today,
        merchant=merchant,
        created_by=p.name,
    )
    notice.title = _title(KIND, lapsed.district, notice, merchant)
    _fill(notice)
    db.session.add(notice)
    db.session.flush()
    audit.record(p.name, "create", notice, reason=f"更换已失效的公示牌 {lapsed.serial}")
    before = audit.state(notice)
    lifecycle.move(notice, NoticeStatus.APPROVED)
    notice.approved_by, notice.approved_at = SYSTEM, utcnow()
    audit.record(SYSTEM, "approve", notice, before=before)
    publishing.publish(notice.id, SYSTEM, today)
    return notice
