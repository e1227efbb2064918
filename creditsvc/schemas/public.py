"""Public open data, no login: a business's record with its reply, published documents,
honor rolls and demonstration listings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from creditsvc.models import NOTICE_KINDS
from creditsvc.schemas.common import Moment, PageArgs, Text
from creditsvc.schemas.standing import PublicRecordOut


class PublicReplyOut(Schema):
    text = fields.Str()
    approved_at = Moment()


class PublicRecordWithReplyOut(PublicRecordOut):
    reply = fields.Nested(
        PublicReplyOut, allow_none=True, metadata={"description": "the business's moderated reply"}
    )
    disputed = fields.Bool(metadata={"description": "an objection is under consideration"})


# Published documents, honor rolls, demonstration listings ---------------------------


class DocumentArgs(PageArgs):
    kind = Text(validate=validate.OneOf(NOTICE_KINDS))
    district = Text()


class DistrictArgs(Schema):
    district = Text()


class HonorRollArgs(DistrictArgs, PageArgs):
    pass


class DocumentOut(Schema):
    serial = fields.Str()
    kind = fields.Str()
    kind_name = fields.Str()
    title = fields.Str()
    bureau = fields.Str(metadata={"description": "the issuing district bureau"})
    district = fields.Str()
    district_name = fields.Str()
    issued_on = fields.Date()
    status = fields.Str(
        metadata={"description": "published | expired | withdrawn | superseded | lapsed"}
    )
    status_text = fields.Str()
    in_force = fields.Bool()
    withdraw_reason = fields.Str(allow_none=True)
    withdrawn_on = fields.Date(allow_none=True)
    expired_on = fields.Date(allow_none=True)
    superseded_by = fields.Str(allow_none=True, metadata={"description": "serial"})
    superseded_on = fields.Date(
        allow_none=True, metadata={"description": "the day the corrected version was issued"}
    )
    supersedes = fields.Str(allow_none=True, metadata={"description": "serial"})
    sha256 = fields.Str(metadata={"description": "SHA-256 of the PDF as issued"})
    pages = fields.Int()
    verify_url = fields.Str()
    pdf_url = fields.Str(allow_none=True)


class DocumentEntryOut(Schema):
    position = fields.Int()
    name = fields.Str(allow_none=True, metadata={"description": "only while published"})
    uscc = fields.Str(allow_none=True, metadata={"description": "only while published"})
    status = fields.Str()
    status_text = fields.Str()
    ends_on = fields.Date(allow_none=True)
    withdraw_reason = fields.Str(allow_none=True, metadata={"description": "why it came off"})
    disputed = fields.Bool(metadata={"description": "under objection (社会信用条例 第三十六条)"})


class DocumentVerifyOut(DocumentOut):
    # A placard only: valid while the grade printed on it is the business's grade today.
    printed_grade = fields.Str(allow_none=True, metadata={"description": "placards: None unrated"})
    grade_today = fields.Str(allow_none=True, metadata={"description": "placards: None unrated"})
    business_url = fields.Str(
        allow_none=True, metadata={"description": "placards: the business's public page"}
    )
    entries = fields.List(fields.Nested(DocumentEntryOut))


class HonorRollItemOut(Schema):
    serial = fields.Str()
    district = fields.Str()
    street = fields.Str()
    trade = fields.Str()
    name = fields.Str()
    uscc = fields.Str()
    address = fields.Str()
    grade = fields.Str()
    as_of = fields.Str(metadata={"format": "date"})
    demonstration = fields.Bool(metadata={"description": "a demonstration unit"})


class DemonstrationOut(Schema):
    serial = fields.Str()
    district = fields.Str()
    name = fields.Str()
    street = fields.Str()
    status = fields.Str(metadata={"description": "accepted | re_evaluated"})
    accepted_on = fields.Str(allow_none=True, metadata={"format": "date"})
