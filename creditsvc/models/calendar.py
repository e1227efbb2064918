"""The public-holiday calendar: days the State Council's notice changes (see workdays.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, Timestamped, UTCDateTime


class CalendarDay(Timestamped, Base):
    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # holiday | workday (调休上班)
    name: Mapped[str] = mapped_column(String(32))  # 春节, 国庆节, ...


class CalendarYear(Base):
    """A year whose State Council notice is in `calendar_days` in full.

    `calendar_days` keeps only the days the notice changes, so an unmarked year and a
    year with no notice loaded look alike there; a deadline counted in a year not listed
    here would silently be Monday to Friday (issue 18), and is refused instead."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    loaded_by: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
