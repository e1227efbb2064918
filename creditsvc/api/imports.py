"""Spreadsheet imports (CSV in UTF-8 or GB18030, or XLSX) and their templates."""

from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.extensions import db
from creditsvc.imports import sheets
from creditsvc.jobs.imports import start_import
from creditsvc.models import JobRun
from creditsvc.principals import CITY, OFFICERS
from creditsvc.spreadsheets import write_csv, write_xlsx

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Imports")
KIND_NAMES = sorted(sheets.SHEETS)


class ImportForm(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(KIND_NAMES))


class ImportFile(Schema):
    file = fields.Raw(
        required=True, metadata={"type": "string", "format": "binary"}, data_key="file"
    )


class RowError(Schema):
    row = fields.Int(metadata={"description": "spreadsheet row number; the header is row 1"})
    column = fields.Str()
    message = fields.Str()


class ImportStatus(Schema):
    id = fields.Str()
    kind = fields.Function(lambda r: r.kind.removeprefix("import:"))
    status = fields.Str(metadata={"description": "queued | running | done | failed"})
    stage = fields.Str()
    done = fields.Int()
    total = fields.Int()
    accepted = fields.Function(lambda r: (r.result or {}).get("accepted", 0))
    errors = fields.Function(lambda r: (r.result or {}).get("errors", []))
    error = fields.Str(allow_none=True)
    status_url = fields.Function(lambda r: url_for("imports.ImportItem", run_id=r.id))
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class TemplateArgs(Schema):
    format = fields.Str(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))
    lang = fields.Str(load_default="zh", validate=validate.OneOf(["zh", "en"]))


def scoped_runs():
    p = auth.current()
    stmt = select(JobRun).where(JobRun.kind.startswith("import:"))
    return stmt if p.role == CITY else stmt.where(JobRun.created_by == p.name)


@blp.route("")
class Imports(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ImportForm, location="form")
    @blp.arguments(ImportFile, location="files")
    @blp.response(202, ImportStatus)
    def post(self, form, upload):
        """Upload a sheet; every row is checked before anything is written."""
        data = upload["file"].read()
        if not data:
            abort(422, message="the file is empty", errors={"files": {"file": ["empty file"]}})
        run_id = start_import(auth.current(), form["kind"], data)
        db.session.expire_all()
        return (
            db.session.get(JobRun, run_id),
            202,
            {"Location": url_for("imports.ImportItem", run_id=run_id)},
        )

    @allow(*OFFICERS)
    @blp.response(200, ImportStatus(many=True))
    def get(self):
        """List your imports, newest first."""
        return db.session.scalars(scoped_runs().order_by(JobRun.created_at.desc()).limit(100)).all()


@blp.route("/<run_id>")
class ImportItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, ImportStatus)
    def get(self, run_id):
        """The status of an import: progress, rows accepted, every row error."""
        return one_or_404(scoped_runs().where(JobRun.id == run_id), "import")


@blp.route("/templates/<kind>")
class ImportTemplate(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(TemplateArgs, location="query")
    @blp.response(200)
    def get(self, args, kind):
        """Download an empty sheet of a kind, with headers and one example row."""
        if kind not in sheets.SHEETS:
            abort(404, message=f"no template {kind!r}; there are {', '.join(KIND_NAMES)}")
        columns = sheets.SHEETS[kind]
        headers = [c.zh if args["lang"] == "zh" else c.en for c in columns]
        example = [c.example for c in columns]
        if args["format"] == "xlsx":
            body = write_xlsx(headers, [example])
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body, mime = write_csv(headers, [example]), "text/csv; charset=utf-8"
        filename = f"{kind}-template.{args['format']}"
        return Response(
            body,
            mimetype=mime,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
