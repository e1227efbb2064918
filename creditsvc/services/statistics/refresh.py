"""Recompute the kept figures (StatisticsMonth) of some months from the records.

- grades: at each month's end (today, for the current month), each business's last
  score snapshot by then, counted by its district and grade; a business never scored by
  then is not counted;
- readings: fair-scale re-weighs measured in the month, assessable ones and shorts
  (the short rate is shorts over assessable readings, as the scorecard reads it:
  零售商品称重计量监督管理办法);
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
from creditsvc.models import Merchant, Notice, Reading, ScoreSnapshot, StatisticsMonth
from creditsvc.models.base import utcnow
from creditsvc.models.reading import assessable
from creditsvc.services.statistics import months as shanghai

_DAY = timedelta(days=1)
Figures = Counter[tuple[str, date, str, str]]  # (series, month, district, key) → value


def refresh(today: date, months: int | None = None) -> dict[str, int]:
    """Rewrite the figures of the last `months` months up to `today` (None: all the pages
    show, STATISTICS_MONTHS); returns how many rows each series now has there."""
    shown = current_app.config["STATISTICS_MONTHS"]
    span = shanghai.last_months(today, min(months or shown, shown))
    figures: Figures = Counter()
    for month in span:
        _grades(figures, month, min(shanghai.add(month, 1), today + _DAY) - _DAY)
    _readings(figures, span[0], shanghai.add(span[-1], 1))
    _notices(figures, span[0], today)
    db.session.execute(delete(StatisticsMonth).where(StatisticsMonth.month.in_(span)))
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


def _month_of_reading():
    """The Shanghai month of a reading as 'YYYY-MM' (China keeps no daylight saving
    time, so SQLite, which stores the UTC moment, adds eight hours)."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", Reading.measured_at), "YYYY-MM")
    return func.strftime("%Y-%m", Reading.measured_at, "+8 hours")


def _readings(figures: Figures, first: date, after: date) -> None:
    """Re-weighs measured from the start of `first` to the start of `after`, in one pass."""
    month = _month_of_reading().label("month")
    counts = db.session.execute(
        select(
            month,
            Merchant.district_code,
            func.count(),
            func.count().filter(assessable()),
            func.count().filter(Reading.verdict == "short"),
        )
        .join(Merchant, Merchant.id == Reading.merchant_id)
        .where(
            Reading.measured_at >= shanghai.starts_at(first),
            Reading.measured_at < shanghai.starts_at(after),
        )
        .group_by(month, Merchant.district_code)
    )
    for label, district, total, judged, short in counts:
        year, number = label.split("-")
        at = date(int(year), int(number), 1)
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
        figures["notices", shanghai.first_day(published_on), district, kind] += 1
