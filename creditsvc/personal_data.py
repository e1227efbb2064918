"""Encryption of personal data (a complainant's contact details) at rest.

Fernet (AES-128-CBC with HMAC-SHA256) under PERSONAL_DATA_KEY. Without the key a
database dump shows no contact; the key lives outside the database (environment,
or a file in the instance folder created on first use with mode 0600).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet() -> Fernet:
    return Fernet(current_app.config["PERSONAL_DATA_KEY"])


def seal(text: str | None) -> bytes | None:
    return _fernet().encrypt(text.encode()) if text else None


def unseal(token: bytes | None) -> str | None:
    if not token:
        return None
    try:
        return _fernet().decrypt(token).decode()
    except InvalidToken:
        current_app.logger.error("a personal-data field could not be decrypted: wrong key?")
        return None
