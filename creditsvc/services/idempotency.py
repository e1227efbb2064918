"""Idempotency keys (IETF draft "The Idempotency-Key HTTP Header Field"): the answer a
caller's key was first given, found again for a retry and stored with the change."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from creditsvc.extensions import db
from creditsvc.models import IdempotentRequest
from creditsvc.models.base import utcnow
from creditsvc.services.errors import Conflict, Invalid


@dataclass(frozen=True)
class Attempt:
    """One request sent under a key: who sent it, the key, the request (method and path,
    a hash of the body), and where the key came from (for an error naming it)."""

    principal: str
    key: str
    request_line: str
    body_sha256: str
    field: str
    location: str


class KeyTaken(Conflict):
    """A parallel request with the same key stored its change first."""


def attempt_of(
    principal: str, key: str, request_line: str, body: bytes, field: str, location: str
) -> Attempt:
    """The attempt of a request: its body is known by its SHA-256."""
    digest = hashlib.sha256(body).hexdigest()
    return Attempt(principal, key, request_line, digest, field, location)


def previous(attempt: Attempt, kept_hours: int) -> IdempotentRequest | None:
    """The answer stored under the attempt's key, or None (never used, or expired).

    The same key sent with another request is refused (422), as the draft asks: the
    caller reused a key, and answering the first request's result would mislead it."""
    row = db.session.get(IdempotentRequest, (attempt.principal, attempt.key))
    if row is None:
        return None
    if row.created_at < utcnow() - timedelta(hours=kept_hours):
        db.session.delete(row)  # expired, not swept yet: the key is free again
        db.session.flush()
        return None
    if (row.request_line, row.body_sha256) != (attempt.request_line, attempt.body_sha256):
        raise Invalid(
            f"this key was first sent with another request ({row.request_line} with "
            "another body); send a new key with a new request",
            field=attempt.field,
            location=attempt.location,
        )
    return row


def remember(
    attempt: Attempt, status: int, content_type: str | None, body: str, location: str | None
) -> None:
    """Store the answer with the change it answers (flushed, in the same transaction).

    Raises KeyTaken when a parallel request under the same key has stored its own: on
    PostgreSQL the insert waits for that request's commit, then meets its row."""
    db.session.flush()  # the change's own errors are its own, not the key's
    db.session.add(
        IdempotentRequest(
            principal=attempt.principal,
            key=attempt.key,
            request_line=attempt.request_line,
            body_sha256=attempt.body_sha256,
            status=status,
            content_type=content_type,
            body=body,
            location=location,
        )
    )
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise KeyTaken("a request with this key was answered first", field=attempt.field) from exc


def expire(before: datetime) -> int:
    """Forget the keys stored before `before`; returns how many (the caller commits)."""
    result = db.session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < before)
    )
    return result.rowcount or 0
