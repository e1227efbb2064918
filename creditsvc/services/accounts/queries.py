"""Reading accounts: API tokens, a person's own or a fair scale's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from creditsvc.extensions import db
from creditsvc.models import ApiToken, Device, User
from creditsvc.services.reads import one, paginate


def user_tokens(user: User) -> list[ApiToken]:
    """A person's own tokens, oldest first (never the tokens themselves, only their hashes)."""
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return list(db.session.scalars(stmt).all())


def device_tokens(device: Device) -> list[ApiToken]:
    """A fair scale's tokens, oldest first."""
    stmt = select(ApiToken).where(ApiToken.device_id == device.id).order_by(ApiToken.id)
    return list(db.session.scalars(stmt).all())


def token(token_id: int) -> ApiToken:
    """One token by id, whoever holds it: the caller checks who may manage it."""
    return one(select(ApiToken).where(ApiToken.id == token_id), "token")


def users_page(role: str | None, district: str | None, q: str, page: int, per_page: int) -> dict:
    """A page of accounts by username, by role, district and any part of the username."""
    stmt = (
        select(User)
        .options(selectinload(User.markets), selectinload(User.merchant))
        .order_by(User.username)
    )
    if role:
        stmt = stmt.where(User.role == role)
    if district:
        stmt = stmt.where(User.district_code == district)
    if q:
        stmt = stmt.where(User.username.contains(q, autoescape=True))
    return paginate(stmt, page, per_page)


def user(user_id: int) -> User:
    """One account by id (the city officer's pages: every account)."""
    return one(select(User).where(User.id == user_id), "user")
