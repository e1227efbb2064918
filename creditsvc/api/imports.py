"""Spreadsheet imports (CSV in UTF-8 or GB18030, or XLSX) and their templates."""

from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import abort

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.imports import sheets
from creditsvc.jobs.imports import start_import
from creditsvc.principals import OFFICERS
from creditsvc.schemas.imports import KIND_NAMES, ImportFile, ImportForm, ImportStatus, TemplateArgs
from creditsvc.services import jobruns
from creditsvc.spreadsheets import write_csv, write_xlsx

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Imports")


@blp.route("")
class Imports(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ImportForm, location="form")
    @blp.arguments(ImportFile, location="files")
    @blp.response(202, ImportStatus)
    @blp.alt_response(503, description="the job queue is down; nothing was imported")
    def post(self, form, upload):
        """Upload a sheet; every row is checked before anything is written."""
        data = upload["file"].read()
        if not data:
            abort(422, message="the file is empty", errors={"files": {"file": ["empty file"]}})
        run_id = start_import(auth.current(), form["kind"], data)
        return (
            jobruns.as_left(run_id),
            202,
            {"Location": url_for("imports.ImportItem", run_id=run_id)},
        )

    @allow(*OFFICERS)
    @blp.response(200, ImportStatus(many=True))
    def get(self):
        """List your imports, newest first."""
        return jobruns.recent_imports(auth.current(), 100)


@blp.route("/<run_id>")
class ImportItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, ImportStatus)
    def get(self, run_id):
        """The status of an import: progress, rows accepted, every row error."""
        return jobruns.import_run(auth.current(), run_id)


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
