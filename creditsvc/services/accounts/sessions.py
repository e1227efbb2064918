"""Browser sessions kept on the server, so that they can be ended (issue 17).

Logging in opens a session and gives the browser a random secret, carried in Flask's
signed cookie; the row keeps only its SHA-256. A request's session is accepted while its
row is open, younger than PERMANENT_SESSION_LIFETIME and seen within SESSION_IDLE_MINUTES.
Logging out ends the row, so a copy of the cookie stops working with it; a password
change ends every other session of the user. Rows that can no longer be accepted are
deleted whenever someone logs in.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload

from creditsvc.extensions import db
from creditsvc.models import BrowserSession, User
from creditsvc.models.base import utcnow
from creditsvc.principals import hash_token

# Move a session's idle clock at most this often, so a page of many requests writes once.
IDLE_CLOCK_STEP = timedelta(seconds=60)


def _lifetime() -> timedelta:
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def start(user: User, now: datetime | None = None) -> str:
    """Open a session for `user` (flushes); returns the secret its cookie carries."""
    now = now or utcnow()
    _forget_finished(now)
    secret = secrets.token_urlsafe(32)
    user.last_login_at = now
    db.session.add(
        BrowserSession(id=hash_token(secret), user_id=user.id, created_at=now, last_seen_at=now)
    )
    db.session.flush()
    return secret


def resume(secret: str, now: datetime | None = None) -> User | None:
    """The active user whose session `secret` names, if it may still be used; its idle
    clock moves on. None for a session ended, too old, idle too long or unknown."""
    now = now or utcnow()
    row = db.session.scalar(
        select(BrowserSession)
        .options(joinedload(BrowserSession.user))
        .where(BrowserSession.id == hash_token(secret))
    )
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    if now - row.created_at > _lifetime() or now - row.last_seen_at > _idle():
        return None
    if now - row.last_seen_at >= IDLE_CLOCK_STEP:
        row.last_seen_at = now
    return row.user


def end(secret: str, now: datetime | None = None) -> None:
    """Log out: the session `secret` names is over, whoever holds a copy of its cookie."""
    db.session.execute(
        update(BrowserSession)
        .where(BrowserSession.id == hash_token(secret), BrowserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def end_others(user: User, keep: str | None, now: datetime | None = None) -> None:
    """End every open session of `user` but the one `keep` names (None: all of them)."""
    others = update(BrowserSession).where(
        BrowserSession.user_id == user.id, BrowserSession.ended_at.is_(None)
    )
    if keep is not None:
        others = others.where(BrowserSession.id != hash_token(keep))
    db.session.execute(others.values(ended_at=now or utcnow()))


def _forget_finished(now: datetime) -> None:
    """Delete the rows no request can use any more: ended, too old or idle too long."""
    db.session.execute(
        delete(BrowserSession).where(
            or_(
                BrowserSession.ended_at.is_not(None),
                BrowserSession.created_at < now - _lifetime(),
                BrowserSession.last_seen_at < now - _idle(),
            )
        )
    )
