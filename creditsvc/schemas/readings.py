"""Fair-scale re-weigh readings (自助公平秤复称记录): the batch a device posts, and the answer.

The batch envelope is checked whole (a bad envelope is a 422 and nothing is stored);
its items are checked one by one with `ReadingIn`, so one bad item becomes one entry
in the answer's `errors` while the good items of the same batch are stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_app_context
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from creditsvc import clock
from creditsvc.models import READING_REASON_CODES, VERDICTS
from creditsvc.schemas.common import AwareDateTime, Moment, PageArgs, Text, USCCRef
from creditsvc.workdays import SHANGHAI
from scoring.retail import Category

MAX_BATCH = 1000
FUTURE_SLACK = timedelta(minutes=10)  # a scale's clock may run a little fast
MAX_SEQ = 2**63 - 1  # the column is a BIGINT
CATEGORIES = tuple(member.value for member in Category)
# Default of the setting READING_MAX_AGE_DAYS (config.py, where the figure is argued).
MAX_AGE_DAYS = 90
# The largest mass a fair scale can weigh: markets keep counter scales and, for sacks of
# rice or whole fish, platform scales of accuracy class III (OIML R 76) up to 150 kg.
MAX_MASS_G = 150_000
# Dearer than any goods weighed at retail: 附表2's gold ornaments are priced by the gram,
# which per kilogram is six figures; ten times that leaves room for any price to come.
MAX_UNIT_PRICE = 10_000_000


def _plausible_time(value: datetime) -> None:
    """Not ahead of the bureau's clock by more than FUTURE_SLACK, nor older than the
    scale could have kept it (READING_MAX_AGE_DAYS)."""
    now = clock.now()
    if value > now + FUTURE_SLACK:
        raise ValidationError("more than 10 minutes in the future")
    days = (
        current_app.config.get("READING_MAX_AGE_DAYS", MAX_AGE_DAYS)
        if has_app_context()
        else MAX_AGE_DAYS
    )
    if value < now - timedelta(days=days):
        raise ValidationError(f"more than {days} days old")


class ReadingIn(Schema):
    """One re-weigh as the scale sends it; exactly one of `stall` or `merchant`."""

    seq = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=MAX_SEQ))
    time = AwareDateTime(
        required=True,
        default_timezone=SHANGHAI,
        validate=_plausible_time,
        metadata={"description": "ISO 8601; a time without a zone is Asia/Shanghai"},
    )
    settled_g = fields.Float(
        required=True,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_MASS_G),
        metadata={"description": "the mass charged for, in grams"},
    )
    measured_g = fields.Float(
        required=True,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_MASS_G),
        metadata={"description": "the mass the fair scale measured, in grams"},
    )
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    unit_price = fields.Float(
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_UNIT_PRICE),
        metadata={"description": "yuan/kg"},
    )
    stall = Text(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "stall number in the device's market"},
    )
    merchant = USCCRef(
        validate=validate.Length(equal=18, error="a USCC has 18 characters"),
        metadata={"description": "the merchant's USCC, when no stall number is known"},
    )

    @validates_schema
    def one_place(self, data, **kwargs):
        if ("stall" in data) == ("merchant" in data):
            raise ValidationError("give exactly one of stall or merchant", "stall")


class UncheckedReading(fields.Nested):
    """Documents an item as `ReadingIn` but passes it through unchecked: the service
    loads each item with `ReadingIn` itself, so one bad item cannot fail the batch."""

    def __init__(self, **kwargs) -> None:
        super().__init__(ReadingIn, allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return value


class ReadingBatchIn(Schema):
    readings = fields.List(
        UncheckedReading(),
        required=True,
        validate=validate.Length(
            min=1, max=MAX_BATCH, error="a batch holds from {min} to {max} readings"
        ),
        metadata={"description": "1 to 1,000 readings; a bad one is rejected alone"},
    )


class ReadingVerdictOut(Schema):
    index = fields.Int()
    seq = fields.Int()
    verdict = fields.Str(metadata={"enum": list(VERDICTS)})
    shortfall_g = fields.Float()
    limit_g = fields.Float(allow_none=True, metadata={"description": "k x deviation"})
    band = fields.Str(allow_none=True)
    reason = fields.Str()
    reason_code = fields.Str(
        allow_none=True,
        metadata={
            "enum": list(READING_REASON_CODES),
            "description": "why the scale could not judge it (its verification); else null",
        },
    )


class ReadingDuplicateOut(Schema):
    index = fields.Int()
    seq = fields.Int()


class ReadingErrorOut(Schema):
    index = fields.Int()
    seq = fields.Int(allow_none=True)
    field = fields.Str(allow_none=True, metadata={"description": "null: the item itself"})
    reason = fields.Str()


class ReadingBatchOut(Schema):
    """Counts per item; an item with several bad fields has one `errors` entry per field."""

    accepted = fields.Int()
    duplicate = fields.Int()
    rejected = fields.Int()
    results = fields.List(fields.Nested(ReadingVerdictOut))
    duplicates = fields.List(fields.Nested(ReadingDuplicateOut))
    errors = fields.List(fields.Nested(ReadingErrorOut))


class ReadingArgs(PageArgs):
    device = Text(metadata={"description": "device serial"})
    merchant = USCCRef()
    verdict = Text(validate=validate.OneOf(VERDICTS))
    since = AwareDateTime(default_timezone=SHANGHAI)
    until = AwareDateTime(default_timezone=SHANGHAI)


class ReadingOut(Schema):
    id = fields.Int()
    device = fields.Str(attribute="device_serial")
    seq = fields.Int()
    merchant = fields.Str(attribute="merchant_uscc")
    stall = fields.Str(attribute="stall_number", allow_none=True)
    time = Moment(attribute="measured_at")
    received_at = Moment()
    category = fields.Str()
    unit_price = fields.Float(allow_none=True)
    settled_g = fields.Float()
    measured_g = fields.Float()
    band = fields.Str(allow_none=True)
    k = fields.Int()
    limit_g = fields.Float(allow_none=True)
    shortfall_g = fields.Float()
    verdict = fields.Str()
    reason_code = fields.Str(allow_none=True)
