"""Spreadsheet imports from the console: upload, a progress page that refreshes itself
while the job runs, and the row-by-row error report. The import job checks the sheet
whole: one bad row and nothing is imported (DESIGN.md §8)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.jobs import QueueUnavailable
from creditsvc.jobs.imports import start_import
from creditsvc.principals import OFFICERS
from creditsvc.schemas.imports import KIND_NAMES
from creditsvc.services import jobruns
from creditsvc.services.errors import Invalid, TooLarge
from creditsvc.web.console_common import QUEUE_DOWN, bp
from creditsvc.web.labels import IMPORT_KIND_LABELS, JOB_STATUS_LABELS

RECENT_RUNS = 20
REFRESH_SECONDS = 2


def _upload_page(values: MultiDict, errors: dict, status: int = 200):
    runs = jobruns.recent_imports(auth.current(), RECENT_RUNS)
    return render_template(
        "console/import_form.html",
        values=values,
        errors=errors,
        kinds={k: IMPORT_KIND_LABELS.get(k, k) for k in KIND_NAMES},
        runs=runs,
        statuses=JOB_STATUS_LABELS,
    ), status


@bp.route("/imports", methods=["GET", "POST"])
@allow(*OFFICERS)
def imports():
    if request.method == "GET":
        return _upload_page(MultiDict(request.args), {})
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    errors: dict[str, list[str]] = {}
    if kind not in KIND_NAMES:
        errors["kind"] = [_("Choose what the sheet holds.")]
    if not data:
        errors["file"] = [_("Choose a non-empty CSV or XLSX file.")]
    if errors:
        return _upload_page(request.form, errors, 422)
    try:
        run_id = start_import(auth.current(), kind, data)
    except QueueUnavailable:
        flash(str(QUEUE_DOWN), "error")
        return _upload_page(request.form, {}, 503)
    except (Invalid, TooLarge) as exc:  # unreadable, a zip bomb, or too large to run here
        reason = _("The file cannot be imported: %(reason)s", reason=exc.message)
        return _upload_page(request.form, {"file": [reason]}, exc.status)
    return redirect(url_for("console.import_status", run_id=run_id), 303)


@bp.get("/imports/<run_id>")
@allow(*OFFICERS)
def import_status(run_id: str):
    run = jobruns.import_run(auth.current(), run_id)
    result = run.result or {}
    return render_template(
        "console/import_status.html",
        run=run,
        kind=run.kind.removeprefix("import:"),
        kinds=IMPORT_KIND_LABELS,
        statuses=JOB_STATUS_LABELS,
        accepted=result.get("accepted", 0),
        rows=result.get("rows"),
        errors=result.get("errors", []),
        refresh=REFRESH_SECONDS if run.status in ("queued", "running") else None,
    )
