"""Inspections (with findings, net-content lots and penalties), complaints, corrections."""

from __future__ import annotations

from datetime import date

import numpy as np
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from creditsvc import clock
from creditsvc.catalogue import violations
from creditsvc.models import (
    CHANNELS,
    COMPLAINT_STATUSES,
    EVIDENCE_KINDS,
    INSPECTION_KINDS,
    PENALTY_CHANGE_KINDS,
    PROCEDURES,
    SEVERITIES,
)
from creditsvc.schemas.common import INT_MAX, Date, Moment, PageArgs, RowId, Text, USCCRef
from creditsvc.schemas.registry import StrippedSchema
from scoring import netcontent
from scoring.scorecard import SEVERITY_INDEX, same_fault

LongText = validate.Length(max=2000)
# 定量包装商品计量监督管理办法 附表3 (reference/prepackaged_tolerance_T.csv) ends at 50 kg or
# 50 L (a kg or L lot past it is refused when judged); length, area and count lots are
# held to the same figure. A measured package may be overfilled, not twice over.
MAX_NOMINAL = 50_000
MAX_MEASUREMENT = 2 * MAX_NOMINAL
# Far above any fine the metrology laws provide for, and inside the column (NUMERIC(12, 2)).
MAX_FINE_YUAN = 100_000_000


def not_in_future(value: date) -> None:
    if value > clock.today():
        raise ValidationError("cannot be in the future")


# Inspections -------------------------------------------------------------------


class FindingIn(StrippedSchema):
    code = Text(required=True, validate=validate.OneOf(sorted(violations())))
    severity = Text(
        validate=validate.OneOf(SEVERITIES),
        metadata={"description": "defaults to the catalogue's severity for the code"},
    )
    description = Text(multiline=True, load_default="", validate=LongText)
    instrument = Text(
        validate=validate.Length(max=64), metadata={"description": "instrument serial"}
    )


class LotIn(StrippedSchema):
    product = Text(required=True, validate=validate.Length(min=1, max=128))
    nominal = fields.Decimal(
        required=True, validate=validate.Range(min=0, min_inclusive=False, max=MAX_NOMINAL)
    )
    unit = Text(
        required=True,
        validate=validate.OneOf(list(netcontent.UNITS)),
        metadata={
            "description": "g, kg, mL, L, m (length), m2 (area) or pcs (count); a kg or L lot "
            "is judged in g or mL (rules.md §2, JJF 1070)"
        },
    )
    batch_size = fields.Int(required=True, validate=validate.Range(min=1, max=INT_MAX))
    measurements = fields.List(
        fields.Decimal(validate=validate.Range(min=0, max=MAX_MEASUREMENT)),
        required=True,
        validate=validate.Length(min=1),
    )

    @validates_schema
    def counted_in_whole_pieces(self, data, **kwargs):
        """A counted lot (pcs) declares and counts whole pieces."""
        if data.get("unit") != "pcs":
            return
        if data.get("nominal") is not None and data["nominal"] % 1:
            raise ValidationError("a counted lot's nominal quantity is a whole number", "nominal")
        if any(q % 1 for q in data.get("measurements") or ()):
            raise ValidationError("a counted lot is counted in whole pieces", "measurements")


class PenaltyIn(StrippedSchema):
    decision_number = Text(required=True, validate=validate.Length(min=3, max=64))
    decided_on = Date(required=True, validate=not_in_future)
    procedure = Text(required=True, validate=validate.OneOf(PROCEDURES))
    fine_yuan = fields.Decimal(
        load_default=0, validate=validate.Range(min=0, max=MAX_FINE_YUAN), places=2
    )
    confiscation = Text(multiline=True, load_default="", validate=LongText)
    warning_only = fields.Bool(load_default=False)

    @validates_schema
    def warning_has_no_fine(self, data, **kwargs):
        if data.get("warning_only") and (data.get("fine_yuan") or data.get("confiscation")):
            raise ValidationError("a warning alone carries no fine or confiscation", "warning_only")


class InspectionIn(StrippedSchema):
    merchant = USCCRef(required=True)
    inspected_on = Date(required=True, validate=not_in_future)
    kind = Text(required=True, validate=validate.OneOf(INSPECTION_KINDS))
    officers = fields.List(
        Text(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=10),
    )
    notes = Text(multiline=True, load_default="", validate=LongText)
    findings = fields.List(fields.Nested(FindingIn), load_default=list)
    lots = fields.List(fields.Nested(LotIn), load_default=list)
    penalty = fields.Nested(PenaltyIn)
    plan = RowId(metadata={"description": "id of the random inspection plan (双随机) carried out"})

    @validates_schema
    def penalty_after_inspection(self, data, **kwargs):
        penalty = data.get("penalty")
        if penalty and penalty["decided_on"] < data["inspected_on"]:
            raise ValidationError("a decision cannot precede the inspection", "penalty")


def same_fault_lot(finding) -> int | None:
    """The failing lot a finding an officer listed is the same fault as (one fault, one
    deduction: scoring.scorecard.same_fault), or None."""
    found = finding.inspection.findings
    pairs = same_fault(
        np.zeros(len(found), dtype=np.int64),
        np.array([f.code for f in found], dtype=object),
        np.array([SEVERITY_INDEX.get(f.severity, -1) for f in found], dtype=np.int64),
        np.array([f.lot_id is not None for f in found], dtype=bool),
    )
    row = int(pairs[found.index(finding)])
    return None if row < 0 else found[row].lot_id


class FindingOut(Schema):
    id = fields.Int()
    code = fields.Str()
    severity = fields.Str()
    description = fields.Str()
    instrument = fields.Function(lambda f: f.instrument.serial if f.instrument else None)
    lot_id = fields.Int(allow_none=True)
    same_fault_as_lot = fields.Function(
        same_fault_lot,
        allow_none=True,
        metadata={
            "description": "the failing lot of this inspection this finding is the same fault "
            "as: the lot is deducted, this finding is not (scoring policy 2: one fault, one "
            "deduction)"
        },
    )
    deducted = fields.Function(
        lambda f: same_fault_lot(f) is None,
        metadata={"description": "false when only the lot named in same_fault_as_lot counts"},
    )


class LotOut(Schema):
    id = fields.Int()
    product = fields.Str()
    nominal = fields.Decimal(as_string=True)
    unit = fields.Str()
    batch_size = fields.Int()
    measurements = fields.List(fields.Str())
    plan = fields.Str()
    judged_in = fields.Function(
        lambda lot: netcontent.judging_unit(lot.unit),
        metadata={
            "description": "the unit of tolerance, mean and mean_limit: g for a kg lot, mL "
            "for an L lot, else the lot's own unit"
        },
    )
    tolerance = fields.Decimal(as_string=True)
    t1 = fields.Int()
    t2 = fields.Int()
    mean = fields.Decimal(as_string=True, allow_none=True)
    mean_limit = fields.Decimal(as_string=True, allow_none=True)
    verdict = fields.Str()
    reasons = fields.List(fields.Str())


class PenaltyChangeIn(StrippedSchema):
    """A later decision revoking (撤销) or changing (变更) a penalty decision."""

    kind = fields.Str(required=True, validate=validate.OneOf(PENALTY_CHANGE_KINDS))
    document_number = Text(required=True, validate=validate.Length(min=3, max=64))
    decided_on = Date(past=True, required=True)
    reason = Text(multiline=True, required=True, validate=validate.Length(min=2, max=2000))


class PenaltyChangeOut(Schema):
    kind = fields.Str()
    document_number = fields.Str()
    decided_on = fields.Date()
    reason = fields.Str()
    recorded_by = fields.Str()
    recorded_at = Moment()


class PenaltyOut(Schema):
    decision_number = fields.Str()
    decided_on = fields.Date()
    procedure = fields.Str()
    fine_yuan = fields.Decimal(as_string=True)
    confiscation = fields.Str()
    warning_only = fields.Bool()
    change = fields.Nested(PenaltyChangeOut, allow_none=True)


class VoidOut(Schema):
    reason = fields.Str()
    actor = fields.Str()
    at = Moment()


class InspectionOut(Schema):
    id = fields.Int()
    merchant = fields.Function(lambda i: i.merchant.uscc)
    district = fields.Str(attribute="district_code")
    inspected_on = fields.Date()
    kind = fields.Str()
    officers = fields.List(fields.Str())
    notes = fields.Str()
    clean = fields.Bool()
    findings = fields.List(fields.Nested(FindingOut))
    lots = fields.List(fields.Nested(LotOut))
    penalty = fields.Nested(PenaltyOut, allow_none=True)
    void = fields.Nested(VoidOut, allow_none=True)
    plan = fields.Int(attribute="plan_id", allow_none=True)
    recorded_by = fields.Str()
    created_at = Moment()


class InspectionArgs(PageArgs):
    merchant = USCCRef()
    kind = Text(validate=validate.OneOf(INSPECTION_KINDS))
    since = Date()
    until = Date()
    district = Text()
    with_penalty = fields.Bool()


# Complaints --------------------------------------------------------------------


class ComplaintIn(StrippedSchema):
    merchant = USCCRef(required=True)
    channel = Text(required=True, validate=validate.OneOf(CHANNELS))
    received_on = Date(required=True, validate=not_in_future)
    reference = Text(validate=validate.Length(max=64))
    allegation = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))
    contact = Text(
        validate=validate.Length(max=200),
        metadata={"description": "complainant's name and phone: personal data, stored encrypted"},
    )


class TransitionIn(StrippedSchema):
    to = Text(required=True, validate=validate.OneOf(COMPLAINT_STATUSES))
    reason = Text(multiline=True, required=True, validate=validate.Length(min=2, max=2000))


class TransitionOut(Schema):
    from_status = fields.Str()
    to_status = fields.Str()
    actor = fields.Str()
    reason = fields.Str()
    at = Moment()


class ComplaintOut(Schema):
    id = fields.Int()
    merchant = fields.Function(lambda c: c.merchant.uscc)
    district = fields.Str(attribute="district_code")
    channel = fields.Str()
    received_on = fields.Date()
    reference = fields.Str(allow_none=True)
    allegation = fields.Str()
    status = fields.Str()
    decided_on = fields.Date(allow_none=True)
    transitions = fields.List(fields.Nested(TransitionOut))
    void = fields.Nested(VoidOut, allow_none=True)
    contact = fields.Str(
        allow_none=True,
        metadata={"description": "only for officers of the complaint's own district"},
    )
    created_at = Moment()


class ComplaintArgs(PageArgs):
    merchant = USCCRef()
    status = Text(validate=validate.OneOf(COMPLAINT_STATUSES))
    channel = Text(validate=validate.OneOf(CHANNELS))
    since = Date()
    until = Date()
    district = Text()


# Corrections -------------------------------------------------------------------


class VoidIn(StrippedSchema):
    kind = Text(required=True, validate=validate.OneOf(EVIDENCE_KINDS))
    id = RowId(required=True)
    reason = Text(multiline=True, required=True, validate=validate.Length(min=2, max=2000))


class CorrectionOut(Schema):
    id = fields.Int()
    kind = fields.Str(attribute="evidence_kind")
    evidence_id = fields.Int()
    reason = fields.Str()
    actor = fields.Str()
    at = Moment()
