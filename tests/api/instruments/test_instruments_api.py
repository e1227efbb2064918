"""The verification registry through the API and the import path (issue 20, item 1)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs.verification import verification_daily
from creditsvc.models import (
    AuditEntry,
    Instrument,
    Notification,
    Stall,
    VerificationRecord,
)

TODAY = clock.today()
URL = "/api/v1/instruments"


def verification(**changes) -> dict:
    body = {
        "certificate_number": "JD2026-0001",
        "institute": "上海市计量测试技术研究院",
        "verified_on": str(TODAY - timedelta(days=400)),
        "result": "passed",
        "next_due": str(TODAY - timedelta(days=35)),
    }
    return {**body, **changes}


def test_instruments_are_held_by_a_merchant_a_stall_or_a_market_and_scoped(world):
    market = world.market()
    merchant = world.merchant(market=market)
    stall = Stall(market_id=market.id, number="A-1", merchant_id=merchant.id)
    db.session.add(stall)
    db.session.commit()
    officer, host = world.district(), world.host(market)
    other_district = world.district(world.JINGAN)

    by_merchant = officer.post(
        URL, json={"kind": "pricing_scale", "serial": "PS-1", "merchant": merchant.uscc}
    )
    assert by_merchant.status_code == 201, by_merchant.json
    by_stall = host.post(
        URL, json={"kind": "pricing_scale", "serial": "PS-2", "stall_id": stall.id}
    )
    assert by_stall.status_code == 201, by_stall.json
    by_market = host.post(
        URL, json={"kind": "fair_scale", "serial": "FS-X", "market_id": market.id}
    )
    assert by_market.status_code == 201
    two = officer.post(
        URL,
        json={
            "kind": "pricing_scale",
            "serial": "PS-3",
            "merchant": merchant.uscc,
            "market_id": market.id,
        },
    )
    assert two.status_code == 422
    again = officer.post(
        URL, json={"kind": "pricing_scale", "serial": "PS-1", "merchant": merchant.uscc}
    )
    assert again.status_code == 409
    # The old verb of DESIGN §9 still registers a merchant's instrument.
    old = officer.post(
        f"/api/v1/merchants/{merchant.uscc}/instruments",
        json={"kind": "fuel_dispenser", "serial": "FD-1", "verification_due": str(TODAY)},
    )
    assert old.status_code == 201 and old.json["verification_due"] == str(TODAY)

    assert officer.get(URL).json["total"] == 4
    assert host.get(URL).json["total"] == 4
    assert other_district.get(URL).json["total"] == 0
    item = f"{URL}/{by_merchant.json['id']}"
    assert other_district.get(item).status_code == 404
    assert other_district.post(f"{item}/verifications", json=verification()).status_code == 404
    stranger = world.host(world.market())
    assert stranger.get(URL).json["total"] == 0
    assert stranger.get(item).status_code == 404
    merchant_user = world.merchant_user(merchant)
    assert merchant_user.get(URL).status_code == 403
    held = merchant_user.get(f"/api/v1/merchants/{merchant.uscc}/instruments").json
    assert sorted(i["serial"] for i in held) == ["FD-1", "PS-1"]


def test_a_verification_moves_the_due_date_and_overdue_ones_are_listed_and_queued(world):
    merchant = world.merchant()
    officer = world.district()
    made = officer.post(
        URL, json={"kind": "focimeter", "serial": "JD-9", "merchant": merchant.uscc}
    ).json
    item = f"{URL}/{made['id']}"
    bad = officer.post(f"{item}/verifications", json=verification(next_due=None))
    assert bad.status_code == 422 and "next_due" in bad.json["errors"]["json"]
    recorded = officer.post(f"{item}/verifications", json=verification())
    assert recorded.status_code == 201, recorded.json
    assert officer.get(item).json["verification_due"] == str(TODAY - timedelta(days=35))
    overdue = officer.get(URL, query_string={"due": "overdue"}).json
    assert [i["serial"] for i in overdue["items"]] == ["JD-9"]
    assert officer.get(URL, query_string={"due": "due_soon"}).json["total"] == 0
    queue = officer.get("/api/v1/queue").json["items"]
    assert ("instrument", made["id"], "verify") in {(i["kind"], i["id"], i["step"]) for i in queue}
    # A failed verification leaves it unverified from that day on.
    officer.post(
        f"{item}/verifications",
        json=verification(
            verified_on=str(TODAY - timedelta(days=1)),
            result="failed",
            next_due=None,
            certificate_number="JD2026-0002",
        ),
    )
    detail = officer.get(item).json
    assert detail["verification_due"] == str(TODAY - timedelta(days=2))
    assert [v["result"] for v in detail["verifications"]] == ["failed", "passed"]
    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.entity == "verification_records")
    )


def test_holders_are_told_once_thirty_days_ahead(world):
    market = world.market()
    merchant = world.merchant(market=market)
    merchant_user = world.merchant_user(merchant)
    host = world.host(market)
    officer = world.district()
    soon = officer.post(
        URL,
        json={
            "kind": "pricing_scale",
            "serial": "PS-S",
            "merchant": merchant.uscc,
            "verification_due": str(TODAY + timedelta(days=20)),
        },
    ).json
    officer.post(
        URL,
        json={
            "kind": "fair_scale",
            "serial": "FS-S",
            "market_id": market.id,
            "verification_due": str(TODAY + timedelta(days=30)),
        },
    )
    officer.post(
        URL,
        json={
            "kind": "pricing_scale",
            "serial": "PS-L",
            "merchant": merchant.uscc,
            "verification_due": str(TODAY + timedelta(days=31)),
        },
    )
    db.session.commit()
    assert verification_daily(TODAY)["due_notices"] == 2
    assert verification_daily(TODAY)["due_notices"] == 0
    mine = merchant_user.get("/api/v1/notifications").json["items"]
    assert [n["subject"] for n in mine] == [f"计量器具PS-S将于{TODAY + timedelta(days=20)}检定到期"]
    assert any("FS-S" in n["subject"] for n in host.get("/api/v1/notifications").json["items"])
    assert db.session.get(Instrument, soon["id"]).due_notified_for == TODAY + timedelta(days=20)
    assert db.session.query(Notification).count() >= 2


def upload(caller, content: bytes, filename="verifications.csv"):
    return caller.post(
        "/api/v1/imports",
        data={"kind": "verifications", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


HEADER = "出厂编号,器具类别,使用单位统一社会信用代码,所在区,所在市场,摊位号,检定证书编号,检定机构,检定日期,检定结论,有效期至"


def test_an_institute_sheet_imports_all_rows_or_none_with_row_errors(world):
    market = world.market(name="斜土路菜市场")
    merchant = world.merchant(market=market)
    db.session.add(Stall(market_id=market.id, number="A-1", merchant_id=merchant.id))
    db.session.commit()
    device, _, _ = world.device(market, "FS-IMP", verification_due=None)
    officer = world.district()
    officer.post(
        URL,
        json={"kind": "fair_scale", "serial": "FS-IMP", "market_id": market.id, "device": "FS-IMP"},
    )
    verified, due = TODAY - timedelta(days=3), TODAY + timedelta(days=362)
    good = [
        f"PS-A,计价秤,{merchant.uscc},,,,C-1,上海市计量院,{verified},合格,{due}",
        f"PS-B,计价秤,,310104,斜土路菜市场,A-1,C-2,上海市计量院,{verified},合格,{due}",
        f"FS-IMP,公平秤,,310104,斜土路菜市场,,C-3,上海市计量院,{verified},合格,{due}",
        f"PS-A,计价秤,{merchant.uscc},,,,C-4,上海市计量院,{verified - timedelta(days=400)},合格,"
        f"{verified - timedelta(days=35)}",
    ]
    bad = good + [
        f"PS-C,天平,{merchant.uscc},,,,C-5,上海市计量院,{verified},合格,{due}",
        f"PS-D,计价秤,{merchant.uscc},,,,C-6,上海市计量院,{verified},合格,",
        f"PS-E,计价秤,,310104,斜土路菜市场,Z-9,C-7,上海市计量院,{verified},合格,{due}",
    ]
    status = upload(officer, ("\n".join([HEADER, *bad]) + "\n").encode()).json
    assert status["status"] == "failed"
    assert [(e["row"], e["column"]) for e in status["errors"]] == [
        (6, "器具类别"),
        (7, "有效期至"),
        (8, "摊位号"),
    ]
    assert db.session.query(VerificationRecord).count() == 0

    status = upload(officer, ("\n".join([HEADER, *good]) + "\n").encode("gb18030")).json
    assert (status["status"], status["accepted"], status["errors"]) == ("done", 4, [])
    instruments = {i.serial: i for i in db.session.scalars(select(Instrument))}
    assert set(instruments) == {"PS-A", "PS-B", "FS-IMP"}
    assert instruments["PS-B"].stall_id is not None
    # PS-A's newest record (C-1) decides, whatever the row order.
    assert instruments["PS-A"].verification_due == due
    db.session.refresh(device)
    assert device.verification_due == due
    assert db.session.query(VerificationRecord).count() == 4


def test_a_due_date_set_on_the_scale_itself_moves_its_instrument_too(world):
    market = world.market()
    device, _, _ = world.device(market, "FS-PATCH")
    officer = world.district()
    made = officer.post(
        URL,
        json={
            "kind": "fair_scale",
            "serial": "FS-PATCH",
            "market_id": market.id,
            "device": "FS-PATCH",
        },
    ).json
    assert made["device"] == "FS-PATCH"
    assert made["verification_due"] == str(device.verification_due)
    new_due = str(TODAY + timedelta(days=90))
    changed = officer.patch("/api/v1/devices/FS-PATCH", json={"verification_due": new_due})
    assert changed.status_code == 200
    assert officer.get(f"{URL}/{made['id']}").json["verification_due"] == new_due
