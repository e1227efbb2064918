"""Demonstration communities: application with participating units → district review →
the city's reproducible draw of 12 units in 4 groups with their scores → acceptance →
re-evaluation reminder → re-evaluation (reference/rules.md §5)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.reminders import send_reminders
from creditsvc.models import AuditEntry, CommunityDraw, CurrentScore, Notification
from creditsvc.services.programme.communities import draw_groups
from creditsvc.workdays import add_months
from tests.factories import inspect

TODAY = clock.today()


def application(world, officer, units=14, scored=3):
    """A street's application with `units` participating merchants, `scored` of them rated."""
    street = world.street()
    merchants = [world.merchant(name=f"参与单位{i}") for i in range(units)]
    for merchant in merchants[:scored]:
        inspect(world, merchant, officer=officer)
    created = officer.post(
        "/api/v1/communities", json={"street_id": street.id, "name": "诚信计量示范街区"}
    )
    assert created.status_code == 201
    community = created.json
    url = f"/api/v1/communities/{community['id']}"
    named = officer.put(url + "/units", json={"units": [m.uscc for m in merchants]})
    assert named.status_code == 200 and len(named.json) == units
    return url, merchants


def test_application_review_draw_acceptance_and_reminder(world):
    officer, city = world.district(), world.city()
    url, merchants = application(world, officer)

    def steps(caller):
        return [(i["kind"], i["step"]) for i in caller.get("/api/v1/queue").json["items"]]

    assert steps(officer) == [("community", "review")]
    assert steps(world.district(world.JINGAN)) == []  # another district's queue
    reviewed = officer.post(url + "/review", json={"approve": True, "note": "材料齐全"})
    assert reviewed.status_code == 200 and reviewed.json["status"] == "reviewed"
    assert steps(city) == [("community", "draw")]

    drawn = city.post(url + "/draws", json={"seed": 20261126})
    assert drawn.status_code == 201, drawn.json
    units = drawn.json["units"]
    assert drawn.json["kind"] == "acceptance" and drawn.json["seed"] == 20261126
    assert [u["group"] for u in units] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert len({u["uscc"] for u in units}) == 12
    by_uscc = {m.uscc: m for m in merchants}
    expected = draw_groups([m.id for m in merchants], 20261126)
    assert [by_uscc[u["uscc"]].id for u in units] == [i for group in expected for i in group]
    for unit in units:  # each unit's score is its current standing at the draw
        score = db.session.get(CurrentScore, by_uscc[unit["uscc"]].id)
        assert unit["score"] == (score.score if score and score.rated else None)
    inspected = {m.uscc for m in merchants[:3]}
    assert all(u["rated"] == (u["uscc"] in inspected) for u in units)
    assert all(u["grade"] == "A" for u in units if u["rated"])
    assert city.post(url + "/draws", json={}).status_code == 409  # one open draw at a time
    assert steps(city) == [("community", "decide")]

    accepted = city.post(
        url + "/accept", json={"passed": True, "organiser_score": 92.5, "note": "抽查合格"}
    )
    assert accepted.status_code == 200 and accepted.json["organiser_score"] == 92.5
    state = officer.get(url + "/programme").json
    due = add_months(TODAY, 36)
    assert state["status"] == "accepted" and state["accepted_on"] == TODAY.isoformat()
    assert state["re_evaluation_due"] == due.isoformat()

    # Nothing to remind of yet; 60 days before it falls due, officers are reminded once.
    assert send_reminders(TODAY)["communities"] == 0
    assert send_reminders(due - timedelta(days=59))["communities"] == 1
    assert send_reminders(due - timedelta(days=58))["communities"] == 0
    reminded = db.session.query(Notification).filter(Notification.subject.like("%复评即将到期%"))
    assert reminded.count() == 2  # the district officer and the city officer
    queue = officer.get("/api/v1/queue").json["items"]
    assert [(i["kind"], i["step"], i["due_on"]) for i in queue] == [
        ("community", "re_evaluate", due.isoformat())
    ]

    again = city.post(url + "/draws", json={"seed": 7})
    assert again.status_code == 201 and again.json["kind"] == "re_evaluation"
    failed = city.post(
        url + "/accept", json={"passed": False, "organiser_score": 55, "note": "台账缺失"}
    )
    assert failed.status_code == 200
    state = officer.get(url + "/programme").json
    assert state["status"] == "revoked" and state["revoked_on"] == TODAY.isoformat()
    assert [d["kind"] for d in officer.get(url + "/draws").json] == ["acceptance", "re_evaluation"]
    actions = {e.action for e in db.session.query(AuditEntry).filter_by(entity="communities")}
    assert {"set_units", "review", "acceptance", "re_evaluation", "remind"} <= actions


def test_a_passed_re_evaluation_moves_the_next_one_on(world, app):
    app.config["COMMUNITY_REEVALUATION_YEARS"] = 5
    officer, city = world.district(), world.city()
    url, _ = application(world, officer, units=12, scored=0)
    officer.post(url + "/review", json={"approve": True, "note": ""})
    city.post(url + "/draws", json={})
    city.post(url + "/accept", json={"passed": True, "organiser_score": 90, "note": "合格"})
    city.post(url + "/draws", json={})
    city.post(url + "/accept", json={"passed": True, "organiser_score": 95, "note": "复评合格"})
    state = officer.get(url + "/programme").json
    assert state["status"] == "re_evaluated"
    assert state["re_evaluation_due"] == add_months(TODAY, 60).isoformat()
    seed = db.session.query(CommunityDraw).first().seed
    assert 0 <= seed < 2**62  # a fresh seed was drawn and recorded


def test_the_draw_is_reproducible_from_its_seed():
    ids = list(range(100, 130))
    shuffled = ids[:]
    random.Random(1).shuffle(shuffled)
    assert draw_groups(ids, 99) == draw_groups(shuffled, 99)
    assert draw_groups(ids, 99) != draw_groups(ids, 100)
    groups = draw_groups(ids, 99)
    assert [len(g) for g in groups] == [3, 3, 3, 3]
    assert len({i for g in groups for i in g}) == 12
    with pytest.raises(ValueError, match="at least 12"):
        draw_groups(ids[:11], 1)


def test_rejections_at_review_and_at_acceptance(world):
    officer, city = world.district(), world.city()
    url, _ = application(world, officer, units=12, scored=0)
    rejected = officer.post(url + "/review", json={"approve": False, "note": "参与单位不足"})
    assert rejected.json["status"] == "rejected"
    assert officer.post(url + "/review", json={"approve": True}).status_code == 409
    assert city.post(url + "/draws", json={}).status_code == 409

    url, _ = application(world, officer, units=12, scored=0)
    officer.post(url + "/review", json={"approve": True, "note": ""})
    assert (
        city.post(
            url + "/accept", json={"passed": True, "organiser_score": 90, "note": "x"}
        ).status_code
        == 409
    )
    city.post(url + "/draws", json={})
    failed = city.post(
        url + "/accept", json={"passed": False, "organiser_score": 40, "note": "不合格"}
    )
    assert failed.json["passed"] is False
    assert officer.get(url + "/programme").json["status"] == "rejected"


def test_an_application_is_checked(world):
    officer = world.district()
    url, _ = application(world, officer, units=11, scored=0)
    too_few = officer.post(url + "/review", json={"approve": True, "note": ""})
    assert too_few.status_code == 422 and "12" in too_few.json["message"]
    elsewhere = world.merchant(world.JINGAN)
    wrong = officer.put(url + "/units", json={"units": [elsewhere.uscc]})
    assert wrong.status_code == 404 and elsewhere.uscc in wrong.json["message"]


@pytest.mark.parametrize(
    ("who", "review", "draw"),
    [
        ("anonymous", 401, 401),
        ("merchant", 403, 403),
        ("host", 403, 403),
        ("association", 403, 403),
        ("other_district", 403, 403),
        ("district", 200, 403),
        ("city", 200, 201),
    ],
)
def test_who_may_review_and_draw(world, who, review, draw):
    officer = world.district()
    url, merchants = application(world, officer, units=12, scored=0)
    caller = world.role(who, merchant=merchants[0])
    assert caller.post(url + "/review", json={"approve": True, "note": ""}).status_code == review
    if review != 200:
        officer.post(url + "/review", json={"approve": True, "note": ""})
    assert caller.post(url + "/draws", json={}).status_code == draw
