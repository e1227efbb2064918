"""Reading accounts: API tokens, a person's own or a fair scale's."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import ApiToken, Device, User
from creditsvc.services.reads import one


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
