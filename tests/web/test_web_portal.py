"""The merchant portal with the Flask client: standing, every reason with its evidence,
the chart, the outlook, the placard, objections; a merchant sees only itself. And the
log-in form's throttling and session expiry."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import MerchantReply, Objection
from creditsvc.models.objection import REPLY_MAX_CHARS
from tests.factories import PASSWORD, csrf_token, inspect, login, publish, session_row

TODAY = clock.today()


def merchant_client(app, world, merchant):
    who = world.merchant_user(merchant)
    client = app.test_client()
    response = login(client, who.username)
    assert response.status_code == 302 and response.headers["Location"] == "/portal"
    return client, who


def page_of(client, url="/portal") -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_data(as_text=True)


def test_the_portal_shows_every_reason_with_its_evidence_and_the_chart(app, world):
    merchant = world.merchant(name="张记水产")
    inspect(world, merchant, [], on=TODAY - timedelta(days=200))
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    client, _ = merchant_client(app, world, merchant)
    page = page_of(client)
    assert "张记水产" in page and "87.0 分" in page and "基本诚信" in page
    rows = re.findall(
        r"<tr>\s*<td class=\"nowrap\"[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)(.*?)</td>\s*"
        r"<td class=\"number\"[^>]*>([^<]+)</td>",
        page,
        re.S,
    )
    assert (TODAY.isoformat(), "检查", f"第 {inspection_id} 号", "−15.0") in [
        (d, k.strip(), re.sub(r"<[^>]+>", "", ref).strip(), p) for d, k, ref, p in rows
    ]
    assert any(p == "+2.0" for *_, p in rows)  # the clean inspection, credited
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S).group(0)
    assert "<polyline" in svg and '<title id="chart-title">得分变化</title>' in svg
    assert len(re.findall(r"<rect class=\"band", svg)) == 4
    rises = re.search(r"将于 (\d{4}-\d\d-\d\d) 提升为 A", page)
    assert rises and date.fromisoformat(rises.group(1)) > TODAY
    assert '<line class="rise"' in svg and f"{rises.group(1)} 起为 A" in svg


def test_an_unrated_merchant_is_told_why(app, world):
    client, _ = merchant_client(app, world, world.merchant(name="新摊位"))
    page = page_of(client)
    assert "未评级" in page and "证据还不足以评级" in page and "尚无评级得分" in page
    assert "<polyline" not in page


def test_a_merchant_sees_only_itself(app, world):
    mine, other = world.merchant(name="本店"), world.merchant(name="隔壁店")
    inspect(world, other, ["UNVERIFIED"])
    client, _ = merchant_client(app, world, mine)
    page = page_of(client)
    assert "本店" in page and "隔壁店" not in page and other.uscc not in page
    # No merchant in the URL: the query string cannot choose another one either.
    assert "隔壁店" not in page_of(client, f"/portal?uscc={other.uscc}")


def test_only_a_logged_in_merchant_opens_the_portal(app, world):
    anonymous = app.test_client().get("/portal")
    assert anonymous.status_code == 302 and "/login?next=/portal" in anonymous.headers["Location"]
    officer = app.test_client()
    login(officer, world.district().username)
    assert officer.get("/portal", headers={"Accept": "text/html"}).status_code == 403


def test_after_log_in_the_next_page_is_honoured_but_only_on_this_site(app, world):
    who = world.merchant_user(world.merchant())
    client = app.test_client()
    token = csrf_token(client, "/login")
    data = {"username": who.username, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login?next=/grades", data=data).headers["Location"] == "/grades"
    client = app.test_client()
    data["csrf_token"] = csrf_token(client, "/login")
    assert client.post("/login?next=//evil.example/", data=data).headers["Location"] == "/portal"


def test_the_placard_in_force_can_be_downloaded(app, world):
    merchant = world.merchant(name="公示牌摊位")
    inspect(world, merchant, [])
    client, _ = merchant_client(app, world, merchant)
    assert "尚未为本单位发放公示牌" in page_of(client)
    placard = publish(world.district(), {"kind": "placard", "merchant": merchant.uscc})
    page = page_of(client)
    link = re.search(r'href="([^"]+)" download', page).group(1)
    assert placard["serial"] in link
    assert client.get(link).data.startswith(b"%PDF")


def test_objections_filed_are_listed(app, world):
    merchant = world.merchant(name="异议商户")
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    client, who = merchant_client(app, world, merchant)
    assert "您尚未提出异议" in page_of(client)
    filed = who.post(
        "/api/v1/objections",
        json={"kind": "inspection", "id": inspection_id, "grounds": "当日未营业"},
    )
    assert filed.status_code == 201, filed.json
    page = page_of(client)
    assert "有异议，待处理" in page and filed.json["decision_due"] in page


def test_an_objection_is_filed_from_the_portal_with_its_csrf_token(app, world):
    merchant = world.merchant(name="表单异议商户")
    inspection_id = inspect(world, merchant, ["UNVERIFIED"])
    neighbour_inspection = inspect(world, world.merchant(name="邻居"), ["UNVERIFIED"])
    client, _ = merchant_client(app, world, merchant)
    link = f"/portal/objections/new?kind=inspection&amp;id={inspection_id}"
    assert link in page_of(client)
    form = page_of(client, link.replace("&amp;", "&"))
    assert f'value="{inspection_id}"' in form
    data = {"kind": "inspection", "id": str(inspection_id), "grounds": "当日未营业"}

    refused = client.post("/portal/objections", data=data)
    assert refused.status_code == 400 and "表单已过期" in refused.get_data(as_text=True)
    assert db.session.query(Objection).count() == 0

    token = csrf_token(client, "/portal/objections/new")
    other = client.post(
        "/portal/objections", data=data | {"id": str(neighbour_inspection), "csrf_token": token}
    )
    assert other.status_code == 422 and "of yours" in other.get_data(as_text=True)
    empty = client.post("/portal/objections", data=data | {"grounds": " ", "csrf_token": token})
    assert empty.status_code == 400 and "grounds" in empty.get_data(as_text=True)
    filed = client.post("/portal/objections", data=data | {"csrf_token": token})
    assert filed.status_code == 302
    (objection,) = db.session.query(Objection).all()
    assert (objection.subject_id, objection.merchant_id) == (inspection_id, merchant.id)
    assert "有异议，待处理" in page_of(client)
    assert "正在处理" in page_of(app.test_client(), f"/merchants/{merchant.uscc}")  # public


def textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S).group(1)


def test_a_reply_is_submitted_from_the_portal_and_shown_pending(app, world):
    merchant = world.merchant(name="回应商户")
    client, _ = merchant_client(app, world, merchant)
    assert 'href="/portal/replies/new"' in page_of(client)
    token = csrf_token(client, "/portal/replies/new")
    sent = client.post("/portal/replies", data={"text": " 已整改，欢迎复查 ", "csrf_token": token})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#replies-heading")
    (reply,) = db.session.query(MerchantReply).all()
    assert (reply.merchant_id, reply.text, reply.status) == (
        merchant.id,
        "已整改，欢迎复查",
        "pending",
    )
    page = page_of(client)
    assert "回应已提交" in page and "已整改，欢迎复查</span> — 待审核" in page
    assert "已整改" not in page_of(app.test_client(), f"/merchants/{merchant.uscc}")  # not yet

    again = client.post("/portal/replies", data={"text": "再说一句", "csrf_token": token})
    assert again.status_code == 409 and "仍在审核中" in again.get_data(as_text=True)
    assert textarea(again.get_data(as_text=True), "text") == "再说一句"
    assert db.session.query(MerchantReply).count() == 1

    approved = world.district().post(f"/api/v1/replies/{reply.id}/moderate", json={"approve": True})
    assert approved.status_code == 200, approved.json
    assert "已整改，欢迎复查</span> — 已随公开信息展示" in page_of(client)


def test_an_empty_or_too_long_reply_is_refused_beside_the_field_keeping_the_text(app, world):
    client, _ = merchant_client(app, world, world.merchant())
    token = csrf_token(client, "/portal/replies/new")
    long_text = "秤" * (REPLY_MAX_CHARS + 1)
    for text, count in (("   ", 0), (long_text, REPLY_MAX_CHARS + 1)):
        refused = client.post("/portal/replies", data={"text": text, "csrf_token": token})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 400
        assert textarea(page, "text") == text
        assert 'aria-invalid="true" aria-describedby="e-text"' in page
        beside = re.search(r'<span class="field-error" id="e-text">([^<]+)</span>', page).group(1)
        assert beside == f"回应须为 1 至 {REPLY_MAX_CHARS} 个字，本次为 {count} 个字。"
    assert db.session.query(MerchantReply).count() == 0


def test_a_reply_without_csrf_token_is_refused_and_nothing_is_written(app, world):
    client, _ = merchant_client(app, world, world.merchant())
    refused = client.post("/portal/replies", data={"text": "没有令牌"})
    assert refused.status_code == 400 and "表单已过期" in refused.get_data(as_text=True)
    forged = client.post("/portal/replies", data={"text": "伪造令牌", "csrf_token": "forged"})
    assert forged.status_code == 400
    assert db.session.query(MerchantReply).count() == 0


def test_another_merchants_portal_never_shows_the_reply(app, world):
    mine, other = world.merchant(name="本店回应"), world.merchant(name="邻店")
    client, _ = merchant_client(app, world, mine)
    token = csrf_token(client, "/portal/replies/new")
    replied = client.post("/portal/replies", data={"text": "本店独有的回应", "csrf_token": token})
    assert replied.status_code == 302
    assert "本店独有的回应" in page_of(client)
    neighbour, _ = merchant_client(app, world, other)
    assert "本店独有的回应" not in page_of(neighbour)
    assert "本店独有的回应" not in page_of(neighbour, "/portal/replies/new")


# Log-in throttling and session expiry ------------------------------------------------


def test_failed_log_ins_are_throttled_per_username_with_a_429(app, world):
    who = world.district()
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_USERNAME"]):
        assert login(client, who.username, "wrong password!").status_code == 401
    refused = login(client, who.username)  # even the right password waits
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 800
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    other = world.district()
    assert login(client, other.username).status_code == 302  # another name is not locked


def test_failures_per_address_are_throttled_and_a_success_clears_the_name(app, world):
    app.config["LOGIN_MAX_FAILURES_PER_USERNAME"] = 2
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 4
    first, second = world.district(), world.district()
    client = app.test_client()
    login(client, first.username, "wrong password!")
    assert login(app.test_client(), first.username).status_code == 302  # clears first's one
    login(client, first.username, "wrong password!")
    assert login(app.test_client(), first.username).status_code == 302  # one failure, not two
    for _ in range(2):  # the address's third and fourth
        login(client, second.username, "wrong password!")
    assert login(client, first.username).status_code == 429  # the successes cleared no address


def test_old_failures_leave_the_window(app, world):
    app.config["LOGIN_WINDOW_SECONDS"] = 5
    who = world.district()
    client = app.test_client()
    started = time.monotonic()
    for _ in range(5):
        login(client, who.username, "wrong password!")
    assert time.monotonic() - started < 4, "too slow to see the throttle inside the window"
    refused = login(client, who.username)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 5
    time.sleep(max(0.0, started + 5.2 - time.monotonic()))
    assert login(client, who.username).status_code == 302


def test_a_login_form_without_csrf_token_is_refused(app, world):
    app.config["LOGIN_MAX_FAILURES_PER_USERNAME"] = 1
    name = world.district().username
    response = app.test_client().post("/login", data={"username": name, "password": "wrong!"})
    assert response.status_code == 400
    assert login(app.test_client(), name).status_code == 302  # the refusal counted no failure


def test_an_idle_session_ends(app, world):
    client, _ = merchant_client(app, world, world.merchant())
    assert client.get("/portal").status_code == 200
    row = session_row(client)
    row.last_seen_at -= timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=1)
    db.session.commit()
    assert client.get("/portal").status_code == 302
    assert client.get("/api/v1/merchants").status_code == 401


def test_a_session_ends_after_its_lifetime_even_when_busy(app, world):
    client, _ = merchant_client(app, world, world.merchant())
    session_row(client).created_at -= app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(
        seconds=1
    )
    db.session.commit()
    assert client.get("/portal").status_code == 302


def test_the_chart_breaks_its_line_where_unrated_and_escapes_its_text():
    from creditsvc.web.charts import Band, Point, score_chart

    days = [TODAY - timedelta(days=n) for n in (30, 20, 10, 0)]
    svg = score_chart(
        [Point(days[0], 80.0), Point(days[1], None), Point(days[2], 70.0), Point(days[3], 95.0)],
        [Band("A", 90, "诚信"), Band("D", 0, "<失信>")],
        "title <b>",
        "summary & more",
    )
    assert svg.count("<polyline") == 2 and "<b>" not in svg and "&lt;失信&gt;" in svg
    assert "summary &amp; more" in svg and days[0].isoformat() in svg
