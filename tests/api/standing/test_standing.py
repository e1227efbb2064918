"""Standing for officers and the merchant, the public record, and policy versions."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import CurrentScore, JobRun, Merchant, ScoreSnapshot, ScoringPolicy
from creditsvc.services.publication import public
from creditsvc.services.standing import evidence_arrays, policies, rescoring
from scoring import scorecard
from tests.factories import complain, inspect

TODAY = clock.today()


def test_standing_after_a_major_finding(world):
    merchant = world.merchant()
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    body = world.merchant_user(merchant).get(f"/api/v1/merchants/{merchant.uscc}/standing").json
    assert (body["rated"], body["score"], body["grade"], body["policy_version"]) == (
        True,
        85.0,
        "B",
        2,
    )
    assert body["as_of"] == TODAY.isoformat() and body["stored"] is True
    reason = body["reasons"][0]
    assert (reason["code"], reason["points"], reason["evidence"]) == (
        "FINDING_MAJOR",
        15.0,
        {"kind": "inspection", "id": inspection_id},
    )
    assert "强制检定" in reason["text"] and "verified" in reason["text_en"]
    assert body["next_improvement"]["date"] == (TODAY + timedelta(days=214)).isoformat()
    assert [h["grade"] for h in body["history"]] == ["B"]


def test_history_grows_with_each_change_and_voiding_restores(world):
    merchant = world.merchant()
    inspect(world, merchant)
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    officer = world.district()
    officer.post(
        "/api/v1/corrections",
        json={"kind": "inspection", "id": inspection_id, "reason": "录错商户"},
    )
    body = officer.get(f"/api/v1/merchants/{merchant.uscc}/standing").json
    assert [h["score"] for h in body["history"]] == [100.0, 87.0, 100.0]
    assert body["grade"] == "A"


def test_snapshots_are_history_the_database_refuses_to_change_them(world):
    merchant = world.merchant()
    inspect(world, merchant, ["UNVERIFIED"])
    snapshot = db.session.scalar(
        select(ScoreSnapshot).where(ScoreSnapshot.merchant_id == merchant.id)
    )
    # Stored as facts; the words are written when read (scoring.explain.worded).
    assert snapshot.reasons[0]["code"] == "FINDING_MAJOR" and "text" not in snapshot.reasons[0]
    for change in (
        update(ScoreSnapshot).where(ScoreSnapshot.id == snapshot.id).values(grade="A"),
        delete(ScoreSnapshot).where(ScoreSnapshot.id == snapshot.id),
    ):
        with pytest.raises(DatabaseError, match="score snapshots are history"):
            db.session.execute(change)
        db.session.rollback()
    assert db.session.get(ScoreSnapshot, snapshot.id).grade == "B"


def test_standing_is_scoped(world):
    merchant = world.merchant(world.XUHUI)
    inspect(world, merchant)
    url = f"/api/v1/merchants/{merchant.uscc}/standing"
    assert world.district(world.JINGAN).get(url).status_code == 404
    assert world.merchant_user(world.merchant()).get(url).status_code == 404
    assert world.anonymous().get(url).status_code == 401
    assert world.city().get(url).status_code == 200


def test_an_unrated_merchant_is_shown_as_such(world):
    merchant = world.merchant()
    body = world.district().get(f"/api/v1/merchants/{merchant.uscc}/standing").json
    assert (body["rated"], body["grade"], body["stored"]) == (False, None, False)


def test_the_public_record_has_grade_date_and_three_reasons_only(world):
    merchant = world.merchant(name="公开商户")
    officer = world.district()
    inspect(world, merchant, ["UNVERIFIED", "REFUSE_RECHECK", "HOST_REGISTER", "SHORT_NOTABLE"])
    complain(officer, merchant, contact="赵先生 13900000000")
    record = world.anonymous().get(f"/api/public/v1/merchants/{merchant.uscc}")
    assert record.status_code == 200
    body = record.json
    assert (body["grade"], body["as_of"], len(body["reasons"])) == (
        "C",
        TODAY.isoformat(),
        3,
    )  # 100 − 15 − 3·5
    assert body["reasons"][0]["code"] == "FINDING_MAJOR"
    text = record.get_data(as_text=True)
    assert "13900000000" not in text and "赵先生" not in text and "evidence" not in text
    assert world.anonymous().get("/api/public/v1/merchants/91440300708461136T").status_code == 404


def test_public_search_filters(world):
    a = world.merchant(name="甲记蔬菜", trade="market_stall")
    b = world.merchant(world.JINGAN, name="乙眼镜店", trade="optical_shop")
    world.merchant(name="丙餐厅", trade="restaurant")
    inspect(world, a)
    inspect(world, b, ["CHEAT"])
    public = world.anonymous()
    names = lambda url: [i["name"] for i in public.get(url).json["items"]]  # noqa: E731
    assert names("/api/public/v1/merchants?grade=A") == ["甲记蔬菜"]
    assert names("/api/public/v1/merchants?grade=D") == ["乙眼镜店"]
    assert names("/api/public/v1/merchants?grade=unrated") == ["丙餐厅"]
    assert names("/api/public/v1/merchants?district=310106") == ["乙眼镜店"]
    assert names("/api/public/v1/merchants?q=眼镜") == ["乙眼镜店"]
    assert names(f"/api/public/v1/merchants?q={a.uscc}") == ["甲记蔬菜"]
    assert public.get("/api/public/v1/merchants?grade=E").status_code == 422
    assert public.get("/api/public/v1/merchants?per_page=1").json["pages"] == 3


def test_public_search_takes_wildcards_as_characters(world):
    world.merchant(name="百分百鲜果")
    world.merchant(name="100%鲜果_批发")

    def names(q):
        found = world.anonymous().get("/api/public/v1/merchants", query_string={"q": q})
        return [i["name"] for i in found.json["items"]]

    assert names("%") == ["100%鲜果_批发"]
    assert names("_") == ["100%鲜果_批发"]
    assert names("百%") == []


def test_name_search_is_answered_from_the_trigram_index(world):
    """Three characters of a Chinese name are enough for pg_trgm (migration 0011)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's (pg_trgm)")
    world.merchant(name="乙眼镜店")
    stmt = public.matching({"q": "眼镜店"})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_merchants_name_trigrams" in plan
    assert [row.name for row in db.session.execute(stmt)] == ["乙眼镜店"]


NAMES = ("王记蔬菜", "老王水产", "记记面馆", "王 记粮油", "Apple鲜果", "apple果园", "小菜场")


@pytest.mark.parametrize(
    "q", ["王", "王记", "记", "记记", "菜", "菜场", "A", "a", "pp", " 记", "王王", "APPLE"]
)
def test_one_or_two_characters_find_every_name_that_holds_them(world, q):
    """Most Chinese searches are one or two characters, which pg_trgm cannot index:
    the name_grams index answers them (migration 0012), exactly as
    `q in name` would, in any case."""
    for name in NAMES:
        world.merchant(name=name)
    found = [row.name for row in db.session.execute(public.matching({"q": q}))]
    assert sorted(found) == sorted(name for name in NAMES if q.strip().lower() in name.lower())


def test_short_name_search_is_answered_from_the_name_grams_index(world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the name_grams index is PostgreSQL's")
    world.merchant(name="乙眼镜店")
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    for q in ("眼镜", "镜"):
        stmt = public.matching({"q": q})
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
        assert "ix_merchants_name_grams" in plan, plan
        assert [row.name for row in db.session.execute(stmt)] == ["乙眼镜店"]


def test_the_default_policy_is_written_once_on_first_use(world):
    def versions():
        return list(db.session.scalars(select(ScoringPolicy.version)))

    assert versions() == []
    first, again = policies.current(), policies.current()
    assert first.version == again.version == 2 and versions() == [1, 2]
    assert first.document["deductions"]["finding"]["major"] == 15


def test_policies_are_public_to_read_and_only_the_city_adopts(world):
    listed = world.anonymous().get("/api/v1/policies").json
    assert [p["version"] for p in listed] == [2, 1]
    assert listed[0]["document"]["deductions"]["finding"]["major"] == 15
    document = listed[0]["document"] | {"version": 3}
    assert world.district().post("/api/v1/policies", json={"document": document}).status_code == 403
    bad = world.city().post("/api/v1/policies", json={"document": document | {"grades": []}})
    assert bad.status_code == 422 and "grades" in bad.json["message"]
    skipped = world.city().post("/api/v1/policies", json={"document": document | {"version": 5}})
    assert skipped.status_code == 422


def test_a_new_policy_version_rescored_everyone_under_it(world):
    merchant = world.merchant()
    inspect(world, merchant, ["UNVERIFIED"])
    document = world.anonymous().get("/api/v1/policies/2").json["document"]
    document = document | {"version": 3}
    document["deductions"] = document["deductions"] | {
        "finding": {"serious": 40, "major": 20, "minor": 5}
    }
    created = world.city().post(
        "/api/v1/policies", json={"document": document, "note": "较重扣分调整为20"}
    )
    assert created.status_code == 201
    standing = world.district().get(f"/api/v1/merchants/{merchant.uscc}/standing").json
    assert (standing["score"], standing["policy_version"]) == (80.0, 3)
    versions = {s.policy_version for s in db.session.scalars(select(ScoreSnapshot))}
    assert versions == {2, 3}


def test_with_the_queue_down_a_new_policy_is_a_503_and_not_adopted(world, app, redis_down):
    document = world.anonymous().get("/api/v1/policies/2").json["document"] | {"version": 3}
    app.config["REDIS_URL"] = redis_down
    refused = world.city().post("/api/v1/policies", json={"document": document})
    assert (refused.status_code, refused.headers["Retry-After"]) == (503, "5")
    assert set(refused.json) == {"code", "status", "message", "errors"}
    assert "job queue is unavailable" in refused.json["message"]
    assert sorted(db.session.scalars(select(ScoringPolicy.version))) == [1, 2]
    assert db.session.scalar(select(JobRun).limit(1)) is None  # no rescore was started

    app.config["REDIS_URL"] = None  # jobs run in-process: the same request adopts it
    adopted = world.city().post("/api/v1/policies", json={"document": document})
    assert adopted.status_code == 201
    assert sorted(db.session.scalars(select(ScoringPolicy.version))) == [1, 2, 3]


@pytest.mark.slow
def test_batch_and_single_paths_agree_on_the_demo_city(app):
    from creditsvc.demo import city

    city.load(merchants=300, seed=11)
    db.session.commit()
    rescoring.rescore(select(Merchant.id))
    db.session.commit()
    policy = policies.current()
    for merchant_id, score, grade, rated, snapshot_id in db.session.execute(
        select(
            CurrentScore.merchant_id,
            CurrentScore.score,
            CurrentScore.grade,
            CurrentScore.rated,
            CurrentScore.snapshot_id,
        )
    ):
        _, evidence = evidence_arrays.load(
            select(Merchant.id).where(Merchant.id == merchant_id), TODAY, policy, per_day=True
        )
        alone = scorecard.score(evidence, policy, TODAY)
        assert (bool(alone.rated[0]), str(alone.grade[0]) or None) == (rated, grade)
        if rated:
            assert float(alone.score[0]) == score
        stored = db.session.get(ScoreSnapshot, snapshot_id).reasons
        assert sorted(str(c) for c in alone.reasons["code"]) == sorted(r["code"] for r in stored)
    grades = {g for (g,) in db.session.execute(select(CurrentScore.grade))}
    assert {"A", "B"} <= grades


def test_a_full_rescore_writes_new_standings_and_moves_the_others(world, monkeypatch):
    """Standings of merchants without one are copied in with the snapshots; the others
    are moved to their new snapshot; both carry their snapshot's facts."""
    from creditsvc.jobs.rescore import SYSTEM, start_full_rescore

    scored = world.merchant()
    inspect(world, scored, ["UNVERIFIED"])  # a standing from today: 85, B
    unscored = world.merchant(name="新开商户")
    assert db.session.get(CurrentScore, unscored.id) is None
    later = TODAY + timedelta(days=200)  # the finding has decayed: a new snapshot
    monkeypatch.setattr(rescoring, "today", lambda: later)

    run = start_full_rescore(SYSTEM)
    assert run.status == "done" and run.result["snapshots"] == 2
    facts = ("rated", "score", "grade", "as_of", "policy_version", "inputs_hash")
    for merchant in (scored, unscored):
        standing = db.session.get(CurrentScore, merchant.id)
        snapshot = db.session.get(ScoreSnapshot, standing.snapshot_id)
        assert (snapshot.merchant_id, snapshot.run_id, snapshot.as_of) == (
            merchant.id,
            run.id,
            later,
        )
        assert [getattr(standing, f) for f in facts] == [getattr(snapshot, f) for f in facts]
    assert db.session.get(CurrentScore, scored.id).score > 85
    assert db.session.get(CurrentScore, unscored.id).rated is False
