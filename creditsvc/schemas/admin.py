"""Running the service: the audit log, the holiday calendar, health and the violation
catalogue."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from creditsvc.schemas.common import Moment, PageArgs, Text

# The audit log ---------------------------------------------------------------------


class AuditArgs(PageArgs):
    entity = Text()
    entity_id = Text()
    actor = Text()


class AuditOut(Schema):
    id = fields.Int()
    at = Moment()
    actor = fields.Str()
    action = fields.Str()
    entity = fields.Str()
    entity_id = fields.Str()
    district = fields.Str(attribute="district_code", allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    reason = fields.Str(allow_none=True)


# The holiday calendar -------------------------------------------------------------


class CalendarArgs(Schema):
    year = fields.Int(required=True, validate=validate.Range(min=2000, max=2100))


class DayIn(Schema):
    kind = Text(required=True, validate=validate.OneOf(["holiday", "workday"]))
    name = Text(required=True, validate=validate.Length(min=1, max=32))


class DayOut(Schema):
    day = fields.Date()
    kind = fields.Str()
    name = fields.Str()


# Health --------------------------------------------------------------------------


class HealthCheckOut(Schema):
    name = fields.Str(metadata={"description": "public_address | calendar"})
    level = fields.Str(metadata={"description": "error | warning; neither makes this a 503"})
    ok = fields.Bool()
    detail = fields.Str(metadata={"description": "the reason when failing"})


class HealthOut(Schema):
    status = fields.Str()
    database = fields.Str()
    queue = fields.Str(metadata={"description": "ok | inline (no REDIS_URL) | down"})
    checks = fields.List(fields.Nested(HealthCheckOut))


class LiveOut(Schema):
    status = fields.Str()


# The violation catalogue ----------------------------------------------------------


class ViolationOut(Schema):
    code = fields.Str()
    name_zh = fields.Str()
    name_en = fields.Str()
    default_severity = fields.Str()
    obligation_basis = fields.Str()
    penalty_basis = fields.Str()
    penalty_summary = fields.Str()
    certainty = fields.Str()
