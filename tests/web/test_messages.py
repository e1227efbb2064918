"""Reasons on pages are in the page's language (issue 19): the services' English messages
are matched in creditsvc/web/messages.py; one with no entry is marked as English."""

from __future__ import annotations

import re

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.web import messages
from tests.factories import login
from tests.web.test_web_console import complaint_in, officer, text_of

ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}(?:[ ,.'-]+[A-Za-z]{2,})+")


@pytest.mark.parametrize(
    ("message", "chinese"),
    [
        ("Missing data for required field.", "必填"),
        ("check character is 'X' but should be '3'", "校验码为X，应为3"),
        ("must be 18 characters, got 17", "此处为17位"),
        ("merchant 91310104MA1FL0XX3K is already registered", "经营者91310104MA1FL0XX3K已登记"),
        ("no street '斜土路' in district 310104", "没有名为“斜土路”的街道（镇）"),
        ("complaint 12 is already void", "投诉记录12已作废"),
        (
            "Must be one of: routine, random. (可填 / accepted: 日常检查、双随机抽查)",
            "应为以下之一：日常检查、双随机抽查",
        ),
        ("Length must be between 1 and 200.", "应为1至200个字符"),
    ],
)
def test_a_service_message_reads_in_chinese(app, message, chinese):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        shown = messages.translate(message)
    assert chinese in shown and not ENGLISH_WORDS.search(shown)


def test_a_message_with_no_entry_is_shown_marked_as_english(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        shown = str(messages.reason("the moon is made of cheese"))
    assert shown == '<span lang="en">the moon is made of cheese</span>'


def test_the_error_pages_carry_no_english_on_a_chinese_page(world, app):
    client = app.test_client()
    for url, status in (("/console/", 302), ("/merchants/91310000000000000X", 404)):
        response = client.get(url, headers={"Accept": "text/html"})
        assert response.status_code == status
    merchant_client = world.merchant_user(world.merchant())
    # A merchant on an officer's page: 403, explained in Chinese, no English message.
    browser = app.test_client()
    login(browser, merchant_client.username)
    page = browser.get("/console/", headers={"Accept": "text/html"}).get_data(as_text=True)
    body = page[page.index("<main") : page.index("</main>")]
    assert "您账号的角色或所属区不允许此操作" in body
    text = re.sub(r"<code>.*?</code>|<[^>]+>", " ", body)
    assert not ENGLISH_WORDS.search(text), text


def test_the_audit_log_names_actors_actions_and_records_in_words(world, app):
    merchant = world.merchant()
    complaint_in(world, merchant, "审计里的投诉")
    colleague = world.district()
    filed = colleague.post(
        "/api/v1/complaints",
        json={
            "merchant": merchant.uscc,
            "channel": "12345",
            "received_on": clock.today().isoformat(),
            "allegation": "同事录入的投诉",
        },
    )
    assert filed.status_code == 201
    db.session.commit()
    client = officer(world, app)
    page = text_of(client.get("/console/audit?entity=complaints"))
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert ">新建</td>" in rows and "投诉" in rows and ">create</td>" not in rows
    assert (
        not re.search(r"<td[^>]*>user:", rows) and f"用户 <code>{colleague.username}</code>" in rows
    )
    assert "系统（无账号）" in rows  # the service call above acted with no account
    # The name alone finds the colleague's entries, and only theirs.
    mine = text_of(client.get(f"/console/audit?entity=complaints&actor={colleague.username}"))
    rows = mine[mine.index("<tbody>") : mine.index("</tbody>")]
    assert rows.count("<tr>") == 1 and colleague.username in rows
