"""The kept monthly figures (issue 22): the refresh counts grades at each month's end
from the snapshots, re-weighs by Shanghai month, and notices by the month published."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.statistics import refresh_statistics
from creditsvc.models import Reading, StatisticsMonth
from creditsvc.services.statistics import queries, refresh
from tests.factories import void
from tests.statements import executed
from tests.statistics_set import JINGAN, XUHUI, build, snapshot


def kept(series: str) -> dict:
    rows = db.session.scalars(select(StatisticsMonth).where(StatisticsMonth.series == series))
    return {(r.month, r.district_code, r.key): r.value for r in rows}


def test_the_refresh_counts_grades_readings_and_notices_by_month_and_district(world):
    today = clock.today()
    s = build(world, today)
    this, last, older = s["this"], s["last"], s["older"]

    counts = refresh.refresh(today)
    db.session.commit()

    assert counts["months"] == 24
    assert kept("grades") == {
        (older, XUHUI, "B"): 1,
        (last, XUHUI, "A"): 1,
        (last, XUHUI, "D"): 1,
        (this, XUHUI, "A"): 1,
        (this, XUHUI, "unrated"): 1,
        (this, JINGAN, "A"): 1,
    }
    assert kept("readings") == {
        (last, XUHUI, "total"): 2,
        (last, XUHUI, "assessable"): 2,
        (this, XUHUI, "total"): 2,
        (this, XUHUI, "assessable"): 1,
        (this, XUHUI, "short"): 1,
    }
    assert kept("notices") == {(this, XUHUI, "exposure"): 1, (last, JINGAN, "honor_roll"): 2}


def test_the_city_sums_the_districts_and_a_month_without_rows_is_zeros(world):
    today = clock.today()
    s = build(world, today)
    refresh.refresh(today)
    db.session.commit()

    city = {m.month: m for m in queries.series("grades", today)}
    assert len(city) == 24
    assert city[s["this"]].figures == {"A": 2, "B": 0, "C": 0, "D": 0, "unrated": 1}
    assert city[s["last"]].share("A", *queries.RATED) == 0.5
    xuhui = {m.month: m for m in queries.series("readings", today, XUHUI)}
    assert xuhui[s["this"]].figures == {"total": 2, "assessable": 1, "short": 1}
    assert queries.series("readings", today, JINGAN)[-1].figures["total"] == 0
    on_map = queries.grades_by_district(today)
    assert on_map[JINGAN].share_a == 1.0 and on_map[XUHUI].share_a == 1.0
    assert on_map[XUHUI].rated == 1  # x2 is unrated this month


def test_the_nightly_run_rewrites_only_the_latest_months(world):
    today = clock.today()
    s = build(world, today)
    refresh_statistics(everything=True)
    # A late snapshot in the oldest month (as a void's rescore could write): the nightly
    # run leaves that month as kept, a full refresh counts it.
    snapshot(s["j1"], s["older"] + timedelta(days=1), "C")
    db.session.commit()

    refresh_statistics()
    assert (s["older"], JINGAN, "C") not in kept("grades")
    assert kept("grades")[s["this"], JINGAN, "A"] == 1

    refresh_statistics(everything=True)
    assert kept("grades")[s["older"], JINGAN, "C"] == 1
    assert queries.refreshed_at() is not None


def test_a_refresh_removes_figures_that_no_longer_hold(world):
    today = clock.today()
    s = build(world, today)
    refresh.refresh(today)
    db.session.commit()
    db.session.execute(
        StatisticsMonth.__table__.delete().where(StatisticsMonth.series == "notices")
    )
    db.session.add(
        StatisticsMonth(
            series="notices", month=s["this"], district_code=XUHUI, key="placard", value=9
        )
    )
    db.session.commit()
    refresh.refresh(today, months=1)
    db.session.commit()
    assert kept("notices") == {(s["this"], XUHUI, "exposure"): 1}


def test_the_command_refreshes_every_month_or_the_latest(app, world):
    s = build(world, clock.today())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["statistics", "refresh", "--all"])
    assert result.exit_code == 0, result.output
    assert "months: 24" in result.output
    assert kept("grades")[s["older"], XUHUI, "B"] == 1
    result = runner.invoke(args=["statistics", "refresh"])
    assert result.exit_code == 0 and "months: 2" in result.output


def test_a_voided_reading_is_not_counted(world):
    today = clock.today()
    s = build(world, today)
    short = db.session.scalars(select(Reading).where(Reading.verdict == "short")).one()
    db.session.add(void("reading", short.id, short.merchant_id, "顾客连袋称重"))
    db.session.commit()

    refresh.refresh(today)
    db.session.commit()
    assert kept("readings") == {
        (s["last"], XUHUI, "total"): 2,
        (s["last"], XUHUI, "assessable"): 2,
        (s["this"], XUHUI, "total"): 1,  # the not-assessable one
    }


def test_the_refresh_reads_the_daily_tallies_never_the_readings(world):
    today = clock.today()
    build(world, today)
    _, statements = executed(lambda: refresh.refresh(today))
    assert statements
    on_readings = re.compile(r"\b(FROM|JOIN)\s+\"?readings\b", re.IGNORECASE)
    assert [sql for sql in statements if on_readings.search(sql)] == []
    assert any("reading_days" in sql for sql in statements)
