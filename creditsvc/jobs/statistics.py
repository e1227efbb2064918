"""The nightly statistics refresh: thin, commits once, logs (issue 22)."""

from __future__ import annotations

import logging

from flask import current_app

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.services.statistics import refresh

log = logging.getLogger(__name__)


def refresh_statistics(everything: bool = False) -> dict[str, int]:
    """Recompute the latest STATISTICS_NIGHTLY_MONTHS months (every month shown with
    `everything`) from the snapshots, readings and notices; commits once."""
    months = None if everything else current_app.config["STATISTICS_NIGHTLY_MONTHS"]
    counts = refresh.refresh(clock.today(), months)
    db.session.commit()
    log.info("statistics refreshed: %s", counts)
    return counts
