"""The render job: publish one approved notice (PDF rendered, stored once, marked).

Thin and takes ids: the notice, its status row (JobRun, kind "render") and who asked.
A failure is recorded on the notice (`render_error`) and the status row, then raised.
"""

from __future__ import annotations

import logging
from pathlib import Path

from creditsvc.extensions import db
from creditsvc.models import Notice
from creditsvc.services import jobruns
from creditsvc.services.publication import publishing

log = logging.getLogger(__name__)


def render_notice(notice_id: int, run_id: str, actor: str) -> dict:
    stored: Path | None = None
    try:
        stored = publishing.publish(notice_id, actor)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        if stored is not None:  # stored, but the publication did not commit
            publishing.discard(stored)
        error = publishing.failure(exc)
        message = error.message if error else f"{type(exc).__name__}: {exc}"
        publishing.record_failure(notice_id, actor, message)
        db.session.commit()  # end the transaction before the status write (SQLite)
        jobruns.fail(run_id, message)
        log.warning("notice %s not published: %s", notice_id, message)
        if error is None or error is exc:
            raise
        raise error from exc
    notice = db.session.get(Notice, notice_id)
    result = {"notice": notice_id, "serial": notice.serial, "sha256": notice.sha256}
    db.session.commit()
    jobruns.finish(run_id, result, total=1)
    log.info("notice %s published as %s", notice_id, result["serial"])
    return result
