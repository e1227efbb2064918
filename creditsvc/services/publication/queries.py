"""What officers read of publication: notices in their scope, a notice's entries, and the
render job a publication waits on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from creditsvc.extensions import db
from creditsvc.models import JobRun, Notice, NoticeEntry
from creditsvc.principals import Principal
from creditsvc.services.publication import notices
from creditsvc.services.reads import one, paginate

# The list's filters, each by its argument.
NOTICE_FILTERS = (
    ("district", Notice.district_code),
    ("kind", Notice.kind),
    ("status", Notice.status),
)


def _notices(p: Principal) -> Select:
    return select(Notice).where(notices.scoped(p))


def notices_page(p: Principal, args: dict) -> dict:
    """One page of the notices in scope, newest first, filtered by district, kind and status."""
    stmt = _notices(p).order_by(Notice.id.desc())
    for key, column in NOTICE_FILTERS:
        if key in args:
            stmt = stmt.where(column == args[key])
    return paginate(stmt, args["page"], args["per_page"])


@dataclass(frozen=True)
class Answered:
    """A record with the facts its answer adds (`NoticeOut`), read by the service before
    the unit of work ends; every other attribute is the record's own."""

    record: Any
    facts: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        if name in self.facts:
            return self.facts[name]
        return getattr(self.record, name)


def answer(document: Notice) -> Answered:
    """A notice as the officers' API answers it: its successor and each entry's deadline."""
    successor = notices.successor(document)
    entries = [Answered(e, {"deadline": notices.entry_deadline(e)}) for e in document.entries]
    facts = {"superseded_by": successor.id if successor else None, "entries": entries}
    return Answered(document, facts)


def notice(p: Principal, notice_id: int) -> Notice:
    """A notice in scope, or NotFound."""
    return one(_notices(p).where(Notice.id == notice_id), "notice")


# A notice passed in is called `document` here: the security table (creditsvc.security_table)
# follows every name that is a function of this module, `notice` among them.


def entry(document: Notice, entry_id: int) -> NoticeEntry:
    """One entry of the notice, or NotFound."""
    stmt = select(NoticeEntry).where(
        NoticeEntry.notice_id == document.id, NoticeEntry.id == entry_id
    )
    return one(stmt, "entry")


def as_stored(notice_id: int) -> Notice:
    """The notice read afresh, as the render job left it."""
    db.session.expire_all()
    return db.session.get(Notice, notice_id)


def render_run(document: Notice) -> JobRun | None:
    """The job run rendering (or that rendered) the notice's PDF."""
    run_id = document.render_job_id
    return db.session.get(JobRun, run_id) if run_id else None


def going_public(document: Notice) -> dict[str, Any]:
    """What publishing the notice makes public, for the officer to confirm: the period or
    date, and each entry's name, USCC and decision (an individual business has no USCC
    shown: 行政处罚信息公示规定 第六条)."""
    entries = [
        {
            "position": e.position,
            "name": e.content.get("business_name") or e.content.get("name", ""),
            "uscc": e.content.get("uscc"),
            "address": e.content.get("address"),
            "decision_number": e.content.get("decision_number"),
            "decision_date": e.content.get("decision_date"),
            "penalty": e.content.get("penalty_summary"),
            "window_months": e.window_months,
        }
        for e in document.entries
    ]
    return {
        "id": document.id,
        "title": document.title,
        "kind": document.kind,
        "district": document.district_code,
        "period_start": document.period_start,
        "period_end": document.period_end,
        "as_of": document.as_of,
        "status": document.status,
        "created_by": document.created_by,
        "approved_by": document.approved_by,
        "supersedes": document.supersedes.serial if document.supersedes else None,
        "entries": entries,
    }
