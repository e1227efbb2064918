"""The bureau's days and months in SQL, on PostgreSQL and SQLite alike: the rule of
`creditsvc.months` (and `workdays.day_of`) for a query to group or filter by.

Moments are stored in UTC (models.base.UTCDateTime). PostgreSQL converts them with the
zone's rules; SQLite keeps UTC text and knows no zones, so it adds eight hours: Shanghai
has kept UTC+8 without summer time since 1991, long before any fair scale posted.
"""

from __future__ import annotations

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from creditsvc.workdays import SHANGHAI


class shanghai_day(FunctionElement):  # noqa: N801 - used as a SQL function
    """The Shanghai calendar day of a UTC timestamp column."""

    type = Date()
    inherit_cache = True


class month_start(FunctionElement):  # noqa: N801 - used as a SQL function
    """The first day of the month of a date column (of a `shanghai_day`, for a moment's
    Shanghai month)."""

    type = Date()
    inherit_cache = True


@compiles(shanghai_day, "postgresql")
def _shanghai_day_postgresql(element, compiler, **kw) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(timezone('{SHANGHAI.key}', {moment}) AS DATE)"


@compiles(shanghai_day, "sqlite")
def _shanghai_day_sqlite(element, compiler, **kw) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element, compiler, **kw) -> str:
    # A timestamp without zone: date_trunc of a timestamptz would read the session's zone.
    day = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('month', CAST({day} AS TIMESTAMP)) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"
