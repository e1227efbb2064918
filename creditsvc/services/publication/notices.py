"""The notice lifecycle: draft → approved → published → expired | withdrawn | superseded.

Each verb checks the state and the caller's district, flushes and audits; the caller
commits. Publishing itself (render, store, mark published) is in `publishing`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, false, select, true

from creditsvc import clock, links
from creditsvc.extensions import db
from creditsvc.models import (
    District,
    EntryStatus,
    Inspection,
    Merchant,
    Notice,
    NoticeEntry,
    NoticeStatus,
    PenaltyDecision,
    Void,
)
from creditsvc.models.base import utcnow
from creditsvc.principals import CITY, DISTRICT, Principal
from creditsvc.services import audit, calendar, jobruns, lifecycle, scope, signals
from creditsvc.services.errors import Conflict, Forbidden, Invalid
from creditsvc.services.publication import eligibility
from creditsvc.services.registry.queries import merchant_in_scope
from creditsvc.workdays import day_of
from notices.context import SCHEMAS
from notices.render import cn_date

# Our notice kinds → the document kinds of the `notices` renderer, whose titles they take.
RENDER_KINDS = {
    "exposure": "exposure_notice",
    "honor_roll": "honor_roll",
    "demonstration": "demonstration_listing",
    "placard": "placard",
}
KIND_NAMES = {kind: SCHEMAS[document].default_title for kind, document in RENDER_KINDS.items()}
RENDER_JOB = "render"
# 市场监督管理行政处罚信息公示规定 (rules.md §4): a changed or revoked decision comes off
# publication within 3 working days.
WITHDRAW_WORKING_DAYS = 3


def scoped(p: Principal) -> ColumnElement[bool]:
    """Officers see their district's notices, the city officer all; nobody else any."""
    if p.role == CITY:
        return true()
    if p.role == DISTRICT:
        return Notice.district_code == p.district_code
    return false()


def bureau_name(district: District) -> str:
    """The issuing authority, e.g. 上海市徐汇区市场监督管理局."""
    return f"上海市{district.name_zh}市场监督管理局"


def _district(p: Principal, code: str) -> District:
    district = db.session.get(District, code)
    if district is None:
        raise Invalid(f"no district with code {code}", "district")
    if not scope.may_write_district(p, code):
        raise Forbidden(f"a district officer may only draft notices of {p.district_code}")
    return district


def _merchant(p: Principal, district: District, uscc: str) -> Merchant:
    merchant = merchant_in_scope(p, uscc)
    if merchant.district_code != district.code:
        raise Invalid(f"no merchant {uscc} in district {district.code}", "merchant")
    return merchant


def _title(kind: str, district: District, notice: Notice, merchant: Merchant | None) -> str:
    if kind == "placard":
        return f"{KIND_NAMES[kind]}：{merchant.name}"
    if kind == "exposure":
        span = f"{cn_date(notice.period_start)}至{cn_date(notice.period_end)}"
        return f"{district.name_zh}{KIND_NAMES[kind]}（{span}）"
    return f"{district.name_zh}{KIND_NAMES[kind]}（{cn_date(notice.as_of)}）"


def _candidates(notice: Notice) -> list[eligibility.Candidate]:
    if notice.kind == "exposure":
        return eligibility.exposure(notice.district_code, notice.period_start, notice.period_end)
    if notice.kind == "honor_roll":
        return eligibility.honor_roll(notice.district_code, notice.as_of)
    if notice.kind == "demonstration":
        return eligibility.demonstration(notice.district_code)
    return eligibility.placard(notice.merchant, notice.as_of)


def _subject(item: NoticeEntry | eligibility.Candidate) -> tuple:
    """What an entry is about: a penalty decision, a merchant or a community."""
    return (item.penalty_id, item.merchant_id, item.community_id)


def entries_from(sources) -> list[NoticeEntry]:
    """New entries, numbered from 1, listing what `sources` list (candidates, or the
    entries of an earlier version)."""
    return [
        NoticeEntry(
            position=i,
            content=c.content,
            qualifies=c.qualifies,
            merchant_id=c.merchant_id,
            penalty_id=c.penalty_id,
            community_id=c.community_id,
            window_months=c.window_months,
        )
        for i, c in enumerate(sources, start=1)
    ]


def _fill(notice: Notice, leave_out: frozenset[tuple] = frozenset()) -> None:
    """List what qualifies now; subjects in `leave_out` stay off (withdrawn or expired)."""
    candidates = [c for c in _candidates(notice) if _subject(c) not in leave_out]
    if not candidates:
        raise Invalid(f"nothing qualifies for this {KIND_NAMES[notice.kind]} now", "kind")
    notice.entries = entries_from(candidates)


def create_draft(p: Principal, data: dict, today: date | None = None) -> Notice:
    district = _district(p, data["district_code"])
    kind = data["kind"]
    merchant = _merchant(p, district, data["merchant"]) if kind == "placard" else None
    notice = Notice(
        kind=kind,
        district_code=district.code,
        status=NoticeStatus.DRAFT,
        as_of=today or clock.today(),
        period_start=data.get("period_start"),
        period_end=data.get("period_end"),
        merchant=merchant,
        created_by=p.name,
    )
    notice.title = _title(kind, district, notice, merchant)
    _fill(notice)
    db.session.add(notice)
    audit.record(p.name, "create", notice)
    return notice


def _require(p: Principal, notice: Notice, *statuses: str) -> dict:
    if not scope.may_write_district(p, notice.district_code):
        raise Forbidden("only an officer of the notice's district may do this")
    lifecycle.require(notice, *statuses)
    return audit.state(notice)


def may_approve(p: Principal, notice: Notice) -> str | None:
    """Why `p` may not approve this notice, or None if they may. Four eyes (DESIGN.md §7):
    the approver is never the drafter; a district officer approves only in their district,
    a city officer anywhere."""
    if notice.created_by == p.name:
        return (
            "you drafted this notice: another officer of its district or a city officer approves it"
        )
    if not scope.may_write_district(p, notice.district_code):
        return f"a district officer approves only notices of their own district ({p.district_code})"
    return None


def approve(p: Principal, notice: Notice) -> Notice:
    refusal = may_approve(p, notice)
    if refusal is not None:
        raise Forbidden(refusal)
    before = _require(p, notice, NoticeStatus.DRAFT)
    check_entries(notice)
    lifecycle.move(notice, NoticeStatus.APPROVED)
    notice.approved_by, notice.approved_at = p.name, utcnow()
    note = f"起草：{notice.created_by}；审核：{p.name}"
    audit.record(p.name, "approve", notice, before=before, reason=note)
    return notice


def check_entries(notice: Notice) -> None:
    """Nothing the law no longer allows is published: a penalty revoked, changed or voided
    since the draft was made (eligibility.penalty_publishable) stops it."""
    shown = [e.penalty_id for e in notice.entries if e.penalty_id is not None]
    barred = set(shown) - eligibility.publishable(shown)
    if barred:
        numbers = "、".join(
            e.content.get("decision_number", str(e.penalty_id))
            for e in notice.entries
            if e.penalty_id in barred
        )
        raise Conflict(
            f"penalty decisions {numbers} may no longer be published (revoked, changed or "
            "voided): withdraw this notice and draft it again"
        )


def check_predecessor(notice: Notice) -> None:
    """A correction is published only while the notice it corrects is still in force."""
    old = notice.supersedes
    if old is not None and old.status != NoticeStatus.PUBLISHED:
        raise Conflict(f"the notice this corrects is {old.status}, no longer in force")


class PublicAddressRefused(Conflict):
    """PUBLIC_BASE_URL is unset or a loopback address outside the demo (409): a document
    printed now would carry a QR code and an address the public cannot reach."""


def require_public_address() -> None:
    problem = links.public_address_problem()
    if problem:
        raise PublicAddressRefused(f"public documents cannot be rendered: {problem}")


def request_publication(p: Principal, notice: Notice) -> str:
    """Check the notice may be published and open the render job's status row."""
    _require(p, notice, NoticeStatus.APPROVED)
    require_public_address()
    check_predecessor(notice)
    check_entries(notice)
    run = jobruns.create(p, RENDER_JOB, total=1)
    run.district_code = notice.district_code
    notice.render_job_id, notice.render_error = run.id, None
    return run.id


def withdraw(p: Principal, notice: Notice, reason: str) -> Notice:
    before = _require(p, notice, *Notice.lifecycle.sources(NoticeStatus.WITHDRAWN))
    was_public = notice.status == NoticeStatus.PUBLISHED
    lifecycle.move(notice, NoticeStatus.WITHDRAWN)
    notice.withdraw_reason = reason
    notice.withdrawn_by, notice.withdrawn_at = p.name, utcnow()
    audit.record(p.name, "withdraw", notice, before=before, reason=reason)
    if was_public:
        announce([notice])
    return notice


def announce(changed: list[Notice]) -> None:
    """These published notices moved (published, withdrawn, expired, an entry taken off):
    the public pages of the businesses they name show them (publication.public), so their
    stored answers are rebuilt once this commits."""
    named = {n.merchant_id for n in changed} | {e.merchant_id for n in changed for e in n.entries}
    named.discard(None)
    if named:
        signals.public_record_changed.send("notice", merchant_ids=sorted(named))


def correct(p: Principal, notice: Notice, reason: str, today: date | None = None) -> Notice:
    """A new draft version of a published notice; publishing it supersedes this one.

    What qualifies is listed afresh, except what was withdrawn from this notice or has
    expired on it: that never comes back by a correction."""
    _require(p, notice, NoticeStatus.PUBLISHED)
    open_versions = select(Notice.id).where(
        Notice.supersedes_id == notice.id,
        Notice.status.in_((NoticeStatus.DRAFT, NoticeStatus.APPROVED)),
    )
    if db.session.scalar(open_versions) is not None:
        raise Conflict("a correction of this notice is already open: approve or withdraw it")
    draft = Notice(
        kind=notice.kind,
        district_code=notice.district_code,
        status=NoticeStatus.DRAFT,
        as_of=today or clock.today(),
        period_start=notice.period_start,
        period_end=notice.period_end,
        merchant=notice.merchant,
        supersedes=notice,
        correction_reason=reason,
        created_by=p.name,
    )
    draft.title = _title(notice.kind, notice.district, draft, notice.merchant)
    _fill(draft, _taken_off(notice))
    db.session.add(draft)
    audit.record(p.name, "correct", draft, reason=reason)
    return draft


def _taken_off(notice: Notice) -> frozenset[tuple]:
    """Subjects withdrawn or expired on this notice or any version it corrected: a
    correction of a correction must not bring them back either."""
    taken: set[tuple] = set()
    version: Notice | None = notice
    while version is not None:
        taken |= {_subject(e) for e in version.entries if e.status != EntryStatus.ACTIVE}
        version = version.supersedes
    return frozenset(taken)


def withdraw_entry(p: Principal, notice: Notice, entry: NoticeEntry, reason: str) -> NoticeEntry:
    """Take one entry off a published notice (a changed or revoked penalty: rules.md §4);
    a notice with no entry left in force is withdrawn with it."""
    _require(p, notice, NoticeStatus.PUBLISHED)
    lifecycle.require(entry, EntryStatus.ACTIVE)
    before = audit.state(entry)
    lifecycle.move(entry, EntryStatus.WITHDRAWN)
    entry.withdraw_reason = reason
    entry.withdrawn_by, entry.withdrawn_at = p.name, utcnow()
    audit.record(p.name, "withdraw", entry, before=before, reason=reason)
    announce([notice])
    if all(e.status != EntryStatus.ACTIVE for e in notice.entries):
        withdraw(p, notice, f"全部条目已撤下：{reason}")
    return entry


def open_correction(notice: Notice) -> Notice | None:
    """The corrected version of this notice drafted or approved, not yet published."""
    stmt = select(Notice).where(
        Notice.supersedes_id == notice.id,
        Notice.status.in_((NoticeStatus.DRAFT, NoticeStatus.APPROVED)),
    )
    return db.session.scalar(stmt.order_by(Notice.id.desc()).limit(1))


def successor(notice: Notice) -> Notice | None:
    """The published version that superseded this notice, if any."""
    stmt = select(Notice).where(Notice.supersedes_id == notice.id, Notice.serial.is_not(None))
    return db.session.scalar(stmt.order_by(Notice.id.desc()).limit(1))


def revoked_on(entry: NoticeEntry) -> date | None:
    """The day the entry's penalty was changed or revoked (its inspection voided), if so."""
    if entry.penalty_id is None:
        return None
    stmt = (
        select(Void.at)
        .join(
            Inspection, (Void.evidence_kind == "inspection") & (Void.evidence_id == Inspection.id)
        )
        .join(PenaltyDecision, PenaltyDecision.inspection_id == Inspection.id)
        .where(PenaltyDecision.id == entry.penalty_id)
    )
    return day_of(db.session.scalar(stmt))


def entry_deadline(entry: NoticeEntry, today: date | None = None) -> dict | None:
    """The day an entry in publication must come off, and why: the end of its window,
    or 3 working days after its penalty was changed or revoked (rules.md §4)."""
    if entry.notice.status != NoticeStatus.PUBLISHED or entry.status != EntryStatus.ACTIVE:
        return None
    changed = revoked_on(entry)
    due: date | None
    if changed is not None:
        why = f"处罚决定于{changed.isoformat()}被变更或撤销，须在3个工作日内撤下"
        try:
            due = calendar.deadline(changed, WITHDRAW_WORKING_DAYS)
        except calendar.CalendarYearMissing as exc:  # shown, never counted Monday–Friday
            return {"date": None, "reason": why, "working_days_left": None, "calendar": exc.message}
    elif entry.ends_on is not None:
        due, why = entry.ends_on, "公示期届满"
    else:
        return None
    try:
        left = calendar.working_days_left(today or clock.today(), due)
    except calendar.CalendarYearMissing as exc:  # a window ending years ahead
        return {"date": due, "reason": why, "working_days_left": None, "calendar": exc.message}
    return {"date": due, "reason": why, "working_days_left": left, "calendar": None}


def expire(today: date, actor: str = "scheduler") -> dict[str, int]:
    """End entries whose window has passed, and notices left with no entry in force."""
    due = (
        select(NoticeEntry)
        .join(Notice, Notice.id == NoticeEntry.notice_id)
        .where(
            Notice.status == NoticeStatus.PUBLISHED,
            NoticeEntry.status == EntryStatus.ACTIVE,
            NoticeEntry.ends_on <= today,
        )
    )
    entries = list(db.session.scalars(due.order_by(NoticeEntry.id)))
    for entry in entries:
        before = audit.state(entry)
        lifecycle.move(entry, EntryStatus.EXPIRED)
        entry.expired_on = today
        audit.record(actor, "expire", entry, before=before, reason="公示期届满")
    notices = {entry.notice for entry in entries}
    ended = [n for n in notices if all(e.status != EntryStatus.ACTIVE for e in n.entries)]
    for notice in sorted(ended, key=lambda n: n.id):
        before = audit.state(notice)
        lifecycle.move(notice, NoticeStatus.EXPIRED)
        notice.expired_on = today
        audit.record(actor, "expire", notice, before=before, reason="全部条目公示期届满")
    announce(sorted(notices, key=lambda n: n.id))
    return {"entries": len(entries), "notices": len(ended)}
