"""An officer in headless Chromium: imports a sheet with an error, sees the row, fixes it,
imports it, and drafts an honor roll that a second officer approves and publishes through
the confirmation page (four eyes); every console page is photographed."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Inspection, Notice
from tests.e2e.conftest import login, screenshot

TODAY = clock.today()
HEADER = "统一社会信用代码,检查日期,检查类型,检查人员,违法行为代码\n"


def sheet(rows: list[tuple[str, str]]) -> bytes:
    lines = [f"{uscc},{TODAY.isoformat()},{kind},张三、李四,\n" for uscc, kind in rows]
    return (HEADER + "".join(lines)).encode("gb18030")  # as Excel in China saves a CSV


def upload(page, body: bytes) -> None:
    page.goto("/console/imports")
    page.get_by_label("表格内容").select_option("inspections")
    page.get_by_label("文件").set_input_files(
        files=[{"name": "检查记录.csv", "mimeType": "text/csv", "buffer": body}]
    )
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r"/console/imports/\w+$"))


def test_an_officer_imports_a_sheet_fixes_a_row_and_a_second_officer_publishes_the_roll(
    world, page, live_server
):
    officer = world.district()
    signed = TODAY - timedelta(days=60)
    shops = [
        world.merchant(name=name, commitment_signed_on=signed, address="漕溪北路88号")
        for name in ("诚信粮油店", "公平水果摊")
    ]
    usccs = [shop.uscc for shop in shops]
    db.session.commit()  # an open read here would block the server's writes on SQLite
    login(page, officer.username)

    page.goto("/console/")
    expect(page.get_by_role("heading", name="区概览")).to_be_visible()
    expect(page.locator("svg.chart.bars")).to_have_count(1)  # no re-weighs yet: one chart

    # A sheet whose second data row (spreadsheet row 3) has a kind nobody uses.
    upload(page, sheet([(usccs[0], "日常检查"), (usccs[1], "巡视")]))
    expect(page.get_by_text("没有导入任何数据。")).to_be_visible()
    error_row = page.locator("table.row-errors tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row.locator("td").nth(0)).to_have_text("3")
    expect(error_row.locator("td").nth(1)).to_have_text("检查类型")
    screenshot(page, "console-import-errors")
    assert db.session.query(Inspection).count() == 0  # all or nothing
    db.session.commit()

    upload(page, sheet([(usccs[0], "日常检查"), (usccs[1], "专项检查")]))
    expect(page.get_by_role("status").filter(has_text="全部2行均被接受")).to_be_visible()
    screenshot(page, "console-import-done")
    db.session.commit()  # end the test's read so it sees the server's commit
    assert db.session.query(Inspection).count() == 2
    db.session.commit()

    page.goto("/console/imports")
    screenshot(page, "console-import-form")

    # The honor roll: drafted, previewed, approved, published.
    page.goto("/console/notices/new")
    page.get_by_label("类型").select_option("honor_roll")
    screenshot(page, "console-notice-draft-form")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("诚信计量光荣榜")
    entries = page.locator("table").last
    expect(entries).to_contain_text("诚信粮油店")
    expect(entries).to_contain_text("公平水果摊")
    preview = page.request.get(page.get_by_role("link", name="打开PDF预览").get_attribute("href"))
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF")
    screenshot(page, "console-notice-review")

    # Four eyes: the drafter has no approve button and is told why.
    expect(page.get_by_role("button", name="审核通过")).to_have_count(0)
    expect(page.locator("#approve-refused")).to_contain_text("须由本区另一名人员或市局人员审核")
    notice_url = page.url

    # A second officer of the district approves, reads what goes public, and publishes.
    second = page.context.browser.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    second.set_default_timeout(10_000)
    colleague = second.new_page()
    login(colleague, world.district().username)
    colleague.goto(notice_url)
    colleague.get_by_role("button", name="审核通过").click()
    expect(colleague.get_by_text("已审核：现在可以发布。")).to_be_visible()
    colleague.get_by_role("link", name="发布……").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text("发布：将公开的内容")
    going = colleague.locator("#going-public")
    expect(going).to_contain_text("诚信粮油店")
    expect(going).to_contain_text("公平水果摊")
    screenshot(colleague, "console-notice-confirm-publication")
    colleague.get_by_role("button", name="确认发布").click()
    expect(colleague.locator("dl.facts")).to_contain_text("已发布")
    second.close()
    page.reload()
    expect(page.locator("dl.facts")).to_contain_text("已发布")
    db.session.commit()
    notice = db.session.query(Notice).one()
    assert notice.status == "published" and notice.serial
    assert notice.approved_by != notice.created_by and notice.published_by == notice.approved_by
    serial = notice.serial
    db.session.commit()
    expect(page.get_by_text(serial)).to_be_visible()
    published = page.request.get(
        page.get_by_role("link", name="打开已发布的PDF").get_attribute("href")
    )
    assert published.ok and published.body().startswith(b"%PDF")
    screenshot(page, "console-notice-published")

    page.goto("/console/notices?status=published")
    expect(page.locator("main table")).to_contain_text(serial)
    screenshot(page, "console-notices")

    page.goto("/console/audit?entity=notices")
    expect(page.locator("table.audit tbody tr")).to_have_count(3)  # create, approve, publish
    screenshot(page, "console-audit")

    page.goto("/console/")
    grades = page.locator("svg.chart.bars desc")
    expect(grades).to_contain_text("A: 2")  # rescored after the import
    screenshot(page, "console-dashboard")

    # The business, found by two characters of its name, read whole.
    page.get_by_role("link", name="经营者", exact=True).click()
    page.get_by_label("名称或统一社会信用代码").fill("粮油")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/console/merchants\?"))
    screenshot(page, "console-businesses")
    page.get_by_role("link", name="诚信粮油店").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("诚信粮油店")
    expect(page.locator(".grade.large")).to_have_text("A")
    expect(page.get_by_role("img", name="得分变化")).to_be_visible()
    screenshot(page, "console-business")


def test_the_evidence_forms_in_the_browser(world, page):
    # A form sent back with its errors answers 422, which Chromium logs as a console
    # error: this test works in a second tab of the harness's context, which fails it on
    # any other console error.
    page = page.context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    officer = world.district()
    uscc = world.merchant(name="王记蔬菜").uscc
    db.session.commit()
    login(page, officer.username)

    # A mistake is shown beside its field; what was typed stays.
    page.goto("/console/inspections/new")
    business = page.locator("#f-merchant")
    business.fill("王记")  # part of the name: the name shows as one types
    expect(page.locator("#o-merchant")).to_contain_text("王记蔬菜")
    page.get_by_label("检查人员").fill("张三、李四")
    page.get_by_label("批次1：商品").fill("大米")
    page.get_by_label("批次1：实测值").fill("498 499 x")
    page.get_by_role("button", name="保存检查记录").click()
    expect(page.locator("#e-kind")).to_be_visible()
    expect(page.locator('[id="e-lots.0.measurements"]')).to_be_visible()
    expect(page.get_by_label("检查人员")).to_have_value("张三、李四")
    # Part of a name saves nothing: the businesses found are offered to choose from.
    expect(page.locator("#e-merchant")).to_be_visible()
    page.get_by_role("radio", name=re.compile("王记蔬菜")).check()
    screenshot(page, "console-inspection-form-errors")

    page.get_by_label(re.compile("^类型")).select_option("routine")
    page.get_by_label("检查日期").fill(TODAY.isoformat())
    page.get_by_label("批次1：商品").fill("")
    page.get_by_label("批次1：实测值").fill("")
    page.get_by_label("违法行为1：类型").select_option("UNVERIFIED")
    page.get_by_role("button", name="保存检查记录").click()
    expect(page.get_by_text("检查记录已保存。")).to_be_visible()
    expect(page.locator("main")).to_contain_text("UNVERIFIED")
    screenshot(page, "console-inspection")

    page.goto("/console/complaints/new")
    screenshot(page, "console-complaint-form")
    page.locator("#f-merchant").fill(uscc)
    page.get_by_label("投诉渠道").select_option("12345")
    page.get_by_label("受理日期").fill(TODAY.isoformat())
    page.get_by_label("投诉内容").fill("复称短少80克")
    page.get_by_role("button", name="登记投诉").click()
    expect(page.get_by_text("投诉已登记。")).to_be_visible()
    page.get_by_label("新状态").select_option("verifying")
    page.get_by_label("原因").fill("派员核查")
    page.get_by_role("button", name="变更状态").click()
    expect(page.locator("dl.facts")).to_contain_text("核查中")
    screenshot(page, "console-complaint")

    page.goto("/console/complaints")
    expect(page.locator("main table")).to_contain_text("王记蔬菜")
    screenshot(page, "console-complaints")
    assert [e for e in errors if "status of 422" not in e] == []
