"""Who is calling: the roles, the principal a request or job acts as, and its scope's facts.

Free of Flask, so services, jobs and the CLI can name a caller without a request. How a
request finds its principal (bearer token or browser session) is `creditsvc.auth`'s.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from creditsvc.models import Device, User

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
# People who log in to pages (a device posts readings and the public needs no account).
PERSONS = (CITY, DISTRICT, HOST, ASSOCIATION, MERCHANT)
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
