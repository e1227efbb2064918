"""The registry, accounts, tokens and policy pages of the console (issue 19), through a
browser session: the same services as the API, scoped as the API scopes them."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import (
    ApiToken,
    AuditEntry,
    BrowserSession,
    Device,
    JobRun,
    Market,
    Merchant,
    ScoringPolicy,
    Stall,
    Street,
    User,
)
from creditsvc.services.standing import policies
from tests.factories import PASSWORD, csrf_token, login, session_row

ZH = {"Accept-Language": "zh-CN"}


def browser(world, app, role="district", **scope):
    """A logged-in browser client of a new user of `role`, and the user's name."""
    caller = world.user(role, **scope)
    client = app.test_client()
    assert login(client, caller.username).status_code == 302
    return client, caller.username


def officer(world, app, district="310104"):
    return browser(world, app, "district", district=district)[0]


def city(world, app):
    return browser(world, app, "city")[0]


def post_form(client, url, data, form_url=None, **kw):
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, **kw)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def error_beside(page: str, field: str) -> str:
    found = re.search(rf'<span class="field-error" id="e-{re.escape(field)}">([^<]*)</span>', page)
    assert found, f"no error beside {field}"
    return found.group(1)


# Who may see the pages --------------------------------------------------------------------

OFFICER_PAGES = ("/console/registry", "/console/policies", "/console/merchants/new")
CITY_PAGES = ("/console/accounts", "/console/accounts/new")


@pytest.mark.parametrize("url", OFFICER_PAGES)
def test_officers_see_the_registry_pages(world, app, url):
    for client in (officer(world, app), city(world, app)):
        response = client.get(url)
        assert response.status_code == 200, text_of(response)[:400]


@pytest.mark.parametrize("url", OFFICER_PAGES + CITY_PAGES)
def test_hosts_and_merchants_are_refused(world, app, url):
    host, _ = browser(world, app, "host", market=world.market().id)
    merchant, _ = browser(world, app, "merchant", merchant=world.merchant().uscc)
    assert host.get(url).status_code == 403
    assert merchant.get(url).status_code == 403


@pytest.mark.parametrize("url", CITY_PAGES)
def test_a_district_officer_is_refused_the_city_only_pages(world, app, url):
    assert officer(world, app).get(url).status_code == 403
    assert city(world, app).get(url).status_code == 200


def test_a_district_officer_may_not_adopt_a_policy(world, app):
    client = officer(world, app)
    response = post_form(
        client, "/console/policies", {"document": "{}"}, form_url="/console/registry"
    )
    assert response.status_code == 403
    assert db.session.scalar(select(ScoringPolicy.version).where(ScoringPolicy.version > 1)) is None


# The registry -----------------------------------------------------------------------------


def test_an_officer_adds_a_street_and_registers_a_market_in_its_district(world, app):
    client = officer(world, app)
    added = post_form(
        client, "/console/streets", {"name": "漕河泾街道", "kind": "street"}, "/console/registry"
    )
    assert added.status_code == 303
    street = db.session.scalar(select(Street).where(Street.name == "漕河泾街道"))
    assert street.district_code == "310104"
    registered = post_form(
        client,
        "/console/markets",
        {"name": "漕河泾菜市场", "street_id": str(street.id), "address": "漕宝路1号"},
        "/console/registry",
    )
    assert registered.status_code == 303
    market = db.session.scalar(select(Market).where(Market.name == "漕河泾菜市场"))
    assert (market.district_code, market.street_id) == ("310104", street.id)
    assert registered.headers["Location"].endswith(f"/console/markets/{market.id}")
    page = text_of(client.get("/console/registry"))
    assert "漕河泾菜市场" in page and "漕河泾街道" in page
    actions = db.session.scalars(
        select(AuditEntry.entity).where(AuditEntry.action == "create")
    ).all()
    assert "streets" in actions and "markets" in actions


def test_another_districts_market_answers_404_on_every_page_and_form(world, app):
    theirs = world.market(world.JINGAN, name="静安菜市场")
    device, _, token = world.device(theirs, "JA-0001")
    stall = Stall(market_id=theirs.id, number="A-1")
    db.session.add(stall)
    db.session.commit()
    client = officer(world, app)
    assert client.get(f"/console/markets/{theirs.id}").status_code == 404
    assert client.get("/console/devices/JA-0001").status_code == 404
    form = "/console/registry"
    for url, data in (
        (f"/console/markets/{theirs.id}", {"name": "改名"}),
        (f"/console/markets/{theirs.id}/stalls", {"number": "B-1"}),
        (f"/console/markets/{theirs.id}/devices", {"serial": "XH-9999"}),
        (f"/console/stalls/{stall.id}", {"merchant": ""}),
        ("/console/devices/JA-0001", {"active": ""}),
        ("/console/devices/JA-0001/tokens", {"label": "x"}),
        (f"/console/tokens/{token.id}/revoke", {}),
    ):
        assert post_form(client, url, data, form).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Market, theirs.id).name == "静安菜市场"
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert db.session.get(Device, device.id).active
    assert not db.session.scalar(select(Device).where(Device.serial == "XH-9999"))
    # a district officer registers in its own district whatever the form says
    post_form(client, "/console/markets", {"name": "越界", "district": "310106"}, form)
    assert db.session.scalar(select(Market.district_code).where(Market.name == "越界")) == "310104"


def test_a_market_page_registers_stalls_and_scales_and_assigns_a_business(world, app):
    market = world.market(name="天钥桥菜市场")
    shop = world.merchant(name="王记蔬菜")
    client = officer(world, app)
    url = f"/console/markets/{market.id}"
    assert post_form(client, f"{url}/stalls", {"number": "A-1"}, url).status_code == 303
    stall = db.session.scalar(select(Stall).where(Stall.market_id == market.id))
    # part of the name offers the businesses found; the one picked is saved
    offered = post_form(client, f"/console/stalls/{stall.id}", {"merchant": "王记"}, url)
    assert offered.status_code == 422 and f'value="{shop.uscc}"' in text_of(offered)
    picked = {"merchant": "王记", "merchant__pick": shop.uscc}
    assigned = post_form(client, f"/console/stalls/{stall.id}", picked, url)
    assert assigned.status_code == 303
    db.session.expire_all()
    assert db.session.get(Stall, stall.id).merchant_id == shop.id
    assert "王记蔬菜" in text_of(client.get(url))
    cleared = post_form(client, f"/console/stalls/{stall.id}", {"clear": "1", "merchant": ""}, url)
    assert cleared.status_code == 303
    db.session.expire_all()
    assert db.session.get(Stall, stall.id).merchant_id is None

    scale = post_form(
        client,
        f"{url}/devices",
        {"serial": "XH-0001", "high_accuracy": "true", "verification_due": "2027-06-30"},
        url,
    )
    assert scale.status_code == 303 and scale.headers["Location"].endswith("/devices/XH-0001")
    device = db.session.scalar(select(Device).where(Device.serial == "XH-0001"))
    assert device.high_accuracy and str(device.verification_due) == "2027-06-30"
    changed = post_form(
        client,
        "/console/devices/XH-0001",
        {"high_accuracy": "false", "verification_due": ""},
        url,
    )
    assert changed.status_code == 303
    db.session.expire_all()
    device = db.session.get(Device, device.id)
    assert (device.high_accuracy, device.verification_due, device.active) == (False, None, False)


def test_form_errors_are_shown_in_chinese_beside_their_fields(world, app):
    market = world.market()
    world.device(market, "XH-0002")
    client = officer(world, app)
    url = f"/console/markets/{market.id}"
    token = csrf_token(client, url)
    missing = client.post(f"{url}/stalls", data={"csrf_token": token}, headers=ZH)
    assert missing.status_code == 422
    assert error_beside(text_of(missing), "number") == "必填。"
    taken = client.post(
        f"{url}/devices", data={"csrf_token": token, "serial": "XH-0002"}, headers=ZH
    )
    assert taken.status_code == 422
    assert error_beside(text_of(taken), "serial") == "这个编号的公平秤已经登记。"
    bad = client.post(f"{url}/devices", data={"csrf_token": token, "serial": "秤 1"}, headers=ZH)
    assert error_beside(text_of(bad), "serial") == "只能用字母、数字、“.”、“_”或“-”。"
    assert db.session.scalar(select(Device).where(Device.serial != "XH-0002")) is None


# Scale tokens: shown once, never again ------------------------------------------------------


def test_a_scale_token_is_shown_once_works_and_is_revoked(world, app):
    market = world.market()
    world.device(market, "XH-0003")
    client = officer(world, app)
    url = "/console/devices/XH-0003"
    issued = post_form(client, f"{url}/tokens", {"label": "摊位A"}, url)
    assert issued.status_code == 201
    token = re.search(r'id="new-token"[^>]*value="(cs_[^"]+)"', text_of(issued)).group(1)
    assert issued.headers["Cache-Control"] == "private, no-store"
    # the token works for the scale, and no page shows it again
    answer = app.test_client().get(
        "/api/v1/devices/XH-0003", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code in (200, 403)  # identified (a scale may not read devices)
    device_page = text_of(client.get(url))
    assert token not in device_page and token[:8] in device_page
    row = db.session.scalar(select(ApiToken).where(ApiToken.label == "摊位A"))
    assert post_form(client, f"/console/tokens/{row.id}/revoke", {}, url).status_code == 303
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    refused = app.test_client().get("/api/v1/devices", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


def test_own_tokens_are_listed_issued_once_and_revoked(world, app):
    client, username = browser(world, app, "merchant", merchant=world.merchant().uscc)
    issued = post_form(client, "/account/tokens", {"label": "记账软件"})
    assert issued.status_code == 201
    token = re.search(r'value="(cs_[^"]+)"', text_of(issued)).group(1)
    listing = text_of(client.get("/account/tokens"))
    assert "记账软件" in listing and token not in listing and token[:8] in listing
    assert (
        app.test_client().get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200
    mine = db.session.scalar(select(ApiToken).where(ApiToken.label == "记账软件"))
    # someone else's token is not yours to revoke
    other, _ = browser(world, app, "merchant", merchant=world.merchant().uscc)
    url = f"/account/tokens/{mine.id}/revoke"
    assert post_form(other, url, {}, "/account/tokens").status_code == 404
    assert post_form(client, url, {}, "/account/tokens").status_code == 303
    db.session.expire_all()
    assert db.session.get(ApiToken, mine.id).revoked_at is not None


# Businesses -------------------------------------------------------------------------------


def test_an_officer_registers_a_business_with_an_override_and_edits_it(world, app):
    client = officer(world, app)
    good = world.uscc()
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    refused = post_form(
        client,
        "/console/merchants/new",
        {"uscc": bad_check, "name": "李记水产", "trade": "market_stall"},
    )
    assert refused.status_code == 422
    assert "uscc" in text_of(refused) and db.session.scalar(select(Merchant)) is None
    registered = post_form(
        client,
        "/console/merchants/new",
        {
            "uscc": bad_check,
            "uscc_override_reason": "营业执照原件上的代码如此",
            "name": "李记水产",
            "trade": "market_stall",
        },
    )
    assert registered.status_code == 303, text_of(registered)[:2000]
    merchant = db.session.scalar(select(Merchant))
    assert merchant.uscc_override_reason and merchant.district_code == "310104"
    edit = f"/console/merchants/{merchant.uscc}/edit"
    assert client.get(edit).status_code == 200
    changed = post_form(client, edit, {"name": "李记水产行", "trade": "other", "address": ""})
    assert changed.status_code == 303
    db.session.expire_all()
    assert (db.session.get(Merchant, merchant.id).name, merchant.trade) == ("李记水产行", "other")
    theirs = world.merchant(world.JINGAN)
    assert client.get(f"/console/merchants/{theirs.uscc}/edit").status_code == 404


# Accounts ---------------------------------------------------------------------------------


def test_the_city_officer_creates_an_account_shown_once(world, app):
    client = city(world, app)
    created = post_form(
        client,
        "/console/accounts/new",
        {"role": "district", "username": "xuhui_li", "district": "310104"},
    )
    assert created.status_code == 201
    password = re.search(r'id="new-password"[^>]*value="([^"]+)"', text_of(created)).group(1)
    user = db.session.scalar(select(User).where(User.username == "xuhui_li"))
    assert user.district_code == "310104"
    assert password not in text_of(client.get(f"/console/accounts/{user.id}"))
    assert login(app.test_client(), "xuhui_li", password).status_code == 302
    listing = text_of(client.get("/console/accounts?q=xuhui"))
    assert "xuhui_li" in listing


def test_an_account_form_shows_the_refusal_beside_the_field(world, app):
    client = city(world, app)
    token = csrf_token(client, "/console/accounts/new")
    refused = client.post(
        "/console/accounts/new",
        data={"csrf_token": token, "role": "host", "username": "host_x", "market": "9999"},
        headers=ZH,
    )
    assert refused.status_code == 422
    assert error_beside(text_of(refused), "market") == "没有这个编号的市场。"
    assert db.session.scalar(select(User).where(User.username == "host_x")) is None


def test_a_reset_password_ends_the_users_sessions_and_tokens(world, app):
    victim, username = browser(world, app, "district", district="310104")
    user = db.session.scalar(select(User).where(User.username == username))
    assert victim.get("/console/registry").status_code == 200
    old_session = session_row(victim).id
    client = city(world, app)
    reset = post_form(client, f"/console/accounts/{user.id}/password", {}, "/console/accounts")
    assert reset.status_code == 200
    password = re.search(r'id="new-password"[^>]*value="([^"]+)"', text_of(reset)).group(1)
    # the old session is over, the old password too; the user's tokens are revoked
    assert victim.get("/console/registry").status_code == 302
    assert db.session.get(BrowserSession, old_session).ended_at is not None
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert tokens and all(t.revoked_at is not None for t in tokens)
    assert login(app.test_client(), username, PASSWORD).status_code == 401
    assert login(app.test_client(), username, password).status_code == 302
    audited = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "reset_password", AuditEntry.entity_id == str(user.id)
        )
    )
    assert audited is not None and "password_hash" not in json.dumps(audited.after or {})


def test_a_deactivated_account_cannot_log_in_until_reactivated(world, app):
    member, username = browser(world, app, "host", market=world.market().id)
    user = db.session.scalar(select(User).where(User.username == username))
    client = city(world, app)
    url = f"/console/accounts/{user.id}"
    assert post_form(client, f"{url}/active", {"active": "false"}, url).status_code == 303
    assert member.get("/account/tokens").status_code == 302  # logged out
    assert login(app.test_client(), username).status_code == 401
    assert post_form(client, f"{url}/active", {"active": "true"}, url).status_code == 303
    assert login(app.test_client(), username).status_code == 302


# Policies ---------------------------------------------------------------------------------


def test_the_policy_page_shows_the_document_as_tables(world, app):
    client = officer(world, app)
    page = text_of(client.get("/console/policies"))
    assert "Grade bands" in page or "等级" in page
    assert "<table" in page and '"deductions"' not in page
    assert client.get("/console/policies/1").status_code == 200
    assert client.get("/console/policies/99").status_code == 404


def _version(number: int) -> ScoringPolicy | None:
    return db.session.scalar(select(ScoringPolicy).where(ScoringPolicy.version == number))


def test_the_city_officer_adopts_a_version_and_everyone_is_rescored(world, app):
    world.merchant()
    nxt = policies.current().version + 1  # the version after the one in force
    client = city(world, app)
    page = text_of(client.get("/console/policies"))
    draft = re.search(r'<textarea id="f-document"[^>]*>([^<]*)</textarea>', page).group(1)
    document = json.loads(draft.replace("&#34;", '"').replace("&quot;", '"'))
    document["deductions"]["failed_lot"] = 20
    document["experimental_setting"] = {"weight": 3}
    broken = post_form(client, "/console/policies", {"document": "{not json"}, "/console/policies")
    assert broken.status_code == 422 and 'id="e-document"' in text_of(broken)
    unusable = dict(document, grades="A")
    refused = post_form(
        client, "/console/policies", {"document": json.dumps(unusable)}, "/console/policies"
    )
    assert refused.status_code == 422 and 'id="e-document"' in text_of(refused)
    adopted = post_form(
        client,
        "/console/policies",
        {"document": json.dumps(document), "note": "失败批次扣分提高"},
        "/console/policies",
    )
    assert adopted.status_code == 303, text_of(adopted)[:2000]
    assert _version(nxt).document["deductions"]["failed_lot"] == 20
    run = db.session.scalar(select(JobRun).where(JobRun.kind == "rescore:full"))
    assert run is not None and run.status == "done"
    shown = text_of(client.get(f"/console/policies/{nxt}"))
    assert "<code>experimental_setting</code>" in shown or "<code>weight</code>" in shown


def test_with_the_queue_down_no_version_is_adopted_and_the_page_says_so(world, app, redis_down):
    client = city(world, app)
    in_force = policies.current()
    nxt = in_force.version + 1
    document = json.dumps(dict(in_force.document, version=nxt))
    token = csrf_token(client, "/console/policies")
    app.config["REDIS_URL"] = redis_down
    response = client.post(
        "/console/policies", data={"csrf_token": token, "document": document}, headers=ZH
    )
    assert response.status_code == 503
    assert "任务队列暂不可用" in text_of(response)
    assert _version(nxt) is None


def test_the_pages_link_to_the_forms(world, app):
    shop = world.merchant()
    client = officer(world, app)
    assert "/console/merchants/new" in text_of(client.get("/console/merchants"))
    assert f"/console/merchants/{shop.uscc}/edit" in text_of(
        client.get(f"/console/merchants/{shop.uscc}")
    )
    nav = text_of(client.get("/console/registry"))
    assert (
        "/console/registry" in nav and "/console/policies" in nav and "/console/accounts" not in nav
    )
    assert "/console/accounts" in text_of(city(world, app).get("/console/registry"))
    assert "/account/tokens" in text_of(client.get("/account/password"))


def test_a_registration_sent_twice_records_once(world, app):
    client = officer(world, app)
    page = text_of(client.get("/console/registry"))
    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]+)"', page)
    assert len(keys) == 2  # the market form and the street form
    form = {"csrf_token": csrf_token(client, "/console/registry"), "name": "双击菜市场"}
    market_key = keys[0]
    first = client.post("/console/markets", data={**form, "idempotency_key": market_key})
    again = client.post("/console/markets", data={**form, "idempotency_key": market_key})
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert len(db.session.scalars(select(Market).where(Market.name == "双击菜市场")).all()) == 1


def test_a_change_form_refuses_a_blank_name_and_keeps_the_market(world, app):
    market = world.market(name="原名菜市场")
    client = officer(world, app)
    url = f"/console/markets/{market.id}"
    token = csrf_token(client, url)
    refused = client.post(url, data={"csrf_token": token, "name": " ", "address": ""}, headers=ZH)
    assert refused.status_code == 422
    assert error_beside(text_of(refused), "name") == "应为1至128个字符。"
    db.session.expire_all()
    assert db.session.get(Market, market.id).name == "原名菜市场"
