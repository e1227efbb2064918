"""The render job: publish one approved notice (PDF rendered, stored once, marked).

Thin and takes ids: the notice, its status row (JobRun, kind "render") and who asked.
A failure is recorded on the notice (`render_error`) and the status row, then raised.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from creditsvc import unit_of_work
from creditsvc.extensions import db
from creditsvc.jobs import QueueUnavailable, runs
from creditsvc.models import Notice
from creditsvc.services import jobruns
from creditsvc.services.publication import publishing

log = logging.getLogger(__name__)


def start_render(notice_id: int, run_id: str, actor: str) -> None:
    """Commit the request for publication (`notices.request_publication`) and queue its
    render job, or render here when there is no Redis (a refusal is then raised). If the
    queue does not take the job, the notice stays approved and says why, and the error is
    raised."""
    # The render job reads the request. Nothing is read after the commit until the job has
    # claimed its row: on SQLite the read would hold the claim back.
    unit_of_work.commit()
    try:
        runs.start(run_id, "render", render_notice, notice_id, run_id, actor)
    except QueueUnavailable as exc:
        publishing.record_failure(notice_id, actor, exc.message)
        unit_of_work.commit()
        raise


def render_after_commit(notice: Notice, *, run_id: str, actor: str, **_) -> None:
    """A corrected version was approved by a service (publication.withdrawal): its render
    job starts once the transaction that approved it commits."""
    unit_of_work.after_commit(partial(_start_committed, notice.id, run_id, actor))


def _start_committed(notice_id: int, run_id: str, actor: str) -> None:
    """Queue the render job, or render here when there is no Redis. A refusal or a queue
    that does not answer leaves the notice approved with its reason, on the officers'
    queue until it is published; the request that approved it has succeeded already."""
    try:
        runs.start(run_id, "render", render_notice, notice_id, run_id, actor)
    except QueueUnavailable as exc:
        publishing.record_failure(notice_id, actor, exc.message)
        unit_of_work.commit()
        log.warning("notice %s not queued for rendering: %s", notice_id, exc.message)


def render_notice(notice_id: int, run_id: str, actor: str) -> dict:
    runs.claim(run_id)
    stored: Path | None = None
    try:
        stored = publishing.publish(notice_id, actor)
        unit_of_work.commit()  # then the public records it names are rebuilt
    except Exception as exc:
        db.session.rollback()
        if stored is not None:  # stored, but the publication did not commit
            publishing.discard(stored)
        error = publishing.failure(exc)
        message = error.message if error else runs.describe(type(exc), exc)
        publishing.record_failure(notice_id, actor, message)
        db.session.commit()  # end the transaction before the status write (SQLite)
        runs.failed(run_id, message)
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
