"""Paging and row ids, shared by every endpoint."""

from __future__ import annotations

import re
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

from creditsvc import clock
from creditsvc import uscc as uscc_rules
from creditsvc.workdays import SHANGHAI

# PostgreSQL `integer` columns hold at most 2**31 - 1 (SQLite refuses past 2**63): a larger
# id, count or page in the input is refused as invalid, never sent to the database to fail.
INT_MAX = 2**31 - 1


class Moment(fields.AwareDateTime):
    """A moment in the API and its exports: given out in Shanghai time, ISO 8601 with its
    offset (2026-12-07T07:30:00+08:00); read in, a time without a zone is Shanghai's."""

    def __init__(self, **kwargs) -> None:
        super().__init__(default_timezone=SHANGHAI, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else super()._serialize(clock.local(value), attr, obj)


class RowId(fields.Integer):
    """A row id in the input: a positive integer that fits the database column."""

    def __init__(self, **kwargs) -> None:
        super().__init__(validate=validate.Range(min=1, max=INT_MAX), **kwargs)


class USCCRef(fields.Str):
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
