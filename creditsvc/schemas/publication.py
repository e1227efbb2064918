"""Publication: notices (exposure notices, honor rolls, demonstration listings, placards)
and penalty decisions owed to the national credit publicity system."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from creditsvc import clock, links
from creditsvc.models import NOTICE_KINDS, NOTICE_STATUSES, Notice, PenaltyPublicationStatus
from creditsvc.models.lifecycle import codes
from creditsvc.schemas.common import Date, Moment, PageArgs, Text, USCCRef
from creditsvc.schemas.evidence import not_in_future
from creditsvc.schemas.registry import StrippedSchema, district_field

# Notices ---------------------------------------------------------------------------


class NoticeIn(StrippedSchema):
    kind = Text(required=True, validate=validate.OneOf(NOTICE_KINDS))
    district_code = district_field(required=True)
    period_start = Date(metadata={"description": "exposure: first decision day"})
    period_end = Date(metadata={"description": "exposure: last decision day"})
    merchant = USCCRef(metadata={"description": "placard: the merchant's USCC"})

    @validates_schema
    def fits_the_kind(self, data, **kwargs):
        exposure, placard = data["kind"] == "exposure", data["kind"] == "placard"
        for name in ("period_start", "period_end"):
            if exposure and name not in data:
                raise ValidationError("an exposure notice needs its period", name)
            if not exposure and name in data:
                raise ValidationError("only an exposure notice has a period", name)
        if exposure and data["period_start"] > data["period_end"]:
            raise ValidationError("the period ends before it starts", "period_end")
        if placard != ("merchant" in data):
            raise ValidationError("a placard, and only a placard, names a merchant", "merchant")


class PublishIn(StrippedSchema):
    """Publishing, after reading what goes public (GET the same URL). The console asks a
    person to confirm on a page of its own; DESIGN.md section 9 fixes `POST …/publish` with
    no body for callers of the API, so the flag may be left out, and `false` refuses."""

    confirm = fields.Bool(
        load_default=True,
        validate=validate.Equal(True, error="confirm with true after reading what goes public"),
        metadata={"description": "false refuses; left out, the POST itself confirms"},
    )


class GoingPublicEntryOut(Schema):
    position = fields.Int()
    name = fields.Str()
    uscc = fields.Str(allow_none=True, metadata={"description": "none for an individual business"})
    address = fields.Str(allow_none=True)
    decision_number = fields.Str(allow_none=True)
    decision_date = fields.Str(allow_none=True)
    penalty = fields.Str(allow_none=True)
    window_months = fields.Int(allow_none=True)


class GoingPublicOut(Schema):
    id = fields.Int()
    title = fields.Str()
    kind = fields.Str()
    district = fields.Str()
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    as_of = fields.Date()
    status = fields.Str()
    created_by = fields.Str()
    approved_by = fields.Str(allow_none=True)
    supersedes = fields.Str(allow_none=True, metadata={"description": "serial it corrects"})
    entries = fields.List(fields.Nested(GoingPublicEntryOut))


class NoticeArgs(PageArgs):
    district = Text()
    kind = Text(validate=validate.OneOf(NOTICE_KINDS))
    status = Text(validate=validate.OneOf(NOTICE_STATUSES))


class ReasonIn(StrippedSchema):
    reason = Text(multiline=True, required=True, validate=validate.Length(min=2, max=500))


class DeadlineOut(Schema):
    date = fields.Date(allow_none=True, metadata={"description": "null: calendar not loaded"})
    reason = fields.Str()
    working_days_left = fields.Int(
        allow_none=True, metadata={"description": "negative when overdue; null: see calendar"}
    )
    calendar = fields.Str(
        allow_none=True,
        metadata={"description": "why the working days cannot be counted: a year not loaded"},
    )


class EntryOut(Schema):
    id = fields.Int()
    position = fields.Int()
    status = fields.Str(metadata={"description": "active | expired | withdrawn"})
    content = fields.Dict(metadata={"description": "what the document shows"})
    qualifies = fields.Str(metadata={"description": "why the entry qualifies"})
    window_months = fields.Int(allow_none=True)
    published_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True, metadata={"description": "end of the window"})
    deadline = fields.Function(
        lambda e: DeadlineOut().dump(e.deadline) if e.deadline else None,
        metadata={"description": "when the entry must come off publication, and why"},
    )
    expired_on = fields.Date(allow_none=True)
    withdrawn_by = fields.Str(allow_none=True)
    withdrawn_at = Moment(allow_none=True)
    withdraw_reason = fields.Str(allow_none=True)


def _pdf_url(notice: Notice) -> str | None:
    return url_for("notices.NoticePdf", notice_id=notice.id) if notice.file_name else None


class NoticeSummaryOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    district = fields.Str(attribute="district_code")
    title = fields.Str()
    status = fields.Str()
    serial = fields.Str(allow_none=True)
    pdf_url = fields.Function(_pdf_url)
    verify_url = fields.Function(lambda n: links.verify_url(n.serial) if n.serial else None)
    sha256 = fields.Str(allow_none=True)
    pages = fields.Int(allow_none=True)
    as_of = fields.Date()
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    merchant = fields.Function(lambda n: n.merchant.uscc if n.merchant else None)
    supersedes = fields.Int(attribute="supersedes_id", allow_none=True)
    correction_reason = fields.Str(allow_none=True)
    render_job = fields.Str(attribute="render_job_id", allow_none=True)
    render_error = fields.Str(allow_none=True)
    created_by = fields.Str()
    created_at = Moment()
    approved_by = fields.Str(allow_none=True)
    approved_at = Moment(allow_none=True)
    published_on = fields.Date(allow_none=True)
    published_by = fields.Str(allow_none=True)
    published_at = Moment(allow_none=True)
    withdrawn_by = fields.Str(allow_none=True)
    withdrawn_at = Moment(allow_none=True)
    withdraw_reason = fields.Str(allow_none=True)
    expired_on = fields.Date(allow_none=True)


class NoticeOut(NoticeSummaryOut):
    superseded_by = fields.Function(lambda n: n.superseded_by, allow_none=True)
    entries = fields.List(fields.Nested(EntryOut))


# Penalty decisions on the national credit publicity system -------------------------


class PublicationArgs(Schema):
    district = Text()
    status = Text(validate=validate.OneOf(codes(PenaltyPublicationStatus)))


class PublicationPageArgs(PublicationArgs, PageArgs):
    pass


class PublishedIn(StrippedSchema):
    published_on = Date(load_default=clock.today, validate=not_in_future)
    reference = Text(
        load_default="",
        validate=validate.Length(max=128),
        metadata={"description": "the national system's record number, if any"},
    )


class PublicationOut(Schema):
    penalty_id = fields.Int()
    decision_number = fields.Str()
    party_name = fields.Str()
    party_uscc = fields.Str()
    violation = fields.Str()
    penalty = fields.Str()
    authority = fields.Str(metadata={"description": "the deciding district bureau"})
    district = fields.Str()
    decided_on = fields.Date()
    deadline = fields.Date(
        allow_none=True,
        metadata={"description": "20 working days after the decision; null: see calendar"},
    )
    working_days_left = fields.Int(allow_none=True, metadata={"description": "negative: overdue"})
    calendar = fields.Str(
        allow_none=True,
        metadata={"description": "why the deadline cannot be counted: a year not loaded"},
    )
    status = fields.Str(metadata={"description": "pending | published | overdue"})
    published_on = fields.Date(allow_none=True)
    published_by = fields.Str(allow_none=True)
    reference = fields.Str(allow_none=True)
