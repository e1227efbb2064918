"""Rebuilding businesses' stored public records after a change (services.public_answers):
queued once the change commits, on the `public` queue, a batch of businesses a job."""

from __future__ import annotations

import logging
from functools import partial

from flask import current_app

from creditsvc import unit_of_work
from creditsvc.extensions import db
from creditsvc.jobs import enqueue
from creditsvc.services.publication import public_answers, public_cache

log = logging.getLogger(__name__)


def refresh_after_commit(_sender, *, merchant_ids, **_) -> None:
    """Something a public record shows changed: its rebuild starts once the change is
    committed (a rollback starts none)."""
    if public_cache.kept_at_all() and len(merchant_ids):
        ids = sorted({int(i) for i in merchant_ids})
        unit_of_work.after_commit(partial(refresh_soon, ids))


def refresh_soon(merchant_ids: list[int]) -> None:
    """Queue the rebuild in batches of PUBLIC_REFRESH_BATCH businesses (in-process without
    Redis). A queue that does not take it is logged: the answers in Redis are then
    replaced no later than PUBLIC_ANSWER_SECONDS, or by the next change or nightly roll."""
    size = current_app.config["PUBLIC_REFRESH_BATCH"]
    for start in range(0, len(merchant_ids), size):
        enqueue("public", refresh_records, merchant_ids[start : start + size])


def refresh_records(merchant_ids: list[int]) -> dict:
    """Rebuild these businesses' stored records; reads only."""
    done = public_answers.refresh(merchant_ids)
    db.session.rollback()  # nothing was written; end the read transaction
    log.info("public records of %d businesses rebuilt: %s", len(merchant_ids), done)
    return done
