"""The holiday calendar in the database, and deadlines counted in working days."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import extract, select

from creditsvc import workdays
from creditsvc.extensions import db
from creditsvc.models import CalendarDay
from creditsvc.principals import Principal
from creditsvc.services import audit

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


def deadline(start: date, working_days: int) -> date:
    return workdays.add_working_days(
        start, working_days, known(start, start + timedelta(days=LOOKAHEAD_DAYS))
    )


def working_days_left(today: date, due: date) -> int:
    """Working days from today to the deadline (negative when it has passed)."""
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
