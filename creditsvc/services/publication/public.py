"""Published facts about merchants, for anyone: grade, date, top reasons; nothing else.

Only these columns are ever selected, so no personal data or internal figure (a
complainant, a risk class) can reach a public answer by accident.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import ColumnElement, Select, case, func, select

from creditsvc import links
from creditsvc import uscc as uscc_rules
from creditsvc.catalogue import violation_names
from creditsvc.extensions import db
from creditsvc.models import (
    CurrentScore,
    District,
    EntryStatus,
    Market,
    Merchant,
    Notice,
    NoticeEntry,
    NoticeStatus,
    ScoreSnapshot,
    Stall,
    Street,
)
from creditsvc.services.appeals import objections, replies
from creditsvc.services.errors import NotFound
from creditsvc.services.evidence.last_inspection import latest_day
from creditsvc.services.programme import queries as programme
from creditsvc.services.publication import notices, placards, public_cache
from creditsvc.services.registry.search import merchants_matching
from creditsvc.vocabulary import DOCUMENT_STATUS_WORDS, ENTRY_STATUS_WORDS
from creditsvc.workdays import day_of
from notices.serials import SerialError, parse_serial
from scoring import explain

TOP_REASONS = 3


def _stall_number():
    return (
        select(func.min(Stall.number))
        .where(Stall.merchant_id == Merchant.id)
        .correlate(Merchant)
        .scalar_subquery()
    )


def listing() -> Select:
    return (
        select(
            Merchant.uscc,
            Merchant.name,
            Merchant.trade,
            Merchant.district_code.label("district"),
            Street.name.label("street"),
            Market.name.label("market"),
            _stall_number().label("stall"),
            Merchant.address,
            Merchant.last_inspected_on.label("last_inspection"),
            func.coalesce(CurrentScore.rated, False).label("rated"),
            CurrentScore.grade,
            CurrentScore.as_of,
            CurrentScore.policy_version,
            CurrentScore.snapshot_id,
        )
        .outerjoin(Street, Street.id == Merchant.street_id)
        .outerjoin(Market, Market.id == Merchant.market_id)
        .outerjoin(CurrentScore, CurrentScore.merchant_id == Merchant.id)
    )


def matching(args: dict, sort: str = "name") -> Select:
    """The ids and sort keys of the businesses the listing's filters find, from the
    merchants table alone: what a page is chosen from and the total counted over."""
    keys = (Merchant.last_inspected_on,) if sort == "inspected" else ()
    found = _filtered(select(Merchant.id, Merchant.name, *keys), args)
    if not _typed(args, "q"):
        return found
    # The few businesses a name matches are found first (from an index), then sorted.
    # Asked for one page in name order, PostgreSQL would otherwise walk the name index
    # from the start and test every name on the way: the whole city for a rare name
    # (see BENCHMARKS.md, 'Load on loopback'). OFFSET 0 keeps it from merging the steps.
    fenced = found.offset(0).subquery()
    return select(*fenced.c)


def _in_order(columns: Any, sort: str) -> tuple:
    """The listing's order over `columns` (id, name and the sort's key): by last inspection
    the most recent first and the never inspected last, as the indexes of migration 0034
    hold them; ties, and every other order, by name."""
    if sort == "inspected":
        return (columns.last_inspected_on.desc().nulls_last(), columns.name, columns.id)
    return (columns.name, columns.id)


def _typed(args: dict, name: str) -> str:
    """A filter's value as typed, less surrounding spaces ("" when absent)."""
    return (args.get(name) or "").strip()


def _graded(grade: str) -> ColumnElement[bool]:
    if grade == "unrated":  # no standing yet, or one that is not rated
        return (
            ~select(CurrentScore.merchant_id)
            .where(CurrentScore.merchant_id == Merchant.id, CurrentScore.rated.is_(True))
            .exists()
        )
    return (
        select(CurrentScore.merchant_id)
        .where(CurrentScore.merchant_id == Merchant.id, CurrentScore.grade == grade)
        .exists()
    )


# The public listing's filters, each by its argument, each a condition on the merchants
# table alone. Kept answers are keyed by all of them (`kept_key`), so two listings that
# differ in any filter never share one.
FILTERS: dict[str, Callable[[str], ColumnElement[bool]]] = {
    "q": merchants_matching,
    "district": lambda code: Merchant.district_code == code,
    # Chosen from the district's streets, or any part of a street or town name typed.
    "street": lambda name: Merchant.street_id.in_(
        select(Street.id).where(Street.name.icontains(name, autoescape=True))
    ),
    "trade": lambda trade: Merchant.trade == trade,
    "grade": _graded,
}


def _filtered(stmt: Select, args: dict) -> Select:
    for name, condition in FILTERS.items():
        if value := _typed(args, name):
            stmt = stmt.where(condition(value))
    return stmt


def kept_key(kind: str, args: dict, *extra: str) -> tuple[str, ...]:
    """The key of a kept listing answer (services.public_cache): its kind, every filter as
    `_filtered` reads it, and what else decides the answer (its page)."""
    filters = (f"{name}={_typed(args, name)}" for name in FILTERS)
    return (kind, *filters, *extra)


def page(args: dict) -> dict:
    """One page of the public listing in the order asked for (`sort`, by name if none),
    with the total it is a page of."""
    sort = args.get("sort") or "name"
    per_page, number = args["per_page"], args["page"]
    skipped = (number - 1) * per_page
    if sort == "grade" and not _typed(args, "grade"):
        counts = grade_counts(args)
        total = sum(counts.values())
        items = _by_grade(args, counts, skipped, per_page)
    else:
        found = matching(args, sort)
        # Counting every grade-A business of a district reads thousands of standings, and
        # the public pages through the same few listings all day: the total is kept like a
        # record.
        kept = public_cache.answer(kept_key("total", args), lambda: str(_count(found)))
        total = int(kept.body or 0)
        # A page past the last is empty without a query, which would read the listing up
        # to there (see BENCHMARKS.md, 'Public listing').
        items = _rows(found, sort, skipped, per_page) if skipped < total else []
    return {
        "items": items,
        "page": number,
        "per_page": per_page,
        "total": total,
        "pages": -(-total // per_page),
    }


def _rows(found: Select, sort: str, skipped: int, count: int) -> list[dict]:
    """The listing's rows of one stretch of `found` in `sort` order. The stretch's
    businesses are chosen first and only they are joined to their street, market, stall
    and standing: a name search of one common character finds tens of thousands."""
    order = _in_order(found.selected_columns, sort)
    stretch = found.order_by(*order).limit(count).offset(skipped)
    return [dict(r) for r in db.session.execute(_listing_of(stretch, sort)).mappings()]


# The order of grades in a listing sorted by grade: the best first, unrated last.
GRADE_ORDER = ("A", "B", "C", "D", "unrated")


def grade_counts(args: dict) -> dict[str, int]:
    """How many businesses of the listing hold each grade (unrated: no rated standing),
    counted in one pass and kept like a listing's total."""
    kept = public_cache.answer(kept_key("grades", args), lambda: json.dumps(_grade_counts(args)))
    return json.loads(kept.body or "{}")


def _grade_counts(args: dict) -> dict[str, int]:
    rated_grade = case((CurrentScore.rated.is_(True), CurrentScore.grade), else_="unrated")
    stmt = _filtered(
        select(rated_grade, func.count())
        .select_from(Merchant)
        .outerjoin(CurrentScore, CurrentScore.merchant_id == Merchant.id),
        args,
    ).group_by(rated_grade)
    counted = {grade: n for grade, n in db.session.execute(stmt)}
    return {grade: counted.get(grade, 0) for grade in GRADE_ORDER}


def _by_grade(args: dict, counts: dict[str, int], skipped: int, count: int) -> list[dict]:
    """A stretch of the listing sorted by grade: the grades' own listings (each in name
    order, read from the district's name index as a grade filter is) one after the
    other, so no request sorts a district's every business (see BENCHMARKS.md)."""
    items: list[dict] = []
    start = 0
    for grade in GRADE_ORDER:
        size, wanted = counts.get(grade, 0), count - len(items)
        if wanted <= 0:
            break
        if skipped < start + size:
            within = max(0, skipped - start)
            items += _rows(matching(args | {"grade": grade}), "name", within, wanted)
        start += size
    return items


def _listing_of(found: Select, sort: str = "name") -> Select:
    """The listing's rows for the businesses `found` selects (id and sort keys), in
    `sort` order."""
    chosen = found.subquery()
    return listing().join(chosen, chosen.c.id == Merchant.id).order_by(*_in_order(chosen.c, sort))


def _count(found: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(found.subquery()))


def public_reason(reason: dict) -> dict:
    keys = ("code", "points", "text", "text_en", "date")
    return {k: reason.get(k) for k in keys}


def record(uscc: str) -> dict | None:
    """A business's public record in one statement: its listing row, the top reasons of
    its current snapshot, the reply on show (replies) and whether an objection is under
    consideration (社会信用条例 第三十六条). `merchant_id` is for the pages beside it; no
    public schema dumps it."""
    found = records(Merchant.uscc == uscc_rules.normalise(uscc))
    return found[0] if found else None


def records_of(merchant_ids: list[int]) -> list[dict]:
    """The public records of these businesses, in one statement (those that exist)."""
    return records(Merchant.id.in_(merchant_ids))


def usccs_of(merchant_ids: list[int]) -> list[str]:
    return list(db.session.scalars(select(Merchant.uscc).where(Merchant.id.in_(merchant_ids))))


def records(condition: ColumnElement[bool]) -> list[dict]:
    """The public records of the businesses `condition` picks (see `record`)."""
    reply_text, reply_at = replies.shown_columns(Merchant.id)
    stmt = (
        listing()
        .add_columns(
            Merchant.id.label("merchant_id"),
            ScoreSnapshot.reasons,
            reply_text.label("reply_text"),
            reply_at.label("reply_at"),
            objections.disputed_now(Merchant.id).label("disputed"),
        )
        .outerjoin(ScoreSnapshot, ScoreSnapshot.id == CurrentScore.snapshot_id)
        .where(condition)
    )
    names = violation_names()
    return [_public_record(dict(row), names) for row in db.session.execute(stmt).mappings()]


def _public_record(record: dict, names: dict) -> dict:
    text, approved_at = record.pop("reply_text"), record.pop("reply_at")
    record["reply"] = {"text": text, "approved_at": approved_at} if text is not None else None
    losses = [
        r for r in (record.pop("reasons") or []) if r["points"] > 0 or r["code"].startswith("CAP_")
    ]
    top = explain.worded(losses[:TOP_REASONS], names)
    record["reasons"] = [public_reason(r) for r in top]
    return record


# Published documents: verification and open data ------------------------------------


def _paged(stmt: Select, args: dict, convert: Callable[[Any], dict]) -> dict:
    per_page, number = args["per_page"], args["page"]
    total = _count(stmt)
    rows = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page))
    return {
        "items": [convert(row) for row in rows],
        "page": number,
        "per_page": per_page,
        "total": total or 0,
        "pages": -(-(total or 0) // per_page),
    }


def downloadable(notice: Notice) -> bool:
    """The public PDF is served while the document is in force and every entry on it is
    still published: an entry withdrawn or expired must not stay readable in public."""
    return notice.status == NoticeStatus.PUBLISHED and all(
        e.status == EntryStatus.ACTIVE for e in notice.entries
    )


def _entry_name(entry: NoticeEntry) -> str:
    return entry.content.get("business_name") or entry.content.get("name", "")


def document_summary(notice: Notice) -> dict:
    """What anyone may know of a published document: what, who, when, and its status;
    for a placard also the grade printed, today's grade and the business's page."""
    later = notices.successor(notice) if notice.status == NoticeStatus.SUPERSEDED else None
    withdrawn = notice.status == NoticeStatus.WITHDRAWN
    summary = {
        "serial": notice.serial,
        "kind": notice.kind,
        "kind_name": notices.KIND_NAMES[notice.kind],
        "title": notice.title,
        "bureau": notices.bureau_name(notice.district),
        "district": notice.district_code,
        "district_name": notice.district.name_zh,
        "issued_on": notice.published_on,
        "status": notice.status,
        "status_text": DOCUMENT_STATUS_WORDS[notice.status].zh,
        "in_force": notice.status == NoticeStatus.PUBLISHED,
        "withdraw_reason": notice.withdraw_reason if withdrawn else None,
        "withdrawn_on": day_of(notice.withdrawn_at) if withdrawn else None,
        "expired_on": notice.expired_on,
        "superseded_by": later.serial if later else None,
        "superseded_on": later.published_on if later else None,
        "supersedes": notice.supersedes.serial if notice.supersedes else None,
        "sha256": notice.sha256,
        "pages": notice.pages,
        "verify_url": links.verify_url(notice.serial),
        "pdf_url": (
            url_for("public.PublicDocumentPdf", serial=notice.serial)
            if downloadable(notice)
            else None
        ),
    }
    summary |= placards.verification_facts(notice)
    summary["status_text"] = DOCUMENT_STATUS_WORDS[summary["status"]].zh
    return summary


def published_document(text: str) -> Notice:
    """The published document behind a serial as typed; NotFound says what is wrong."""
    try:
        serial = str(parse_serial(text))
    except SerialError as exc:
        raise NotFound(f"not a valid document serial: {exc}", "serial", "path") from exc
    notice = db.session.scalar(select(Notice).where(Notice.serial == serial))
    if notice is None:
        raise NotFound(f"no document with serial {serial} has been issued", "serial", "path")
    return notice


def _codes_of(entries: list[NoticeEntry]) -> dict[int, str]:
    """The USCC of each business the entries name, by merchant id, in one query."""
    ids = {e.merchant_id for e in entries if e.merchant_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Merchant.id, Merchant.uscc).where(Merchant.id.in_(ids)))
    return {merchant_id: code for merchant_id, code in rows}


def document(text: str) -> dict:
    """Verification of a printed document: its summary, and each entry's status (names
    only of entries still published on a document in force)."""
    notice = published_document(text)
    shown = notice.status == NoticeStatus.PUBLISHED
    disputed = objections.disputed_entries(notice.entries) if shown else set()
    codes = _codes_of(notice.entries) if shown else {}
    entries = [
        {
            "position": e.position,
            "name": _entry_name(e) if shown and e.status == EntryStatus.ACTIVE else None,
            "uscc": codes.get(e.merchant_id) if e.status == EntryStatus.ACTIVE else None,
            "status": e.status,
            "status_text": ENTRY_STATUS_WORDS[e.status].zh,
            "ends_on": e.ends_on if shown and e.status == EntryStatus.ACTIVE else None,
            # Why an entry came off (an upheld objection, a repair): written by officers
            # for the public, it names no person (rules.md §4, 第六条).
            "withdraw_reason": e.withdraw_reason if e.status == EntryStatus.WITHDRAWN else None,
            "disputed": e.id in disputed and e.status == EntryStatus.ACTIVE,
        }
        for e in notice.entries
    ]
    return document_summary(notice) | {"entries": entries}


def documents_in_force(args: dict, kinds: tuple[str, ...] = ()) -> Select:
    """Published documents, the latest first; without a `kind`, those of `kinds` (if
    given), a kind before the kinds after it in `kinds`."""
    stmt = select(Notice).where(Notice.status == NoticeStatus.PUBLISHED)
    order = [Notice.published_on.desc(), Notice.id.desc()]
    if args.get("kind"):
        stmt = stmt.where(Notice.kind == args["kind"])
    elif kinds:
        stmt = stmt.where(Notice.kind.in_(kinds))
        order.insert(0, case({kind: n for n, kind in enumerate(kinds)}, value=Notice.kind))
    if args.get("district"):
        stmt = stmt.where(Notice.district_code == args["district"])
    return stmt.order_by(*order)


def documents_page(args: dict, kinds: tuple[str, ...] = ()) -> dict:
    return _paged(documents_in_force(args, kinds), args, lambda row: document_summary(row[0]))


def documents_all(args: dict) -> list[dict]:
    return [document_summary(n) for n in db.session.scalars(documents_in_force(args))]


def entries_in_force(kind: str, args: dict) -> Select:
    stmt = (
        select(NoticeEntry, Notice, Merchant.uscc)
        .join(Notice, Notice.id == NoticeEntry.notice_id)
        .outerjoin(Merchant, Merchant.id == NoticeEntry.merchant_id)
        .where(
            Notice.kind == kind,
            Notice.status == NoticeStatus.PUBLISHED,
            NoticeEntry.status == EntryStatus.ACTIVE,
        )
    )
    if args.get("district"):
        stmt = stmt.where(Notice.district_code == args["district"])
    return stmt.order_by(
        Notice.district_code, Notice.published_on.desc(), Notice.id, NoticeEntry.position
    )


def honor_roll_item(row: Any) -> dict:
    entry, notice, uscc = row
    keys = ("name", "street", "trade", "address", "grade", "as_of", "demonstration")
    return {"serial": notice.serial, "district": notice.district_code, "uscc": uscc} | {
        k: entry.content.get(k) for k in keys
    }


def honor_roll_page(args: dict) -> dict:
    return _paged(entries_in_force("honor_roll", args), args, honor_roll_item)


def honor_roll_all(args: dict) -> list[dict]:
    return [honor_roll_item(r) for r in db.session.execute(entries_in_force("honor_roll", args))]


def demonstration_item(row: Any) -> dict:
    entry, notice, _ = row
    keys = ("name", "street", "status", "accepted_on")
    return {"serial": notice.serial, "district": notice.district_code} | {
        k: entry.content.get(k) for k in keys
    }


def demonstrations(args: dict) -> list[dict]:
    """Demonstration communities on in-force demonstration listings."""
    rows = db.session.execute(entries_in_force("demonstration", args))
    return [demonstration_item(r) for r in rows]


def merchants_all(args: dict) -> Iterator[Mapping]:
    """The whole public search result (for the CSV export): published fields only, read
    a thousand rows at a time as they are sent (a server-side cursor on PostgreSQL).

    The rows come from a connection of their own, held only while they are read: the
    request's session is gone by the time a streamed answer is sent."""
    stmt = _listing_of(matching(args))
    engine = db.session.get_bind()  # the request's: a standby's (creditsvc.replicas) or the primary

    def rows() -> Iterator[Mapping]:
        with engine.connect() as connection:
            yield from connection.execution_options(yield_per=1000).execute(stmt).mappings()

    return rows()


# The public site's business page: the record and what stands beside it ---------------


def placard_in_force(merchant_id: int) -> dict | None:
    """The business's latest placard in force, summarised as any published document."""
    notice = db.session.scalar(
        select(Notice)
        .where(
            Notice.kind == "placard",
            Notice.merchant_id == merchant_id,
            Notice.status == NoticeStatus.PUBLISHED,
        )
        .order_by(Notice.published_on.desc(), Notice.id.desc())
        .limit(1)
    )
    return document_summary(notice) if notice else None


def honor_rolls_listing(merchant_id: int) -> list[dict]:
    """The honor rolls in force on which the business is listed, latest first."""
    rows = db.session.scalars(
        select(Notice)
        .join(NoticeEntry, NoticeEntry.notice_id == Notice.id)
        .where(
            Notice.kind == "honor_roll",
            Notice.status == NoticeStatus.PUBLISHED,
            NoticeEntry.status == EntryStatus.ACTIVE,
            NoticeEntry.merchant_id == merchant_id,
        )
        .order_by(Notice.published_on.desc())
    )
    return [document_summary(n) for n in rows]


def entries_naming(merchant_id: int) -> list[dict]:
    """The exposure and honor-roll entries in force that name the business, latest
    document first: the document (title, serial, links) and until when the entry is
    published (an honor-roll entry: while its roll is in force)."""
    rows = db.session.execute(
        select(NoticeEntry, Notice)
        .join(Notice, Notice.id == NoticeEntry.notice_id)
        .where(
            Notice.kind.in_(("exposure", "honor_roll")),
            Notice.status == NoticeStatus.PUBLISHED,
            NoticeEntry.status == EntryStatus.ACTIVE,
            NoticeEntry.merchant_id == merchant_id,
        )
        .order_by(Notice.published_on.desc(), Notice.id.desc(), NoticeEntry.position)
    )
    return [document_summary(notice) | {"ends_on": entry.ends_on} for entry, notice in rows]


def last_inspection(merchant_id: int) -> date | None:
    """The day of the business's latest inspection on record (a voided one does not count)."""
    return db.session.scalar(select(latest_day(merchant_id)))


def badge(uscc: str) -> dict | None:
    """What a business's badge shows, from its current standing (so a grade withdrawn or
    lowered by a rescore shows at once): its USCC, name, whether it is rated, its grade,
    the day it was assessed and the policy it was computed under; None if there is no
    such business."""
    stmt = select(
        Merchant.uscc,
        Merchant.name,
        func.coalesce(CurrentScore.rated, False).label("rated"),
        CurrentScore.grade,
        CurrentScore.as_of,
        CurrentScore.policy_version,
    ).outerjoin(CurrentScore, CurrentScore.merchant_id == Merchant.id)
    row = db.session.execute(stmt.where(Merchant.uscc == uscc_rules.normalise(uscc))).first()
    return dict(row._mapping) if row is not None else None


def business(uscc: str) -> dict | None:
    """Every fact of a business's public page: its record and district, its placard and
    honor rolls in force, its demonstration-unit designation and communities; None if
    there is no such business."""
    found = record(uscc)
    if found is None:
        return None
    merchant_id = found["merchant_id"]
    return {
        "record": found,
        "district": db.session.get(District, found["district"]),
        "placard": placard_in_force(merchant_id),
        "honor_rolls": honor_rolls_listing(merchant_id),
        "entries": entries_naming(merchant_id),
        "last_inspection": last_inspection(merchant_id),
        "unit": programme.unit_in_force(merchant_id),
        "communities": programme.communities_of(merchant_id),
    }
