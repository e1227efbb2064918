"""The verification registry (issue 20): instruments held by a merchant, a stall or a
market, their verification records, the import sheet's row, and fair-scale alerts."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from creditsvc.models import INSTRUMENT_KINDS, VERIFICATION_RESULTS, VerificationResult
from creditsvc.schemas.common import Date, Moment, PageArgs, RowId, Text, USCCRef
from creditsvc.schemas.registry import StrippedSchema

SERIAL = validate.Length(min=1, max=64)
DUE_FILTERS = ("overdue", "due_soon")


class HolderFields(StrippedSchema):
    """Exactly one holder: a merchant by USCC, a stall or a market by id."""

    merchant = USCCRef(
        validate=validate.Length(equal=18, error="a USCC has 18 characters"),
        metadata={"description": "the USCC of the merchant holding it"},
    )
    stall_id = RowId(metadata={"description": "the stall where it stands"})
    market_id = RowId(metadata={"description": "the market holding it (a fair scale)"})
    stall = Text(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "with market_id: the stall's number there, in place of stall_id"},
    )

    @validates_schema
    def one_holder(self, data, **kwargs):
        given = [key for key in ("merchant", "stall_id", "market_id") if data.get(key)]
        if len(given) != 1:
            raise ValidationError("give exactly one of merchant, stall_id or market_id", "merchant")
        if data.get("stall") and not data.get("market_id"):
            raise ValidationError("a stall is named within its market", "stall")


class InstrumentRegisterIn(HolderFields):
    kind = Text(required=True, validate=validate.OneOf(INSTRUMENT_KINDS))
    serial = Text(required=True, validate=SERIAL)
    verification_due = Date(allow_none=True)
    device = Text(
        validate=SERIAL,
        metadata={"description": "serial of the fair-scale device it is (kind fair_scale)"},
    )


class VerificationIn(StrippedSchema):
    certificate_number = Text(required=True, validate=validate.Length(min=1, max=64))
    institute = Text(required=True, validate=validate.Length(min=1, max=128))
    verified_on = Date(required=True, past=True)
    result = Text(required=True, validate=validate.OneOf(VERIFICATION_RESULTS))
    next_due = Date(allow_none=True)

    @validates_schema
    def due_after(self, data, **kwargs):
        due = data.get("next_due")
        if data.get("result") == VerificationResult.PASSED and due is None:
            raise ValidationError("a passed verification needs its next due date", "next_due")
        if due is not None and "verified_on" in data and due <= data["verified_on"]:
            raise ValidationError("must be after the verification date", "next_due")


class VerificationImportIn(VerificationIn):
    """One row of a verification institute's sheet: the instrument (registered on its
    first verification) and the verification."""

    serial = Text(required=True, validate=SERIAL)
    kind = Text(required=True, validate=validate.OneOf(INSTRUMENT_KINDS))
    merchant = USCCRef(validate=validate.Length(equal=18, error="a USCC has 18 characters"))
    market_id = RowId()
    stall = Text(validate=validate.Length(min=1, max=32))

    @validates_schema
    def one_owner(self, data, **kwargs):
        if ("merchant" in data) == ("market_id" in data):
            raise ValidationError("give the owner's USCC or the market, not both", "merchant")
        if "stall" in data and "market_id" not in data:
            raise ValidationError("a stall is named within its market", "stall")


class VerificationOut(Schema):
    id = fields.Int()
    certificate_number = fields.Str()
    institute = fields.Str()
    verified_on = fields.Date()
    result = fields.Str(metadata={"enum": list(VERIFICATION_RESULTS)})
    next_due = fields.Date(allow_none=True)
    recorded_by = fields.Str()
    recorded_at = Moment()


class InstrumentListOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    serial = fields.Str()
    district = fields.Str(attribute="district_code")
    merchant = fields.Function(lambda i: i.merchant.uscc if i.merchant else None)
    stall_id = fields.Int(allow_none=True)
    market_id = fields.Int(allow_none=True)
    device = fields.Function(lambda i: i.device.serial if i.device else None)
    verification_due = fields.Date(allow_none=True)


class InstrumentDetailOut(InstrumentListOut):
    verifications = fields.List(fields.Nested(VerificationOut))


class InstrumentArgs(PageArgs):
    district = Text()
    kind = Text(validate=validate.OneOf(INSTRUMENT_KINDS))
    due = Text(
        validate=validate.OneOf(DUE_FILTERS),
        metadata={"description": "overdue, or due within the notice days (30)"},
    )
    merchant = USCCRef()
    market_id = RowId()
