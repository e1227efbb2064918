"""Slowing down password guessing at the log-in form.

Failed attempts are counted per username and per client address over a sliding window
(LOGIN_WINDOW_SECONDS). Past LOGIN_MAX_FAILURES_PER_USERNAME failures for one name, or
LOGIN_MAX_FAILURES_PER_IP from one address, the form answers 429 without checking the
password, until the oldest counted failure leaves the window. A successful log-in clears
its username's failures; an address's count is not cleared (one valid account must not
let its owner guess the others'). Behind a reverse proxy, configure it to pass the
client address (werkzeug's ProxyFix), or every client shares the proxy's.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from creditsvc.extensions import db
from creditsvc.models import LoginAttempt
from creditsvc.models.base import utcnow


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def _failures(column, value: str, since: datetime) -> tuple[int, datetime | None]:
    count, oldest = db.session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
        )
    ).one()
    return count, oldest


def wait_seconds(username: str, ip: str, now: datetime | None = None) -> int:
    """0 when the attempt may go ahead, else how long until it may (whole seconds)."""
    now = now or utcnow()
    since = now - _window()
    config = current_app.config
    waits = []
    for column, value, limit in (
        (LoginAttempt.username, username.lower(), config["LOGIN_MAX_FAILURES_PER_USERNAME"]),
        (LoginAttempt.ip, ip, config["LOGIN_MAX_FAILURES_PER_IP"]),
    ):
        count, oldest = _failures(column, value, since)
        if count >= limit and oldest is not None:
            waits.append((oldest + _window() - now).total_seconds())
    return max(1, math.ceil(max(waits))) if waits else 0


def record(username: str, ip: str, succeeded: bool, now: datetime | None = None) -> None:
    """Count one attempt (flushes; the request commits), forgetting what left the window."""
    now = now or utcnow()
    name = username.lower()[:64]
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - _window()))
    if succeeded:
        db.session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.username == name, LoginAttempt.succeeded.is_(False)
            )
        )
    db.session.add(LoginAttempt(username=name, ip=ip[:45], at=now, succeeded=succeeded))
    db.session.flush()
