"""The public-holiday calendar: anyone reads it, the city officer keeps it current."""

from __future__ import annotations

from datetime import date

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import extract, select

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.extensions import db
from creditsvc.models import CalendarDay
from creditsvc.principals import CITY, PUBLIC
from creditsvc.services import calendar

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="Holiday calendar")


class CalendarArgs(Schema):
    year = fields.Int(required=True, validate=validate.Range(min=2000, max=2100))


class DayIn(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(["holiday", "workday"]))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=32))


class DayOut(Schema):
    day = fields.Date()
    kind = fields.Str()
    name = fields.Str()


@blp.route("")
class Calendar(MethodView):
    @allow(PUBLIC)
    @blp.arguments(CalendarArgs, location="query")
    @blp.response(200, DayOut(many=True))
    def get(self, args):
        """Holidays and make-up working days of a year."""
        stmt = select(CalendarDay).where(extract("year", CalendarDay.day) == args["year"])
        return db.session.scalars(stmt.order_by(CalendarDay.day)).all()


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
        row = db.session.get(CalendarDay, _parse(day))
        if row is None:
            abort(404, message=f"{day} is an ordinary day already")
        calendar.remove_day(auth.current(), row)


def _parse(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        abort(422, message="the day must be YYYY-MM-DD", errors={"path": {"day": ["not a date"]}})
