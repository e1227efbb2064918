"""Publishing an approved notice: serial, publication windows, PDF signed by the bureau,
stored once.

The PDF is written to a temporary file beside its final name and renamed into place,
so no reader ever sees half a document; if storing fails the notice stays approved
with its `render_error`, and nothing is left behind.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.links import base_url, site_url, verify_url
from creditsvc.models import Merchant, Notice, NoticeEntry, NoticeStatus
from creditsvc.models.base import utcnow
from creditsvc.services import audit, lifecycle
from creditsvc.services.errors import Conflict, DomainError
from creditsvc.services.publication import signing
from creditsvc.services.publication.notices import (
    RENDER_KINDS,
    announce,
    bureau_name,
    check_entries,
    check_predecessor,
    require_public_address,
)
from creditsvc.services.standing import policies
from creditsvc.workdays import add_months
from notices.render import RenderedDocument, render_pdf
from notices.serials import make_serial

AUDIT_REASON_MAX = 512
# There is no watermark in `notices/`: the preview's printed title says it is a draft
# that has not been published, and its serial and QR do not verify until it is.
PREVIEW_MARK = "【预览·未发布】"


class StorageFailed(DomainError):
    """The PDF could not be stored (disk full, read-only volume): try again later (503)."""

    status = 503


class RenderRefused(DomainError):
    """The renderer refused the document's data (422)."""

    status = 422


def storage_path(file_name: str) -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / file_name


def write_whole(file_name: str, data: bytes) -> Path:
    """Write `data` under STORAGE_DIR: a temporary file, flushed to disk, then renamed."""
    target = storage_path(file_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target


def discard(path: Path) -> None:
    with suppress(FileNotFoundError):
        path.unlink()


def _open_windows(notice: Notice, today: date) -> None:
    """Exposure windows run from the first publication: a correction keeps the dates."""
    first = {}
    if notice.supersedes is not None:
        first = {e.penalty_id: e.published_on for e in notice.supersedes.entries if e.penalty_id}
    for entry in notice.entries:
        entry.published_on = first.get(entry.penalty_id) or today
        if entry.window_months:
            entry.ends_on = add_months(entry.published_on, entry.window_months)


def _uscc(entry: NoticeEntry) -> str:
    """The entry's business's USCC: drafts made before entries carried it (and exposure
    entries of individual businesses, which left it out) read it from the registry."""
    return entry.content.get("uscc") or db.session.get(Merchant, entry.merchant_id).uscc


def _exposure(notice: Notice, today: date) -> dict[str, Any]:
    keys = (
        "business_name",
        "address",
        "violation_name",
        "obligation_article",
        "penalty_article",
        "penalty_summary",
        "decision_number",
        "decision_date",
    )
    entries = [
        {k: e.content[k] for k in keys} | {"uscc": _uscc(e), "window_end": e.ends_on}
        for e in notice.entries
    ]
    return {
        "district": notice.district.name_zh,
        "period_from": notice.period_start,
        "period_to": notice.period_end,
        "issued_on": today,
        "entries": entries,
    }


def _honor_roll(notice: Notice, today: date) -> dict[str, Any]:
    keys = ("street", "trade", "name", "grade", "address", "demonstration")
    entries = [{k: e.content[k] for k in keys} | {"uscc": _uscc(e)} for e in notice.entries]
    return {
        "district": notice.district.name_zh,
        "as_of": notice.as_of,
        "grade_label": policies.current().grade_label("A"),
        "entries": entries,
    }


def _demonstration(notice: Notice, today: date) -> dict[str, Any]:
    communities = [
        # "designated": the renderer's own status (notices.context.DEMONSTRATION_STATUS)
        {
            "name": f"{e.content['name']}（{e.content['street']}）",
            "status": "designated",
            "designated_on": e.content["accepted_on"],
            "units": [],
        }
        for e in notice.entries
    ]
    return {"district": notice.district.name_zh, "as_of": notice.as_of, "communities": communities}


def _placard(notice: Notice, today: date) -> dict[str, Any]:
    content = notice.entries[0].content
    return {
        "merchant_name": content["name"],
        "uscc": content["uscc"],
        "address": content["address"],
        "grade": content["grade"],
        "grade_label": content["grade_label"],  # as drafted and approved, from the policy
        "as_of": content["as_of"],
        "public_url": site_url(f"/merchants/{content['uscc']}"),
        "demonstration": content.get("demonstration", False),
    }


CONTEXTS = {
    "exposure": _exposure,
    "honor_roll": _honor_roll,
    "demonstration": _demonstration,
    "placard": _placard,
}


def context(notice: Notice, serial: str, today: date) -> dict[str, Any]:
    """The plain dict the renderer's schema for this kind validates."""
    common = {
        "bureau": bureau_name(notice.district),
        "serial": serial,
        "verify_url": verify_url(serial),
        "document_title": notice.title,
    }
    return common | CONTEXTS[notice.kind](notice, today)


def render(kind: str, document: dict[str, Any]) -> RenderedDocument:
    """The notice's PDF from its context; RenderRefused when the renderer refuses the data,
    PublicAddressRefused when the address it would print is not the public's."""
    require_public_address()
    try:
        return render_pdf(RENDER_KINDS[kind], document, base_url=base_url())
    except (ValidationError, ValueError) as exc:
        detail = exc.messages if isinstance(exc, ValidationError) else str(exc)
        raise RenderRefused(f"the document cannot be rendered: {detail}") from exc


def preview(notice: Notice, today: date) -> bytes:
    """The PDF as it would be published today, through publication's own context and
    renderer, its title marked as a preview. Publication windows are opened inside a
    savepoint that is rolled back, so nothing of the preview is stored."""
    serial = make_serial(notice.district_code, today.year, notice.id)
    savepoint = db.session.begin_nested()
    try:
        _open_windows(notice, today)  # the windows publishing would open
        document = context(notice, serial, today)
    finally:
        savepoint.rollback()
    document["document_title"] = PREVIEW_MARK + notice.title
    return render(notice.kind, document).pdf


def publish(notice_id: int, actor: str, today: date | None = None) -> Path:
    """Render and store the PDF, then mark the notice published; returns the stored file.
    Raises OSError when the file cannot be stored, before anything is marked."""
    # Locked: a second publication of the same notice waits, then finds it published.
    notice = db.session.scalar(
        select(Notice)
        .where(Notice.id == notice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if notice is None or notice.status != NoticeStatus.APPROVED:
        raise Conflict(f"notice {notice_id} is not approved for publication")
    check_predecessor(notice)
    check_entries(notice)
    old = notice.supersedes
    today = today or clock.today()
    serial = make_serial(notice.district_code, today.year, notice.id)
    _open_windows(notice, today)
    rendered = signing.signed(render(notice.kind, context(notice, serial, today)))
    file_name = f"notices/{serial}.pdf"
    path = write_whole(file_name, rendered.pdf)
    before = audit.state(notice)
    lifecycle.move(notice, NoticeStatus.PUBLISHED)
    notice.serial, notice.file_name = serial, file_name
    notice.sha256, notice.pages = rendered.sha256, rendered.pages
    notice.published_on, notice.published_by, notice.published_at = today, actor, utcnow()
    notice.render_error = None
    audit.record(actor, "publish", notice, before=before)
    if old is not None:
        before = audit.state(old)
        lifecycle.move(old, NoticeStatus.SUPERSEDED)
        audit.record(actor, "supersede", old, before=before, reason=f"更正版本 {serial}")
    announce([notice] if old is None else [notice, old])
    return path


def failure(exc: BaseException) -> DomainError | None:
    """The error a failed publication answers with, or None for an unexpected one."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return StorageFailed(
            f"the PDF could not be stored ({reason}); the notice stays approved and "
            "unpublished: publish it again once storage is available"
        )
    return None


def record_failure(notice_id: int, actor: str, message: str) -> None:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.status != NoticeStatus.APPROVED:
        return
    before = audit.state(notice)
    notice.render_error = message
    audit.record(actor, "render_failed", notice, before=before, reason=message[:AUDIT_REASON_MAX])
