"""Issue 20, items 2 and 3: only verified scales give evidence; a stall the scale keeps
catching raises an officers' alert and is drawn into the next random plan (定向抽查)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import FairScaleAlert, Notification, Reading, Stall
from creditsvc.services.instruments import alerts
from creditsvc.services.standing import policies

TODAY = clock.today()
DAY = TODAY - timedelta(days=5)
URL = "/api/v1/readings"


def place(world, due=None, **device_kw):
    market = world.market()
    merchant = world.merchant(market=market)
    db.session.add(Stall(market_id=market.id, number="A-1", merchant_id=merchant.id))
    db.session.commit()
    device, caller, _ = world.device(market, f"FS-{market.id}", verification_due=due, **device_kw)
    return market, merchant, device, caller


def short_reading(seq: int, day=DAY, measured_g: float = 900) -> dict:
    return {
        "seq": seq,
        "time": f"{day}T10:00:00",
        "settled_g": 1000,
        "measured_g": measured_g,
        "category": "vegetable",
        "stall": "A-1",
    }


def fair_scale_reasons(officer, merchant) -> list[dict]:
    standing = officer.get(f"/api/v1/merchants/{merchant.uscc}/standing").json
    return [r for r in standing["reasons"] if r["code"] == "FAIR_SCALE_SHORT_RATE"]


def test_a_reading_from_an_overdue_scale_is_not_assessable_and_never_in_the_short_rate(world):
    market, merchant, device, caller = place(world, due=DAY - timedelta(days=1))
    host = world.host(market)
    officer = world.district()

    answer = caller.post(URL, json={"readings": [short_reading(s) for s in range(1, 41)]}).json
    assert answer["accepted"] == 40
    first = answer["results"][0]
    assert first["verdict"] == "not_assessable"
    assert first["reason_code"] == "scale_verification_lapsed"
    assert first["limit_g"] is None
    assert str(DAY - timedelta(days=1)) in first["reason"]
    stored = db.session.scalars(select(Reading).where(Reading.device_id == device.id)).all()
    assert {(r.verdict, r.reason_code) for r in stored} == {
        ("not_assessable", "scale_verification_lapsed")
    }
    # 40 short re-weighs from a lapsed scale cost nothing: none is in the short rate.
    assert fair_scale_reasons(officer, merchant) == []
    assert alerts.raise_alerts(TODAY) == []
    # The host is told once that day, not once per reading or batch.
    caller.post(URL, json={"readings": [short_reading(41)]})
    told = db.session.scalars(select(Notification).where(Notification.about_kind == "device")).all()
    assert [n.about_id for n in told] == [device.id]
    assert host.get("/api/v1/notifications").json["items"][0]["subject"].startswith("公平秤")


def test_a_reading_on_the_due_date_still_counts_and_a_new_verification_restores_the_scale(world):
    market, merchant, device, caller = place(world, due=DAY)
    officer = world.district()
    on_due = caller.post(URL, json={"readings": [short_reading(1)]}).json["results"][0]
    assert (on_due["verdict"], on_due["reason_code"]) == ("short", None)
    after = short_reading(2, day=DAY + timedelta(days=1))
    assert caller.post(URL, json={"readings": [after]}).json["results"][0]["verdict"] == (
        "not_assessable"
    )
    # The scale is registered as the market's instrument and verified again.
    instrument = officer.post(
        "/api/v1/instruments",
        json={
            "kind": "fair_scale",
            "serial": device.serial,
            "market_id": market.id,
            "device": device.serial,
        },
    )
    assert instrument.status_code == 201, instrument.json
    assert instrument.json["verification_due"] == str(DAY)
    recorded = officer.post(
        f"/api/v1/instruments/{instrument.json['id']}/verifications",
        json={
            "certificate_number": "JD-2026-0001",
            "institute": "上海市计量测试技术研究院",
            "verified_on": str(DAY + timedelta(days=2)),
            "result": "passed",
            "next_due": str(DAY + timedelta(days=367)),
        },
    )
    assert recorded.status_code == 201, recorded.json
    db.session.refresh(device)
    assert device.verification_due == DAY + timedelta(days=367)
    later = short_reading(3, day=DAY + timedelta(days=3))
    assert caller.post(URL, json={"readings": [later]}).json["results"][0]["verdict"] == "short"


def test_a_scale_with_no_verification_on_record_is_not_assessable(world, app):
    _, _, _, caller = place(world, due=None)
    result = caller.post(URL, json={"readings": [short_reading(1)]}).json["results"][0]
    assert (result["verdict"], result["reason_code"]) == ("not_assessable", "scale_unverified")
    app.config["READINGS_REQUIRE_VERIFICATION_RECORD"] = False
    result = caller.post(URL, json={"readings": [short_reading(2)]}).json["results"][0]
    assert (result["verdict"], result["reason_code"]) == ("short", None)


def catching_stall(world, short: int, total: int = 40):
    market, merchant, device, caller = place(world, due=TODAY + timedelta(days=300))
    readings = [
        short_reading(s, measured_g=900 if s <= short else 1000) for s in range(1, total + 1)
    ]
    assert caller.post(URL, json={"readings": readings}).json["accepted"] == total
    return market, merchant


def test_a_stall_the_scale_keeps_catching_raises_an_alert_and_enters_the_next_plan(world):
    officer = world.district()
    market, merchant = catching_stall(world, short=20)
    _, fine = catching_stall(world, short=1)
    # Fair-scale points alone leave it above D: the alert, not the grade, acts on it.
    opened = alerts.raise_alerts(TODAY)
    assert [a.merchant_id for a in opened] == [merchant.id]
    alert = opened[0]
    db.session.commit()
    prior = policies.current().document["fair_scale"]
    assert alert.rate == round(
        (20 + prior["prior_short"]) / (40 + prior["prior_short"] + prior["prior_within"]), 4
    )
    assert (alert.readings, alert.short, alert.market_id) == (40, 20, market.id)
    assert alert.stall_id is not None
    # Once: a second run does not open another while it is open.
    assert alerts.raise_alerts(TODAY) == []
    told = db.session.scalars(
        select(Notification).where(Notification.about_kind == "fair_scale_alert")
    ).all()
    assert told and {n.about_id for n in told} == {alert.id}
    # It is on the officers' to-do list.
    queue = officer.get("/api/v1/queue").json
    assert ("fair_scale_alert", alert.id, "inspect") in {
        (i["kind"], i["id"], i["step"]) for i in queue["items"]
    }

    # The next random plan draws nobody at random, yet must check the merchant.
    plan = officer.post(
        "/api/v1/inspection-plans",
        json={
            "district": merchant.district_code,
            "period_start": str(TODAY),
            "period_end": str(TODAY + timedelta(days=30)),
            "seed": 7,
            "ratios": {"A": 0, "B": 0, "C": 0, "D": 0},
        },
    )
    assert plan.status_code == 201, plan.json
    items = plan.json["items"]
    assert [(i["uscc"], i["must_check"]) for i in items] == [(merchant.uscc, True)]
    assert fine.uscc not in {i["uscc"] for i in items}

    # The inspection closes the alert.
    inspected = officer.post(
        "/api/v1/inspections",
        json={
            "merchant": merchant.uscc,
            "inspected_on": str(TODAY),
            "kind": "random",
            "officers": ["张三", "李四"],
            "findings": [],
            "plan": plan.json["id"],
        },
    )
    assert inspected.status_code == 201, inspected.json
    db.session.refresh(alert)
    assert alert.closed_at is not None
    assert alert.closed_by_inspection_id == inspected.json["id"]
    open_count = db.session.scalar(
        select(func.count()).select_from(FairScaleAlert).where(FairScaleAlert.closed_at.is_(None))
    )
    assert open_count == 0


def test_the_random_part_of_a_plan_is_unchanged_by_the_must_check_list(world):
    from tests.api.risk.test_inspection_plans import scored_district

    officer = world.district()
    scored_district(world, per_class=10)
    body = {
        "district": "310104",
        "period_start": str(TODAY),
        "period_end": str(TODAY + timedelta(days=30)),
        "seed": 11,
    }
    _, merchant = catching_stall(world, short=25)
    before = officer.post("/api/v1/inspection-plans", json=body).json["items"]
    assert not any(i["must_check"] for i in before)
    alerts.raise_alerts(TODAY)
    db.session.commit()
    after = officer.post("/api/v1/inspection-plans", json=body).json["items"]
    # The same seed over the same population draws the same random part, in order; the
    # must-check merchant is marked there, or added after it.
    assert [(i["uscc"], i["inspectors"]) for i in after[: len(before)]] == [
        (i["uscc"], i["inspectors"]) for i in before
    ]
    assert [i["uscc"] for i in after if i["must_check"]] == [merchant.uscc]
