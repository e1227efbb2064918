"""The audit log: every change records who, when, what, and the state before and after;
officers read it, the city all of it, a district officer its own district's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, inspect, or_, select, true

from creditsvc import clock
from creditsvc.bulk import Loader
from creditsvc.extensions import db
from creditsvc.models import AuditEntry
from creditsvc.models.base import utcnow
from creditsvc.principals import CITY, Principal
from creditsvc.services.reads import paginate

# Columns never copied into the log: secrets, and personal data of complainants.
REDACTED_COLUMNS = frozenset({"password_hash", "token_hash", "contact_encrypted"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):  # shown on the audit page as the bureau's time
        return clock.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def state(obj: Any) -> dict[str, Any]:
    """The column values of a model instance, as JSON-safe data, secrets left out."""
    mapper = inspect(obj).mapper
    return {
        attr.key: _jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in REDACTED_COLUMNS
    }


def record(
    actor: str,
    action: str,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    district_code: str | None = None,
    also: Iterable[str | None] = (),
    reason: str | None = None,
) -> AuditEntry:
    """Append an entry for `obj` after a change; `before` is its `state()` taken earlier.

    A change that touches other districts too (`also`: a stall of one district held by a
    merchant of another) is entered once under each, since a district officer reads only
    the district's own entries (issue 17); the entry under `district_code` is returned."""
    db.session.flush()  # so a new object has its id
    after = state(obj)
    if before is not None:
        changed = {k for k in after if before.get(k) != after[k]}
        changed.discard("updated_at")
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    identity = inspect(obj).identity
    entry = AuditEntry(
        **_entry(
            actor,
            action,
            type(obj).__tablename__,
            str(identity[0] if identity else ""),
            district_code=district_code or getattr(obj, "district_code", None),
            before=before,
            after=after,
            reason=reason,
        )
    )
    db.session.add(entry)
    for code in sorted({c for c in also if c} - {entry.district_code}):
        db.session.add(_copy(entry, code))
    return entry


def record_action(
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    *,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append an entry for an action on something that is no model instance (a month of
    readings archived: `services.evidence.archive`)."""
    entry = AuditEntry(**_entry(actor, action, entity, entity_id, after=after, reason=reason))
    db.session.add(entry)
    return entry


def record_created(
    actor: str,
    objs: Sequence[Any],
    *,
    district_codes: Sequence[str | None] | None = None,
    reasons: Sequence[str | None] | None = None,
) -> None:
    """`record(actor, "create", obj)` for many new objects at once (a spreadsheet import):
    the same entries, from one flush and one bulk write instead of one of each per object."""
    if not objs:
        return
    db.session.flush()  # so the new objects have their ids
    entity = type(objs[0]).__tablename__
    _created(actor, entity, [state(obj) for obj in objs], district_codes, reasons)


def record_created_rows(
    actor: str,
    entity: str,
    rows: Sequence[dict[str, Any]],
    *,
    reasons: Sequence[str | None] | None = None,
    district_codes: Sequence[str | None] | None = None,
) -> None:
    """The same entries for rows written in bulk without the ORM (creditsvc.bulk): each row
    holds every column of its table, as `state()` of the object would; `district_codes`
    for rows that hold none of their own."""
    after = [{k: _jsonable(v) for k, v in row.items() if k not in REDACTED_COLUMNS} for row in rows]
    _created(actor, entity, after, district_codes, reasons)


def _created(
    actor: str,
    entity: str,
    after: Sequence[dict[str, Any]],
    district_codes: Sequence[str | None] | None,
    reasons: Sequence[str | None] | None,
) -> None:
    at = utcnow()
    entries = [
        _entry(
            actor,
            "create",
            entity,
            str(values["id"]),
            district_code=(district_codes[i] if district_codes else None)
            or values.get("district_code"),
            after=values,
            reason=reasons[i] if reasons else None,
            at=at,
        )
        for i, values in enumerate(after)
    ]
    Loader(db.session).load([(AuditEntry.__table__, entries)])


def _entry(
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    *,
    district_code: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The columns of one entry, as every way of recording builds them (`at`: now, unless
    a bulk write gives its entries one moment)."""
    return {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "district_code": district_code,
        "before": before,
        "after": after,
        "reason": reason,
    }


def _copy(entry: AuditEntry, district_code: str) -> AuditEntry:
    """The same entry, filed under another district it touches."""
    columns = ("at", "actor", "action", "entity", "entity_id", "before", "after", "reason")
    return AuditEntry(district_code=district_code, **{c: getattr(entry, c) for c in columns})


# Reading the log -------------------------------------------------------------------


def entries_in_scope(p: Principal) -> Select:
    """The entries the caller may read: all for the city officer, else the district's."""
    in_scope = true() if p.role == CITY else AuditEntry.district_code == p.district_code
    return select(AuditEntry).where(in_scope)


def entries_page(p: Principal, args: dict) -> dict:
    """A page of entries, newest first, by `entity`, `entity_id` and `actor`."""
    stmt = entries_in_scope(p).order_by(AuditEntry.id.desc())
    for key in ("entity", "entity_id", "actor"):
        if key in args:
            stmt = stmt.where(getattr(AuditEntry, key) == args[key])
    return paginate(stmt, args["page"], args["per_page"])


def entries_between_page(
    p: Principal,
    *,
    district_code: str | None,
    entity: str,
    actor: str,
    since: datetime | None,
    until: datetime | None,
    page: int,
    per_page: int,
) -> dict:
    """A page of entries, newest first, by district, entity, actor and [since, until)."""
    stmt = entries_in_scope(p)
    if district_code:
        stmt = stmt.where(AuditEntry.district_code == district_code)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if actor:  # "user:xuhui" as stored, or the name alone ("xuhui") of any kind of actor
        stmt = stmt.where(
            or_(AuditEntry.actor == actor, AuditEntry.actor.endswith(f":{actor}", autoescape=True))
        )
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    return paginate(stmt.order_by(AuditEntry.id.desc()), page, per_page)


def entities() -> list[str]:
    """The kinds of record the log holds entries about, by name."""
    stmt = select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)
    return list(db.session.scalars(stmt).all())
