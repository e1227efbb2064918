"""Reading and writing the spreadsheets officers exchange: CSV (UTF-8 or GB18030, as
Excel in China writes it) and XLSX. Only tabular text comes out; formulas are not run."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from marshmallow import Schema
from openpyxl import Workbook, load_workbook

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000
NOT_XLSX = "the file is not a readable XLSX"


class SheetError(ValueError):
    """The file cannot be read as a table at all (row 0: the file itself)."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells as text)


DECODE_PIECE = 1 << 20


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, a superset of GBK and GB2312. The
    file is checked a megabyte at a time: a large one is never held twice, as text."""
    view = memoryview(data)
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), DECODE_PIECE):
                decoder.decode(view[start : start + DECODE_PIECE])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise SheetError("the file is neither UTF-8 nor GB18030 text, nor an XLSX workbook")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.isoformat() if value.time() != datetime.min.time() else value.date().isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class ZipLimits:
    """What an XLSX's zip directory may announce before any of it is decompressed."""

    max_unpacked_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 1000


def check_zip(data: bytes, limits: ZipLimits) -> None:
    """Refuse a zip bomb from its directory alone (issue 17): too many entries, too many
    bytes once unpacked, or an entry compressed beyond any real sheet. Nothing is inflated
    here; the sizes are the ones the directory declares, and zipfile stops reading an entry
    that inflates past its declared size, so they hold for the reading too."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise SheetError(f"{NOT_XLSX}: {exc}") from exc
    if len(entries) > limits.max_entries:
        raise SheetError(
            f"{NOT_XLSX}: {len(entries)} parts in the zip, more than {limits.max_entries}"
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked_bytes:
        raise SheetError(
            f"{NOT_XLSX}: it would unpack to {unpacked} bytes, more than "
            f"{limits.max_unpacked_bytes}; split the file"
        )
    for entry in entries:
        if entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            raise SheetError(
                f"{NOT_XLSX}: part {entry.filename!r} is compressed more than "
                f"{limits.max_ratio} to 1, as no spreadsheet is"
            )


def _xlsx_rows(data: bytes, limits: ZipLimits) -> Iterator[list[str]]:
    check_zip(data, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            # read_only: rows are parsed from the sheet's XML as they are asked for, so a
            # broken part shows up here, mid-file, as any kind of exception.
            for row in book.worksheets[0].iter_rows(values_only=True):
                yield [_cell_text(v) for v in row]
        finally:
            book.close()
    except SheetError:
        raise
    except Exception as exc:  # openpyxl and its XML parser raise many kinds on a damaged file
        raise SheetError(f"{NOT_XLSX}: {type(exc).__name__}: {exc}"[:500]) from exc


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), newline="")
    try:
        dialect = csv.Sniffer().sniff(text.read(4096), delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    text.seek(0)
    try:
        for row in csv.reader(text, dialect):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise SheetError(f"the file is not a readable CSV: {exc}") from exc


def rows_of(data: bytes, limits: ZipLimits | None = None) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every non-blank row, the header row first, read as they are
    asked for: a large file is never held as rows, only as its bytes."""
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data, limits or ZipLimits())
    else:
        rows = _csv_rows(data)
    count = 0
    for number, cells in enumerate(rows, start=1):
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS + 1:
            raise SheetError(f"more than {MAX_ROWS} rows: split the file")
        yield number, cells


def read(data: bytes, limits: ZipLimits | None = None) -> Sheet:
    """Parse a whole file: the first non-empty row is the header; blank rows are skipped."""
    rows = rows_of(data, limits)
    first = next(rows, None)
    if first is None:
        raise SheetError("the file is empty")
    return Sheet(headers=first[1], rows=list(rows))


def count_rows(data: bytes, limits: ZipLimits | None = None) -> int:
    """The number of data rows (header and blank rows left out), reading nothing else."""
    return max(sum(1 for _ in rows_of(data, limits)) - 1, 0)


def cell_problem(text: str) -> str | None:
    """Why a cell cannot be stored as it is, or None. A NUL is what the JSON input guard
    refuses (creditsvc/input_guard.py): PostgreSQL's text types cannot hold it."""
    if "\x00" in text:
        return "the cell contains a NUL character (U+0000), which no field may hold"
    return None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


PLAIN_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def _inert(cell: object) -> object:
    """A text cell Excel would run as a formula gets a leading apostrophe (CSV injection);
    a plain signed number stays a number."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese headers correctly; no live formulas."""
    return b"".join(csv_pieces(headers, rows))


CSV_PIECE_ROWS = 1000


def csv_pieces(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The bytes of `write_csv`, a thousand rows at a time: a city's export is sent as it
    is written, never held whole in a web worker (see BENCHMARKS.md, 'Open-data export')."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    yield "\ufeff".encode() + out.getvalue().encode()
    piece: list[list[object]] = []
    for row in rows:
        piece.append([_inert(cell) for cell in row])
        if len(piece) == CSV_PIECE_ROWS:
            yield _encoded(piece)
            piece = []
    if piece:
        yield _encoded(piece)


def csv_of(schema: Schema, rows: Iterable[Mapping]) -> Iterator[bytes]:
    """`rows` dumped through `schema` as CSV pieces (`csv_pieces`), one column per field of
    the schema, as in the JSON: what an open-data export sends, and what its size is
    measured from (services.publication.open_data)."""
    columns = list(schema.fields)
    cells = (["" if r[c] is None else str(r[c]) for c in columns] for r in _dumped(schema, rows))
    return csv_pieces(columns, cells)


def _dumped(schema: Schema, rows: Iterable[Mapping]) -> Iterator[dict]:
    """Each row through `schema`, a piece of rows at a time."""
    rows = iter(rows)
    while piece := list(islice(rows, CSV_PIECE_ROWS)):
        yield from schema.dump(piece, many=True)


def _encoded(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def write_xlsx(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
