"""Merchants' requests (objections, credit repair, replies), notifications, the queue."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from creditsvc.models import OBJECTION_STATUSES, OBJECTION_SUBJECTS, REPAIR_STATUSES
from creditsvc.models.objection import REPLY_MAX_CHARS
from creditsvc.schemas.common import Moment, PageArgs, RowId, Text
from creditsvc.schemas.registry import StrippedSchema

Reason = validate.Length(min=1, max=1000)


class ObjectionIn(StrippedSchema):
    kind = Text(required=True, validate=validate.OneOf(OBJECTION_SUBJECTS))
    id = RowId(required=True, metadata={"description": "the disputed record's id"})
    grounds = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))


class ObjectionArgs(PageArgs):
    status = Text(validate=validate.OneOf(OBJECTION_STATUSES))


class DecisionIn(StrippedSchema):
    upheld = fields.Bool(required=True)
    reason = Text(multiline=True, required=True, validate=Reason)


class ObjectionOut(Schema):
    id = fields.Int()
    merchant = fields.Str(attribute="merchant.uscc")
    merchant_name = fields.Str(attribute="merchant.name")
    district = fields.Str(attribute="district_code")
    kind = fields.Str(attribute="subject_kind")
    subject_id = fields.Int()
    grounds = fields.Str()
    status = fields.Str(metadata={"description": "disputed | upheld | rejected"})
    filed_on = fields.Date()
    marked_at = Moment(metadata={"description": "when the record was marked disputed"})
    mark_due = fields.Date(metadata={"description": "1 working day (社会信用条例 第三十六条)"})
    decision_due = fields.Date(metadata={"description": "5 working days (第三十六条)"})
    decided_on = fields.Date(allow_none=True)
    decision_reason = fields.Str(allow_none=True)


class RepairIn(StrippedSchema):
    entry_id = RowId(required=True, metadata={"description": "the exposure entry"})
    statement = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))
    obligations_fulfilled = fields.Bool(required=True)
    harm_remedied = fields.Bool(required=True)


class RepairArgs(PageArgs):
    status = Text(validate=validate.OneOf(REPAIR_STATUSES))


class RepairDecisionIn(StrippedSchema):
    approve = fields.Bool(required=True)
    reason = Text(multiline=True, required=True, validate=Reason)
    obligations_fulfilled = fields.Bool(required=True)
    harm_remedied = fields.Bool(required=True)
    on_restricted_lists = fields.Bool(
        required=True,
        metadata={"description": "on the abnormal-operations or serious-violation list"},
    )


class RepairOut(Schema):
    id = fields.Int()
    merchant = fields.Str(attribute="merchant.uscc")
    merchant_name = fields.Str(attribute="merchant.name")
    district = fields.Str(attribute="district_code")
    entry_id = fields.Int()
    notice_id = fields.Int(attribute="entry.notice_id")
    statement = fields.Str()
    obligations_fulfilled = fields.Bool()
    harm_remedied = fields.Bool()
    status = fields.Str(metadata={"description": "pending | approved | refused"})
    check = fields.Dict(metadata={"description": "eligible, and one reason per condition"})
    filed_on = fields.Date()
    decision_due = fields.Date()
    decided_on = fields.Date(allow_none=True)
    decision_reason = fields.Str(allow_none=True)
    withdraw_due = fields.Date(allow_none=True)
    withdrawn_on = fields.Date(allow_none=True)


class ReplyIn(StrippedSchema):
    text = Text(multiline=True, required=True, validate=validate.Length(min=1, max=REPLY_MAX_CHARS))


class ModerateIn(StrippedSchema):
    approve = fields.Bool(required=True)
    note = Text(multiline=True, load_default="", validate=validate.Length(max=1000))


class ReplyOut(Schema):
    id = fields.Int()
    merchant = fields.Str(attribute="merchant.uscc")
    text = fields.Str()
    status = fields.Str(metadata={"description": "pending | approved | rejected"})
    submitted_at = Moment()
    moderated_at = Moment(allow_none=True)
    moderation_note = fields.Str(allow_none=True)


class NotificationArgs(PageArgs):
    unread = fields.Bool()


class NotificationOut(Schema):
    id = fields.Int()
    subject = fields.Str()
    body = fields.Str()
    about_kind = fields.Str()
    about_id = fields.Int()
    created_at = Moment()
    read_at = Moment(allow_none=True)


class QueueItemOut(Schema):
    kind = fields.Str(metadata={"description": "objection | repair | reply | community | …"})
    id = fields.Int()
    district = fields.Str()
    title = fields.Str()
    step = fields.Str(metadata={"description": "what the officer has to do"})
    due_on = fields.Date(allow_none=True)
    working_days_left = fields.Int(allow_none=True)
    overdue = fields.Bool()


class QueueOut(Schema):
    items = fields.List(fields.Nested(QueueItemOut))
    total = fields.Int()
