"""The figures of each open-data export, measured each night (services.publication.open_data).

How many rows a dataset's CSV has and how many bytes it is: the open-data catalogue shows
them, and writing a city's export to measure it on every look at the catalogue would cost
seconds each time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime


class OpenDataFigures(Base):
    __tablename__ = "open_data_figures"

    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    rows: Mapped[int] = mapped_column(Integer)
    csv_bytes: Mapped[int] = mapped_column(BigInteger)
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
