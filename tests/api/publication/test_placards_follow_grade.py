"""Placards follow the grade (issue 18, item 4): a placard is valid only while the grade
printed on it is the business's grade; on a change it lapses (已失效) at /verify, which
shows today's grade and links to the business page; the merchant is told and issues the
new placard from the portal."""

from __future__ import annotations

import re

from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry, Notice, Notification
from tests.documents import pdf_text
from tests.factories import csrf_token, inspect, login, publish

TODAY = clock.today()


def graded_a_with_placard(world):
    merchant = world.merchant(name="韦记南北货")
    inspect(world, merchant, [])
    placard = publish(world.district(), {"kind": "placard", "merchant": merchant.uscc})
    return merchant, placard


def test_a_downgraded_placard_verifies_as_lapsed_with_todays_grade_and_a_link(world):
    merchant, placard = graded_a_with_placard(world)
    public = world.anonymous()
    before = public.get(f"/api/public/v1/documents/{placard['serial']}").json
    assert (before["status"], before["in_force"], before["grade_today"]) == ("published", True, "A")

    inspect(world, merchant, ["UNVERIFIED"])  # a major finding: grade B

    after = public.get(f"/api/public/v1/documents/{placard['serial']}").json
    assert (after["status"], after["status_text"], after["in_force"]) == ("lapsed", "已失效", False)
    assert (after["printed_grade"], after["grade_today"]) == ("A", "B")
    assert after["business_url"] == f"/merchants/{merchant.uscc}" and after["pdf_url"] is None
    page = world.client.get(f"/verify/{placard['serial']}").get_data(as_text=True)
    assert "已失效" in page and "有效</strong>" not in page
    assert re.search(r"今日等级</th><td><strong>B</strong>", page)
    assert f'href="/merchants/{merchant.uscc}"' in page
    notice = db.session.get(Notice, placard["id"])
    assert (notice.status, notice.expired_on) == ("lapsed", TODAY)
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "notices", AuditEntry.action == "lapse")
    )
    assert audit is not None and "由A变更为B" in audit.reason


def test_an_unchanged_grade_keeps_the_placard_in_force(world):
    merchant, placard = graded_a_with_placard(world)
    inspect(world, merchant, [])  # rescored, still A
    found = world.anonymous().get(f"/api/public/v1/documents/{placard['serial']}").json
    assert (found["status"], found["in_force"], found["grade_today"]) == ("published", True, "A")


def test_the_merchant_is_notified_and_downloads_the_new_placard(app, world):
    merchant, placard = graded_a_with_placard(world)
    who = world.merchant_user(merchant)
    inspect(world, merchant, ["UNVERIFIED"])

    told = db.session.scalars(select(Notification).where(Notification.about_kind == "notice"))
    subjects = [n.subject for n in told]
    assert subjects == [f"诚信计量等级已变更为B，公示牌{placard['serial']}已失效"]

    client = app.test_client()
    assert login(client, who.username).status_code == 302
    page = client.get("/portal").get_data(as_text=True)
    assert "已失效" in page and placard["serial"] in page
    token = csrf_token(client, "/portal")
    response = client.post("/portal/placard", data={"csrf_token": token})
    assert response.status_code == 303
    page = client.get("/portal").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" download', page).group(1)
    assert placard["serial"] not in link
    text = pdf_text(client.get(link).data)
    assert "韦记南北货" in text and merchant.uscc in text and "基本诚信" in text
    new_serial = re.search(r"documents/([^/]+)/pdf", link).group(1)
    fresh = world.anonymous().get(f"/api/public/v1/documents/{new_serial}").json
    assert (fresh["status"], fresh["printed_grade"], fresh["grade_today"]) == (
        "published",
        "B",
        "B",
    )
    # Nothing left to replace: a second request changes nothing.
    again = client.post("/portal/placard", data={"csrf_token": token})
    assert again.status_code == 303
    published = select(Notice.serial).where(Notice.kind == "placard", Notice.status == "published")
    assert list(db.session.scalars(published)) == [new_serial]
