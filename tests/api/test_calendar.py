"""The holiday calendar: deadlines in working days across public holidays and make-up
working days, and the city officer who keeps it."""

from datetime import date

import pytest

from creditsvc.services import calendar
from tests.factories import load_test_calendar


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1 → Monday, across a weekend
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # National Day 1–7 October
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Saturday 10 October is a make-up day
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday 14 February: make-up before 春节
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # 春节 15–23 February
        (date(2026, 4, 30), 5, date(2026, 5, 11)),  # 劳动节 1–5 May, Saturday 9 May worked
    ],
)
def test_deadlines_on_the_2026_calendar(app, start, count, due):
    assert calendar.deadline(start, count) == due


def test_twenty_working_days_from_a_decision_before_national_day(app):
    # Decided 2026-09-18: 20 working days skip 25–27 September and 1–7 October, and count
    # Sunday 20 September and Saturday 10 October (make-up working days).
    assert calendar.deadline(date(2026, 9, 18), 20) == date(2026, 10, 22)


def test_working_days_left_counts_down_and_goes_negative(app):
    assert calendar.working_days_left(date(2026, 11, 23), date(2026, 11, 27)) == 4
    assert calendar.working_days_left(date(2026, 11, 27), date(2026, 11, 23)) == -4


def test_the_city_officer_keeps_the_calendar(world):
    # 2027's notice is not loaded (and not invented): a TEST calendar of ordinary weeks is.
    load_test_calendar(world, 2027)
    city = world.city()
    response = city.put("/api/v1/calendar/2027-01-01", json={"kind": "holiday", "name": "元旦"})
    assert response.status_code == 200
    assert calendar.deadline(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert (
        world.district()
        .put("/api/v1/calendar/2027-01-02", json={"kind": "holiday", "name": "x"})
        .status_code
        == 403
    )
    assert (
        city.put("/api/v1/calendar/2027-13-01", json={"kind": "holiday", "name": "x"}).status_code
        == 422
    )
    days = world.anonymous().get("/api/v1/calendar?year=2026").json
    assert {"day": "2026-10-01", "kind": "holiday", "name": "国庆节"} in days
    assert city.delete("/api/v1/calendar/2027-01-01").status_code == 204
    assert calendar.deadline(date(2026, 12, 31), 1) == date(2027, 1, 1)
