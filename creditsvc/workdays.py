"""The bureau's dates: working days on the Chinese public-holiday calendar, months.

Deadlines in the rules count working days (《市场监督管理行政处罚信息公示规定》: 20 working
days to publish a penalty; Shanghai 社会信用条例 §36: 1 and 5 working days for an
objection). A working day is Monday to Friday unless the State Council's annual notice
makes it a holiday, and a weekend day the notice makes a make-up working day (调休上班)
counts. The calendar is data (table `calendar_days`), kept by the city officer, because
each year's notice is only published in the autumn before.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

HOLIDAY, WORKDAY = "holiday", "workday"
# Days, deadlines and times given without a zone are Shanghai's (UTC+8, no summer time).
SHANGHAI = ZoneInfo("Asia/Shanghai")


def is_working_day(day: date, calendar: Mapping[date, str]) -> bool:
    kind = calendar.get(day)
    if kind == HOLIDAY:
        return False
    if kind == WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: date, count: int, calendar: Mapping[date, str]) -> date:
    """The day `count` working days after `start` (start itself not counted)."""
    if count < 0:
        raise ValueError("count must be ≥ 0")
    day = start
    while count:
        day += timedelta(days=1)
        count -= is_working_day(day, calendar)
    return day


def working_days_between(start: date, end: date, calendar: Mapping[date, str]) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(is_working_day(d, calendar) for d in days)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def day_of(moment: datetime | None) -> date | None:
    """The Shanghai calendar day of a moment, whatever the host's zone (a naive moment is
    read as UTC, as stored)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(SHANGHAI).date()
