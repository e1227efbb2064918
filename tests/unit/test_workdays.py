"""Working days across weekends, with no calendar: five working days a week."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from creditsvc import workdays


@given(st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.integers(0, 40))
def test_plain_weeks_count_five_days_a_week(start, count):
    due = workdays.add_working_days(start, count, {})
    assert workdays.working_days_between(start, due, {}) == count
    assert count == 0 or due.weekday() < 5
