"""Reading and writing the spreadsheets officers exchange: CSV (UTF-8 or GB18030, as
Excel in China writes it) and XLSX. Only tabular text comes out; formulas are not run."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook, load_workbook

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000


class SheetError(ValueError):
    """The file cannot be read as a table at all (row 0: the file itself)."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells as text)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, a superset of GBK and GB2312."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
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


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SheetError(f"the XLSX workbook cannot be opened: {exc}") from exc
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield [_cell_text(v) for v in row]
    book.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        yield [cell.strip() for cell in row]


def read(data: bytes) -> Sheet:
    """Parse a whole file: the first non-empty row is the header; blank rows are skipped."""
    rows = _xlsx_rows(data) if data.startswith(XLSX_MAGIC) else _csv_rows(data)
    headers: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(rows, start=1):
        if not any(cells):
            continue
        if headers is None:
            headers = cells
            continue
        body.append((number, cells))
        if len(body) > MAX_ROWS:
            raise SheetError(f"more than {MAX_ROWS} rows: split the file")
    if headers is None:
        raise SheetError("the file is empty")
    return Sheet(headers=headers, rows=body)


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
