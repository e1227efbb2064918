"""The daily expiry job: exposure entries leave publication when their window ends
(行政处罚信息公示规定 第十三条), and a notice with none left in force expires."""

from __future__ import annotations

import logging
from datetime import date

from creditsvc.extensions import db
from creditsvc.services.publication import notices

log = logging.getLogger(__name__)


def expire_notices(today: date | None = None) -> dict[str, int]:
    """Expire what has run its course by `today` (default: the real today); commits once."""
    counts = notices.expire(today or date.today())
    db.session.commit()
    log.info("expired notice entries: %s", counts)
    return counts
