"""The holiday calendar in the database, and deadlines counted in working days.

A deadline is counted only over years whose State Council notice is loaded in full
(`calendar_years`): `calendar_days` keeps only the days a notice changes, so a year never
loaded would otherwise be counted Monday to Friday without a word and every deadline in it
could be days off (issue 18). Such a deadline is refused, naming the year.
"""

from __future__ import annotations

import calendar as gregorian
import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, extract, select

from creditsvc import clock, workdays
from creditsvc.extensions import db
from creditsvc.models import CalendarDay, CalendarYear
from creditsvc.models.base import utcnow
from creditsvc.principals import Principal
from creditsvc.services import audit
from creditsvc.services.errors import Conflict, Invalid

LOOKAHEAD_DAYS = 400  # enough for any deadline the rules set (at most 20 working days)


def known(start: date, end: date) -> dict[date, str]:
    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day.between(start, end))
    )
    return {day: kind for day, kind in rows}


def days_of_year(year: int) -> list[CalendarDay]:
    """The holidays and make-up working days of a year, in date order."""
    stmt = select(CalendarDay).where(extract("year", CalendarDay.day) == year)
    return list(db.session.scalars(stmt.order_by(CalendarDay.day)).all())


def marked_day(day: date) -> CalendarDay | None:
    """A day marked a holiday or a make-up working day; None for an ordinary day."""
    return db.session.get(CalendarDay, day)


class CalendarYearMissing(Conflict):
    """A deadline needs a year whose holiday calendar is not loaded (409)."""

    def __init__(self, years: list[int]) -> None:
        self.years = years
        named = "、".join(str(y) for y in years) if len(years) > 1 else str(years[0])
        super().__init__(
            f"no holiday calendar loaded for {named}; a city officer must load it "
            "(console, Holiday calendar)"
        )


def loaded_years() -> list[CalendarYear]:
    return list(db.session.scalars(select(CalendarYear).order_by(CalendarYear.year)).all())


def missing_years(first: date, last: date) -> list[int]:
    """The years from `first` to `last` whose calendar is not loaded."""
    wanted = set(range(first.year, last.year + 1))
    have = db.session.scalars(select(CalendarYear.year).where(CalendarYear.year.in_(wanted)))
    return sorted(wanted - set(have))


def require_loaded(first: date, last: date) -> None:
    """Refuse a count over [first, last] that touches a year not loaded."""
    missing = missing_years(min(first, last), max(first, last))
    if missing:
        raise CalendarYearMissing(missing)


def years_needed_missing(today: date | None = None) -> list[int]:
    """This year and next, the years today's deadlines can fall in (the longest the rules
    set is 20 working days), whose calendar is not loaded."""
    today = today or clock.today()
    return missing_years(date(today.year, 1, 1), date(today.year + 1, 1, 1))


def deadline(start: date, working_days: int) -> date:
    """The day `working_days` working days after `start`; CalendarYearMissing when the
    days counted reach a year whose calendar is not loaded."""
    due = workdays.add_working_days(
        start, working_days, known(start, start + timedelta(days=LOOKAHEAD_DAYS))
    )
    require_loaded(min(start + timedelta(days=1), due), due)
    return due


def working_days_left(today: date, due: date) -> int:
    """Working days from today to the deadline (negative when it has passed);
    CalendarYearMissing when the days between reach a year not loaded."""
    require_loaded(today, due)
    if due >= today:
        return workdays.working_days_between(today, due, known(today, due))
    return -workdays.working_days_between(due, today, known(due, today))


def set_day(p: Principal, day: date, kind: str, name: str) -> CalendarDay:
    row = db.session.get(CalendarDay, day)
    before = audit.state(row) if row else None
    if row is None:
        row = CalendarDay(day=day, kind=kind, name=name)
        db.session.add(row)
    else:
        row.kind, row.name = kind, name
    audit.record(p.name, "update" if before else "create", row, before=before)
    return row


def remove_day(p: Principal, row: CalendarDay) -> None:
    audit.record(p.name, "delete", row, before=audit.state(row))
    db.session.delete(row)


# Loading a year from the State Council's notice, as a CSV of every day ------------------

# A row per day of the year: `date,kind,name`. `workday` is a day worked (Monday to
# Friday, or a weekend make-up day 调休上班, which needs its name); `rest` an ordinary
# weekend day; `holiday` a day of a public holiday (its name, e.g. 春节), weekends included.
CSV_KINDS = ("workday", "rest", "holiday")
CSV_COLUMNS = ("date", "kind", "name")
CSV_MAX_BYTES = 64 * 1024


@dataclass
class RowError:
    row: int  # 1 is the header line, so the first day is row 2
    message: str


class CalendarFileInvalid(Invalid):
    """The uploaded year has errors (422); `rows` lists them by row. Nothing was stored."""

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        super().__init__(
            f"the calendar file has {len(rows)} error(s); nothing was loaded", field="file"
        )


def parse_year_csv(year: int, data: bytes) -> dict[date, tuple[str, str]]:
    """Every day of `year` from the file, as {day: (kind, name)}; CalendarFileInvalid
    listing every error by row otherwise."""
    errors: list[RowError] = []
    if len(data) > CSV_MAX_BYTES:
        raise CalendarFileInvalid([RowError(0, f"the file is larger than {CSV_MAX_BYTES} bytes")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarFileInvalid([RowError(0, "the file is not UTF-8 text")]) from None
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or [c.strip().lower() for c in lines[0]] != list(CSV_COLUMNS):
        raise CalendarFileInvalid([RowError(1, "the header must be: " + ",".join(CSV_COLUMNS))])
    days: dict[date, tuple[str, str]] = {}
    first_row: dict[date, int] = {}
    rows = [
        (n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    for number, cells in rows:
        parsed = _parse_row(year, cells, first_row)
        if isinstance(parsed, str):
            errors.append(RowError(number, parsed))
            continue
        day, kind, name = parsed
        first_row[day] = number
        problem = _row_problem(day, kind, name)
        if problem:
            errors.append(RowError(number, problem))
        days[day] = (kind, name)
    counted = _count_problem(year, len(rows), set(first_row))
    if counted:
        errors.append(RowError(0, counted))
    if errors:
        raise CalendarFileInvalid(errors)
    return days


def _parse_row(year: int, cells: list[str], seen: dict[date, int]) -> tuple[date, str, str] | str:
    """The row's (day, kind, name), or what is wrong with it."""
    if len(cells) != len(CSV_COLUMNS):
        return f"{len(cells)} columns, expected {len(CSV_COLUMNS)}"
    raw_day, kind, name = (c.strip() for c in cells)
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        return f"{raw_day!r} is not a date (YYYY-MM-DD)"
    if day.year != year:
        return f"{day} is not in {year}"
    if day in seen:
        return f"{day} is listed twice (first on row {seen[day]})"
    return day, kind, name


def _row_problem(day: date, kind: str, name: str) -> str | None:
    weekend = day.weekday() >= 5
    if kind not in CSV_KINDS:
        return f"kind {kind!r} is not one of {', '.join(CSV_KINDS)}"
    if len(name) > 32:
        return "the name is longer than 32 characters"
    if kind == "holiday" and not name:
        return f"{day} is a holiday: give its name"
    if kind == "rest" and not weekend:
        return f"{day} is a weekday: a day off must be a holiday"
    if kind == "workday" and weekend and not name:
        return f"{day} is a weekend make-up working day: name it"
    return None


def _count_problem(year: int, rows: int, listed: set[date]) -> str | None:
    """Every day of the year exactly once: 365 or 366 rows, none missing."""
    size = 366 if gregorian.isleap(year) else 365
    if rows == size and len(listed) == size:
        return None
    first = date(year, 1, 1)
    missing = [first + timedelta(days=n) for n in range(size)]
    missing = [d for d in missing if d not in listed]
    named = ", ".join(str(d) for d in missing[:10]) + (" …" if len(missing) > 10 else "")
    return f"{year} has {size} days, the file lists {rows}" + (
        f"; missing: {named}" if missing else ""
    )


def load_year(p: Principal, year: int, data: bytes) -> CalendarYear:
    """Replace the year's marked days with the file's and mark the year loaded, audited;
    on any error nothing is stored (CalendarFileInvalid)."""
    days = parse_year_csv(year, data)
    marked = {
        day: ("holiday" if kind == "holiday" else workdays.WORKDAY, name)
        for day, (kind, name) in days.items()
        if kind == "holiday" or (kind == "workday" and day.weekday() >= 5)
    }
    db.session.execute(
        delete(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    )
    db.session.add_all(CalendarDay(day=d, kind=k, name=n) for d, (k, n) in marked.items())
    row = db.session.get(CalendarYear, year)
    before = audit.state(row) if row else None
    if row is None:
        row = CalendarYear(year=year)
        db.session.add(row)
    row.loaded_by, row.loaded_at = p.name, utcnow()
    holidays = sum(1 for k, _ in marked.values() if k == "holiday")
    audit.record(
        p.name,
        "update" if before else "create",
        row,
        before=before,
        reason=f"{holidays} holiday days, {len(marked) - holidays} make-up working days",
    )
    return row
