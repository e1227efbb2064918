"""Accounts: API tokens, a person's own or a fair scale's."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from creditsvc.schemas.common import Moment, Text
from creditsvc.schemas.registry import StrippedSchema


class TokenOut(Schema):
    id = fields.Int()
    prefix = fields.Str()
    label = fields.Str()
    created_at = Moment()
    revoked_at = Moment(allow_none=True)
    token = fields.Str(metadata={"description": "shown once, at creation"})


class TokenIn(StrippedSchema):
    label = Text(load_default="", validate=validate.Length(max=128))
