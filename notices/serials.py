"""Document serial numbers (文件编号) printed on every page and behind `/verify/<serial>`.

Format: ``SHJL-310104-2026-000123-7`` — the prefix (上海计量), the six-digit district
division code, the year, a six-digit sequence within district and year, and a Damm
check digit over the sixteen digits before it. The Damm check catches every single
wrong digit and every swap of two adjacent digits, so a serial typed from paper is
either the right one or rejected, never another document's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PREFIX = "SHJL"
SEQUENCE_MAX = 999_999

# The order-10 totally anti-symmetric quasigroup of H. M. Damm (2004), as published.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SHAPE = re.compile(r"([A-Z]+)-([0-9]{6})-([0-9]{4})-([0-9]{6})-([0-9])")


class SerialError(ValueError):
    """Text that is not a valid document serial; the message names the problem."""


@dataclass(frozen=True)
class Serial:
    district: str
    year: int
    sequence: int

    def __str__(self) -> str:
        body = f"{self.district}{self.year:04d}{self.sequence:06d}"
        return f"{PREFIX}-{self.district}-{self.year:04d}-{self.sequence:06d}-{check_digit(body)}"


def check_digit(digits: str) -> str:
    """The Damm check digit of a string of ASCII digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def make_serial(district: str, year: int, sequence: int) -> str:
    """The printed serial of a district's `sequence`-th document of `year`."""
    if not (len(district) == 6 and district.isascii() and district.isdigit()):
        raise SerialError(f"district must be a six-digit division code, got {district!r}")
    if not 1000 <= year <= 9999:
        raise SerialError(f"year must have four digits, got {year}")
    if not 1 <= sequence <= SEQUENCE_MAX:
        raise SerialError(f"sequence must be between 1 and {SEQUENCE_MAX}, got {sequence}")
    return str(Serial(district, year, sequence))


def normalise(text: str) -> str:
    """Fold full-width forms (typed with a Chinese input method), drop white space, upper-case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def parse_serial(text: str) -> Serial:
    """Normalise and validate a serial; raise SerialError naming the first problem found."""
    canonical = normalise(text)
    match = _SHAPE.fullmatch(canonical)
    if match is None:
        shape = f"{PREFIX}-<district, 6 digits>-<year>-<sequence, 6 digits>-<check digit>"
        raise SerialError(f"{text!r} is not shaped like {shape}")
    prefix, district, year, sequence, check = match.groups()
    if prefix != PREFIX:
        raise SerialError(f"prefix must be {PREFIX}, got {prefix}")
    expected = check_digit(district + year + sequence)
    if check != expected:
        raise SerialError(f"check digit {check} does not match {canonical[:-2]} (mistyped serial?)")
    if int(sequence) == 0:
        raise SerialError("sequence 000000 is never issued")
    return Serial(district, int(year), int(sequence))
