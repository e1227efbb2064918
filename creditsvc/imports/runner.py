"""Run an import: read the file, turn each row into an API payload, validate it with the
API's own schema and apply it with the API's own service inside a savepoint. Every
row's error is collected; if there is any, the whole transaction is rolled back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from marshmallow import Schema, ValidationError
from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.imports import sheets
from creditsvc.imports.resolve import RESOLVERS
from creditsvc.jobs import rescore
from creditsvc.models import JobRun, User
from creditsvc.principals import Principal
from creditsvc.schemas.evidence import ComplaintIn, InspectionIn
from creditsvc.schemas.registry import MerchantIn
from creditsvc.services import jobruns
from creditsvc.services.errors import DomainError
from creditsvc.services.evidence import complaints, inspections
from creditsvc.services.registry import operations as registry
from creditsvc.spreadsheets import SheetError, read

PROGRESS_EVERY = 250


@dataclass(frozen=True)
class Kind:
    schema: type[Schema]
    apply: Callable[[Principal, dict], object]


KINDS = {
    "merchants": Kind(MerchantIn, registry.register_merchant),
    "inspections": Kind(InspectionIn, inspections.record_inspection),
    "complaints": Kind(ComplaintIn, complaints.record_complaint),
}


def upload_path(run_id: str) -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "imports" / run_id


def _flatten(errors: dict | list, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(errors, list):
        for message in errors:
            yield prefix, str(message)
        return
    for key, value in errors.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        yield from _flatten(value, path)


def _column_for(kind: str, path: str) -> str:
    """The header a person sees for an error at `path` of the payload."""
    parts = path.split(".")
    if parts[0] == "penalty" and len(parts) > 1:
        key = parts[1]  # the penalty's fields have columns of their own
    else:
        key = sheets.ERROR_COLUMNS.get(parts[0], parts[0])
    column = next((c for c in sheets.SHEETS[kind] if c.key == key), None)
    return column.zh if column else path


class RowErrors(list):
    def add(self, kind: str, row: int, path: str, message: str) -> None:
        column = _column_for(kind, path) if path else ""
        choices = next((c.choices for c in sheets.SHEETS[kind] if c.zh == column), None)
        if choices:
            message += " (可填 / accepted: " + "、".join(choices) + ")"
        self.append({"row": row, "column": column, "message": message})


def _values(columns: dict[int, sheets.Column], cells: list[str]) -> dict[str, str]:
    return {
        col.key: sheets.cell_value(col, cells[i] if i < len(cells) else "")
        for i, col in columns.items()
    }


def _apply_row(
    kind: str, principal: Principal, number: int, values: dict, errors: RowErrors
) -> bool:
    spec = KINDS[kind]
    try:
        payload = sheets.PAYLOADS[kind](RESOLVERS[kind](values))
        data = spec.schema().load(payload)
    except DomainError as exc:
        errors.add(kind, number, exc.field or "", exc.message)
        return False
    except ValidationError as exc:
        for path, message in _flatten(exc.messages):
            errors.add(kind, number, path, message)
        return False
    savepoint = db.session.begin_nested()
    try:
        spec.apply(principal, data)
        db.session.flush()
    except DomainError as exc:
        savepoint.rollback()
        errors.add(kind, number, (exc.field or "").removeprefix("json."), exc.message)
        return False
    savepoint.commit()
    return True


def principal_of(run: JobRun) -> Principal:
    user = db.session.get(User, run.user_id) if run.user_id else None
    if user is None or not user.active:
        raise PermissionError("the user who started this import no longer exists or is inactive")
    return Principal(role=user.role, user=user)


def run(run_id: str) -> None:
    """The import job: all rows or none."""
    job = db.session.scalar(select(JobRun).where(JobRun.id == run_id))
    kind = job.kind.removeprefix("import:")
    principal = principal_of(job)
    try:
        sheet = read(upload_path(run_id).read_bytes())
    except SheetError as exc:
        db.session.rollback()
        jobruns.fail(run_id, str(exc), {"errors": [{"row": 0, "column": "", "message": str(exc)}]})
        return
    columns, problems = sheets.header_map(kind, sheet.headers)
    if problems:
        db.session.rollback()
        errors = [{"row": 1, "column": "", "message": p} for p in problems]
        jobruns.fail(run_id, "the header row does not fit this kind of sheet", {"errors": errors})
        return
    total = len(sheet.rows)
    jobruns.progress(run_id, "checking", 0, total)
    errors = RowErrors()
    accepted = 0
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        accepted += _apply_row(kind, principal, number, _values(columns, cells), errors)
        if done % PROGRESS_EVERY == 0:
            jobruns.progress(run_id, "checking", done, total)
    if errors or not total:
        db.session.rollback()
        message = f"{len(errors)} errors: nothing was imported" if errors else "no data rows"
        jobruns.fail(run_id, message, {"accepted": 0, "rows": total, "errors": errors})
        return
    db.session.commit()
    jobruns.finish(run_id, {"accepted": accepted, "rows": total, "errors": []}, total)
    rescore.rescore_soon()
