"""Taking entries off the documents in force: one path for a revoked or changed penalty
decision (撤销/变更), a voided inspection, an upheld objection, an approved repair and an
officer taking one entry off by hand.

《市场监督管理行政处罚信息公示规定》第十一条 and 《上海市社会信用条例》第三十七、三十八条
(reference/rules.md §4): such information is withdrawn within 3 working days. In the
transaction that decides it, each entry leaves publication (public pages and open data
stop showing it at once) and its notice is either withdrawn (nothing left in force) or
superseded by a corrected version listing the entries still in force; that version is
rendered by the render job after the commit and, once published, supersedes the old one
(`/verify` of the old serial then says 已更正 and links to it). Until then the notice is on
the officers' queue with its deadline (`pending`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import EntryStatus, Notice, NoticeEntry, NoticeStatus, PenaltyDecision
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.services import audit, calendar, jobruns, lifecycle, signals
from creditsvc.services.publication import notices

# Who drafts a correction that only takes entries off: the service, copying the notice in
# force without them. It adds nothing to what is public, so the officer whose decision
# required it approves it (the approver is still never the drafter).
CORRECTION_DRAFTER = "系统（撤下条目）"


def take_off(p: Principal, entries: list[NoticeEntry], reason: str) -> list[Notice]:
    """Each entry still published leaves its notice now; returns the corrected versions
    queued for rendering (a notice with no entry left in force is withdrawn instead)."""
    touched: dict[int, Notice] = {}
    for entry in entries:
        notice = entry.notice
        if entry.status != EntryStatus.ACTIVE or notice.status != NoticeStatus.PUBLISHED:
            continue
        notices.withdraw_entry(p, notice, entry, reason)
        touched[notice.id] = notice
    corrected = []
    for notice in sorted(touched.values(), key=lambda n: n.id):
        if notice.status == NoticeStatus.PUBLISHED:  # entries remain in force
            corrected.append(supersede(p, notice, reason))
    return corrected


def take_off_one(p: Principal, notice: Notice, entry: NoticeEntry, reason: str) -> Notice | None:
    """An officer takes one entry off by hand: refused unless it is in publication."""
    notices.withdraw_entry(p, notice, entry, reason)
    return supersede(p, notice, reason) if notice.status == NoticeStatus.PUBLISHED else None


def _close_open_corrections(p: Principal, notice: Notice, reason: str) -> None:
    """A correction drafted by hand and not yet published may still list what must come
    off: it is withdrawn, and the officer drafts it again from the corrected version."""
    stmt = select(Notice).where(
        Notice.supersedes_id == notice.id,
        Notice.status.in_((NoticeStatus.DRAFT, NoticeStatus.APPROVED)),
    )
    for open_version in db.session.scalars(stmt.order_by(Notice.id)):
        notices.withdraw(p, open_version, f"条目撤下，由新的更正版本取代：{reason}")


def supersede(p: Principal, notice: Notice, reason: str) -> Notice:
    """An approved corrected version of `notice` listing its entries still in force, its
    render job queued once the transaction commits."""
    _close_open_corrections(p, notice, reason)
    kept = [e for e in notice.entries if e.status == EntryStatus.ACTIVE]
    version = Notice(
        kind=notice.kind,
        district_code=notice.district_code,
        status=NoticeStatus.DRAFT,
        title=notice.title,
        as_of=notice.as_of,
        period_start=notice.period_start,
        period_end=notice.period_end,
        merchant=notice.merchant,
        supersedes=notice,
        correction_reason=reason,
        created_by=CORRECTION_DRAFTER,
        entries=notices.entries_from(kept),
    )
    db.session.add(version)
    audit.record(CORRECTION_DRAFTER, "correct", version, reason=reason)
    before = audit.state(version)
    lifecycle.move(version, NoticeStatus.APPROVED)
    version.approved_by, version.approved_at = p.name, utcnow()
    audit.record(p.name, "approve", version, before=before, reason=approval_note(version))
    run = jobruns.create(p, notices.RENDER_JOB, total=1)
    run.district_code = version.district_code
    version.render_job_id = run.id
    db.session.flush()
    signals.correction_approved.send(version, run_id=run.id, actor=p.name)
    return version


def approval_note(notice: Notice) -> str:
    """Both officers of a notice, as the audit log records them (four eyes)."""
    return f"起草：{notice.created_by}；审核：{notice.approved_by}"


def pending(notice: Notice, today: date | None = None) -> dict | None:
    """For a notice in force that still prints an entry taken off: the day its corrected
    version must be published by (3 working days, rules.md §4) and the days left."""
    if notice.status != NoticeStatus.PUBLISHED:
        return None
    taken = [
        clock.local(e.withdrawn_at).date()
        for e in notice.entries
        if e.status == EntryStatus.WITHDRAWN and e.withdrawn_at
    ]
    if not taken:
        return None
    try:
        due = calendar.deadline(min(taken), notices.WITHDRAW_WORKING_DAYS)
        left = calendar.working_days_left(today or clock.today(), due)
    except calendar.CalendarYearMissing as exc:  # the entries are off all the same
        return {
            "date": None,
            "working_days_left": None,
            "since": min(taken),
            "calendar": exc.message,
        }
    return {"date": due, "working_days_left": left, "since": min(taken), "calendar": None}


def still_printed() -> list[Notice]:
    """Notices in force whose PDF still prints an entry taken off."""
    stmt = (
        select(Notice)
        .join(NoticeEntry, NoticeEntry.notice_id == Notice.id)
        .where(
            Notice.status == NoticeStatus.PUBLISHED,
            NoticeEntry.status == EntryStatus.WITHDRAWN,
        )
        .distinct()
    )
    return list(db.session.scalars(stmt.order_by(Notice.id)))


def entries_on_penalty(penalty_id: int) -> list[NoticeEntry]:
    """The entries in publication that show this penalty decision."""
    stmt = (
        select(NoticeEntry)
        .join(Notice, Notice.id == NoticeEntry.notice_id)
        .where(
            NoticeEntry.penalty_id == penalty_id,
            NoticeEntry.status == EntryStatus.ACTIVE,
            Notice.status == NoticeStatus.PUBLISHED,
        )
    )
    return list(db.session.scalars(stmt.order_by(NoticeEntry.id)))


# Reactions (wired in creditsvc.reactions) ----------------------------------------------


def on_discredited(
    _sender, *, principal: Principal, entries: list[NoticeEntry], reason: str, **_
) -> None:
    """An upheld objection or an approved repair: its entries come off."""
    take_off(principal, entries, reason)


def on_penalty_changed(_sender, *, principal: Principal, penalty_id: int, reason: str, **_) -> None:
    """A penalty decision revoked or changed: every entry showing it comes off."""
    take_off(principal, entries_on_penalty(penalty_id), reason)


def on_evidence_voided(
    kind: str, *, principal: Principal, evidence_id: int, reason: str = "", **_
) -> None:
    """A voided inspection's penalty decision is published nowhere (rules.md §4)."""
    if kind != "inspection":
        return
    stmt = select(PenaltyDecision.id).where(PenaltyDecision.inspection_id == evidence_id)
    penalty_id = db.session.scalar(stmt)
    if penalty_id is not None:
        why = f"检查记录已作废：{reason}" if reason else "检查记录已作废"
        take_off(principal, entries_on_penalty(penalty_id), why)
