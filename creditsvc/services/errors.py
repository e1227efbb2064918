"""Errors a domain verb raises; the app turns them into the one error body."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    retry_after: int | None = None  # seconds, sent as Retry-After: the caller may try again

    def __init__(self, message: str, field: str | None = None, location: str = "json") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.location = location

    def errors(self) -> dict:
        return {self.location: {self.field: [self.message]}} if self.field else {}


class Invalid(DomainError):
    """The input is well-formed but names something that does not fit (422)."""

    status = 422


class Forbidden(DomainError):
    """The caller's role or scope does not allow this change (403)."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The change clashes with what is stored, e.g. a duplicate key (409)."""

    status = 409


class TooLarge(DomainError):
    """The input is more than this deployment takes in one request (413)."""

    status = 413
