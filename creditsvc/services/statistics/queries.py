"""What /statistics and /map read: the kept figures (StatisticsMonth), never the records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from creditsvc.extensions import db
from creditsvc.models import STATISTICS_SERIES, StatisticsMonth
from creditsvc.months import Month

RATED = ("A", "B", "C", "D")


@dataclass
class MonthFigures:
    """One series' figures of one month (`month`: its first day, as kept)."""

    month: date
    figures: dict[str, int] = field(default_factory=dict)  # key → value, every key present

    @property
    def label(self) -> str:
        return str(Month.of_day(self.month))

    def share(self, part: str, *whole: str) -> float | None:
        """figures[part] over the sum of `whole`; None when that is zero."""
        total = sum(self.figures[k] for k in whole)
        return self.figures[part] / total if total else None


def shown_months(today: date) -> list[date]:
    """The first days of the months the pages show, oldest first."""
    return [m.first_day for m in Month.last(today, current_app.config["STATISTICS_MONTHS"])]


def series(name: str, today: date, district: str | None = None) -> list[MonthFigures]:
    """The months the pages show, oldest first, of one series for the city (all
    districts summed) or one district; a month with no rows counts zeros."""
    span = shown_months(today)
    stmt = (
        select(StatisticsMonth.month, StatisticsMonth.key, func.sum(StatisticsMonth.value))
        .where(StatisticsMonth.series == name, StatisticsMonth.month >= span[0])
        .group_by(StatisticsMonth.month, StatisticsMonth.key)
    )
    if district:
        stmt = stmt.where(StatisticsMonth.district_code == district)
    found: dict[date, dict[str, int]] = defaultdict(dict)
    for month, key, value in db.session.execute(stmt):
        found[month][key] = int(value)
    keys = STATISTICS_SERIES[name]
    return [MonthFigures(m, {k: found[m].get(k, 0) for k in keys}) for m in span]


@dataclass(frozen=True)
class DistrictGrades:
    code: str
    figures: dict[str, int]

    @property
    def rated(self) -> int:
        return sum(self.figures[k] for k in RATED)

    @property
    def share_a(self) -> float | None:
        return self.figures["A"] / self.rated if self.rated else None


def grades_by_district(today: date) -> dict[str, DistrictGrades]:
    """Each district's grades in the current month (as of the last refresh)."""
    month = Month.of_day(today).first_day
    rows = db.session.execute(
        select(StatisticsMonth.district_code, StatisticsMonth.key, StatisticsMonth.value).where(
            StatisticsMonth.series == "grades", StatisticsMonth.month == month
        )
    )
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for district, key, value in rows:
        found[district][key] = value
    keys = STATISTICS_SERIES["grades"]
    return {d: DistrictGrades(d, {k: v.get(k, 0) for k in keys}) for d, v in found.items()}


def refreshed_at() -> datetime | None:
    """When the figures were last refreshed (None: never)."""
    return db.session.scalar(select(func.max(StatisticsMonth.refreshed_at)))
