"""Standing (score, grade, reasons) for officers and the merchant; the public record."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from creditsvc.models import TRADES
from creditsvc.schemas.common import Moment, PageArgs, Text


class EvidenceRef(Schema):
    kind = Text()
    id = fields.Int()


class ReasonOut(Schema):
    code = fields.Str()
    points = fields.Float(metadata={"description": "points lost (negative: credited)"})
    text = fields.Str(metadata={"description": "Chinese"})
    text_en = fields.Str()
    date = fields.Str()
    evidence = fields.Nested(EvidenceRef)


class PublicReasonOut(Schema):
    code = fields.Str()
    points = fields.Float()
    text = fields.Str()
    text_en = fields.Str()
    date = fields.Str()


class SoonerOut(Schema):
    action = fields.Str()
    points = fields.Float()
    reweighs = fields.Int()
    grade = fields.Str()
    text = fields.Str()
    text_en = fields.Str()


class ImprovementOut(Schema):
    date = fields.Date(allow_none=True, metadata={"description": "grade rises on this day"})
    grade = fields.Str(allow_none=True)
    sooner = fields.List(fields.Nested(SoonerOut))


class HistoryOut(Schema):
    as_of = fields.Date()
    score = fields.Float(allow_none=True)
    grade = fields.Str(allow_none=True)
    rated = fields.Bool()
    policy_version = fields.Int()


class StandingOut(Schema):
    uscc = fields.Function(lambda s: s["merchant"].uscc)
    name = fields.Function(lambda s: s["merchant"].name)
    rated = fields.Bool()
    score = fields.Float(allow_none=True)
    grade = fields.Str(allow_none=True)
    reasons = fields.List(fields.Nested(ReasonOut))
    as_of = fields.Date()
    policy_version = fields.Int()
    stored = fields.Bool(metadata={"description": "false: no snapshot yet, scored live"})
    next_improvement = fields.Nested(ImprovementOut)
    history = fields.List(fields.Nested(HistoryOut))


class PublicMerchantOut(Schema):
    """What anyone may see: published facts only, no personal data, no risk class."""

    uscc = fields.Str()
    name = fields.Str()
    trade = fields.Str()
    district = fields.Str()
    street = fields.Str(allow_none=True)
    market = fields.Str(allow_none=True)
    stall = fields.Str(allow_none=True)
    rated = fields.Bool()
    grade = fields.Str(allow_none=True)
    as_of = fields.Date(allow_none=True)


class PublicRecordOut(PublicMerchantOut):
    address = fields.Str()
    reasons = fields.List(fields.Nested(PublicReasonOut), metadata={"description": "top three"})
    policy_version = fields.Int(allow_none=True)


# The public listing's orders: by name; by grade (A first, unrated last, then by name); by
# last inspection (most recent first, never inspected last, then by name).
LISTING_SORTS = ("name", "grade", "inspected")


class PublicSearchArgs(PageArgs):
    q = Text(validate=validate.Length(max=64), metadata={"description": "name or USCC"})
    district = Text()
    street = Text(
        validate=validate.Length(max=64),
        metadata={"description": "any part of a street or town name"},
    )
    trade = Text(validate=validate.OneOf(TRADES))
    grade = Text(validate=validate.OneOf(["A", "B", "C", "D", "unrated"]))
    sort = Text(
        load_default="name",
        validate=validate.OneOf(LISTING_SORTS),
        metadata={
            "description": "name; grade (A first, unrated last); inspected (latest first, "
            "never inspected last); ties by name"
        },
    )


class PolicyIn(Schema):
    document = fields.Dict(required=True)
    note = Text(multiline=True, load_default="", validate=validate.Length(max=500))


class PolicyOut(Schema):
    version = fields.Int()
    document = fields.Dict()
    note = fields.Str()
    created_by = fields.Str()
    created_at = Moment()
