"""Who is calling, and whether they may: principals, bearer tokens and the `allow` rule.

Every view declares the roles that may call it with `@allow(...)`; a test walks the
URL map and fails on any view without a declaration. What a role may *see* is not
decided here but in `creditsvc.services.scope`, inside the query itself.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, request, session
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from creditsvc.extensions import csrf, db
from creditsvc.models import ApiToken, Device, User

CITY, DISTRICT, HOST, MERCHANT, DEVICE, PUBLIC, ASSOCIATION = (
    "city",
    "district",
    "host",
    "merchant",
    "device",
    "public",
    "association",
)
OFFICERS = (CITY, DISTRICT)
STAFF = (CITY, DISTRICT, HOST)
TOKEN_PREFIX_LEN = 8


@dataclass(frozen=True)
class Principal:
    role: str
    user: User | None = None
    device: Device | None = None

    @property
    def name(self) -> str:
        if self.user is not None:
            return f"user:{self.user.username}"
        if self.device is not None:
            return f"device:{self.device.serial}"
        return "public"

    @property
    def district_code(self) -> str | None:
        return self.user.district_code if self.user else None

    @property
    def market_ids(self) -> list[int]:
        if self.device is not None:
            return [self.device.market_id]
        return [m.id for m in self.user.markets] if self.user else []

    @property
    def merchant_id(self) -> int | None:
        return self.user.merchant_id if self.user else None


ANONYMOUS = Principal(role=PUBLIC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str, str]:
    """A fresh bearer token: (token shown once, its hash to store, a short prefix)."""
    token = "cs_" + secrets.token_urlsafe(32)
    return token, hash_token(token), token[:TOKEN_PREFIX_LEN]


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
    user_id = session.get("user_id")
    if user_id is None:
        return ANONYMOUS
    user = db.session.get(User, user_id)
    # A password change ends every other session: the stamp must still match.
    if (
        user is None
        or not user.active
        or session.get("pw_stamp") != user.password_changed_at.isoformat()
    ):
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
