"""A business's standing as its merchant (the portal) and officers (the console) read
it: the grade's name under the policy it was computed by, and the chart of the score."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from creditsvc.models import Merchant
from creditsvc.services.standing import policies
from creditsvc.services.standing import queries as standing
from creditsvc.web import labels
from creditsvc.web.charts import Band, Marker, Point, score_chart
from scoring.policy import Policy


def standing_context(merchant: Merchant) -> dict:
    """What a standing page shows: `s` (services.standing.of), the `policy` it was
    computed under, the grade's name and the chart."""
    found = standing.of(merchant)
    policy = policies.version(found["policy_version"]) or policies.current()
    return {
        "s": found,
        "policy": policy,
        "grade_name": labels.grade_label(policy, found["grade"] if found["rated"] else None),
        "chart": standing_chart(found["history"], policy, found["next_improvement"]),
    }


def standing_chart(history: list, policy: Policy, rise: dict) -> Markup:
    """A business's score over time in its grade bands, with the day its grade rises
    by time alone marked: the same chart for the merchant and for officers."""
    # Several rescorings on one day: the day's last one is that day's score.
    by_day = {s.as_of: s for s in history}
    points = [Point(day, s.score if s.rated else None) for day, s in by_day.items()]
    bands = [
        Band(g["grade"], g["min"], labels.grade_label(policy, g["grade"])) for g in policy.grades
    ]
    rated = [p for p in points if p.score is not None]
    if rated:
        first, last = rated[0], rated[-1]
        summary = _(
            "Score from %(first)s on %(start)s to %(last)s on %(end)s.",
            first=round(first.score, 1),
            start=first.day.isoformat(),
            last=round(last.score, 1),
            end=last.day.isoformat(),
        )
    else:
        summary = _("No rated score yet.")
    marker = None
    if rated and rise.get("date"):
        day = rise["date"].isoformat()
        marker = Marker(rise["date"], _("%(grade)s from %(date)s", grade=rise["grade"], date=day))
        summary += " " + _(
            "Grade %(grade)s from %(date)s if nothing new is recorded.",
            grade=rise["grade"],
            date=day,
        )
    return score_chart(points, bands, _("Score over time"), summary, marker)
