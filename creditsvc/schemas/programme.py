"""The honest-metrology programme: commitments, demonstration communities and units."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from creditsvc.models import UNIT_STATUSES
from creditsvc.models.demonstration import SEED_LIMIT
from creditsvc.schemas.common import Date, Moment, PageArgs, Text, USCCRef
from creditsvc.schemas.registry import StrippedSchema

Reason = validate.Length(min=1, max=1000)

# Self-commitments ------------------------------------------------------------------


class CommitmentForm(StrippedSchema):
    merchant = USCCRef(
        validate=validate.Length(equal=18), metadata={"description": "USCC; officers only"}
    )
    signed_on = Date(metadata={"description": "the date on the paper; officers only"})


class CommitmentFile(Schema):
    document = fields.Raw(
        metadata={"type": "string", "format": "binary", "description": "PDF, JPEG or PNG scan"}
    )


class CommitmentArgs(PageArgs):
    merchant = USCCRef(validate=validate.Length(equal=18))
    in_force = fields.Bool()


class WithdrawIn(StrippedSchema):
    reason = Text(multiline=True, required=True, validate=Reason)


class CommitmentOut(Schema):
    id = fields.Int()
    merchant = fields.Str(attribute="merchant.uscc")
    merchant_name = fields.Str(attribute="merchant.name")
    signed_on = fields.Date()
    channel = fields.Str(metadata={"description": "portal | officer"})
    in_force = fields.Bool()
    document_type = fields.Str(allow_none=True)
    document_sha256 = fields.Str(allow_none=True)
    recorded_by = fields.Str()
    recorded_at = Moment()
    withdrawn_on = fields.Date(allow_none=True)
    withdraw_reason = fields.Str(allow_none=True)


# Demonstration communities ---------------------------------------------------------


class UnitsIn(Schema):
    units = fields.List(
        Text(validate=validate.Length(equal=18)),
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "USCCs of the participating units"},
    )


class UnitBrief(Schema):
    uscc = Text()
    name = Text()
    trade = Text()


class ReviewIn(StrippedSchema):
    approve = fields.Bool(required=True)
    note = Text(multiline=True, load_default="", validate=validate.Length(max=1000))


class DrawIn(Schema):
    seed = fields.Int(
        validate=validate.Range(min=0, max=SEED_LIMIT - 1),
        metadata={"description": "leave out for a fresh random seed (recorded)"},
    )


class AcceptIn(StrippedSchema):
    passed = fields.Bool(required=True)
    organiser_score = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    note = Text(multiline=True, required=True, validate=Reason)


class DrawnUnitOut(Schema):
    group = fields.Int(attribute="group_number")
    position = fields.Int()
    uscc = fields.Str(attribute="merchant.uscc")
    name = fields.Str(attribute="merchant.name")
    rated = fields.Bool()
    score = fields.Float(allow_none=True)
    grade = fields.Str(allow_none=True)
    commitment_signed_on = fields.Date(allow_none=True)


class DrawOut(Schema):
    id = fields.Int()
    community_id = fields.Int()
    kind = fields.Str(metadata={"description": "acceptance | re_evaluation"})
    seed = fields.Int()
    drawn_by = fields.Str()
    drawn_at = Moment()
    units = fields.List(fields.Nested(DrawnUnitOut))
    organiser_score = fields.Float(allow_none=True)
    passed = fields.Bool(allow_none=True)
    decided_by = fields.Str(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    note = fields.Str(allow_none=True)


class ProgrammeCommunityOut(Schema):
    id = fields.Int()
    name = fields.Str()
    district = fields.Str(attribute="district_code")
    status = fields.Str()
    reviewed_on = fields.Date(allow_none=True)
    review_note = fields.Str(allow_none=True)
    accepted_on = fields.Date(allow_none=True)
    revoked_on = fields.Date(allow_none=True)
    re_evaluation_due = fields.Date(allow_none=True)


# Demonstration units ---------------------------------------------------------------


class UnitIn(StrippedSchema):
    merchant = USCCRef(
        validate=validate.Length(equal=18), metadata={"description": "USCC; associations only"}
    )
    statement = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))


class UnitArgs(PageArgs):
    status = Text(validate=validate.OneOf(UNIT_STATUSES))


class AssessIn(StrippedSchema):
    designate = fields.Bool(required=True)
    note = Text(multiline=True, required=True, validate=Reason)
    valid_years = fields.Int(validate=validate.Range(min=1, max=5))


class DemonstrationUnitOut(Schema):
    id = fields.Int()
    merchant = fields.Str(attribute="merchant.uscc")
    merchant_name = fields.Str(attribute="merchant.name")
    trade = fields.Str(attribute="merchant.trade")
    district = fields.Str(attribute="district_code")
    route = fields.Str(metadata={"description": "nominated | applied"})
    status = fields.Str()
    statement = fields.Str()
    filed_by = fields.Str()
    filed_on = fields.Date()
    assessment_note = fields.Str(allow_none=True)
    designated_on = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    suspended_on = fields.Date(allow_none=True)
    suspension_reason = fields.Str(allow_none=True)
    revoked_on = fields.Date(allow_none=True)
    decision_reason = fields.Str(allow_none=True)


class PublicUnitOut(Schema):
    name = fields.Str()
    trade = fields.Str()
    district = fields.Str()
    designated_on = fields.Date()
    valid_until = fields.Date()
