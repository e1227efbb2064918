"""Paging, row ids, and the plausible text and dates every endpoint reads.

`Text`, `Date` and `AwareDateTime` are the fields every input schema uses for free text,
names and dates, so a rule here reaches the API, the console and portal forms that load
these schemas, and the spreadsheet imports whose rows go through them (issue 17).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from flask import current_app, has_app_context
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

from creditsvc import clock
from creditsvc import uscc as uscc_rules
from creditsvc.workdays import SHANGHAI

# PostgreSQL `integer` columns hold at most 2**31 - 1 (SQLite refuses past 2**63): a larger
# id, count or page in the input is refused as invalid, never sent to the database to fail.
INT_MAX = 2**31 - 1


# Text -----------------------------------------------------------------------------


def _noncharacters() -> str:
    """Unicode's 66 noncharacters, U+FDD0-U+FDEF and the last two code points of each
    plane: "not for open interchange" (The Unicode Standard, §23.7)."""
    ends = "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}-{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    return "\ufdd0-\ufdef" + ends


# Never text: C0 controls but TAB, LF and CR, DEL and the C1 controls (a C1 NEL or CSI
# changes what a terminal or PDF shows), bidi embeddings, overrides and isolates (an
# U+202E reverses the rest of a name on a page: Unicode TR 9 §2.2, the "Trojan Source"
# class), lone surrogates (no UTF-8 spelling: the database refuses them) and noncharacters.
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# A name or any one-line field also holds no TAB, LF or CR, nor the invisible direction
# marks (LRM, RLM, ALM), which reorder a name without showing (Unicode TR 9 §2.6).
_ONE_LINE = "\t\n\r\u200e\u200f\u061c"
MULTI_LINE_REFUSED = re.compile(f"[{_NEVER}{_noncharacters()}]")
ONE_LINE_REFUSED = re.compile(f"[{_NEVER}{_ONE_LINE}{_noncharacters()}]")


def refused_character(text: str, *, multiline: bool = False) -> str | None:
    """Why `text` cannot be stored, naming the first character it may not hold; else None."""
    found = (MULTI_LINE_REFUSED if multiline else ONE_LINE_REFUSED).search(text)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        kind = "a lone surrogate"
    elif char in "\t\n\r":
        kind = "a line break or tab"
    else:
        kind = "a control or formatting character"
    return f"contains {kind} (U+{ord(char):04X}), which this field may not hold"


class Text(fields.String):
    """Free text or a name as people type it: no control, bidi-override, surrogate or
    noncharacter code points (`refused_character`). `multiline=True` for prose (notes,
    allegations, reasons), which keeps TAB, LF and CR and the direction marks."""

    def __init__(self, *, multiline: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = refused_character(text, multiline=self.multiline)
        if problem is not None:
            raise ValidationError(problem)
        return text


# Dates ----------------------------------------------------------------------------

# Defaults of the settings INPUT_EARLIEST_DATE and INPUT_LATEST_DATE (config.py).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def date_range() -> tuple[date, date]:
    """The first and last day any date in the input may name (settings, else defaults)."""
    if not has_app_context():
        return EARLIEST_DATE, LATEST_DATE
    config = current_app.config
    return (
        config.get("INPUT_EARLIEST_DATE", EARLIEST_DATE),
        config.get("INPUT_LATEST_DATE", LATEST_DATE),
    )


def _out_of_range() -> ValidationError:
    earliest, latest = date_range()
    return ValidationError(f"must be from {earliest.isoformat()} to {latest.isoformat()}")


def _check_day(day: date, past: bool) -> None:
    earliest, latest = date_range()
    if past:
        latest = min(latest, clock.today())
    if not earliest <= day <= latest:
        raise ValidationError(f"must be from {earliest.isoformat()} to {latest.isoformat()}")


class Date(fields.Date):
    """A day within the service's range; `past=True` for a day something happened
    (an inspection, a decision), which cannot be after today in Shanghai."""

    def __init__(self, *, past: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.past = past

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        _check_day(day, self.past)
        return day


class _MomentInRange:
    """A moment whose Shanghai day is within the service's range. Python's datetime ends
    at year 9999: `9999-12-31T23:59:59-23:59` parses but overflows once moved to another
    zone, and year 1 with an offset underflows; both are refused here, never left to a
    comparison deeper down to raise."""

    past = False

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        try:
            moment = super()._deserialize(value, attr, data, **kwargs)  # type: ignore[misc]
            day = (moment.astimezone(SHANGHAI) if moment.tzinfo else moment).date()
        except (OverflowError, ValueError) as exc:
            raise _out_of_range() from exc
        _check_day(day, self.past)
        return moment


class DateTime(_MomentInRange, fields.DateTime):
    """A moment within the service's range (see `_MomentInRange`)."""

    def __init__(self, *, past: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.past = past


class AwareDateTime(_MomentInRange, fields.AwareDateTime):
    """A moment with a zone (or `default_timezone`) within the service's range."""

    def __init__(self, *, past: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.past = past


class Moment(_MomentInRange, fields.AwareDateTime):
    """A moment in the API and its exports: given out in Shanghai time, ISO 8601 with its
    offset (2026-12-07T07:30:00+08:00); read in, a time without a zone is Shanghai's, and
    its Shanghai day must be within the service's range (`_MomentInRange`)."""

    def __init__(self, *, past: bool = False, **kwargs) -> None:
        super().__init__(default_timezone=SHANGHAI, **kwargs)
        self.past = past

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else super()._serialize(clock.local(value), attr, obj)


class RowId(fields.Integer):
    """A row id in the input: a positive integer that fits the database column."""

    def __init__(self, **kwargs) -> None:
        super().__init__(validate=validate.Range(min=1, max=INT_MAX), **kwargs)


class USCCRef(Text):
    """A reference to a registered merchant by USCC, read as registration stores it
    (`creditsvc.uscc.normalise`: no white space, upper case) and looked up as is.

    The check character is not verified here: a merchant registered under an
    officer's override (rules.md §3) must still be reachable by its code.
    """

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return uscc_rules.normalise(super()._deserialize(value, attr, data, **kwargs))


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: past the column's range there is no such row (404)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", INT_MAX)
        super().__init__(url_map, *args, **kwargs)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=INT_MAX))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """A page envelope schema for `item_schema`: items plus page, per_page, total, pages."""
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
            "pages": fields.Integer(),
        },
        name=name,
    )


class IdempotencyKeyField(fields.Str):
    """A key as the IETF draft "The Idempotency-Key HTTP Header Field" sends it, a
    structured-field string ("…"), or bare: 1 to 255 visible ASCII characters."""

    ALLOWED = re.compile(r"[ !#-\[\]-~]+")

    def __init__(self, **kwargs) -> None:
        super().__init__(validate=validate.Length(min=1, max=255), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        key = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(key) >= 2 and key[0] == key[-1] == '"':
            key = key[1:-1]
        if not self.ALLOWED.fullmatch(key) or not key.strip():
            raise ValidationError(
                "1 to 255 visible ASCII characters, without quotes or backslashes inside"
            )
        return key


class IdempotencyHeader(Schema):
    key = IdempotencyKeyField(
        data_key="Idempotency-Key",
        metadata={
            "description": "A key of your choosing, new for each new write (a UUID): sent "
            "again with the same body, the first answer comes back (Idempotent-Replayed: "
            "true) and nothing is stored twice; with another body, 422. Kept "
            "IDEMPOTENCY_KEY_HOURS (24 by default)."
        },
    )
