"""What the Atom feeds tell (reads only): the published documents as they come and go, and
the changes of one business's public record, newest first.

A feed shows nothing the public pages do not: a document from its publication on, what its
verify page says of it later (withdrawn, corrected, expired); a business's grade as its
page showed it, the notices naming it, and whether a record behind its grade was marked
disputed (社会信用条例 第三十六条). Never a score, a reason's evidence, an objection's
grounds or anything about a complainant. The pages word these facts (`creditsvc.web.feeds`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select

from creditsvc import clock
from creditsvc import uscc as uscc_rules
from creditsvc.extensions import db
from creditsvc.models import (
    EntryStatus,
    Merchant,
    Notice,
    NoticeEntry,
    NoticeStatus,
    Objection,
    ScoreSnapshot,
)
from creditsvc.services.publication import notices, public
from creditsvc.workdays import SHANGHAI

FEED_LENGTH = 50  # entries in a feed: what a reader polling daily needs, newest first
# Snapshots read back for one business's grade changes: a rescore writes one only when
# something moved, so this covers years of a business's history.
SNAPSHOTS_READ = 400
LISTED_KINDS = ("exposure", "honor_roll", "demonstration")  # as /documents lists them
# Gone from publication, and when: the moment the verify page starts saying so.
ENDED = (
    NoticeStatus.WITHDRAWN,
    NoticeStatus.SUPERSEDED,
    NoticeStatus.EXPIRED,
)


@dataclass(frozen=True)
class Event:
    """One entry of a feed: `key` is stable and free of language (the entry's id is made
    from it), `what` says what happened, `facts` what the words are made from."""

    key: str
    at: datetime  # aware, Shanghai time
    what: str
    facts: dict = field(default_factory=dict)


def _moment(day: date) -> datetime:
    """A day recorded without a time (an expiry) as the start of that day in Shanghai."""
    return datetime.combine(day, time(0), SHANGHAI)


def _ended_at(notice: Notice, summary: dict) -> datetime | None:
    """When a published document left publication, if it did."""
    if notice.status == NoticeStatus.WITHDRAWN and notice.withdrawn_at:
        return clock.local(notice.withdrawn_at)
    if notice.status == NoticeStatus.SUPERSEDED:
        later = notices.successor(notice)
        return clock.local(later.published_at) if later and later.published_at else None
    if notice.status == NoticeStatus.EXPIRED and notice.expired_on:
        return _moment(notice.expired_on)
    return None


def _document_event(notice: Notice) -> Event:
    at = clock.local(notice.published_at)
    summary = public.document_summary(notice) | {"published_at": at}
    ended = _ended_at(notice, summary) if notice.status in ENDED else None
    return Event(
        f"document/{notice.serial}", max(at, ended) if ended else at, notice.status, summary
    )


def documents(district: str | None = None) -> list[Event]:
    """The latest documents published (city-wide or of one district), one entry each,
    updated when a document is withdrawn, corrected or expires."""
    base = select(Notice).where(
        Notice.kind.in_(LISTED_KINDS),
        Notice.serial.is_not(None),
        Notice.published_at.is_not(None),
    )
    if district:
        base = base.where(Notice.district_code == district)
    # The latest by each of the moments an entry's date can come from; few enough rows
    # to sort here (a city publishes a few documents a day).
    chosen: dict[int, Notice] = {}
    for column in (Notice.published_at, Notice.withdrawn_at, Notice.expired_on):
        stmt = base.where(column.is_not(None)).order_by(column.desc()).limit(FEED_LENGTH)
        for notice in db.session.scalars(stmt):
            chosen[notice.id] = notice
    superseded = [n.supersedes_id for n in chosen.values() if n.supersedes_id]
    if superseded:
        for notice in db.session.scalars(base.where(Notice.id.in_(superseded))):
            chosen[notice.id] = notice
    events = [_document_event(n) for n in chosen.values()]
    return sorted(events, key=lambda e: e.at, reverse=True)[:FEED_LENGTH]


# One business's public record ---------------------------------------------------------


def merchant(uscc: str) -> tuple[dict, list[Event]] | None:
    """The business's name and USCC and the changes of its public record, newest first;
    None if there is no such business."""
    found = db.session.execute(
        select(Merchant.id, Merchant.uscc, Merchant.name, Merchant.district_code).where(
            Merchant.uscc == uscc_rules.normalise(uscc)
        )
    ).first()
    if found is None:
        return None
    merchant_id, code, name, district = found
    events = [*_grade_changes(merchant_id, code), *_notices_naming(merchant_id, code)]
    events += _objections(merchant_id, code)
    events.sort(key=lambda e: (e.at, e.key), reverse=True)
    return {"uscc": code, "name": name, "district": district}, events[:FEED_LENGTH]


def _grade_changes(merchant_id: int, uscc: str) -> list[Event]:
    """Each snapshot that changed what the public sees: the grade, or rated or not. A
    score that moved within a grade is not public (public.record shows the grade only)."""
    rows = db.session.execute(
        select(
            ScoreSnapshot.id,
            ScoreSnapshot.computed_at,
            ScoreSnapshot.as_of,
            ScoreSnapshot.rated,
            ScoreSnapshot.grade,
            ScoreSnapshot.policy_version,
        )
        .where(ScoreSnapshot.merchant_id == merchant_id)
        .order_by(ScoreSnapshot.as_of.desc(), ScoreSnapshot.id.desc())
        .limit(SNAPSHOTS_READ)
    ).all()
    events, shown = [], None
    for row in reversed(rows):
        now = (row.rated, row.grade if row.rated else None)
        if now != shown:
            facts = {"rated": row.rated, "grade": now[1], "as_of": row.as_of}
            facts |= {"policy_version": row.policy_version, "before": shown}
            key = f"merchant/{uscc}/standing/{row.id}"
            events.append(Event(key, clock.local(row.computed_at), "graded", facts))
        shown = now
    return events


def _notices_naming(merchant_id: int, uscc: str) -> list[Event]:
    """The exposure notices and honor rolls naming the business, and its placards: when
    each was published and, if it has, when the business's entry left publication."""
    named = db.session.execute(
        select(Notice, NoticeEntry)
        .join(NoticeEntry, NoticeEntry.notice_id == Notice.id)
        .where(
            Notice.kind.in_(("exposure", "honor_roll")),
            NoticeEntry.merchant_id == merchant_id,
            Notice.published_at.is_not(None),
            Notice.serial.is_not(None),
        )
    ).all()
    placards = db.session.scalars(
        select(Notice).where(
            Notice.kind == "placard",
            Notice.merchant_id == merchant_id,
            Notice.published_at.is_not(None),
            Notice.serial.is_not(None),
        )
    )
    pairs: list[tuple[Notice, NoticeEntry | None]] = [*named, *((p, None) for p in placards)]
    events = []
    for notice, entry in pairs:
        summary = public.document_summary(notice)
        key = f"merchant/{uscc}/document/{notice.serial}"
        events.append(Event(key, clock.local(notice.published_at), "published", summary))
        ended = _entry_ended(notice, entry, summary)
        if ended is not None:
            events.append(Event(key + "/ended", ended[0], "ended", summary | ended[1]))
    return events


def _entry_ended(
    notice: Notice, entry: NoticeEntry | None, summary: dict
) -> tuple[datetime, dict] | None:
    """When and how the business's entry (or placard) left publication, if it did."""
    if entry is not None and entry.status == EntryStatus.WITHDRAWN and entry.withdrawn_at:
        # Written by officers for the public; it names no person (rules.md §4, 第六条).
        return clock.local(entry.withdrawn_at), {
            "status": "entry_withdrawn",
            "withdraw_reason": entry.withdraw_reason,
        }
    if entry is not None and entry.status == EntryStatus.EXPIRED and entry.expired_on:
        return _moment(entry.expired_on), {"status": "entry_expired"}
    ended = _ended_at(notice, summary) if notice.status in ENDED else None
    return (ended, {}) if ended else None


def _objections(merchant_id: int, uscc: str) -> list[Event]:
    """When a record behind the grade was marked disputed, and when the mark came off.
    Only that: the public record shows the mark, never the grounds or the decision."""
    rows = db.session.execute(
        select(Objection.id, Objection.marked_at, Objection.decided_on).where(
            Objection.merchant_id == merchant_id
        )
    ).all()
    events = []
    for row in rows:
        key = f"merchant/{uscc}/objection/{row.id}"
        events.append(Event(key, clock.local(row.marked_at), "disputed"))
        if row.decided_on is not None:
            # Decided on a day: never before the mark it takes off.
            closed = max(clock.local(row.marked_at), _moment(row.decided_on))
            events.append(Event(key + "/closed", closed, "undisputed"))
    return events
