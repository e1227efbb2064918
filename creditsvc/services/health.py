"""The readiness probe's question to the database."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text

from creditsvc.extensions import db


def database_state() -> str:
    """'ok' when the database answers, else 'down' (logged, and the session rolled back)."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # the probe must answer, whatever the failure
        current_app.logger.exception("health: database unreachable")
        db.session.rollback()
        return "down"
