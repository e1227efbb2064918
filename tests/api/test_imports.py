"""Spreadsheet imports: checked whole, all rows or none, every error with row and column."""

import io
from pathlib import Path

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Complaint, Inspection, JobRun, Merchant, PenaltyDecision
from creditsvc.spreadsheets import read, write_xlsx
from tests.workers import run_worker

TODAY = clock.today().isoformat()


def upload(caller, kind, content: bytes, filename="sheet.csv"):
    return caller.post(
        "/api/v1/imports",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def complaints_csv(merchant, channels):
    lines = ["统一社会信用代码,投诉渠道,受理日期,投诉内容,投诉人联系方式"]
    lines += [f"{merchant.uscc},{ch},{TODAY},复称短少{i}两,李先生" for i, ch in enumerate(channels)]
    return "\n".join(lines) + "\n"


def test_a_gb18030_file_with_one_bad_row_writes_nothing_and_names_the_row(world):
    merchant = world.merchant()
    officer = world.district()
    bad = complaints_csv(merchant, ["12345", "12315", "微信群", "公平秤一键投诉"]).encode("gb18030")
    response = upload(officer, "complaints", bad)
    assert response.status_code == 202
    status = officer.get(response.headers["Location"]).json
    assert status["status"] == "failed" and status["accepted"] == 0
    assert [(e["row"], e["column"]) for e in status["errors"]] == [(4, "投诉渠道")]
    assert "12315" in status["errors"][0]["message"]
    assert db.session.query(Complaint).count() == 0

    fixed = complaints_csv(merchant, ["12345", "12315", "现场投诉", "公平秤一键投诉"]).encode(
        "gb18030"
    )
    response = upload(officer, "complaints", fixed)
    status = officer.get(response.json["status_url"]).json
    assert (status["status"], status["accepted"], status["errors"]) == ("done", 4, [])
    channels = sorted(c.channel for c in db.session.query(Complaint))
    assert channels == ["12315", "12345", "fair_scale", "walk_in"]
    assert all(c.contact_encrypted for c in db.session.query(Complaint))


def test_every_row_error_is_listed(world):
    merchant = world.merchant()
    other = world.merchant(world.JINGAN)
    rows = [
        "USCC,Channel,Received on,Allegation",
        f"{merchant.uscc},12345,{TODAY},ok",
        f"{merchant.uscc},12345,not a date,ok",
        f"{other.uscc},12345,{TODAY},another district",
        f"{merchant.uscc},12345,{TODAY},",
    ]
    response = upload(world.district(), "complaints", "\n".join(rows).encode())
    errors = response.json["errors"]
    assert sorted((e["row"], e["column"]) for e in errors) == [
        (3, "受理日期"),
        (4, "统一社会信用代码"),
        (5, "投诉内容"),
    ]
    assert db.session.query(Complaint).count() == 0


def test_merchants_by_name_of_street_and_market_in_xlsx(world):
    street = world.street(name="斜土路街道")
    market = world.market(name="斜土路菜市场")
    uscc_a, uscc_b = world.uscc(), world.uscc("1")
    header = ["统一社会信用代码", "名称", "行业", "所在区", "街道/镇", "所在市场", "地址"]
    stall = [
        uscc_a,
        "王记蔬菜",
        "集贸市场摊位",
        "徐汇区",
        "斜土路街道",
        "斜土路菜市场",
        "斜土路1号",
    ]
    shop = [uscc_b, "鑫源超市有限公司", "超市", "310104", "", "", "斜土路2号"]
    sheet = write_xlsx(header, [stall, shop])
    response = upload(world.district(), "merchants", sheet, "merchants.xlsx")
    assert response.json["status"] == "done", response.json
    merchant = db.session.query(Merchant).filter_by(uscc=uscc_a).one()
    assert (merchant.street_id, merchant.market_id, merchant.trade) == (
        street.id,
        market.id,
        "market_stall",
    )


def test_inspections_with_findings_and_a_penalty(world):
    merchant = world.merchant()
    header = "统一社会信用代码,检查日期,检查类型,检查人员,违法行为代码,处罚决定书文号,处罚决定日期,处罚程序,罚款金额(元),仅警告"
    row = f"{merchant.uscc},{TODAY},双随机抽查,张三、李四,UNVERIFIED、SHORT_RETAIL:serious,沪市监徐处〔2026〕9号,{TODAY},普通程序,2000,否"
    clean = f"{merchant.uscc},{TODAY},日常检查,王五,,,,,,"
    response = upload(world.district(), "inspections", f"{header}\n{row}\n{clean}\n".encode())
    assert response.json["status"] == "done", response.json
    first, second = db.session.query(Inspection).order_by(Inspection.id).all()
    assert first.kind == "random" and first.officers == ["张三", "李四"]
    assert [(f.code, f.severity) for f in first.findings] == [
        ("UNVERIFIED", "major"),
        ("SHORT_RETAIL", "serious"),
    ]
    assert db.session.query(PenaltyDecision).one().fine_yuan == 2000
    assert second.clean


def test_a_penalty_error_points_at_its_column(world):
    merchant = world.merchant()
    header = "USCC,Inspected on,Kind,Officers,Findings,Decision number,Decided on,Procedure"
    row = f"{merchant.uscc},{TODAY},routine,张三,CHEAT,沪市监徐处〔2026〕9号,{TODAY},口头"
    response = upload(world.district(), "inspections", f"{header}\n{row}\n".encode())
    assert [(e["row"], e["column"]) for e in response.json["errors"]] == [(2, "处罚程序")]
    assert db.session.query(Inspection).count() == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage\x81", "neither UTF-8"),
        ("名称,不知道的列\n1,2\n".encode(), "unknown column"),
        ("统一社会信用代码\n91440300708461136T\n".encode(), "missing required column"),
    ],
)
def test_files_that_are_not_the_sheet(world, content, words):
    response = upload(world.district(), "complaints", content)
    if response.status_code == 422:
        assert words in response.json["message"]
    else:
        assert response.json["status"] == "failed"
        assert any(words in e["message"] for e in response.json["errors"])


def test_unknown_kind_and_missing_file(world):
    officer = world.district()
    assert upload(officer, "recipes", b"a,b\n").status_code == 422
    response = officer.post(
        "/api/v1/imports", data={"kind": "complaints"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "file" in response.json["errors"]["files"]


def test_who_may_import_and_see_status(world):
    merchant = world.merchant()
    mine = world.district()
    response = upload(mine, "complaints", complaints_csv(merchant, ["12345"]).encode())
    url = response.json["status_url"]
    assert world.district().get(url).status_code == 404
    assert world.city().get(url).status_code == 200
    for caller in (world.host(world.market()), world.merchant_user(merchant), world.anonymous()):
        assert upload(caller, "complaints", b"x").status_code in (401, 403)


@pytest.mark.parametrize("kind", ["merchants", "inspections", "complaints"])
@pytest.mark.parametrize(("fmt", "lang"), [("csv", "zh"), ("xlsx", "en")])
def test_templates_are_readable_sheets_with_every_column(world, kind, fmt, lang):
    response = world.district().get(f"/api/v1/imports/templates/{kind}?format={fmt}&lang={lang}")
    assert response.status_code == 200
    sheet = read(response.data)
    assert len(sheet.headers) == len(sheet.rows[0][1])
    assert ("统一社会信用代码" in sheet.headers) == (lang == "zh")


def test_progress_reaches_the_total(world):
    merchant = world.merchant()
    response = upload(
        world.district(), "complaints", complaints_csv(merchant, ["12345"] * 600).encode()
    )
    assert (response.json["done"], response.json["total"], response.json["accepted"]) == (
        600,
        600,
        600,
    )


def test_with_the_queue_down_an_upload_is_a_503_that_leaves_nothing_waiting(
    app, world, redis_down, redis_url, tmp_path
):
    merchant, officer = world.merchant(), world.district()
    body = complaints_csv(merchant, ["12345", "12315"]).encode()
    app.config["REDIS_URL"] = redis_down
    refused = upload(officer, "complaints", body)
    assert (refused.status_code, refused.headers["Retry-After"]) == (503, "5")
    assert set(refused.json) == {"code", "status", "message", "errors"}
    assert "job queue is unavailable" in refused.json["message"]
    (run,) = db.session.query(JobRun)
    assert run.status == "failed" and "job queue is unavailable" in run.error
    assert list((Path(app.config["STORAGE_DIR"]) / "imports").iterdir()) == []  # upload gone

    app.config["REDIS_URL"] = redis_url  # Redis is back: the same upload imports
    queued = upload(officer, "complaints", body)
    assert (queued.status_code, queued.json["status"]) == (202, "queued")
    run_worker(app, tmp_path)
    assert officer.get(queued.json["status_url"]).json["status"] == "done"
    assert db.session.query(Complaint).count() == 2


def test_exported_cells_never_run_as_formulas():
    from creditsvc.spreadsheets import write_csv

    body = write_csv(["名称", "天数"], [['=HYPERLINK("http://x")', "-3"], ["@SUM(A1)", 4]])
    sheet = read(body)
    assert [cells for _, cells in sheet.rows] == [
        ['\'=HYPERLINK("http://x")', "-3"],
        ["'@SUM(A1)", "4"],
    ]
