"""Shanghai months: the first day of each, and where each begins as a moment."""

from __future__ import annotations

from datetime import date, datetime

from creditsvc.workdays import SHANGHAI


def first_day(day: date) -> date:
    return day.replace(day=1)


def add(month: date, count: int) -> date:
    """The first day of the month `count` months after `month` (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_months(today: date, count: int) -> list[date]:
    """The first days of the `count` months up to and including today's, oldest first."""
    this = first_day(today)
    return [add(this, -i) for i in range(count - 1, -1, -1)]


def starts_at(month: date) -> datetime:
    """The moment a Shanghai month begins (readings are stored as UTC moments)."""
    return datetime(month.year, month.month, 1, tzinfo=SHANGHAI)


def label(month: date) -> str:
    return f"{month.year}-{month.month:02d}"
