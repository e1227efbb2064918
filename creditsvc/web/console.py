"""The officer console (区局/市局 管理台): the district dashboard.

The console's other pages live in `console_*.py` modules on the same blueprint: evidence
forms, spreadsheet imports, the notice workflow and the audit log.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.models.base import utcnow
from creditsvc.principals import OFFICERS
from creditsvc.services import dashboard as figures
from creditsvc.services.standing import policies

# The routes of these modules register on the console blueprint when imported here.
from creditsvc.web import (  # noqa: F401
    console_audit,
    console_calendar,
    console_commitments,
    console_communities,
    console_evidence,
    console_imports,
    console_merchants,
    console_notices,
    console_plans,
    console_risk,
    console_units,
)
from creditsvc.web.charts import Bar, column_chart, row_chart
from creditsvc.web.console_common import bp, district_in_view
from creditsvc.web.labels import COMPLAINT_STATUS_LABELS, grade_label


def grade_distribution(district: str | None) -> list[dict]:
    """Merchants by current grade; a merchant never scored or not rated is unrated."""
    counts = figures.grade_counts(auth.current(), district)
    policy = policies.current()
    return [
        {"grade": g, "label": grade_label(policy, g), "count": counts.get(g, 0)}
        for g in (*(row["grade"] for row in policy.grades), None)
    ]


def grade_chart(grades: list[dict]):
    bars = [
        Bar(g["grade"] or g["label"], g["count"], str(g["count"]), f"grade-{g['grade'] or 'none'}")
        for g in grades
    ]
    return column_chart(bars, _("Merchants by grade"))


def short_rate_chart(markets: list[dict]):
    bars = [
        Bar(m["market"].name, m["rate"] or 0, f"{(m['rate'] or 0):.1%}", "short")
        for m in markets
        if m["rate"] is not None
    ]
    return row_chart(bars, _("Short-weight rate of fair-scale re-weighs by market"))


@bp.get("/")
@allow(*OFFICERS)
def dashboard():
    p, district = auth.current(), district_in_view()
    today, now = clock.today(), utcnow()
    complaints, complaints_total = figures.open_complaints(p, district, today)
    grades, markets = grade_distribution(district), figures.short_rates(p, district, now)
    return render_template(
        "console/dashboard.html",
        district=district,
        grades=grades,
        grade_chart=grade_chart(grades),
        short_rate_chart=short_rate_chart(markets),
        trending=figures.worst_trending(p, district, today),
        trend_days=figures.TREND_DAYS,
        markets=markets,
        short_days=figures.SHORT_RATE_DAYS,
        complaints=complaints,
        complaints_total=complaints_total,
        statuses=COMPLAINT_STATUS_LABELS,
    )
