"""The public-holiday calendar: days the State Council's notice changes (see workdays.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, Timestamped


class CalendarDay(Timestamped, Base):
    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # holiday | workday (调休上班)
    name: Mapped[str] = mapped_column(String(32))  # 春节, 国庆节, ...
