"""Write audit entries: every change records who, when, what, and the state before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from creditsvc.extensions import db
from creditsvc.models import AuditEntry

# Columns never copied into the log: secrets, and personal data of complainants.
REDACTED_COLUMNS = frozenset({"password_hash", "token_hash", "contact_encrypted"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
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
    reason: str | None = None,
) -> AuditEntry:
    """Append an entry for `obj` after a change; `before` is its `state()` taken earlier."""
    db.session.flush()  # so a new object has its id
    after = state(obj)
    if before is not None:
        changed = {k for k in after if before.get(k) != after[k]}
        changed.discard("updated_at")
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    entry = AuditEntry(
        actor=actor,
        action=action,
        entity=type(obj).__tablename__,
        entity_id=str(inspect(obj).identity[0] if inspect(obj).identity else ""),
        district_code=district_code or getattr(obj, "district_code", None),
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(entry)
    return entry
