"""The holiday calendar in the console: the city officer loads a year from the State
Council's notice as a CSV of every day. Deadlines are counted only over loaded years
(services.calendar), so a year not loaded is named in a banner on every console page of
the city officer (issue 18)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from creditsvc import auth, clock
from creditsvc.auth import allow
from creditsvc.principals import CITY
from creditsvc.services import calendar
from creditsvc.web.console_common import bp

# The years a city officer may load: the notice comes out in the autumn before.
FIRST_YEAR = 2000


def _years_offered() -> list[int]:
    this = clock.today().year
    return [this - 1, this, this + 1, this + 2]


def _page(values: dict, errors: dict, rows: list[calendar.RowError], status: int = 200):
    return render_template(
        "console/calendar.html",
        loaded=[
            {"year": y.year, "by": y.loaded_by, "at": f"{clock.local(y.loaded_at):%Y-%m-%d %H:%M}"}
            for y in calendar.loaded_years()
        ],
        missing=calendar.years_needed_missing(),
        years=_years_offered(),
        values=values,
        errors=errors,
        rows=rows,
        kinds=calendar.CSV_KINDS,
    ), status


def _year(raw: str) -> int | None:
    try:
        year = int(raw)
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= clock.today().year + 2 else None


@bp.route("/calendar", methods=["GET", "POST"])
@allow(CITY)
def holiday_calendar():
    if request.method == "GET":
        return _page({}, {}, [])
    values = {"year": request.form.get("year", "")}
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    errors: dict[str, list[str]] = {}
    year = _year(values["year"])
    if year is None:
        errors["year"] = [_("Choose a year.")]
    if not data:
        errors["file"] = [_("Choose a non-empty CSV file.")]
    if errors or year is None:
        return _page(values, errors, [], 422)
    try:
        calendar.load_year(auth.current(), year, data)
    except calendar.CalendarFileInvalid as exc:
        message = _("The file has %(count)d error(s); nothing was loaded.", count=len(exc.rows))
        return _page(values, {"file": [message]}, exc.rows, 422)
    flash(_("The holiday calendar of %(year)d is loaded.", year=year), "info")
    return redirect(url_for("console.holiday_calendar"), 303)


@bp.get("/calendar/template.csv")
@allow(CITY)
def calendar_template():
    """A year to fill in: every day, its marked days as loaded, the rest ordinary weeks.

    Weekdays are worked and weekends rest unless marked; the officer marks the notice's
    days and uploads the file."""
    year = _year(request.args.get("year", "")) or clock.today().year + 1
    first, last = date(year, 1, 1), date(year, 12, 31)
    marked = calendar.known(first, last)
    names = {d.day: d.name for d in calendar.days_of_year(year)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(calendar.CSV_COLUMNS)
    day = first
    while day <= last:
        kind = marked.get(day) or ("rest" if day.weekday() >= 5 else "workday")
        writer.writerow([day.isoformat(), kind, names.get(day, "")])
        day += timedelta(days=1)
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="calendar-{year}.csv"'},
    )
