"""The one guard of every lifecycle (STYLE.md 16): a status moves only as its model's
table allows (`Model.lifecycle`, creditsvc.models.lifecycle), and a verb acts only on a
record in a status it needs; anything else is a Conflict worded by the lifecycle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from creditsvc.services.errors import Conflict


def _refuse(record: Any, needs: Iterable[str]) -> Conflict:
    lifecycle = type(record).lifecycle
    return Conflict(lifecycle.refused(record.status, needs), lifecycle.field)


def require(record: Any, *statuses: str) -> None:
    """Refuse unless `record` is in one of `statuses` (what a verb needs)."""
    if record.status not in statuses:
        raise _refuse(record, statuses)


def move(record: Any, to: str) -> None:
    """Move `record` to status `to`, if its lifecycle allows that from where it is."""
    lifecycle = type(record).lifecycle
    if not lifecycle.allows(record.status, to):
        raise _refuse(record, lifecycle.sources(to))
    record.status = lifecycle.statuses(to)
