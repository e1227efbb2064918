"""Migration 0031: readings partitioned by month on PostgreSQL, and back, with every row
and its id; SQLite keeps its plain table either way."""

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select, text

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Reading
from creditsvc.months import Month
from creditsvc.services.evidence import partitions


def _rows() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(select(*Reading.__table__.c).order_by("id"))]


def _kind() -> str | None:
    if db.engine.dialect.name != "postgresql":
        return None
    return db.session.execute(
        text("SELECT relkind FROM pg_class WHERE oid = 'readings'::regclass")
    ).scalar()


def test_down_and_up_again_with_readings_in_it(app, world):
    market = world.market()
    merchant = world.merchant(market=market)
    device, _, _ = world.device(market, "FS-M1")
    now = clock.now()
    moments = [now - timedelta(days=400), now - timedelta(days=31), now, now + timedelta(days=900)]
    db.session.execute(
        insert(Reading),
        [
            {
                "device_id": device.id,
                "seq": seq,
                "merchant_id": merchant.id,
                "measured_at": moment,
                "received_at": now,
                "category": "vegetable",
                "settled_g": 1000.0,
                "measured_g": 991.5,
                "k": 1,
                "shortfall_g": 8.5,
                "verdict": "within",
            }
            for seq, moment in enumerate(moments)
        ],
    )
    db.session.commit()
    before = _rows()
    db.session.commit()  # the migration's connection must not wait for this one

    downgrade(revision="0030")
    assert _kind() in (None, "r")  # a plain table
    assert _rows() == before
    db.session.commit()

    upgrade()
    assert _rows() == before  # every row, the same ids
    if _kind() is None:
        return
    assert _kind() == "p"
    conn = db.session.connection()
    attached = partitions.attached(conn)
    assert partitions.table_of(Month.of(moments[0])) in attached  # from the oldest reading
    assert partitions.table_of(Month.of(now).plus(3)) in attached  # to months ahead
    assert partitions.table_of(Month.of(moments[-1])) not in attached  # in the default
    # New readings take new ids after the old ones: the sequence came along.
    next_id = db.session.execute(text("SELECT nextval('readings_id_seq')")).scalar()
    assert next_id > before[-1][0]
