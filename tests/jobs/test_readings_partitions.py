"""Readings partitioned by month on PostgreSQL (issue 21): months made ahead, strays moved
out of the default partition, months past retention archived to compressed CSV and
restored with every row back; SQLite says it has no partitions and does nothing."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from creditsvc import clock
from creditsvc.demo import city
from creditsvc.extensions import db
from creditsvc.jobs import partitions as job
from creditsvc.jobs.scheduler import PERIODIC
from creditsvc.models import AuditEntry, Reading
from creditsvc.months import Month
from creditsvc.services.evidence import archive, partitions
from tests.conftest import PG_URL

postgresql = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has no partitions")
OLD = Month(2019, 3)  # far past retention (the rules' window plus 36 months)


@pytest.fixture
def scale(world):
    market = world.market()
    merchant = world.merchant(market=market)
    device, caller, _ = world.device(market, "FS-P1")
    return device, merchant, caller


@pytest.fixture
def months_left_as_found(app):
    """Partitions this test makes are dropped after it, so the next test sees the
    partitions the migration made."""
    conn = db.session.connection()
    before = {*partitions.attached(conn), *map(partitions.table_of, partitions.detached(conn))}
    db.session.commit()
    yield
    db.session.rollback()
    conn = db.session.connection()
    now = {*partitions.attached(conn), *map(partitions.table_of, partitions.detached(conn))}
    for table in sorted(now - before):
        conn.execute(text(f"DROP TABLE {table}"))
    db.session.commit()


def add_readings(scale, moments: list[datetime], first_seq: int = 1) -> list[int]:
    device, merchant, _ = scale
    rows = [
        {
            "device_id": device.id,
            "seq": first_seq + i,
            "merchant_id": merchant.id,
            "measured_at": moment,
            "received_at": moment,
            "category": "vegetable",
            "settled_g": 1000.0,
            "measured_g": 990.0 + i / 7,
            "k": 1,
            "shortfall_g": 10.0 - i / 7,
            "verdict": "within",
        }
        for i, moment in enumerate(moments)
    ]
    ids = db.session.scalars(insert(Reading).returning(Reading.id), rows).all()
    db.session.commit()
    return sorted(ids)


def in_month(month: Month, count: int) -> list[datetime]:
    """Moments spread over the month, the first at Shanghai midnight on its first day."""
    return [month.start + timedelta(hours=7 * i) for i in range(count)]


def where(reading_id: int) -> str:
    stmt = text("SELECT tableoid::regclass::text FROM readings WHERE id = :id")
    return db.session.execute(stmt, {"id": reading_id}).scalar_one()


def month_rows(month: Month) -> list[tuple]:
    stmt = (
        select(*Reading.__table__.c)
        .where(Reading.measured_at >= month.start, Reading.measured_at < month.end)
        .order_by(Reading.id)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


# PostgreSQL ---------------------------------------------------------------------------


@postgresql
def test_the_migration_makes_month_partitions_a_default_and_months_ahead(app):
    conn = db.session.connection()
    assert partitions.partitioned(conn)
    names = partitions.attached(conn)
    assert partitions.DEFAULT in names
    now = Month.of(clock.now())
    assert {partitions.table_of(now.plus(i)) for i in range(4)} <= names


@postgresql
def test_a_month_starts_at_shanghai_midnight(app, scale, months_left_as_found):
    month = Month.of(clock.now())
    last, first = add_readings(scale, [month.end - timedelta(seconds=1), month.end])
    assert where(last) == partitions.table_of(month)
    assert where(first) == partitions.table_of(month.plus(1))
    assert month.end.utcoffset() == timedelta(hours=8)
    assert month.end.astimezone(UTC).hour == 16  # the day before, in UTC


@postgresql
def test_a_reading_far_ahead_lands_in_the_default_partition_and_the_job_moves_it(
    app, scale, months_left_as_found
):
    far = Month.of(clock.now()).plus(30)
    (reading_id,) = add_readings(scale, [far.start + timedelta(days=3)])
    assert where(reading_id) == partitions.DEFAULT

    counts = job.maintain_readings_partitions()
    assert counts["moved"] == {str(far): 1}
    assert where(reading_id) == partitions.table_of(far)
    assert db.session.get(Reading, reading_id).seq == 1  # the same row, the same id


@postgresql
def test_the_job_makes_the_months_ahead_the_setting_asks(app, months_left_as_found):
    app.config["READINGS_PARTITIONS_AHEAD"] = 6
    today = clock.today()
    counts = job.maintain_readings_partitions(today)
    now = Month.of_day(today)
    made = {partitions.table_of(now.plus(i)) for i in range(7)}
    assert made <= partitions.attached(db.session.connection())
    assert set(counts["made"]) >= {str(now.plus(5)), str(now.plus(6))}
    assert job.maintain_readings_partitions(today)["made"] == []  # twice: nothing more


@postgresql
def test_an_old_month_is_archived_with_every_row_and_restored_with_every_row_back(
    app, scale, months_left_as_found
):
    ids = add_readings(scale, in_month(OLD, 40))
    kept = add_readings(scale, in_month(Month.of(clock.now()), 3), first_seq=100)
    rows = month_rows(OLD)
    assert [r[0] for r in rows] == ids

    counts = job.maintain_readings_partitions()
    assert str(OLD) in counts["archived"]
    assert month_rows(OLD) == []  # gone from the database ...
    assert not db.session.execute(
        text("SELECT to_regclass(:t)"), {"t": partitions.table_of(OLD)}
    ).scalar()
    assert len(month_rows(Month.of(clock.now()))) == len(kept)  # ... and only that month
    manifest = json.loads(archive.manifest_file(OLD).read_text())
    raw = gzip.decompress(archive.data_file(OLD).read_bytes())
    assert manifest["rows"] == 40 and manifest["sha256"] == hashlib.sha256(raw).hexdigest()
    assert (manifest["first_id"], manifest["last_id"]) == (ids[0], ids[-1])
    table = list(csv.reader(io.StringIO(raw.decode())))
    assert table[0] == [c.name for c in Reading.__table__.c]  # a header, then every row
    assert [int(r[0]) for r in table[1:]] == ids
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "readings")
    ).all()
    assert actions == ["archive", "archive"]  # detached, then archived and dropped

    restored = job.restore_month(OLD, "test")
    assert restored["rows"] == 40
    assert month_rows(OLD) == rows  # every row, every column, the same ids
    assert where(ids[0]) == partitions.table_of(OLD)


@postgresql
def test_archiving_twice_is_harmless_and_a_restored_month_is_archived_again(
    app, scale, months_left_as_found
):
    add_readings(scale, in_month(OLD, 5))
    job.maintain_readings_partitions()
    written = archive.data_file(OLD).read_bytes()
    assert job.maintain_readings_partitions()["archived"] == []  # nothing left to archive
    assert job.archive_months(None, actor="test") == []

    job.restore_month(OLD, "test")
    assert job.archive_months(None, actor="test", dry_run=True) == [OLD]
    assert job.maintain_readings_partitions()["archived"] == [str(OLD)]
    assert archive.data_file(OLD).read_bytes() == written  # the same file, kept
    assert month_rows(OLD) == []


@postgresql
def test_an_archive_interrupted_after_the_detach_is_finished_by_the_next_run(
    app, scale, months_left_as_found
):
    ids = add_readings(scale, in_month(OLD, 7))
    assert partitions.create_month(db.session.connection(), OLD) == 7  # out of the default
    archive.detach(db.session.connection(), OLD, "test")
    db.session.commit()
    assert partitions.detached(db.session.connection()) == [OLD]
    assert month_rows(OLD) == []  # detached: no query sees it, its table keeps it

    assert str(OLD) in job.maintain_readings_partitions()["archived"]
    assert partitions.detached(db.session.connection()) == []
    job.restore_month(OLD, "test")
    assert [r[0] for r in month_rows(OLD)] == ids


@postgresql
def test_restore_refuses_a_month_in_the_database_or_never_archived(
    app, scale, months_left_as_found
):
    add_readings(scale, in_month(OLD, 2))
    job.maintain_readings_partitions()
    job.restore_month(OLD, "test")
    with pytest.raises(Exception, match="already in the database"):
        job.restore_month(OLD, "test")
    db.session.rollback()
    with pytest.raises(Exception, match="no archive"):
        job.restore_month(Month(2018, 1), "test")


@postgresql
def test_months_within_retention_are_never_archived(app, scale, months_left_as_found):
    recent = archive.first_kept(clock.today())
    add_readings(scale, in_month(recent, 3))
    job.maintain_readings_partitions()
    assert len(month_rows(recent)) == 3
    with pytest.raises(Exception, match="within retention"):
        job.archive_months(recent.plus(1), actor="test")


def test_the_rules_window_comes_from_the_policies(app):
    # The risk model's twelve whole months before the as-of month are the longest today.
    assert archive.rule_window_days() == 13 * 31
    first = archive.first_kept(clock.today())
    assert first < Month.of(clock.now()).plus(-36 - 12)


# Idempotent resends, on both databases --------------------------------------------


def test_a_resent_seq_is_stored_once_whatever_its_time(app, scale):
    _, _, caller = scale
    when = clock.now().replace(microsecond=0) - timedelta(days=2)
    item = {"seq": 7, "settled_g": 1000, "measured_g": 990, "category": "vegetable"}
    item["merchant"] = scale[1].uscc
    first = caller.post("/api/v1/readings", json={"readings": [item | {"time": when.isoformat()}]})
    assert first.json["accepted"] == 1
    again = caller.post("/api/v1/readings", json={"readings": [item | {"time": when.isoformat()}]})
    later = (when + timedelta(days=1)).isoformat()
    moved = caller.post("/api/v1/readings", json={"readings": [item | {"time": later}]})
    assert again.json["duplicate"] == 1 and moved.json["duplicate"] == 1
    assert db.session.scalar(select(func.count()).select_from(Reading)) == 1


# SQLite -------------------------------------------------------------------------------


@pytest.mark.skipif(bool(PG_URL), reason="SQLite only: a plain readings table")
def test_on_sqlite_the_job_and_the_commands_say_partitions_are_postgresql_only(app, scale):
    add_readings(scale, [datetime(2019, 3, 5, tzinfo=UTC)])
    assert job.maintain_readings_partitions() == {"partitioned": False}
    runner = app.test_cli_runner()
    db.session.commit()
    for args in (["partitions"], ["archive"], ["restore", "2019-03"]):
        result = runner.invoke(args=["readings", *args])
        assert result.exit_code == 0, result.output
        assert "PostgreSQL feature" in result.output
    assert db.session.scalar(select(func.count()).select_from(Reading)) == 1


@postgresql
def test_the_commands_list_archive_and_restore(app, scale, months_left_as_found):
    add_readings(scale, in_month(OLD, 4))
    assert partitions.create_month(db.session.connection(), OLD) == 4  # out of the default
    runner = app.test_cli_runner()
    db.session.commit()
    listed = runner.invoke(args=["readings", "partitions"])
    assert listed.exit_code == 0 and "2019-03" in listed.output and "default" in listed.output
    dry = runner.invoke(args=["readings", "archive", "--dry-run", "--before", "2019-04"])
    assert dry.output == "would archive: 2019-03\n"
    done = runner.invoke(args=["readings", "archive", "--before", "2019-04"])
    assert done.exit_code == 0 and done.output == "archived: 2019-03\n"
    assert "archived: 4 rows" in runner.invoke(args=["readings", "partitions"]).output
    restored = runner.invoke(args=["readings", "restore", "2019-03"])
    assert restored.exit_code == 0 and "restored 4 readings of 2019-03" in restored.output
    again = runner.invoke(args=["readings", "restore", "2019-03"])
    assert again.exit_code == 1 and "already in the database" in again.output
    entries = db.session.scalars(select(AuditEntry.actor).where(AuditEntry.entity == "readings"))
    assert set(entries) == {"cli"}


def test_the_scheduler_runs_the_upkeep_at_night(app):
    (upkeep,) = [p for p in PERIODIC if p.func is job.maintain_readings_partitions]
    assert upkeep.cron == "40 3 * * *" and upkeep.queue == "default"


@postgresql
def test_the_demo_city_puts_its_readings_in_their_months_with_their_index(
    app, months_left_as_found
):
    city.load(20, 2017, inspections=0, complaints=0, readings=400)
    counted = text("SELECT tableoid::regclass::text, count(*) FROM readings GROUP BY 1")
    places = dict(db.session.execute(counted).all())
    assert sum(places.values()) == 400 and partitions.DEFAULT not in places
    # The index the loader rebuilt covers every partition (not ON ONLY the parent).
    index = text(
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ix_readings_merchant_time'::regclass"
    )
    assert db.session.execute(index).scalar() == len(partitions.attached(db.session.connection()))
