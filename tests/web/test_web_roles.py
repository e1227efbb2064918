"""Pages of market hosts, industry associations and merchants' requests (issue 19), with the
Flask client: each calls the API verb's service, scoped as the API scopes it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import (
    ApiToken,
    Commitment,
    DemonstrationUnit,
    Device,
    NoticeEntry,
    Notification,
    RepairApplication,
    Stall,
)
from creditsvc.principals import hash_token
from tests.factories import csrf_token, exposure_body, login, penalise, publish

TODAY = clock.today()
TOKEN = re.compile(r'<code id="new-token">(cs_[^<]+)</code>')


def logged_in(app, caller, landing: str):
    client = app.test_client()
    response = login(client, caller.username)
    assert response.status_code == 302 and response.headers["Location"] == landing
    return client


def text(response, status: int = 200) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:600]
    return body


def post(client, page: str, url: str, data: dict):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


# Market hosts ---------------------------------------------------------------------------


def test_a_host_lands_on_its_markets_and_sees_no_other_market(app, world):
    mine, theirs = world.market(name="天钥桥菜市场"), world.market(name="别人的菜市场")
    world.device(theirs, "FS-THEIRS")
    stall = Stall(market_id=theirs.id, number="Z-9")
    db.session.add(stall)
    db.session.commit()
    client = logged_in(app, world.host(mine), "/host")
    home = text(client.get("/host"))
    assert "天钥桥菜市场" in home and "别人的菜市场" not in home
    assert client.get(f"/host/markets/{theirs.id}").status_code == 404
    assert client.get("/host/devices/FS-THEIRS").status_code == 404
    page = f"/host/markets/{mine.id}"
    refused = post(client, page, "/host/devices/FS-THEIRS/tokens", {"label": "x"})
    assert refused.status_code == 404
    assert post(client, page, f"/host/stalls/{stall.id}", {}).status_code == 404
    their_device = db.session.scalar(select(Device).where(Device.serial == "FS-THEIRS"))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.device_id == their_device.id))
    (their_token,) = tokens.all()  # the factory's; the refused post issued none
    # Their scale's token, named under one of the host's own scales, is not revoked either.
    world.device(mine, "FS-MINE")
    url = f"/host/devices/FS-MINE/tokens/{their_token.id}/revoke"
    assert post(client, "/host/devices/FS-MINE", url, {}).status_code == 404
    db.session.refresh(their_token)
    assert their_token.revoked_at is None


def test_a_host_registers_a_scale_and_its_token_is_shown_once(app, world):
    market = world.market(name="天钥桥菜市场")
    client = logged_in(app, world.host(market), "/host")
    page = f"/host/markets/{market.id}"
    due = (TODAY + timedelta(days=10)).isoformat()
    made = post(
        client,
        page,
        f"/host/markets/{market.id}/devices",
        {"device-serial": "FS-77", "device-verification_due": due},
    )
    assert made.status_code == 303 and made.headers["Location"] == "/host/devices/FS-77"
    listed = text(client.get(page))
    assert "FS-77" in listed and "即将到期" in listed  # due within a month
    issued = post(client, "/host/devices/FS-77", "/host/devices/FS-77/tokens", {"label": "柜台"})
    token = TOKEN.search(text(issued, 201)).group(1)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    assert row is not None and row.device.serial == "FS-77"
    again = text(client.get("/host/devices/FS-77"))
    assert token not in again and row.prefix in again  # shown once; its prefix tells it apart
    # The scale posts with it, until the host revokes it.
    scale = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/readings", headers=scale).status_code in (200, 403)
    revoked = post(client, "/host/devices/FS-77", f"/host/devices/FS-77/tokens/{row.id}/revoke", {})
    assert revoked.status_code == 303
    db.session.refresh(row)
    assert row.revoked_at is not None
    assert client.get("/api/v1/readings", headers=scale).status_code == 401


def test_a_refused_scale_shows_the_reason_beside_its_field(app, world):
    market = world.market()
    client = logged_in(app, world.host(market), "/host")
    page = f"/host/markets/{market.id}"
    refused = post(client, page, f"/host/markets/{market.id}/devices", {"device-serial": "a b"})
    body = text(refused, 422)
    assert 'id="e-device-serial"' in body
    assert db.session.scalar(select(Device).where(Device.market_id == market.id)) is None


def test_a_host_registers_a_stall_assigns_its_merchant_and_sees_its_short_rate(app, world):
    market = world.market()
    merchant = world.merchant(market=market, name="王记蔬菜")
    client = logged_in(app, world.host(market), "/host")
    page = f"/host/markets/{market.id}"
    made = post(client, page, f"/host/markets/{market.id}/stalls", {"stall-number": "A-1"})
    assert made.status_code == 303
    stall = db.session.scalar(select(Stall).where(Stall.market_id == market.id))
    assigned = post(
        client, page, f"/host/stalls/{stall.id}", {f"assign-{stall.id}-merchant": "王记"}
    )
    assert assigned.status_code == 303
    db.session.refresh(stall)
    assert stall.merchant_id == merchant.id
    _, scale, _ = world.device(market, "FS-1")
    when = f"{TODAY - timedelta(days=2)}T10:00:00"
    readings = [
        {"seq": i, "time": when, "settled_g": 1000, "measured_g": g, "category": "vegetable"}
        | {"stall": "A-1"}
        for i, g in enumerate((1000, 1000, 1000, 900), start=1)
    ]
    assert scale.post("/api/v1/readings", json={"readings": readings}).status_code == 200
    shown = text(client.get(page))
    assert "25.0%" in shown and "王记蔬菜" in shown
    reading_page = text(client.get("/host/devices/FS-1"))
    assert reading_page.count('data-label="结论"') == 4 and "短缺超差" in reading_page


def test_a_host_registers_and_corrects_a_merchant_of_its_market(app, world):
    market = world.market()
    client = logged_in(app, world.host(market), "/host")
    page = f"/host/markets/{market.id}"
    uscc = world.uscc()
    made = post(
        client,
        page,
        f"/host/markets/{market.id}/merchants",
        {"merchant-uscc": uscc, "merchant-name": "李记水产", "merchant-trade": "market_stall"},
    )
    assert made.status_code == 303
    assert "李记水产" in text(client.get(page))
    fixed = post(
        client,
        f"/host/merchants/{uscc}",
        f"/host/merchants/{uscc}",
        {"name": "李记水产行", "trade": "market_stall", "address": "1号"},
    )
    assert fixed.status_code == 303 and "李记水产行" in text(client.get(f"/host/merchants/{uscc}"))
    other = world.merchant(market=world.market())
    assert client.get(f"/host/merchants/{other.uscc}").status_code == 404


# Industry associations -------------------------------------------------------------------


def test_an_association_nominates_and_sees_only_its_own_nominations(app, world):
    merchant, elsewhere = world.merchant(name="甲商户"), world.merchant(name="乙商户")
    other = world.user("association")
    response = other.post(
        "/api/v1/demonstration-units", json={"merchant": elsewhere.uscc, "statement": "推荐"}
    )
    assert response.status_code == 201
    theirs = response.json["id"]
    client = logged_in(app, world.user("association"), "/association")
    made = post(
        client,
        "/association",
        "/association/nominations",
        {"merchant": merchant.uscc, "statement": "计量管理规范"},
    )
    assert made.status_code == 303
    unit = db.session.scalar(
        select(DemonstrationUnit).where(DemonstrationUnit.merchant_id == merchant.id)
    )
    assert unit.route == "nominated" and made.headers["Location"].endswith(f"/{unit.id}")
    home = text(client.get("/association"))
    assert "甲商户" in home and "乙商户" not in home
    assert "待评审" in text(client.get(f"/association/nominations/{unit.id}"))
    assert client.get(f"/association/nominations/{theirs}").status_code == 404
    again = post(client, "/association", "/association/nominations", {"merchant": merchant.uscc})
    assert 'id="e-statement"' in text(again, 422)


# The merchant portal ------------------------------------------------------------------


def test_a_merchant_signs_and_withdraws_its_commitment(app, world):
    merchant = world.merchant(name="张记")
    client = logged_in(app, world.merchant_user(merchant), "/portal")
    page = text(client.get("/portal/commitment"))
    assert "诚信计量自我承诺书" in page and "不短斤缺两" in page
    assert post(client, "/portal/commitment", "/portal/commitment", {}).status_code == 303
    commitment = db.session.scalar(select(Commitment).where(Commitment.merchant_id == merchant.id))
    assert commitment.channel == "portal" and commitment.signed_on == TODAY
    twice = post(client, "/portal/commitment", "/portal/commitment", {})
    assert "已在有效期内" in text(twice, 409)
    url = f"/portal/commitments/{commitment.id}/withdraw"
    assert post(client, "/portal/commitment", url, {}).status_code == 422  # a reason is needed
    done = post(client, "/portal/commitment", url, {"reason": "经营者变更"})
    assert done.status_code == 303
    db.session.refresh(commitment)
    assert commitment.withdrawn_on == TODAY and merchant.commitment_signed_on is None


def _published_entry(world, merchant, months_ago: int) -> int:
    penalise(world, merchant, f"徐市监罚〔2026〕{merchant.id}号", TODAY - timedelta(days=3))
    publish(world.district(), exposure_body())
    entry = db.session.scalar(select(NoticeEntry).where(NoticeEntry.merchant_id == merchant.id))
    entry.published_on = TODAY - timedelta(days=31 * months_ago)
    db.session.commit()
    return entry.id


def test_a_merchants_repair_is_refused_with_the_services_reason_in_chinese(app, world):
    merchant, other = world.merchant(name="甲摊"), world.merchant(name="乙摊")
    theirs = _published_entry(world, other, 7)
    mine = _published_entry(world, merchant, 2)
    client = logged_in(app, world.merchant_user(merchant), "/portal")
    page = text(client.get("/portal/repairs"))
    assert "公示满6个月方可申请提前移出" in page and "尚不能" in page  # published 2 months
    form = {"statement": "已缴纳罚款", "obligations_fulfilled": "1", "harm_remedied": "1"}
    refused = post(client, "/portal/repairs", "/portal/repairs", {**form, "entry_id": theirs})
    assert "该曝光条目不属于您或已不再公示" in text(refused, 422)
    assert db.session.scalar(select(RepairApplication)) is None
    filed = post(client, "/portal/repairs", "/portal/repairs", {**form, "entry_id": mine})
    assert filed.status_code == 303
    application = db.session.scalar(select(RepairApplication))
    assert application.check["eligible"] is False  # checked as the API checks it
    shown = text(client.get(filed.headers["Location"]))
    assert "公示满6个月方可申请提前移出" in shown and "待决定" in shown
    twice = post(client, "/portal/repairs", "/portal/repairs", {**form, "entry_id": mine})
    assert "该条目已有一份申请等待决定" in text(twice, 409)


def test_a_merchant_applies_for_demonstration_unit_status(app, world):
    merchant = world.merchant(name="张记")
    client = logged_in(app, world.merchant_user(merchant), "/portal")
    assert "申请" in text(client.get("/portal/demonstration"))
    made = post(client, "/portal/demonstration", "/portal/demonstration", {"statement": "诚信"})
    assert made.status_code == 303
    unit = db.session.scalar(select(DemonstrationUnit))
    assert unit.route == "applied" and unit.merchant_id == merchant.id
    page = text(client.get("/portal/demonstration"))
    assert "待评审" in page and 'action="/portal/demonstration"' not in page


# Notifications ---------------------------------------------------------------------------


def test_notifications_list_newest_first_and_are_marked_read(app, world):
    merchant = world.merchant(name="张记")
    who = world.merchant_user(merchant)
    client = logged_in(app, who, "/portal")
    post(client, "/portal/commitment", "/portal/commitment", {})  # notifies the merchant
    post(client, "/portal/demonstration", "/portal/demonstration", {"statement": "诚信"})
    page = text(client.get("/account/notifications"))
    assert page.index("示范单位申请") < page.index("诚信计量自我承诺已签署")  # newest first
    assert re.search(r'class="badge"[^>]*>2</span>', page)
    first = db.session.scalars(select(Notification).order_by(Notification.id)).first()
    url = f"/account/notifications/{first.id}/read"
    done = post(client, "/account/notifications", url, {})
    assert done.status_code == 303
    db.session.refresh(first)
    assert first.read_at is not None
    assert re.search(r'class="badge"[^>]*>1</span>', text(client.get("/portal")))
    stranger = logged_in(app, world.merchant_user(world.merchant()), "/portal")
    assert post(stranger, "/account/notifications", url, {}).status_code == 404
