"""No leakage, through the database loader: features of a date stay the same when evidence
dated after it arrives, or a complaint made before it is decided after it."""

from datetime import UTC, date, datetime, timedelta

import numpy as np

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Complaint, Device, Reading
from creditsvc.services.risk import features as risk_data
from creditsvc.workdays import SHANGHAI
from scoring import risk_features as rf
from tests.factories import complain, inspect, reading, substantiate, void

TODAY = clock.today()
AS_OF = TODAY - timedelta(days=120)


def features_as_of(day: date) -> rf.Features:
    data = risk_data.load()
    return rf.build_features(data.evidence, day.toordinal())


def readings(merchant, device, first_seq: int, at: datetime, count: int, short: int) -> None:
    db.session.add_all(
        reading(
            device,
            merchant,
            first_seq + i,
            at + timedelta(minutes=i),
            "short" if i < short else "within",
            band="1",
            limit_g=10,
        )
        for i in range(count)
    )
    db.session.commit()


def test_evidence_after_the_date_leaves_its_features_unchanged(world):
    officer = world.district()
    market = world.market()
    merchant, other = world.merchant(market=market), world.merchant()
    device = Device(serial="FS-LEAK-1", market_id=market.id)
    db.session.add(device)
    db.session.commit()
    inspect(world, merchant, ["SHORT_RETAIL:major"], AS_OF - timedelta(days=200), officer=officer)
    inspect(world, other, on=AS_OF - timedelta(days=30), officer=officer)
    inspect(
        world, merchant, ["SHORT_RETAIL:serious"], AS_OF, officer=officer
    )  # on the date itself: known that day
    open_complaint = complain(officer, merchant, AS_OF - timedelta(days=10), allegation="复称短缺")
    decided = complain(officer, merchant, AS_OF - timedelta(days=40), allegation="复称短缺")
    substantiate(officer, decided)
    db.session.get(Complaint, decided).decided_on = AS_OF - timedelta(days=20)
    db.session.commit()
    month_start = datetime(AS_OF.year, AS_OF.month, 1, tzinfo=UTC)
    readings(merchant, device, 1, month_start - timedelta(days=20), 40, 4)
    before = features_as_of(AS_OF)

    # Later evidence: inspections, a complaint, readings in the date's own month and after,
    # the open complaint substantiated today, a commitment signed, an old reading voided.
    inspect(world, merchant, ["SHORT_RETAIL:serious"], AS_OF + timedelta(days=1), officer=officer)
    inspect(world, other, ["SHORT_RETAIL:major"], AS_OF + timedelta(days=60), officer=officer)
    complain(officer, other, AS_OF + timedelta(days=3), allegation="复称短缺")
    substantiate(officer, open_complaint)
    readings(merchant, device, 100, datetime.combine(AS_OF, datetime.min.time(), UTC), 30, 20)
    merchant.commitment_signed_on = AS_OF + timedelta(days=5)
    db.session.commit()
    after = features_as_of(AS_OF)

    np.testing.assert_array_equal(before.X, after.X)
    names = before.names
    row = 0  # the first merchant by id
    assert before.X[row, names.index("findings_serious_1y")] == 1
    assert before.X[row, names.index("findings_major_1y")] == 1
    assert before.X[row, names.index("complaints_1y")] == 2
    assert before.X[row, names.index("complaints_substantiated_1y")] == 1
    assert before.X[row, names.index("short_reweighs_12m")] == 4
    # Today the later evidence counts.
    now = features_as_of(TODAY)
    assert now.X[row, names.index("findings_serious_1y")] == 2
    assert now.X[row, names.index("complaints_substantiated_1y")] == 2
    assert now.X[row, names.index("commitment_signed")] == 1


def test_voided_evidence_counts_nowhere(world):
    officer = world.district()
    market = world.market()
    merchant = world.merchant(market=market)
    device = Device(serial="FS-VOID-1", market_id=market.id)
    db.session.add(device)
    db.session.commit()
    inspection_id = inspect(
        world, merchant, ["SHORT_RETAIL:serious"], AS_OF - timedelta(days=10), officer=officer
    )
    forty_days_before = datetime.combine(AS_OF, datetime.min.time(), UTC) - timedelta(days=40)
    readings(merchant, device, 1, forty_days_before, 10, 10)
    first = db.session.query(Reading).order_by(Reading.id).first()
    db.session.add_all(
        [
            void("inspection", inspection_id, merchant.id, "录入错误"),
            void("reading", first.id, merchant.id, "秤故障"),
        ]
    )
    db.session.commit()
    f = features_as_of(AS_OF)
    assert f.X[0, f.names.index("findings_serious_3y")] == 0
    assert f.X[0, f.names.index("inspections_3y")] == 0
    assert f.X[0, f.names.index("short_reweighs_12m")] == 9


def test_a_reweigh_early_on_the_first_counts_in_its_shanghai_month(world):
    # 00:30 on the 1st in Shanghai is 16:30 the day before in UTC: counted by UTC month it
    # would join the month before, which a row built for the 1st reads (a leak).
    market = world.market()
    merchant = world.merchant(market=market)
    device = Device(serial="FS-MIDNIGHT-1", market_id=market.id)
    db.session.add(device)
    db.session.commit()
    first = AS_OF.replace(day=1)
    early = datetime.combine(first, datetime.min.time(), SHANGHAI) + timedelta(minutes=30)
    before = features_as_of(first)
    readings(merchant, device, 1, early.astimezone(UTC), 5, 5)
    after = features_as_of(first)
    np.testing.assert_array_equal(before.X, after.X)
    # A month later the re-weighs count, in their own month.
    later = features_as_of((first + timedelta(days=40)).replace(day=1))
    assert later.X[0, later.names.index("short_reweighs_12m")] == 5
