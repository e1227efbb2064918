"""The expiry jobs: exposure entries leave publication when their window ends
(行政处罚信息公示规定 第十三条), and a notice with none left in force expires; idempotency
keys are forgotten after IDEMPOTENCY_KEY_HOURS (issue 17)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from flask import current_app

from creditsvc import clock, unit_of_work
from creditsvc.extensions import db
from creditsvc.models.base import utcnow
from creditsvc.services import idempotency
from creditsvc.services.publication import notices

log = logging.getLogger(__name__)


def expire_notices(today: date | None = None) -> dict[str, int]:
    """Expire what has run its course by `today` (default: the real today); commits once."""
    counts = notices.expire(today or clock.today())
    unit_of_work.commit()  # then the public records they named are rebuilt
    log.info("expired notice entries: %s", counts)
    return counts


def expire_idempotency_keys() -> int:
    """Forget the idempotency keys older than IDEMPOTENCY_KEY_HOURS; commits once."""
    hours = current_app.config["IDEMPOTENCY_KEY_HOURS"]
    forgotten = idempotency.expire(utcnow() - timedelta(hours=hours))
    db.session.commit()
    log.info("forgot %d idempotency keys", forgotten)
    return forgotten
