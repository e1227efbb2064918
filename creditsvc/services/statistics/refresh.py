"""Recompute the kept figures (StatisticsMonth) of some months from the records.

- grades: at each month's end (today, for the current month), each business's last
  score snapshot by then, counted by its district and grade; a business never scored by
  then is not counted;
- readings: fair-scale re-weighs measured in the month, assessable ones and shorts
  (the short rate is shorts over assessable readings, as the scorecard reads it:
  零售商品称重计量监督管理办法), voided ones left out: summed from the daily tallies
  (ReadingDay, services.evidence.reading_days), never counted from the readings;
- notices: documents first published in the month, by kind.

Months are Shanghai months. The nightly job recomputes the last few (a void can still
change them); `refresh(months=None)` recomputes every month the pages show. Flushes
only: the job or the command commits.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import case, delete, func, insert, select

from creditsvc.extensions import db
from creditsvc.models import Merchant, Notice, ReadingDay, ScoreSnapshot, StatisticsMonth
from creditsvc.models.base import utcnow
from creditsvc.months import Month
from creditsvc.sql_dates import month_start

_DAY = timedelta(days=1)
Figures = Counter[tuple[str, date, str, str]]  # (series, month, district, key) → value


def refresh(today: date, months: int | None = None) -> dict[str, int]:
    """Rewrite the figures of the last `months` months up to `today` (None: all the pages
    show, STATISTICS_MONTHS); returns how many rows each series now has there."""
    shown = current_app.config["STATISTICS_MONTHS"]
    span = Month.last(today, min(months or shown, shown))
    figures: Figures = Counter()
    for month in span:
        _grades(figures, month.first_day, min(month.plus(1).first_day, today + _DAY) - _DAY)
    _readings(figures, span[0], span[-1])
    _notices(figures, span[0].first_day, today)
    kept = [month.first_day for month in span]
    db.session.execute(delete(StatisticsMonth).where(StatisticsMonth.month.in_(kept)))
    stamp = utcnow()
    rows = [
        {"series": s, "month": m, "district_code": d, "key": k, "value": v, "refreshed_at": stamp}
        for (s, m, d, k), v in figures.items()
        if v
    ]
    if rows:
        db.session.execute(insert(StatisticsMonth), rows)
    db.session.flush()
    return dict(Counter(row["series"] for row in rows)) | {"months": len(span)}


def _grades(figures: Figures, month: date, end: date) -> None:
    """Each business's last snapshot on or before `end`, by district and grade."""
    latest = (
        select(
            ScoreSnapshot.merchant_id,
            case((ScoreSnapshot.rated, ScoreSnapshot.grade), else_="unrated").label("grade"),
            func.row_number()
            .over(
                partition_by=ScoreSnapshot.merchant_id,
                order_by=(ScoreSnapshot.as_of.desc(), ScoreSnapshot.id.desc()),
            )
            .label("newest"),
        )
        .where(ScoreSnapshot.as_of <= end)
        .subquery()
    )
    counts = db.session.execute(
        select(Merchant.district_code, latest.c.grade, func.count())
        .join(Merchant, Merchant.id == latest.c.merchant_id)
        .where(latest.c.newest == 1)
        .group_by(Merchant.district_code, latest.c.grade)
    )
    for district, grade, count in counts:
        figures["grades", month, district, grade or "unrated"] += count


def _readings(figures: Figures, first: Month, last: Month) -> None:
    """Re-weighs measured from the start of `first` to the end of `last`: the Shanghai
    days' tallies summed by month, in one pass."""
    month = month_start(ReadingDay.day).label("month")
    counts = db.session.execute(
        select(
            month,
            Merchant.district_code,
            func.sum(ReadingDay.readings),
            func.sum(ReadingDay.assessable),
            func.sum(ReadingDay.short),
        )
        .join(Merchant, Merchant.id == ReadingDay.merchant_id)
        .where(ReadingDay.day >= first.first_day, ReadingDay.day < last.plus(1).first_day)
        .group_by(month, Merchant.district_code)
    )
    for at, district, total, judged, short in counts:
        figures["readings", at, district, "total"] += total
        figures["readings", at, district, "assessable"] += judged
        figures["readings", at, district, "short"] += short


def _notices(figures: Figures, first: date, today: date) -> None:
    """Documents first published from `first` to `today` (a later withdrawal does not
    unpublish them: they were published that month)."""
    rows = db.session.execute(
        select(Notice.published_on, Notice.district_code, Notice.kind).where(
            Notice.published_on >= first, Notice.published_on <= today
        )
    )
    for published_on, district, kind in rows:
        figures["notices", Month.of_day(published_on).first_day, district, kind] += 1
