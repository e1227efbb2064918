"""The public-holiday calendar: anyone reads it, the city officer keeps it current."""

from __future__ import annotations

from datetime import date

from flask.views import MethodView
from flask_smorest import abort

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import CITY, PUBLIC
from creditsvc.schemas.admin import CalendarArgs, DayIn, DayOut
from creditsvc.schemas.common import date_range
from creditsvc.services import calendar

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="Holiday calendar")


@blp.route("")
class Calendar(MethodView):
    @allow(PUBLIC)
    @blp.arguments(CalendarArgs, location="query")
    @blp.response(200, DayOut(many=True))
    def get(self, args):
        """Holidays and make-up working days of a year."""
        return calendar.days_of_year(args["year"])


@blp.route("/<string:day>")
class CalendarItem(MethodView):
    @allow(CITY)
    @blp.arguments(DayIn)
    @blp.response(200, DayOut)
    def put(self, data, day):
        """Mark a day a holiday or a make-up working day (from the State Council notice)."""
        row = calendar.set_day(auth.current(), _parse(day), data["kind"], data["name"])
        return row

    @allow(CITY)
    @blp.response(204)
    def delete(self, day):
        """Return a day to the ordinary week."""
        row = calendar.marked_day(_parse(day))
        if row is None:
            abort(404, message=f"{day} is an ordinary day already")
        calendar.remove_day(auth.current(), row)


def _parse(day: str) -> date:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(422, message="the day must be YYYY-MM-DD", errors={"path": {"day": ["not a date"]}})
    earliest, latest = date_range()
    if not earliest <= parsed <= latest:
        reason = f"must be from {earliest.isoformat()} to {latest.isoformat()}"
        abort(422, message=f"the day {reason}", errors={"path": {"day": [reason]}})
    return parsed
