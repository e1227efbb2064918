"""The internal risk model (officers only) and random inspection plans (双随机一公开).

Only the Public* schemas may appear on a public endpoint: they carry no probability and
no risk class.
"""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from creditsvc.models import RISK_CLASSES, PlanStatus
from creditsvc.models.lifecycle import codes
from creditsvc.schemas.common import Date, Moment, PageArgs, Text, USCCRef
from creditsvc.schemas.registry import StrippedSchema


def share() -> fields.Float:
    return fields.Float(validate=validate.Range(min=0, max=1))


# Risk scores and models (officers) --------------------------------------------------


class RiskArgs(PageArgs):
    risk_class = Text(validate=validate.OneOf(RISK_CLASSES))
    district = Text()


class RiskScoreOut(Schema):
    uscc = fields.Function(lambda s: s.merchant.uscc)
    name = fields.Function(lambda s: s.merchant.name)
    district = fields.Function(lambda s: s.merchant.district_code)
    trade = fields.Function(lambda s: s.merchant.trade)
    probability = fields.Float(
        metadata={"description": "of a major or serious finding at an inspection in 180 days"}
    )
    risk_class = fields.Str(metadata={"description": "A (lowest risk) … D (highest)"})
    as_of = fields.Date()
    model = fields.Function(lambda s: s.model.version)


class RiskModelOut(Schema):
    id = fields.Int()
    version = fields.Str()
    kind = fields.Str(metadata={"description": "logistic | boosting"})
    trained_at = Moment()
    trained_by = fields.Str()
    validation_auc = fields.Function(lambda m: m.card["metrics"][m.kind]["auc"])
    drift_warnings = fields.Function(lambda m: (m.drift or {}).get("warnings", []))
    url = fields.Function(lambda m: url_for("risk.RiskModelItem", model_id=m.id))


class RiskModelDetailOut(RiskModelOut):
    sha256 = fields.Str()
    card = fields.Dict()
    drift = fields.Dict(allow_none=True)
    drift_checked_at = Moment(allow_none=True)


class TrainingRunOut(Schema):
    id = fields.Str()
    status = fields.Str(metadata={"description": "queued | running | done | failed"})
    stage = fields.Str()
    error = fields.Str(allow_none=True)
    result = fields.Dict(allow_none=True)
    created_by = fields.Str()
    created_at = Moment()
    finished_at = Moment(allow_none=True)
    status_url = fields.Function(lambda r: url_for("risk.TrainingRunItem", run_id=r.id))


class TrainIn(StrippedSchema):
    pass


# Inspection plans and conflicts (officers) ------------------------------------------


class RatiosIn(StrippedSchema):
    A = share()
    B = share()
    C = share()
    D = share()


class PlanIn(StrippedSchema):
    district = Text(required=True, validate=validate.Length(equal=6))
    period_start = Date(required=True)
    period_end = Date(required=True)
    seed = fields.Int(validate=validate.Range(min=0, max=2**62 - 1))
    ratios = fields.Nested(RatiosIn)


class PlanArgs(PageArgs):
    district = Text()
    status = Text(validate=validate.OneOf(codes(PlanStatus)))


class PlanItemOut(Schema):
    position = fields.Int()
    uscc = fields.Str()
    name = fields.Str()
    risk_class = fields.Str()
    must_check = fields.Bool(
        metadata={"description": "on the must-check list (定向抽查): an open fair-scale alert"}
    )
    inspectors = fields.List(fields.Str(), metadata={"description": "usernames, as drawn"})
    inspected_on = fields.Date(allow_none=True)
    outcome = fields.Str(metadata={"description": "clean | violations | not inspected"})


class PlanOut(Schema):
    id = fields.Int()
    district = fields.Str(attribute="district_code")
    period_start = fields.Date()
    period_end = fields.Date()
    seed = fields.Int()
    ratios = fields.Dict()
    population = fields.Dict(metadata={"description": "merchants of the district per class"})
    model_id = fields.Int(allow_none=True)
    status = fields.Str()
    created_by = fields.Str()
    created_at = Moment()
    published_on = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(PlanItemOut))


class ConflictIn(StrippedSchema):
    officer = Text(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "username of a district officer; yourself when left out"},
    )
    merchant = USCCRef(required=True)
    reason = Text(multiline=True, required=True, validate=validate.Length(min=2, max=2000))


class ConflictOut(Schema):
    id = fields.Int()
    officer = fields.Function(lambda c: c.officer.username)
    merchant = fields.Function(lambda c: c.merchant.uscc)
    reason = fields.Str()
    declared_by = fields.Str()
    declared_at = Moment()


# Published plans (public) -----------------------------------------------------------


class PublicPlanItemOut(Schema):
    uscc = fields.Str()
    name = fields.Str()
    inspected_on = fields.Date(allow_none=True)
    outcome = fields.Str(metadata={"description": "clean | violations | not inspected"})


class PublicPlanRowOut(Schema):
    """One business of a published plan, with its plan's facts: a row of the CSV export."""

    plan = fields.Int()
    district = fields.Str()
    period_start = fields.Date()
    period_end = fields.Date()
    seed = fields.Int()
    published_on = fields.Date()
    uscc = fields.Str()
    name = fields.Str()
    inspected_on = fields.Date(allow_none=True)
    outcome = fields.Str(metadata={"description": "clean | violations | not inspected"})


class PublicPlanOut(Schema):
    id = fields.Int()
    district = fields.Str()
    period_start = fields.Date()
    period_end = fields.Date()
    seed = fields.Int(metadata={"description": "recorded at the draw, for audit"})
    published_on = fields.Date()
    items = fields.List(fields.Nested(PublicPlanItemOut))
