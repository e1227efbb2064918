"""The officers' to-do list at the top of the console home (issue 19): everything with a
deadline or awaiting a decision (`services.programme.queue`), soonest due first, with the
working days left from the holiday calendar, and a link to the page that does each step."""

from __future__ import annotations

from datetime import date

from flask import url_for

from creditsvc.principals import Principal
from creditsvc.services.instruments import queries as instrument_queries
from creditsvc.services.programme import queue

# The page that performs each kind's step.
PAGES = {
    "objection": lambda i: url_for("console.objection", objection_id=i),
    "repair": lambda i: url_for("console.repair", repair_id=i),
    "reply": lambda i: url_for("console.reply", reply_id=i),
    "withdrawal": lambda i: url_for("console.notice", notice_id=i),
    "notice": lambda i: url_for("console.notice", notice_id=i),
    "penalty_publication": lambda i: url_for("console.penalty", penalty_id=i),
    "community": lambda i: url_for("console.community", community_id=i),
    "demonstration_unit": lambda i: url_for("console.unit", unit_id=i),
    "instrument": lambda i: url_for("verification.instrument", instrument_id=i),
    "fair_scale_alert": lambda i: _inspection_of_alert(i),
}


def _inspection_of_alert(alert_id: int) -> str | None:
    """A fair-scale alert closes with an inspection of its business: the form, filled in."""
    found = instrument_queries.alert(alert_id)
    return url_for("console.new_inspection", merchant=found.merchant.uscc) if found else None


def page_of(item: dict) -> str | None:
    """The console page of an item's step, or None for a kind without one yet."""
    link = PAGES.get(item["kind"])
    return link(item["id"]) if link else None


def todo(p: Principal, district: str | None, today: date) -> list[dict]:
    """The queue in the district in view (the city officer: all, or the one picked), each
    item with the address of the page that does its step."""
    return [
        {**item, "page": page_of(item)}
        for item in queue.queue(p, today)
        if district is None or item["district"] == district
    ]
