"""Migration 0028: a database scored under policy version 1 gets version 2 in force, and
every merchant is marked for rescoring under it (issue 20)."""

import copy

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select

from creditsvc.extensions import db
from creditsvc.models import DirtyMerchant, ScoringPolicy
from creditsvc.services.standing import policies
from scoring.policy import POLICY_V1, POLICY_V2


def test_version_1_in_force_becomes_version_2_and_everyone_is_rescored(app, world):
    merchants = [world.merchant(), world.merchant()]
    downgrade(revision="0027")
    db.session.add(
        ScoringPolicy(version=1, document=copy.deepcopy(POLICY_V1), note="", created_by="t")
    )
    db.session.execute(delete(DirtyMerchant))
    db.session.commit()

    upgrade()
    db.session.expire_all()
    assert policies.current().document == POLICY_V2
    assert policies.version(1).document == POLICY_V1  # old snapshots still explain themselves
    dirty = set(db.session.scalars(select(DirtyMerchant.merchant_id)))
    assert dirty == {m.id for m in merchants}


def test_an_officers_own_version_keeps_its_figures(app, world):
    downgrade(revision="0027")
    own = copy.deepcopy(POLICY_V1) | {"version": 2}
    own["deductions"]["finding"]["serious"] = 50
    for document in (POLICY_V1, own):
        db.session.add(
            ScoringPolicy(
                version=document["version"], document=copy.deepcopy(document), created_by="t"
            )
        )
    db.session.commit()

    upgrade()
    db.session.expire_all()
    in_force = policies.current()
    assert in_force.version == 3 and in_force.arithmetic == "clip_after_fair_scale"
    assert in_force.document["deductions"]["finding"]["serious"] == 50
    assert in_force.one_fault_one_deduction


def test_a_database_never_scored_gets_both_versions_on_first_use(app):
    assert list(db.session.scalars(select(ScoringPolicy.version))) == []
    assert policies.current().version == 2
    assert sorted(db.session.scalars(select(ScoringPolicy.version))) == [1, 2]
