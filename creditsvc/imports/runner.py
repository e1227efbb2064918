"""Run an import: read the file as a stream of rows, turn each row into an API payload and
validate it with the API's own schema, then check a chunk of rows at a time against the
database with the services' batch checks (a few set-based reads per chunk) and insert the
chunk in bulk. Every row's error is collected; if there is any, nothing is stored: the
job's one transaction is rolled back (issue 17: no savepoint per row)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

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
from creditsvc.schemas.instruments import VerificationImportIn
from creditsvc.schemas.registry import MerchantIn
from creditsvc.services import jobruns
from creditsvc.services.errors import DomainError
from creditsvc.services.evidence.complaints import ComplaintBatch
from creditsvc.services.evidence.inspections import InspectionBatch
from creditsvc.services.instruments.batch import VerificationBatch
from creditsvc.services.registry.operations import MerchantBatch
from creditsvc.spreadsheets import SheetError, ZipLimits, cell_problem, rows_of

CHUNK_ROWS = 1000  # rows checked against the database and inserted together
PROGRESS_EVERY = 250


class Batch(Protocol):
    def check(self, rows: list[tuple[int, dict]]) -> tuple[list[tuple[int, Any]], list]: ...

    def write(self, rows: list[tuple[int, Any]]) -> None: ...


@dataclass(frozen=True)
class Kind:
    schema: type[Schema]
    batch: Callable[[Principal], Batch]


KINDS = {
    "merchants": Kind(MerchantIn, MerchantBatch),
    "inspections": Kind(InspectionIn, InspectionBatch),
    "complaints": Kind(ComplaintIn, ComplaintBatch),
    "verifications": Kind(VerificationImportIn, VerificationBatch),
}


def upload_path(run_id: str) -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "imports" / run_id


def zip_limits() -> ZipLimits:
    config = current_app.config
    return ZipLimits(
        max_unpacked_bytes=config["IMPORT_XLSX_MAX_UNPACKED_BYTES"],
        max_ratio=config["IMPORT_XLSX_MAX_RATIO"],
        max_entries=config["IMPORT_XLSX_MAX_ENTRIES"],
    )


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
    elif parts[0] == "lots" and len(parts) > 2:
        key = f"lot_{parts[2]}"  # a sheet row's one lot: lots.0.<field>
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


def _values(
    kind: str, number: int, columns: dict[int, sheets.Column], cells: list[str], errors: RowErrors
) -> dict[str, str] | None:
    """The row's values by column key, or None when a cell cannot be stored at all."""
    values = {}
    for i, col in columns.items():
        text = cells[i] if i < len(cells) else ""
        problem = cell_problem(text)
        if problem:
            errors.add(kind, number, col.key, problem)
            return None
        values[col.key] = sheets.cell_value(col, text)
    return values


@dataclass
class Import:
    """One file's rows on their way in: validated one by one, checked and written by chunk."""

    kind: str
    batch: Batch
    resolve: Callable[[dict[str, str]], dict]
    errors: RowErrors
    accepted: int = 0

    def __post_init__(self) -> None:
        self.schema = KINDS[self.kind].schema()  # one for the file: building one costs more

    def validate(self, number: int, values: dict) -> dict | None:
        """The row as the schema loads it, or None with its errors recorded."""
        try:
            payload = sheets.PAYLOADS[self.kind](self.resolve(values))
            return self.schema.load(payload)
        except DomainError as exc:
            self.errors.add(self.kind, number, exc.field or "", exc.message)
        except ValidationError as exc:
            for path, message in _flatten(exc.messages):
                self.errors.add(self.kind, number, path, message)
        return None

    def apply(self, chunk: list[tuple[int, dict]]) -> None:
        """Check a chunk against the database; write it while no row so far has failed."""
        passed, failed = self.batch.check(chunk)
        for number, exc in failed:
            self.errors.add(self.kind, number, (exc.field or "").removeprefix("json."), exc.message)
        self.accepted += len(passed)
        if passed and not self.errors:
            self.batch.write(passed)
            db.session.flush()


def principal_of(run: JobRun) -> Principal:
    user = db.session.get(User, run.user_id) if run.user_id else None
    if user is None or not user.active:
        raise PermissionError("the user who started this import no longer exists or is inactive")
    return Principal(role=user.role, user=user)


def _failed_sheet(run_id: str, exc: SheetError) -> None:
    db.session.rollback()
    jobruns.fail(run_id, str(exc), {"errors": [{"row": 0, "column": "", "message": str(exc)}]})


def _failed_header(run_id: str, problems: list[str]) -> None:
    db.session.rollback()
    errors = [{"row": 1, "column": "", "message": p} for p in problems]
    jobruns.fail(run_id, "the header row does not fit this kind of sheet", {"errors": errors})


def run(run_id: str) -> None:
    """The import job: all rows or none."""
    job = db.session.scalar(select(JobRun).where(JobRun.id == run_id))
    kind = job.kind.removeprefix("import:")
    principal = principal_of(job)
    data = upload_path(run_id).read_bytes()
    try:
        total = count_rows(data)
        rows = rows_of(data, zip_limits())
        _, headers = next(rows)
        columns, problems = sheets.header_map(kind, headers)
        if problems:
            _failed_header(run_id, problems)
            return
        jobruns.progress(run_id, "checking", 0, total)
        work = Import(kind, KINDS[kind].batch(principal), RESOLVERS[kind](), RowErrors())
        _import_rows(run_id, work, columns, rows, total)
    except SheetError as exc:
        _failed_sheet(run_id, exc)
        return
    errors = sorted(work.errors, key=lambda e: e["row"])
    if errors or not total:
        db.session.rollback()
        message = f"{len(errors)} errors: nothing was imported" if errors else "no data rows"
        jobruns.fail(run_id, message, {"accepted": 0, "rows": total, "errors": errors})
        return
    db.session.commit()
    jobruns.finish(run_id, {"accepted": work.accepted, "rows": total, "errors": []}, total)
    rescore.rescore_soon()


def count_rows(data: bytes) -> int:
    """Data rows of the file (a first pass: the progress shown needs the total)."""
    rows = rows_of(data, zip_limits())
    if next(rows, None) is None:
        raise SheetError("the file is empty")
    return sum(1 for _ in rows)


def _import_rows(
    run_id: str,
    work: Import,
    columns: dict[int, sheets.Column],
    rows: Iterator[tuple[int, list[str]]],
    total: int,
) -> None:
    chunk: list[tuple[int, dict]] = []
    for done, (number, cells) in enumerate(rows, start=1):
        values = _values(work.kind, number, columns, cells, work.errors)
        data = work.validate(number, values) if values is not None else None
        if data is not None:
            chunk.append((number, data))
        if len(chunk) == CHUNK_ROWS:
            work.apply(chunk)
            chunk = []
        if done % PROGRESS_EVERY == 0:
            jobruns.progress(run_id, "checking", done, total)
    if chunk:
        work.apply(chunk)
