"""A full rescore counts the readings once (services.tallies) and scores exactly as
counting each district's readings itself would."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select, text

from creditsvc.demo import city
from creditsvc.extensions import db
from creditsvc.jobs.rescore import SYSTEM, start_full_rescore
from creditsvc.models import CurrentScore, Merchant, Reading, ReadingTally, Void
from creditsvc.services.standing import evidence_arrays, policies, rescoring, tallies

TODAY = rescoring.today()


def demo_city_with_voided_readings() -> None:
    city.load(merchants=200, seed=5, as_of=TODAY, readings=20_000)
    voided = db.session.execute(select(Reading.id, Reading.merchant_id).limit(300)).all()
    db.session.add_all(
        Void(evidence_kind="reading", evidence_id=i, merchant_id=m, reason="test", actor="test")
        for i, m in voided
    )
    db.session.commit()


def test_tallied_counts_equal_each_districts_own_count(app):
    demo_city_with_voided_readings()
    policy = policies.current()
    counted = tallies.count("run-1", TODAY, policy)
    db.session.commit()
    assert counted == db.session.scalar(select(func.count(func.distinct(Reading.merchant_id))))

    codes = db.session.scalars(select(Merchant.district_code).distinct())
    for code in codes:
        selection = select(Merchant.id).where(Merchant.district_code == code)
        own = evidence_arrays.reweigh_counts(lambda c, s=selection: c.in_(s), TODAY, policy)
        assert np.array_equal(tallies.read("run-1", selection), own)
    # Voids are subtracted: the tally has fewer re-weighs than the readings table.
    recent = db.session.scalar(select(func.sum(ReadingTally.recent_total)))
    older = db.session.scalar(select(func.sum(ReadingTally.older_total)))
    assert recent + older < db.session.scalar(select(func.count()).select_from(Reading))


def test_a_full_rescore_scores_as_the_direct_path_and_leaves_no_tallies(app):
    demo_city_with_voided_readings()
    rescoring.rescore(select(Merchant.id))
    db.session.commit()
    direct = dict(db.session.execute(select(CurrentScore.merchant_id, CurrentScore.score)).all())

    run = start_full_rescore(SYSTEM, actor="test")
    assert run.status == "done"
    full = dict(db.session.execute(select(CurrentScore.merchant_id, CurrentScore.score)).all())
    assert full == direct and len(full) == 200
    assert db.session.scalar(select(func.count()).select_from(ReadingTally)) == 0


def test_only_the_tally_asks_postgresql_for_parallel_workers(app, monkeypatch):
    """Short statements run in one process; the tally's pass over every reading may use
    TALLY_PARALLEL_WORKERS (creditsvc.database)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("parallel query is PostgreSQL's")
    workers = lambda: db.session.scalar(text("SHOW max_parallel_workers_per_gather"))  # noqa: E731
    assert workers() == "0"
    seen = []
    original = evidence_arrays.reweigh_counts

    def counting(*args, **kwargs):
        seen.append(workers())
        return original(*args, **kwargs)

    app.config["TALLY_PARALLEL_WORKERS"] = 3
    monkeypatch.setattr(evidence_arrays, "reweigh_counts", counting)
    tallies.count("parallel-test", TODAY, policies.current())
    assert seen == ["3"]
    db.session.commit()
    assert workers() == "0"  # for that transaction only
