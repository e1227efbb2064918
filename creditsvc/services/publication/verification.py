"""Checking a PDF anyone uploads to `/verify`: is it the bureau's (its signature is valid
with the bureau's certificate), intact (unchanged since signing, and byte for byte a
document the bureau stored), and still in force (the document's status).

A file's SHA-256 is compared with the digests stored at publication, so even a change the
signature does not cover (the unused space reserved for it) shows as altered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import Notice
from creditsvc.services.errors import DomainError, Invalid
from creditsvc.services.publication import public, signing
from creditsvc.workdays import SHANGHAI
from notices.signing import Verdict, check_signature


class TooLarge(DomainError):
    """The upload is larger than VERIFY_UPLOAD_MAX_BYTES (413)."""

    status = 413


class Outcome(StrEnum):
    AUTHENTIC = "authentic"  # signed by the bureau and byte for byte a document it issued
    # Byte for byte a document the bureau issued, but not signed with the certificate now
    # configured: issued before documents were signed, or signed with an earlier one.
    ISSUED = "issued"
    ALTERED = "altered"  # signed by the bureau, then changed
    FOREIGN = "foreign"  # neither signed by the bureau nor a document it issued
    UNREADABLE = "unreadable"  # not a PDF


@dataclass(frozen=True)
class UploadCheck:
    """The answer for one uploaded file. `document` is the public summary of the document
    the file is (`matched`) or, failing that, the one whose serial it carries."""

    outcome: Outcome
    sha256: str
    signer: str | None = None
    signed_at: datetime | None = None
    document: dict[str, Any] | None = None
    matched: bool = False


def upload_limit() -> int:
    """The largest file checked, in bytes."""
    limit: int = current_app.config["VERIFY_UPLOAD_MAX_BYTES"]
    return limit


def check_upload(data: bytes) -> UploadCheck:
    """What can be said of an uploaded file; Invalid when empty, TooLarge over the limit."""
    if not data:
        raise Invalid("choose a PDF file to check", "file", "form")
    if len(data) > upload_limit():
        raise TooLarge(f"the file is larger than {upload_limit()} bytes", "file", "form")
    digest = hashlib.sha256(data).hexdigest()
    found = check_signature(data, signing.certificate())
    if found.verdict == Verdict.NOT_PDF:
        return UploadCheck(Outcome.UNREADABLE, digest)
    notice = _issued(Notice.sha256 == digest)
    matched = notice is not None
    if notice is None and found.serial:
        notice = _issued(Notice.serial == found.serial)
    return UploadCheck(
        outcome=_outcome(found.verdict, matched),
        sha256=digest,
        signer=found.signer,
        signed_at=found.signed_at.astimezone(SHANGHAI) if found.signed_at else None,
        document=public.document_summary(notice) if notice else None,
        matched=matched,
    )


def _issued(condition) -> Notice | None:
    """A document issued (it has a serial) that meets `condition`."""
    stmt = select(Notice).where(Notice.serial.is_not(None), condition).limit(1)
    return db.session.scalar(stmt)


def _outcome(verdict: Verdict, matched: bool) -> Outcome:
    if verdict == Verdict.SIGNED:
        # A valid signature on bytes the bureau never stored: changed where the signature
        # does not reach, or signed by the bureau's key elsewhere than this service.
        return Outcome.AUTHENTIC if matched else Outcome.ALTERED
    if verdict == Verdict.ALTERED:
        return Outcome.ALTERED
    return Outcome.ISSUED if matched else Outcome.FOREIGN
