"""Spreadsheet imports: the upload form, the status of an import run, template downloads."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from creditsvc.imports import sheets
from creditsvc.schemas.common import Moment, Text

KIND_NAMES = sorted(sheets.SHEETS)


class ImportForm(Schema):
    kind = Text(required=True, validate=validate.OneOf(KIND_NAMES))


class ImportFile(Schema):
    file = fields.Raw(
        required=True, metadata={"type": "string", "format": "binary"}, data_key="file"
    )


class RowError(Schema):
    row = fields.Int(metadata={"description": "spreadsheet row number; the header is row 1"})
    column = Text()
    message = Text()


class ImportStatus(Schema):
    id = Text()
    kind = fields.Function(lambda r: r.kind.removeprefix("import:"))
    status = Text(metadata={"description": "queued | running | done | failed"})
    stage = Text()
    done = fields.Int()
    total = fields.Int()
    accepted = fields.Function(lambda r: (r.result or {}).get("accepted", 0))
    errors = fields.Function(lambda r: (r.result or {}).get("errors", []))
    error = Text(allow_none=True)
    status_url = fields.Function(lambda r: url_for("imports.ImportItem", run_id=r.id))
    created_at = Moment()
    finished_at = Moment(allow_none=True)


class TemplateArgs(Schema):
    format = Text(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))
    lang = Text(load_default="zh", validate=validate.OneOf(["zh", "en"]))
