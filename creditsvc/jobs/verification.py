"""The verification registry's daily job (issue 20): notices of verifications falling
due, and the fair-scale alerts."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.reminders import deliver_mail
from creditsvc.services.instruments import alerts, reminders

log = logging.getLogger(__name__)


def verification_daily(today: date | None = None) -> dict[str, Any]:
    """Tell holders of instruments due within 30 days; open fair-scale alerts. Commits once."""
    today = today or clock.today()
    counts = {
        "due_notices": reminders.notify_due(today),
        "alerts_opened": len(alerts.raise_alerts(today)),
    }
    db.session.commit()
    log.info("verification registry: %s", counts)
    deliver_mail()
    return counts
