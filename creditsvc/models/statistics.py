"""The city's figures by month, kept by a nightly job for the public trends and map pages."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime, utcnow

# series → its keys: grades at the month's end (the last snapshot of each business by
# then), fair-scale re-weighs measured in the month, notices published in the month.
STATISTICS_SERIES = {
    "grades": ("A", "B", "C", "D", "unrated"),
    "readings": ("total", "assessable", "short"),
    "notices": ("exposure", "honor_roll", "demonstration", "placard"),
}


class StatisticsMonth(Base):
    """One figure of one series for one district in one Shanghai month (统计月份).

    Past months are written once and rewritten only when the refresh is asked for them
    (a void can change an old month); a page reads these rows and computes nothing.
    A figure of zero has no row.
    """

    __tablename__ = "statistics_months"

    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
