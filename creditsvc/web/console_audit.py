"""The audit log in the console: filter by entity, actor and date, newest first, paged.
Read-only: the database itself refuses to change an entry."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import render_template, request

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.models import AuditEntry
from creditsvc.principals import OFFICERS
from creditsvc.schemas.common import date_range
from creditsvc.services import audit
from creditsvc.web.console_common import bp, district_in_view, page_number
from creditsvc.workdays import SHANGHAI

# Officers think in Shanghai days; entries are stored in UTC.
SHOWN_VALUE_CHARS = 120


def _day(text: str | None) -> date | None:
    """The day a filter names; None (shown as a bad date) unless within the service's
    range: year 1 or 9999 would overflow when turned into a moment (issue 17)."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    earliest, latest = date_range()
    return day if day is not None and earliest <= day <= latest else None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(column, before, after) of an entry, each value shortened for the table; columns
    a new record left empty are not listed."""
    before, after = entry.before or {}, entry.after or {}

    def shown(value: object) -> str:
        text = "—" if value is None else str(value)
        return text if len(text) <= SHOWN_VALUE_CHARS else text[:SHOWN_VALUE_CHARS] + "…"

    keys = [k for k in after if k in before or after[k] not in (None, "", [])]
    keys += [k for k in before if k not in after]
    return [(k, shown(before.get(k)) if k in before else "", shown(after.get(k))) for k in keys]


@bp.get("/audit")
@allow(*OFFICERS)
def audit_log():
    district = district_in_view()
    args = {k: request.args.get(k, "").strip() for k in ("entity", "actor", "since", "until")}
    since, until = _day(args["since"]), _day(args["until"])
    page = audit.entries_between_page(
        auth.current(),
        district_code=district,
        entity=args["entity"],
        actor=args["actor"],
        since=_start_of(since) if since else None,
        until=_start_of(until + date.resolution) if until else None,
        page=page_number(),
        per_page=50,
    )
    return render_template(
        "console/audit.html",
        page=page,
        args=args,
        bad_dates=[k for k in ("since", "until") if args[k] and _day(args[k]) is None],
        entities=audit.entities(),
        district=district,
        changes=changes,
    )
