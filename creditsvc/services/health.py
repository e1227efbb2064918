"""The readiness probe's questions: the database, the public address, the calendar."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text

from creditsvc import links
from creditsvc.extensions import db
from creditsvc.services import calendar


def database_state() -> str:
    """'ok' when the database answers, else 'down' (logged, and the session rolled back)."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # the probe must answer, whatever the failure
        current_app.logger.exception("health: database unreachable")
        db.session.rollback()
        return "down"


def checks(database_ok: bool) -> list[dict]:
    """The named checks besides the database and the queue. Neither makes the service
    unready for a load balancer (the public site still answers): an "error" stops a part
    of the work (public documents), a "warning" tells what an officer must do soon."""
    found = [_public_address()]
    if database_ok:
        found.append(_calendar())
    return found


def _public_address() -> dict:
    problem = links.public_address_problem()
    return {
        "name": "public_address",
        "level": "error",
        "ok": problem is None,
        "detail": problem or f"documents print {links.base_url()}",
    }


def _calendar() -> dict:
    try:
        missing = calendar.years_needed_missing()
    except Exception:  # the probe must answer, whatever the failure
        current_app.logger.exception("health: calendar years unreadable")
        db.session.rollback()
        return {"name": "calendar", "level": "warning", "ok": False, "detail": "unreadable"}
    if not missing:
        return {"name": "calendar", "level": "warning", "ok": True, "detail": "loaded"}
    named = calendar.CalendarYearMissing(missing).message
    return {"name": "calendar", "level": "warning", "ok": False, "detail": named}
