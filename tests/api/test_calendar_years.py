"""Missing calendar years are loud (issue 18, item 8): a deadline counted into a year whose
holiday notice is not loaded is refused, naming the year, in the service, the API, the
console (a banner for the city officer) and /healthz; the city officer loads a year from
a CSV of every day, checked whole. Years loaded here are TEST DATA (factories)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry, CalendarDay, CalendarYear
from creditsvc.services import calendar
from tests.factories import (
    TEST_CALENDAR_NAME,
    csrf_token,
    inspect,
    load_test_calendar,
    login,
    ordinary_weeks_csv,
    penalise,
)

PAGE = "/console/calendar"


def unload(*years: int) -> None:
    """Make the years not loaded, whatever today is: the test sets its own state."""
    db.session.query(CalendarYear).filter(CalendarYear.year.in_(years)).delete()
    db.session.commit()


# The service ------------------------------------------------------------------------------


def test_a_deadline_in_a_year_without_a_calendar_is_refused_naming_the_year(app):
    unload(2027)
    assert calendar.deadline(date(2026, 12, 1), 5) == date(2026, 12, 8)  # within 2026
    with pytest.raises(calendar.CalendarYearMissing) as refused:
        calendar.deadline(date(2026, 12, 28), 5)  # 29, 30, 31 December, then 2027
    assert refused.value.years == [2027] and refused.value.status == 409
    assert "no holiday calendar loaded for 2027" in refused.value.message
    with pytest.raises(calendar.CalendarYearMissing):
        calendar.working_days_left(date(2026, 12, 20), date(2027, 1, 10))


def test_a_loaded_year_counts_its_own_holidays(world):
    unload(2027)
    load_test_calendar(world, 2027, holidays=[date(2027, 1, 1), date(2027, 1, 4)])
    # 29, 30, 31 December; 1 January (test holiday); 2, 3 weekend; 4 (test holiday); 5, 6
    assert calendar.deadline(date(2026, 12, 28), 5) == date(2027, 1, 6)
    assert calendar.working_days_left(date(2026, 12, 28), date(2027, 1, 6)) == 5
    year = db.session.get(CalendarYear, 2027)
    assert year.loaded_by.startswith("user:calendar")


def test_the_migrated_years_count_as_loaded(app):
    loaded = {y.year: y.loaded_by for y in calendar.loaded_years()}
    assert loaded == {2025: "migration 0004", 2026: "migration 0004"}


# The API ----------------------------------------------------------------------------------


def test_an_objection_whose_deadlines_need_a_missing_year_is_a_409_naming_it(world):
    today = clock.today()
    unload(today.year, today.year + 1)
    merchant = world.merchant()
    inspection_id = inspect(world, merchant, findings=("UNVERIFIED",), on=today)
    me = world.merchant_user(merchant)
    answer = me.post(
        "/api/v1/objections",
        json={"kind": "inspection", "id": inspection_id, "grounds": "计量器具已检定"},
    )
    assert answer.status_code == 409, answer.json
    assert "no holiday calendar loaded for" in answer.json["message"]
    assert any(str(y) in answer.json["message"] for y in (today.year, today.year + 1))
    assert "a city officer must load it" in answer.json["message"]


def test_the_penalty_publicity_listing_says_which_year_it_cannot_count(world):
    """Decisions of 2025 with 2026 not loaded: the dates are the test's, never today's
    crossing of a year (a decision may not be dated in the future)."""
    unload(2026)
    officer = world.district()
    penalise(world, world.merchant(), "徐市监罚〔2025〕91号", date(2025, 12, 20))
    penalise(world, world.merchant(), "徐市监罚〔2025〕92号", date(2025, 11, 3))
    rows = {
        r["decision_number"]: r for r in officer.get("/api/v1/penalty-publications").json["items"]
    }
    late = rows["徐市监罚〔2025〕91号"]
    assert late["deadline"] is None and late["working_days_left"] is None
    assert "no holiday calendar loaded for 2026" in late["calendar"]
    early = rows["徐市监罚〔2025〕92号"]  # 20 working days within 2025
    assert early["deadline"] == "2025-12-01"
    if clock.today().year >= 2026:  # the days left reach into 2026: not counted either
        assert early["working_days_left"] is None and "2026" in early["calendar"]


# /healthz ---------------------------------------------------------------------------------


def test_healthz_names_a_missing_year_without_failing_readiness(world):
    today = clock.today()
    unload(today.year + 1)
    answer = world.anonymous().get("/healthz")
    assert answer.status_code == 200 and answer.json["status"] == "ok"
    check = {c["name"]: c for c in answer.json["checks"]}["calendar"]
    assert (check["level"], check["ok"]) == ("warning", False)
    assert f"no holiday calendar loaded for {today.year + 1}" in check["detail"]

    for year in (today.year, today.year + 1):
        if db.session.get(CalendarYear, year) is None:
            load_test_calendar(world, year)
    check = {c["name"]: c for c in world.anonymous().get("/healthz").json["checks"]}
    assert check["calendar"]["ok"] is True


# The console ------------------------------------------------------------------------------


def test_the_banner_names_the_missing_year_for_the_city_officer_only(world, client, app):
    today = clock.today()
    unload(today.year + 1)
    city = world.city()
    login(client, city.username)
    page = client.get("/console/").get_data(as_text=True)
    assert "calendar-missing" in page and str(today.year + 1) in page
    assert PAGE in page

    merchant = world.merchant()
    other = app.test_client()
    login(other, world.merchant_user(merchant).username)
    portal = other.get("/portal").get_data(as_text=True)
    assert "calendar-missing" not in portal

    district = app.test_client()
    login(district, world.district().username)
    assert "calendar-missing" not in district.get("/console/").get_data(as_text=True)


def _upload(client, year, data: bytes):
    token = csrf_token(client, PAGE)
    return client.post(
        PAGE,
        data={
            "csrf_token": token,
            "year": str(year),
            "file": (io.BytesIO(data), "y.csv"),
        },
        content_type="multipart/form-data",
    )


def test_the_city_officer_loads_a_year_from_a_csv(world, client):
    unload(2027)
    city = world.city()
    login(client, city.username)
    data = ordinary_weeks_csv(2027, holidays=[date(2027, 1, 1)])
    answer = _upload(client, 2027, data)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    db.session.expire_all()
    year = db.session.get(CalendarYear, 2027)
    assert year is not None and year.loaded_by == f"user:{city.username}"
    marked = db.session.query(CalendarDay).filter(
        CalendarDay.day.between(date(2027, 1, 1), date(2027, 12, 31))
    )
    assert [(d.day, d.kind, d.name) for d in marked] == [
        (date(2027, 1, 1), "holiday", TEST_CALENDAR_NAME)
    ]
    audited = db.session.query(AuditEntry).filter_by(entity="calendar_years", entity_id="2027")
    assert audited.one().actor == f"user:{city.username}"
    assert calendar.deadline(date(2026, 12, 31), 1) == date(2027, 1, 4)
    page = client.get(PAGE).get_data(as_text=True)
    assert "2027" in page and city.username in page


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda rows: rows[:-1], "2027 has 365 days, the file lists 364; missing: 2027-12-31"),
        (lambda rows: rows[:-1] + [rows[5]], "2027-01-06 is listed twice (first on row 7)"),
        (lambda rows: rows[:2] + ["2027-01-03,party,"] + rows[3:], "is not one of workday, rest"),
        (lambda rows: ["2026-12-31,workday,"] + rows[1:], "2026-12-31 is not in 2027"),
        (lambda rows: rows[:3] + ["2027-01-04,rest,"] + rows[4:], "a day off must be a holiday"),
    ],
)
def test_a_wrong_file_is_refused_whole_with_its_errors_by_row(world, client, change, said):
    unload(2027)
    login(client, world.city().username)
    header, *rows = ordinary_weeks_csv(2027).decode().splitlines()
    bad = "\n".join([header, *change(rows)]).encode()
    answer = _upload(client, 2027, bad)
    assert answer.status_code == 422
    assert said in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CalendarYear, 2027) is None
    assert db.session.query(CalendarDay).filter(CalendarDay.day >= date(2027, 1, 1)).count() == 0
    assert db.session.query(AuditEntry).filter_by(entity="calendar_years").count() == 0


def test_a_leap_year_needs_366_rows(world):
    load_test_calendar(world, 2028)
    assert db.session.get(CalendarYear, 2028) is not None
    short = b"\n".join(ordinary_weeks_csv(2028).splitlines()[:-1])
    with pytest.raises(calendar.CalendarFileInvalid) as refused:
        calendar.parse_year_csv(2028, short)
    assert "2028 has 366 days, the file lists 365" in refused.value.rows[-1].message


def test_a_district_officer_cannot_load_a_year(world, client, app):
    unload(2027)
    login(client, world.district().username)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/template.csv?year=2027").status_code == 403
    city = app.test_client()
    login(city, world.city().username)
    token = csrf_token(city, PAGE)  # a valid form, sent by the district officer
    answer = client.post(PAGE, data={"csrf_token": token, "year": "2027"})
    assert answer.status_code in (400, 403)
    assert db.session.get(CalendarYear, 2027) is None


def test_the_template_lists_every_day_and_loads_as_it_is(world, client):
    unload(2027)
    login(client, world.city().username)
    template = client.get(f"{PAGE}/template.csv?year=2027")
    assert template.status_code == 200
    rows = template.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0] == "date,kind,name" and len(rows) == 366
    assert calendar.parse_year_csv(2027, template.data)[date(2027, 1, 2)] == ("rest", "")
    assert date(2027, 1, 1) + timedelta(days=364) == date(2027, 12, 31)
