"""Self-commitments (诚信计量自我承诺书): sign, record from paper, withdraw.

Every signing is a row of `commitments`; `Merchant.commitment_signed_on` mirrors the one
in force, because the scorecard, the honor roll and the acceptance draws read it there.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, func, insert, literal, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Commitment, CommitmentStatus, Merchant
from creditsvc.models.base import UTCDateTime, utcnow
from creditsvc.principals import MERCHANT, Principal
from creditsvc.services import audit, lifecycle
from creditsvc.services.accounts import notifications
from creditsvc.services.errors import Conflict, Invalid
from creditsvc.services.registry.queries import merchant_in_scope

# A scanned paper commitment: PDF, JPEG or PNG, recognised by its first bytes (the name
# and the declared type of an upload are whatever the sender says).
DOCUMENT_TYPES = (
    ("application/pdf", ".pdf", b"%PDF-"),
    ("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    ("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
)


# The self-commitment a merchant signs in the portal (诚信计量自我承诺书), as signed: in
# Chinese, the language of the document (reference/rules.md §5).
COMMITMENT_TITLE = "诚信计量自我承诺书"
COMMITMENT_PLEDGES = (
    "遵守《中华人民共和国计量法》及相关法律法规，依法使用计量器具；",
    "使用的强制检定计量器具按期申请检定，不使用未经检定、超过检定周期或者检定不合格的计量器具；",
    "不破坏计量器具准确度，不伪造计量数据，不短斤缺两；",
    "所售商品的计量结果误差不超过国家规定的允许误差；",
    "建立计量器具台账，配合市场监督管理部门的监督检查；",
    "自觉接受社会监督，如有违反，愿承担相应法律责任并接受信用惩戒。",
)


def document_type(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) of a PDF, JPEG or PNG file; None for anything else."""
    for media_type, extension, magic in DOCUMENT_TYPES:
        if data.startswith(magic):
            return media_type, extension
    return None


def in_force(merchant_id: int) -> Commitment | None:
    stmt = select(Commitment).where(
        Commitment.merchant_id == merchant_id, Commitment.withdrawn_on.is_(None)
    )
    return db.session.scalar(stmt)


def signer(p: Principal, uscc: str | None) -> Merchant:
    """The merchant a commitment is for: the caller itself, or one in the officer's scope."""
    if p.role == MERCHANT:
        return db.session.get(Merchant, p.merchant_id)
    if not uscc:
        raise Invalid("name the merchant whose signed commitment you record", "merchant")
    return merchant_in_scope(p, uscc)


def _store(data: bytes) -> tuple[str, str, str]:
    """Keep the scan under STORAGE_DIR, named by its SHA-256: (file name, type, sha256)."""
    limit = current_app.config["COMMITMENT_DOCUMENT_MAX_BYTES"]
    if not data:
        raise Invalid("the document is empty", "document", "files")
    if len(data) > limit:
        raise Invalid(f"the document exceeds {limit} bytes", "document", "files")
    kind = document_type(data)
    if kind is None:
        raise Invalid("the document must be a PDF, JPEG or PNG file", "document", "files")
    digest = hashlib.sha256(data).hexdigest()
    name = f"commitments/{digest}{kind[1]}"
    path = Path(current_app.config["STORAGE_DIR"]) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(data)
    return name, kind[0], digest


def document_path(commitment: Commitment) -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / commitment.document_file


def sign(
    p: Principal,
    merchant: Merchant,
    signed_on: date | None,
    document: bytes | None,
    today: date | None = None,
) -> Commitment:
    """A merchant signs in the portal today; an officer records a paper commitment with
    the date it was signed and its scan."""
    today = today or clock.today()
    officer = p.role != MERCHANT
    if officer and document is None:
        raise Invalid("attach the scan of the signed commitment", "document", "files")
    signed_on = signed_on if officer and signed_on else today
    if signed_on > today:
        raise Invalid("a commitment cannot be signed in the future", "signed_on", "form")
    if in_force(merchant.id) is not None:
        raise Conflict("the merchant's commitment is in force already; withdraw it first")
    commitment = Commitment(
        merchant=merchant,
        signed_on=signed_on,
        channel="officer" if officer else "portal",
        recorded_by=p.name,
    )
    if document is not None:
        commitment.document_file, commitment.document_type, commitment.document_sha256 = _store(
            document
        )
        commitment.document_bytes = len(document)
    db.session.add(commitment)
    merchant.commitment_signed_on = signed_on
    audit.record(p.name, "sign", commitment)
    _tell(
        commitment,
        "诚信计量自我承诺已签署",
        f"{merchant.name}于{signed_on.isoformat()}签署诚信计量自我承诺书。",
    )
    return commitment


def withdraw(p: Principal, commitment: Commitment, reason: str, today: date | None = None):
    lifecycle.require(commitment, CommitmentStatus.IN_FORCE)
    before = audit.state(commitment)
    commitment.withdrawn_on = today or clock.today()
    commitment.withdrawn_by, commitment.withdraw_reason = p.name, reason
    commitment.merchant.commitment_signed_on = None
    audit.record(p.name, "withdraw", commitment, before=before, reason=reason)
    merchant = commitment.merchant
    _tell(
        commitment, "诚信计量自我承诺已撤回", f"{merchant.name}的诚信计量自我承诺已撤回：{reason}"
    )
    return commitment


def _tell(commitment: Commitment, subject: str, body: str) -> None:
    merchant = commitment.merchant
    people = notifications.merchant_users(merchant.id) + notifications.district_officers(
        merchant.district_code
    )
    notifications.notify(people, subject, body, "commitment", commitment.id)


def record_registry_dates(actor: str) -> int:
    """A commitment for each merchant whose `commitment_signed_on` was set with none in
    force (the demo city's registry), so that every signing has its history row."""
    in_force_row = exists().where(
        Commitment.merchant_id == Merchant.id, Commitment.withdrawn_on.is_(None)
    )
    missing = (Merchant.commitment_signed_on.is_not(None), ~in_force_row)
    count = db.session.scalar(select(func.count(Merchant.id)).where(*missing))
    rows = select(
        Merchant.id,
        Merchant.commitment_signed_on,
        literal("registry"),
        literal(actor),
        literal(utcnow(), UTCDateTime),
    ).where(*missing)
    columns = ["merchant_id", "signed_on", "channel", "recorded_by", "recorded_at"]
    # One INSERT … SELECT: a city-scale demo registry is never read into Python.
    db.session.execute(insert(Commitment.__table__).from_select(columns, rows))
    return count or 0
