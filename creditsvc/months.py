"""The bureau's months: calendar months of Shanghai's clock (Asia/Shanghai).

A month starts at Shanghai midnight on its first day: December 2026 holds what happened
from '2026-12-01 00:00+08' up to '2027-01-01 00:00+08'. Every page, export, partition
and rule counts in these months; `creditsvc.sql_dates` is the same rule in SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from creditsvc import clock
from creditsvc.workdays import SHANGHAI


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month of the bureau's clock."""

    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime) -> Month:
        """The month a moment falls in (a naive moment is read as UTC, as stored)."""
        local = clock.local(moment)
        return cls(local.year, local.month)

    @classmethod
    def of_day(cls, day: date) -> Month:
        """The month of a Shanghai calendar day."""
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, value: str) -> Month:
        """'2026-12' → Month(2026, 12); ValueError for anything else."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"not a month (YYYY-MM): {value!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def last(cls, today: date, count: int) -> list[Month]:
        """The `count` months up to and including today's, oldest first."""
        this = cls.of_day(today)
        return [this.plus(-i) for i in range(count - 1, -1, -1)]

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def start(self) -> datetime:
        """The moment the month begins: Shanghai midnight of its first day."""
        return datetime(self.year, self.month, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        """The moment the next month begins."""
        return self.plus(1).start

    def plus(self, months: int) -> Month:
        """The month `months` after this one (before, if negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def through(self, last: Month) -> Iterator[Month]:
        """This month and each after it up to `last`, included."""
        month = self
        while month <= last:
            yield month
            month = month.plus(1)
