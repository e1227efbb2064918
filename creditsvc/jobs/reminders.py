"""The daily reminders of the honest-metrology programme, and the mailing of
notifications where a mail server is configured."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import current_app

from creditsvc import clock, unit_of_work
from creditsvc.extensions import db
from creditsvc.jobs import enqueue
from creditsvc.services import calendar
from creditsvc.services.accounts import notifications
from creditsvc.services.appeals import objections, repairs
from creditsvc.services.programme import communities

log = logging.getLogger(__name__)


def send_reminders(today: date | None = None) -> dict[str, Any]:
    """Re-evaluations coming due (COMMUNITY_REMINDER_DAYS ahead), objections (社会信用条例
    第三十六条) and repair applications due within a working day; each reminded once.
    Commits once. "Within a working day" needs the holiday calendar of the days ahead: when
    it is not loaded those reminders are not sent, and the result and the log say why."""
    today = today or clock.today()
    counts: dict[str, Any] = {"communities": communities.remind(today)}
    for kind, remind in (("objections", objections.remind), ("repairs", repairs.remind)):
        try:
            counts[kind] = remind(today)
        except calendar.CalendarYearMissing as exc:
            counts[kind] = None
            counts["calendar"] = exc.message
            log.warning("%s reminders not sent: %s", kind, exc.message)
    db.session.commit()
    log.info("programme reminders: %s", counts)
    deliver_mail()
    return counts


def mail_after_commit(_sender, **_) -> None:
    """People were notified: mail them once the change is committed, only where a mail
    server is configured."""
    unit_of_work.after_commit(_mail_soon)


def _mail_soon() -> None:
    if current_app.config.get("MAIL_SERVER"):
        enqueue("default", deliver_mail)


def deliver_mail() -> int:
    """Mail the notifications not mailed yet to people with an address; commits."""
    sent = notifications.send(notifications.unmailed())
    db.session.commit()
    if sent:
        log.info("mailed %d notifications", sent)
    return sent
