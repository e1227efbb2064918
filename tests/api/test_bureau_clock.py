"""The bureau's clock on a host that runs on UTC: at 23:30 UTC it is 07:30 of the next day
in Shanghai, and every date, deadline, page, PDF, export and API answer says so."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Merchant, Reading, Stall
from creditsvc.services import calendar
from creditsvc.services.standing import evidence_arrays, policies
from tests.documents import pdf_of, pdf_text
from tests.factories import draft, login, penalise

# A Sunday 23:30 on the host's UTC clock is Monday 2 March 2026, 07:30, in Shanghai: the
# day before is not a working day, so a deadline counted from the host's date moves.
HOST_MOMENT = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
BUREAU_DAY = date(2026, 3, 2)
SHOWN = "2026-03-02 07:30"
ISO = "2026-03-02T07:30:00+08:00"
# Evidence of the day before, which either clock accepts: what those tests check is the time
# shown for the moment it was recorded.
YESTERDAY = date(2026, 3, 1)
PUBLICATION_WORKING_DAYS = 20  # 《市场监督管理行政处罚信息公示规定》: 20 working days


@pytest.fixture
def utc_host_at_2330(app):
    """The host's zone is UTC and its clock reads 23:30 (time-machine mocks both)."""
    with time_machine.travel(HOST_MOMENT, tick=False):
        assert date.today() == date(2026, 3, 1)  # noqa: DTZ011 - the host's date, on purpose
        assert clock.today() == BUREAU_DAY
        yield


def browser(world, app, role="district", caller=None):
    """A logged-in browser client of `caller`, else of a new user of `role`."""
    caller = caller or world.user(role, **({"district": world.XUHUI} if role == "district" else {}))
    client = app.test_client()
    assert login(client, caller.username).status_code == 302
    return client


def test_a_decision_entered_at_0730_is_dated_that_day_and_its_deadline_counts_from_it(
    world, utc_host_at_2330
):
    merchant = world.merchant(name="早市鲜肉")
    penalise(world, merchant, "徐市监罚〔2026〕7号", BUREAU_DAY)
    officer = world.district()
    row = officer.get("/api/v1/penalty-publications").json["items"][0]
    due = calendar.deadline(BUREAU_DAY, PUBLICATION_WORKING_DAYS)
    assert due != calendar.deadline(date(2026, 3, 1), PUBLICATION_WORKING_DAYS)
    assert (row["decided_on"], row["deadline"]) == (BUREAU_DAY.isoformat(), due.isoformat())
    assert row["working_days_left"] == PUBLICATION_WORKING_DAYS

    exported = officer.get("/api/v1/penalty-publications.csv").get_data(as_text=True)
    cells = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))[1]
    assert BUREAU_DAY.isoformat() in cells and str(PUBLICATION_WORKING_DAYS) in cells

    # Recorded as published without a date: today's, the bureau's.
    published = officer.post(f"/api/v1/penalty-publications/{row['penalty_id']}/published", json={})
    assert published.status_code == 201, published.json
    assert published.json["published_on"] == BUREAU_DAY.isoformat()


def test_a_complaint_recorded_at_0730_shows_0730_in_the_api_on_the_console_and_in_the_audit(
    world, app, utc_host_at_2330
):
    merchant = world.merchant(name="早市水产")
    officer = world.district()
    created = officer.post(
        "/api/v1/complaints",
        json={
            "merchant": merchant.uscc,
            "channel": "12345",
            "received_on": YESTERDAY.isoformat(),
            "allegation": "早上买的鱼复称少了二两",
        },
    )
    assert created.status_code == 201, created.json
    cid = created.json["id"]
    moved = officer.post(
        f"/api/v1/complaints/{cid}/transitions", json={"to": "verifying", "reason": "派员核查"}
    )

    client = browser(world, app)
    page = client.get(f"/console/complaints/{cid}").get_data(as_text=True)
    assert page.count(SHOWN) == 2  # recorded, and its move to verification
    assert "23:30" not in page
    audit = client.get("/console/audit?entity=complaints").get_data(as_text=True)
    assert f"{SHOWN}:00" in audit and "23:30" not in audit
    assert ISO in audit  # the moments inside a change, too
    assert moved.json["created_at"] == ISO
    assert moved.json["transitions"][0]["at"] == ISO


def test_a_notice_drafted_and_published_at_0730_is_dated_that_day_on_page_pdf_and_api(
    world, app, utc_host_at_2330
):
    penalise(world, world.merchant(name="早市粮油"), "徐市监罚〔2026〕8号", YESTERDAY)
    officer, city = world.district(), world.city()
    body = {"kind": "exposure", "period_start": "2026-01-01", "period_end": "2026-03-02"}
    nid = draft(officer, **body)["id"]
    assert city.post(f"/api/v1/notices/{nid}/approve").status_code == 200
    published = officer.post(f"/api/v1/notices/{nid}/publish").json
    assert published["published_on"] == BUREAU_DAY.isoformat()
    assert (published["created_at"], published["published_at"]) == (ISO, ISO)
    assert "2026年3月2日" in pdf_text(pdf_of(officer, published["pdf_url"]).data)

    client = browser(world, app, "city")
    page = client.get(f"/console/notices/{nid}").get_data(as_text=True)
    assert SHOWN in page and "23:30" not in page

    withdrawn = officer.post(f"/api/v1/notices/{nid}/withdraw", json={"reason": "决定被撤销"})
    assert withdrawn.json["withdrawn_at"] == ISO
    public = world.anonymous()
    assert (
        public.get(f"/api/public/v1/documents/{published['serial']}").json["withdrawn_on"]
        == BUREAU_DAY.isoformat()
    )
    verify = public.get(f"/verify/{published['serial']}").get_data(as_text=True)
    assert f"({BUREAU_DAY.isoformat()})" in verify


def test_an_import_run_at_0730_shows_that_time_on_its_page_and_in_its_status(
    world, app, utc_host_at_2330
):
    merchant = world.merchant()
    officer = world.district()
    sheet = "统一社会信用代码,投诉渠道,受理日期,投诉内容\n"
    sheet += f"{merchant.uscc},12345,{YESTERDAY.isoformat()},复称短少一两\n"
    response = officer.post(
        "/api/v1/imports",
        data={"kind": "complaints", "file": (io.BytesIO(sheet.encode()), "sheet.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202
    status = officer.get(response.headers["Location"]).json
    assert (status["status"], status["accepted"]) == ("done", 1), status["errors"]
    assert status["created_at"] == ISO and status["finished_at"] == ISO

    client = browser(world, app, caller=officer)
    page = client.get(f"/console/imports/{status['id']}").get_data(as_text=True)
    assert f"{SHOWN}:00" in page and "23:30" not in page


def test_a_reading_at_0730_counts_on_that_shanghai_day(world, utc_host_at_2330):
    market = world.market()
    merchant = world.merchant(market=market)
    db.session.add(Stall(market_id=market.id, number="A-1", merchant_id=merchant.id))
    db.session.commit()
    _, scale, _ = world.device(market, "FS-0730")
    reading = {"seq": 1, "settled_g": 1000, "measured_g": 950, "category": "vegetable"}
    # A time without a zone is Shanghai's; 07:30 there is 23:30 UTC of the day before.
    answer = scale.post(
        "/api/v1/readings", json={"readings": [{**reading, "stall": "A-1", "time": SHOWN}]}
    )
    assert answer.status_code == 200 and answer.json["accepted"] == 1, answer.json
    stored = db.session.scalar(select(Reading.measured_at))
    assert stored.astimezone(UTC) == HOST_MOMENT
    listed = world.district().get(f"/api/v1/readings?merchant={merchant.uscc}").json["items"]
    assert listed[0]["time"] == ISO

    policy = policies.current()
    only = select(Merchant.id).where(Merchant.id == merchant.id)

    def counted(as_of):
        table = evidence_arrays.reweigh_counts(lambda c: c.in_(only), as_of, policy)
        per_day = evidence_arrays.reweighs_per_day(merchant.id, as_of, policy)
        return int(table[:, 1:4].sum()), [date.fromordinal(int(d)) for d in per_day.day]

    assert counted(date(2026, 3, 1)) == (0, [])
    assert counted(BUREAU_DAY) == (3, [BUREAU_DAY])  # total, assessable, short
