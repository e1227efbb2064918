"""The regulations' tables, packaged with the code, and exact numbers read from them."""

from __future__ import annotations

import csv
from decimal import Decimal
from importlib.resources import files


def read_table(filename: str) -> list[dict[str, str]]:
    text = (files("scoring") / "tables" / filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def optional(cell: str) -> Decimal | None:
    return Decimal(cell) if cell.strip() else None


def amount(name: str, value: float | Decimal) -> Decimal:
    """A finite, non-negative number as an exact Decimal of its shortest repr."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{name} must be a number, got {value!r}")
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not exact.is_finite() or exact < 0:
        raise ValueError(f"{name} must be a finite, non-negative number, got {value!r}")
    return exact
