"""Accounts and tokens: create users, check passwords, issue and revoke bearer tokens."""

from __future__ import annotations

import re
import secrets

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash as _generate

from creditsvc import uscc as uscc_rules
from creditsvc.extensions import db
from creditsvc.models import ROLES, ApiToken, Device, District, Market, Merchant, User
from creditsvc.models.base import utcnow
from creditsvc.principals import CITY, DISTRICT, HOST, MERCHANT, Principal, new_token
from creditsvc.services import audit, scope
from creditsvc.services.accounts import sessions
from creditsvc.services.errors import Conflict, Forbidden, Invalid, NotFound

MIN_PASSWORD = 10
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def generate_password_hash(password: str) -> str:
    # scrypt by default; the test suite sets a cheaper method to stay fast.
    return _generate(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters", "password")


def create_user(
    actor: str,
    *,
    username: str,
    password: str,
    role: str,
    district: str | None = None,
    merchant: str | None = None,
    market: int | None = None,
    email: str | None = None,
) -> User:
    """Create an account; each role needs exactly the attachment that scopes it. An e-mail
    address, if given, receives the notifications when a mail server is configured."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", "role")
    _check_password(password)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"user {username} exists", "username")
    if email is not None and not EMAIL.fullmatch(email):
        raise Invalid("not an e-mail address", "email")
    user = User(
        username=username,
        role=role,
        password_hash=generate_password_hash(password),
        email=email,
    )
    if role == DISTRICT:
        if not district or db.session.get(District, district) is None:
            raise Invalid("a district officer needs --district with a valid code", "district")
        user.district_code = district
    elif role == MERCHANT:
        row = db.session.scalar(
            select(Merchant).where(Merchant.uscc == uscc_rules.normalise(merchant or ""))
        )
        if row is None:
            raise Invalid("a merchant account needs --merchant with a registered USCC", "merchant")
        user.merchant_id = row.id
    elif role == HOST:
        market_row = db.session.get(Market, market) if market is not None else None
        if market_row is None:
            raise Invalid("a market host needs --market with an existing market id", "market")
        user.markets.append(market_row)
    db.session.add(user)
    audit.record(actor, "create", user, district_code=user.district_code)
    return user


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """The hash of a password no one has, made once per hashing method: checking a
    password against it costs what checking it against an account's own hash costs."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = _generate(secrets.token_urlsafe(24), method=method)
    return _DUMMY_HASHES[method]


def authenticate(username: str, password: str) -> User | None:
    """The active account with this name and password, else None. An unknown name costs
    one password check, as a known one does, so the time taken does not tell whether a
    name exists (issue 17)."""
    user = db.session.scalar(select(User).where(User.username == username))
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    return user if matches and user is not None and user.active else None


def change_password(user: User, old: str, new: str, keep_session: str | None = None) -> None:
    """Set a new password; every browser session of the user ends but `keep_session`, the
    one that changed it (a stolen session must not outlive the password it knew)."""
    if not check_password_hash(user.password_hash, old):
        raise Invalid("the current password is wrong", "old_password")
    _check_password(new)
    user.password_hash = generate_password_hash(new)
    user.password_changed_at = utcnow()
    sessions.end_others(user, keep_session)
    audit.record(f"user:{user.username}", "change_password", user)


def issue_user_token(actor: str, user: User, label: str = "") -> tuple[ApiToken, str]:
    token, digest, prefix = new_token()
    row = ApiToken(user_id=user.id, token_hash=digest, prefix=prefix, label=label)
    db.session.add(row)
    audit.record(actor, "create", row, district_code=user.district_code)
    return row, token


def issue_device_token(actor: str, device: Device, label: str = "") -> tuple[ApiToken, str]:
    token, digest, prefix = new_token()
    row = ApiToken(device_id=device.id, token_hash=digest, prefix=prefix, label=label)
    db.session.add(row)
    audit.record(actor, "create", row, district_code=device.market.district_code)
    return row, token


def device_by_serial(serial: str) -> Device:
    device = db.session.scalar(select(Device).where(Device.serial == serial))
    if device is None:
        raise NotFound(f"no device with serial {serial}")
    return device


def user_by_name(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username}")
    return user


def may_manage_token(p: Principal, token: ApiToken) -> bool:
    """Your own tokens; device tokens of markets in your scope; any token for the city."""
    if p.role == CITY:
        return True
    if token.user_id is not None:
        return p.user is not None and token.user_id == p.user.id
    if token.device is None or p.role not in (DISTRICT, HOST):
        return False
    return (
        db.session.scalar(
            select(Market.id).where(Market.id == token.device.market_id, scope.markets(p))
        )
        is not None
    )


def revoke_token(p: Principal, token: ApiToken) -> ApiToken:
    if not may_manage_token(p, token):
        raise Forbidden("not your token to revoke")
    if token.revoked_at is None:
        before = audit.state(token)
        token.revoked_at = utcnow()
        audit.record(p.name, "revoke", token, before=before)
    return token


# Managing accounts from the console (issue 19): the city officer only.


def _require_city(p: Principal) -> None:
    # Only the city officer manages accounts: a district officer could otherwise mint a
    # host or merchant account that reads another district's markets (issue 19).
    if p.role != CITY:
        raise Forbidden("only the city officer manages accounts")


def new_password() -> str:
    """A random initial or reset password, shown once to the officer who set it."""
    return secrets.token_urlsafe(12)


def reset_password(p: Principal, user: User) -> str:
    """Give `user` a new random password and return it (shown once); every browser
    session of theirs ends and every token of theirs is revoked, since whoever knew the
    old password may have made them."""
    _require_city(p)
    password = new_password()
    user.password_hash = generate_password_hash(password)
    user.password_changed_at = utcnow()
    sessions.end_others(user, None)
    _revoke_all(p, user)
    audit.record(p.name, "reset_password", user, district_code=user.district_code)
    return password


def set_active(p: Principal, user: User, active: bool) -> User:
    """Deactivate or reactivate an account. An inactive account cannot log in, its
    sessions end and its tokens are refused (auth, sessions.resume)."""
    _require_city(p)
    if user.id == (p.user.id if p.user else None) and not active:
        raise Invalid("you cannot deactivate your own account", "active")
    if user.active != active:
        before = audit.state(user)
        user.active = active
        if not active:
            sessions.end_others(user, None)
        audit.record(p.name, "update", user, before=before, district_code=user.district_code)
    return user


def _revoke_all(p: Principal, user: User) -> None:
    open_tokens = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    for token in db.session.scalars(open_tokens):
        revoke_token(p, token)
