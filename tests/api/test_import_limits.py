"""Imports that scale and cannot hurt the host (issue 17): unreadable workbooks and zip
bombs refused before anything is inflated, a NUL in a cell as that row's error, a large
file refused where it would run inside the request, and rows checked and written in bulk."""

import io
import tracemalloc
import zipfile
import zlib

import pytest
from sqlalchemy import event

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry, Complaint, Inspection, JobRun, Merchant
from creditsvc.spreadsheets import write_xlsx
from tests.api.test_imports import complaints_csv, upload
from tests.workers import run_worker

TODAY = clock.today().isoformat()
SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


def complaints_xlsx(merchant, rows=2) -> bytes:
    header = ["统一社会信用代码", "投诉渠道", "受理日期", "投诉内容"]
    return write_xlsx(header, [[merchant.uscc, "12345", TODAY, "复称短少"]] * rows)


def with_sheet(workbook: bytes, sheet: bytes | None = None, extra: int = 0, zeros: int = 0):
    """The workbook with its sheet's XML replaced, `extra` tiny parts added, or a part of
    `zeros` MB of zeros (deflate shrinks it about a thousand times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == SHEET and sheet is not None:
                body = sheet
            dst.writestr(item, body, compress_type=zipfile.ZIP_DEFLATED)
        for i in range(extra):
            dst.writestr(f"xl/media/part{i}.bin", b"x", compress_type=zipfile.ZIP_DEFLATED)
        if zeros:
            info = zipfile.ZipInfo("xl/media/zeros.bin")
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as part:
                for _ in range(zeros):
                    part.write(bytes(MB))
    return out.getvalue()


def no_run_left_waiting():
    return db.session.query(JobRun).filter(JobRun.status.in_(("queued", "running"))).count() == 0


def test_a_broken_sheet_xml_is_a_422_at_once_and_nothing_waits(world):
    merchant, officer = world.merchant(), world.district()
    broken = with_sheet(complaints_xlsx(merchant), b"<worksheet><sheetData><row><c")
    response = upload(officer, "complaints", broken, "sheet.xlsx")
    assert response.status_code == 422, response.json
    assert response.json["message"].startswith("the file is not a readable XLSX: ")
    assert response.json["errors"] == {"files": {"file": [response.json["message"]]}}
    assert no_run_left_waiting() and db.session.query(Complaint).count() == 0


def test_a_broken_sheet_xml_fails_its_run_at_row_0_in_the_worker(app, world, redis_url, tmp_path):
    merchant, officer = world.merchant(), world.district()
    app.config["REDIS_URL"] = redis_url
    broken = with_sheet(complaints_xlsx(merchant), b"<worksheet><sheetData><row><c")
    queued = upload(officer, "complaints", broken, "sheet.xlsx")
    assert (queued.status_code, queued.json["status"]) == (202, "queued")
    run_worker(app, tmp_path)
    status = officer.get(queued.json["status_url"]).json
    assert status["status"] == "failed", status
    assert status["error"].startswith("the file is not a readable XLSX: ")
    assert [(e["row"], e["column"]) for e in status["errors"]] == [(0, "")]
    assert no_run_left_waiting() and db.session.query(Complaint).count() == 0


def test_a_nul_in_a_csv_cell_is_that_rows_error_and_nothing_is_stored(world):
    merchant, officer = world.merchant(), world.district()
    body = complaints_csv(merchant, ["12345", "12345", "12345"]).replace("复称短少1两", "短\x00少")
    response = upload(officer, "complaints", body.encode())
    assert response.status_code == 202
    status = officer.get(response.json["status_url"]).json
    assert status["status"] == "failed", status
    assert [(e["row"], e["column"]) for e in status["errors"]] == [(3, "投诉内容")]
    assert "NUL" in status["errors"][0]["message"]
    assert no_run_left_waiting() and db.session.query(Complaint).count() == 0


@pytest.mark.parametrize(
    ("zeros", "extra", "words"),
    [
        (300, 0, "would unpack to"),  # 300 MB of zeros in a file of about 300 KB
        (20, 0, "compressed more than 100 to 1"),
        (0, 5000, "parts in the zip, more than 1000"),
    ],
)
def test_a_zip_bomb_is_refused_from_its_directory(world, zeros, extra, words):
    merchant, officer = world.merchant(), world.district()
    bomb = with_sheet(complaints_xlsx(merchant), extra=extra, zeros=zeros)
    assert len(bomb) < 2 * MB
    tracemalloc.start()
    try:
        response = upload(officer, "complaints", bomb, "sheet.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 422, response.json
    assert words in response.json["message"]
    # Nothing was inflated: the request never held more than a few copies of the upload.
    assert peak < 16 * MB
    assert db.session.query(JobRun).count() == 0


def test_the_zip_check_reads_the_directory_only():
    """A directory announcing a bomb is refused even when the entry's data is garbage that
    nothing could inflate: the check never reads it."""
    from creditsvc.spreadsheets import SheetError, ZipLimits, check_zip

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        sheet = "".join(f"<c>{i * 7919 % 10007}</c>" for i in range(2000)).encode()
        archive.writestr("xl/worksheets/sheet1.xml", sheet, zipfile.ZIP_DEFLATED)
    damaged = bytearray(out.getvalue())
    (entry,) = zipfile.ZipFile(io.BytesIO(bytes(damaged))).infolist()
    start = entry.header_offset + 30 + len(entry.filename.encode())
    damaged[start : start + entry.compress_size] = b"\xff" * entry.compress_size
    with pytest.raises(zlib.error):  # the data cannot be inflated any more
        zipfile.ZipFile(io.BytesIO(bytes(damaged))).read(entry.filename)
    with pytest.raises(SheetError, match="compressed more than 1 to 1"):
        check_zip(bytes(damaged), ZipLimits(max_ratio=1))
    with pytest.raises(SheetError, match="1 parts in the zip, more than 0"):
        check_zip(bytes(damaged), ZipLimits(max_entries=0))
    check_zip(bytes(damaged), ZipLimits())


def test_a_large_inline_import_is_refused_before_any_work(app, world):
    merchant, officer = world.merchant(), world.district()
    app.config["INLINE_IMPORT_MAX_ROWS"] = 50
    response = upload(officer, "complaints", complaints_csv(merchant, ["12345"] * 51).encode())
    assert response.status_code == 413, response.json
    assert "run a worker (rq" in response.json["message"]
    assert db.session.query(JobRun).count() == 0 and db.session.query(Complaint).count() == 0
    response = upload(officer, "complaints", complaints_csv(merchant, ["12345"] * 50).encode())
    assert (response.status_code, response.json["status"]) == (202, "done")
    assert db.session.query(Complaint).count() == 50


MERCHANT_HEADER = "统一社会信用代码,名称,行业,所在区,街道/镇,所在市场"


def merchant_rows(world, count: int) -> list[str]:
    return [f"{world.uscc()},商户{i},market_stall,310104,," for i in range(count)]


class Reads:
    """Counts the SELECT statements the application sends to the database."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, conn, cursor, statement, *args) -> None:
        self.count += statement.lstrip().upper().startswith("SELECT")

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self)


def test_a_large_file_is_checked_and_written_in_bulk(world):
    officer = world.district()
    rows = merchant_rows(world, 2500)
    with Reads() as reads:
        response = upload(officer, "merchants", "\n".join([MERCHANT_HEADER, *rows]).encode())
    assert (response.json["status"], response.json["accepted"]) == ("done", 2500), response.json
    # A few reads per chunk of rows, not several per row.
    assert reads.count < 50
    assert db.session.query(Merchant).count() == 2500
    audited = db.session.query(AuditEntry).filter_by(entity="merchants", action="create")
    assert audited.count() == 2500
    entry = audited.order_by(AuditEntry.id.desc()).first()
    assert entry.after["name"] == "商户2499" and entry.district_code == "310104"
    assert entry.actor == "user:" + officer.username


def test_one_bad_row_among_many_stores_nothing_and_every_bad_row_is_named(world):
    officer = world.district()
    outside = world.market(world.JINGAN)
    rows = merchant_rows(world, 2500)
    duplicate = rows[2].split(",")[0]
    rows[9] = rows[9].replace("market_stall", "钟表店")  # no such trade
    rows[1499] = f"{duplicate},重复,market_stall,310104,,"  # the USCC of row 4
    rows[2399] = f"{world.uscc()},外区市场,market_stall,310104,,{outside.id}"
    body = "\n".join([MERCHANT_HEADER, *rows]).encode()
    status = upload(officer, "merchants", body).json
    assert status["status"] == "failed" and status["accepted"] == 0
    assert [(e["row"], e["column"]) for e in status["errors"]] == [
        (11, "行业"),
        (1501, "统一社会信用代码"),
        (2401, "所在市场"),
    ]
    assert status["errors"][1]["message"] == f"merchant {duplicate} is already registered"
    assert status["errors"][2]["message"] == "no such market, or not yours to see"
    assert db.session.query(Merchant).count() == 0
    assert db.session.query(AuditEntry).filter_by(entity="merchants").count() == 0


def test_a_merchant_outside_scope_is_that_rows_error(world):
    mine, theirs = world.merchant(), world.merchant(world.JINGAN)
    header = "统一社会信用代码,检查日期,检查类型,检查人员"
    rows = [f"{mine.uscc},{TODAY},日常检查,张三", f"{theirs.uscc},{TODAY},日常检查,李四"]
    status = upload(world.district(), "inspections", "\n".join([header, *rows]).encode()).json
    assert status["status"] == "failed"
    assert [(e["row"], e["column"], e["message"]) for e in status["errors"]] == [
        (3, "统一社会信用代码", "no such merchant, or not yours to see")
    ]
    assert db.session.query(Inspection).count() == 0
