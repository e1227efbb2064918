"""Penalty decisions owed to the national credit publicity system: 20 working days from
the decision on the holiday calendar, listed, exported and recorded when published."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry
from creditsvc.services import calendar
from tests.factories import complain, load_test_calendar, penalise

TODAY = clock.today()
URL = "/api/v1/penalty-publications"


@pytest.fixture
def decisions(world):
    """Xuhui: one decided before the 2025 National Day holiday, one today, and those the
    rules leave out (a warning alone, the simplified procedure, a voided inspection).
    Today's 20 working days may reach into a year whose notice is not loaded (December
    2026 into 2027): such a year gets a TEST calendar of ordinary weeks, whatever today is."""
    for year in (TODAY.year, TODAY.year + 1):
        if year not in {y.year for y in calendar.loaded_years()}:
            load_test_calendar(world, year)
    merchant = world.merchant(name="王记蔬菜")
    company = world.merchant(name="某某超市有限公司", uscc=world.uscc("1"))
    penalise(world, merchant, "徐市监罚〔2025〕88号", date(2025, 9, 26), "3000")
    penalise(
        world,
        company,
        "徐市监罚〔2026〕99号",
        TODAY,
        "20000",
        findings=("UNVERIFIED", "SHORT_RETAIL"),
        confiscation="作弊秤一台",
    )
    penalise(world, company, "徐市监罚〔2026〕90号", TODAY, "0", warning_only=True)
    penalise(world, company, "徐市监罚〔2026〕91号", TODAY, "100", procedure="simplified")
    voided = penalise(world, company, "徐市监罚〔2026〕92号", TODAY, "500")
    world.district().post(
        "/api/v1/corrections", json={"kind": "inspection", "id": voided, "reason": "录错"}
    )
    penalise(world, world.merchant(world.JINGAN), "静市监罚〔2026〕1号", TODAY)
    officer = world.district()
    listed = officer.get(URL).json["items"]
    by_number = {row["decision_number"]: row for row in listed}
    return {"officer": officer, "rows": listed, "by_number": by_number, "company": company}


def test_only_ordinary_procedure_decisions_that_are_not_warnings_are_owed(decisions):
    assert [r["decision_number"] for r in decisions["rows"]] == [
        "徐市监罚〔2025〕88号",
        "徐市监罚〔2026〕99号",
    ]


def test_the_deadline_counts_working_days_across_the_october_holiday(decisions):
    row = decisions["by_number"]["徐市监罚〔2025〕88号"]
    # 2025-09-28 (a Sunday) and 2025-10-11 (a Saturday) are make-up working days; 10-01 to
    # 10-08 are the holiday: the 20th working day after Friday 09-26 is 10-30, not 10-24.
    assert (row["decided_on"], row["deadline"]) == ("2025-09-26", "2025-10-30")
    assert row["deadline"] == calendar.deadline(date(2025, 9, 26), 20).isoformat()
    assert row["status"] == "overdue" and row["working_days_left"] < 0
    assert row["working_days_left"] == calendar.working_days_left(TODAY, date(2025, 10, 30))


def test_each_row_names_the_party_violation_penalty_and_authority(decisions):
    row = decisions["by_number"]["徐市监罚〔2026〕99号"]
    assert (
        row["party_name"] == "某某超市有限公司" and row["party_uscc"] == decisions["company"].uscc
    )
    assert (
        row["violation"]
        == "强制检定计量器具未按规定申请检定、超期未检或检定不合格继续使用；零售商品称重短缺超过负偏差（缺斤短两）"
    )
    assert row["penalty"] == "罚款20000元；没收作弊秤一台"
    assert row["authority"] == "上海市徐汇区市场监督管理局"
    assert row["status"] == "pending" and row["working_days_left"] == 20
    assert row["deadline"] == calendar.deadline(TODAY, 20).isoformat()


def test_status_filters_and_recording_publication(world, decisions):
    officer = decisions["officer"]

    def numbers(status):
        listed = officer.get(f"{URL}?status={status}").json["items"]
        return [r["decision_number"] for r in listed]

    assert numbers("overdue") == ["徐市监罚〔2025〕88号"]
    assert numbers("pending") == ["徐市监罚〔2026〕99号"]
    assert numbers("published") == []

    penalty_id = decisions["by_number"]["徐市监罚〔2025〕88号"]["penalty_id"]
    url = f"{URL}/{penalty_id}/published"
    assert world.district(world.JINGAN).post(url, json={}).status_code == 404
    assert world.merchant_user(world.merchant()).post(url, json={}).status_code == 403
    assert world.anonymous().post(url, json={}).status_code == 401
    too_early = officer.post(url, json={"published_on": "2025-09-01"})
    assert too_early.status_code == 422
    done = officer.post(url, json={"published_on": "2025-11-03", "reference": "GS-2025-1"})
    assert done.status_code == 201, done.json
    assert (done.json["status"], done.json["published_on"]) == ("published", "2025-11-03")
    assert (
        done.json["published_by"] == f"user:{officer.username}"
        and done.json["working_days_left"] is None
    )
    assert officer.post(url, json={}).status_code == 409
    assert numbers("published") == ["徐市监罚〔2025〕88号"] and numbers("overdue") == []
    audit = db.session.query(AuditEntry).filter_by(entity="penalty_publications").one()
    assert (audit.action, audit.entity_id, audit.district_code) == (
        "publish",
        str(penalty_id),
        "310104",
    )


def test_the_list_is_scoped_to_officers_and_their_district(world, decisions):
    jingan = world.district(world.JINGAN).get(URL).json["items"]
    assert [r["decision_number"] for r in jingan] == ["静市监罚〔2026〕1号"]
    city = world.city().get(f"{URL}?district=310104").json
    assert city["total"] == 2
    assert world.merchant_user(world.merchant()).get(URL).status_code == 403
    assert world.anonymous().get(f"{URL}.csv").status_code == 401
    paged = decisions["officer"].get(f"{URL}?per_page=1&page=2").json
    assert (paged["total"], paged["pages"], len(paged["items"])) == (2, 2, 1)


def test_the_csv_export_parses_back_and_carries_no_contact_data(world, decisions):
    company = decisions["company"]
    complain(world.district(), company, contact="赵先生 13900000000")
    response = decisions["officer"].get(f"{URL}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese headers
    text = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["行政处罚决定书文号"] for r in rows] == [
        "徐市监罚〔2025〕88号",
        "徐市监罚〔2026〕99号",
    ]
    assert rows[0]["公示期限"] == "2025-10-30" and rows[0]["公示状态"] == "overdue"
    assert rows[1]["处罚机关"] == "上海市徐汇区市场监督管理局" and rows[1]["剩余工作日"] == "20"
    assert "13900000000" not in text and "赵先生" not in text
    overdue = decisions["officer"].get(f"{URL}.csv?status=overdue").data.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(overdue)))) == 1
