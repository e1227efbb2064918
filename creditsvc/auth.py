"""Who is calling a request, and whether they may: bearer tokens, sessions and `allow`.

The principal itself and the roles are `creditsvc.principals`.

Every view declares the roles that may call it with `@allow(...)`; a test walks the
URL map and fails on any view without a declaration. What a role may *see* is not
decided here but in `creditsvc.services.scope`, inside the query itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, g, request, session
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from creditsvc.extensions import csrf, db
from creditsvc.models import ApiToken
from creditsvc.principals import ANONYMOUS, DEVICE, PUBLIC, Principal, hash_token
from creditsvc.services.accounts import sessions

SESSION_KEY = "sid"  # in Flask's signed cookie: the secret naming a browser session


def _principal_from_token(token: str) -> Principal | None:
    # One statement with its scale or its user: a scale posts readings all day long.
    row = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.device), joinedload(ApiToken.user))
        .where(ApiToken.token_hash == hash_token(token))
    )
    if row is None or row.revoked_at is not None:
        return None
    if row.device is not None:
        if not row.device.active:
            return None
        return Principal(role=DEVICE, device=row.device)
    if row.user is None or not row.user.active:
        return None
    return Principal(role=row.user.role, user=row.user)


def _principal_from_session() -> Principal:
    # The cookie only names a session kept on the server, which logging out, a password
    # change, its lifetime or idleness ends (services/accounts/sessions.py; issue 17).
    secret = session.get(SESSION_KEY)
    if secret is None:
        return ANONYMOUS
    user = sessions.resume(secret)
    if user is None:
        session.clear()
        return ANONYMOUS
    return Principal(role=user.role, user=user)


def load_principal() -> None:
    """before_request: identify the caller by bearer token, else by browser session."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        principal = _principal_from_token(token.strip()) if scheme.lower() == "bearer" else None
        if principal is None:
            abort(401, message="invalid, revoked or malformed bearer token")
        g.principal = principal
        g.via_token = True
        return
    g.principal = _principal_from_session()
    g.via_token = False
    # A session cookie rides along on cross-site requests: API writes made with one
    # must carry the CSRF token too (the web forms do; bearer-token calls need not).
    if (
        g.principal is not ANONYMOUS
        and request.path.startswith("/api/")
        and request.method not in ("GET", "HEAD", "OPTIONS")
    ):
        csrf.protect()


PRIVATE = "private, no-store"


def keep_private(response: Response) -> Response:
    """after_request: an answer to someone logged in (by session or bearer token) is theirs
    alone, so no cache, shared or the browser's, may keep it, whatever the view chose (an
    officer's PDF is otherwise kept an hour; issue 17). Anonymous answers keep theirs, and
    so do the static files, the same for everyone."""
    if current() is not ANONYMOUS and request.endpoint != "static":
        response.headers["Cache-Control"] = PRIVATE
        response.headers.pop("Expires", None)
    return response


def current() -> Principal:
    return g.get("principal", ANONYMOUS)


def allow(*roles: str) -> Callable:
    """Declare and enforce who may call a view: 401 for no identity, 403 for the wrong one."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current()
            if PUBLIC not in roles and principal.role not in roles:
                if principal is ANONYMOUS:
                    abort(401, message="log in or send a bearer token")
                abort(403, message=f"role {principal.role!r} may not do this")
            return view(*args, **kwargs)

        wrapper.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate
