"""What SQL a piece of code sends: for tests that hold a path to a number of statements."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event

from creditsvc.extensions import db

T = TypeVar("T")


def executed(action: Callable[[], T]) -> tuple[T, list[str]]:
    """What `action` returns, and the SQL statements it ran on the app's engine. SQLite's
    explicit BEGIN (creditsvc.database) is no query, and PostgreSQL sends none: left out."""
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, sql, ...)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return result, [sql for sql in seen if not sql.lstrip().upper().startswith("BEGIN")]
