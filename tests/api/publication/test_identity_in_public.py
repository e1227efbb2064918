"""Identity and dates in public (issue 18, item 5): every entry of every document kind
and every public page carries the business's USCC, so two businesses of one name are
told apart; names on the public notice pages lead to the business page; the business
page lists the notices in force that name it and the day of its last inspection."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Merchant, NoticeEntry
from tests.documents import KINDS, pdf_of, pdf_text, public_pdf, publish_every_kind
from tests.factories import exposure_body, inspect, penalise, publish

TODAY = clock.today()
NAME = '<span lang="zh-CN">韦记南北货</span>'  # typed data, marked with its language


def _codes_named(notice_id: int) -> list[str]:
    stmt = (
        select(Merchant.uscc)
        .join(NoticeEntry, NoticeEntry.merchant_id == Merchant.id)
        .where(NoticeEntry.notice_id == notice_id)
        .order_by(NoticeEntry.position)
    )
    return list(db.session.scalars(stmt))


def test_every_entry_of_every_rendered_document_kind_prints_its_uscc(world):
    documents = publish_every_kind(world)
    public = world.anonymous()
    checked = {}
    for kind in KINDS:
        text = pdf_text(pdf_of(public, public_pdf(documents[kind])).data)
        codes = _codes_named(documents[kind]["id"])
        assert all(code in text for code in codes), kind
        checked[kind] = len(codes)
    # The demonstration listing names communities, not businesses: nothing to print there.
    assert checked == {"exposure": 1, "honor_roll": 1, "demonstration": 0, "placard": 1}


def test_two_businesses_of_one_name_are_told_apart_on_the_public_pages(world):
    # 韦记南北货 twice in Xuhui: one exposed, one on the honor roll; both individual
    # businesses (92…), whose code is public on their licence.
    exposed = world.merchant(name="韦记南北货")
    honest = world.merchant(name="韦记南北货", commitment_signed_on=TODAY - timedelta(days=30))
    penalise(world, exposed, "沪市监徐处〔2026〕31号", TODAY - timedelta(days=3), "20000")
    inspect(world, honest, [])
    officer = world.district()
    exposure = publish(officer, exposure_body())
    roll = publish(officer, {"kind": "honor_roll"})

    verify = world.client.get(f"/verify/{exposure['serial']}").get_data(as_text=True)
    assert f'<a href="/merchants/{exposed.uscc}">{NAME}</a>' in verify
    assert f"<code>{exposed.uscc}</code>" in verify and honest.uscc not in verify
    listed = world.client.get("/honor-roll").get_data(as_text=True)
    assert f'<a href="/merchants/{honest.uscc}">{NAME}</a>' in listed
    assert f"<code>{honest.uscc}</code>" in listed and exposed.uscc not in listed
    api = world.anonymous().get(f"/api/public/v1/documents/{roll['serial']}").json
    assert [e["uscc"] for e in api["entries"]] == [honest.uscc]


def test_the_business_page_lists_the_entry_in_force_and_the_last_inspection(world):
    merchant = world.merchant(name="曝光南北货")
    penalise(world, merchant, "沪市监徐处〔2026〕32号", TODAY - timedelta(days=20), "20000")
    inspect(world, merchant, [], on=TODAY - timedelta(days=6))
    notice = publish(world.district(), exposure_body())
    entry = db.session.scalar(select(NoticeEntry).where(NoticeEntry.notice_id == notice["id"]))

    page = world.client.get(f"/merchants/{merchant.uscc}").get_data(as_text=True)
    section = page[page.index('id="notices-heading"') :]
    assert notice["title"] in section
    assert f'href="/verify/{notice["serial"]}"' in section
    assert f'href="{public_pdf(notice)}"' in section
    assert entry.ends_on is not None and entry.ends_on.isoformat() in section
    last = re.search(r"最近一次检查</dt><dd>([^<]+)</dd>", page)
    assert last and last.group(1) == (TODAY - timedelta(days=6)).isoformat()


def test_a_business_never_inspected_says_so(world):
    merchant = world.merchant(name="未检查商户")
    page = world.client.get(f"/merchants/{merchant.uscc}").get_data(as_text=True)
    assert "暂无检查记录" in page and "目前没有列有该经营者的有效曝光通报或光荣榜" in page
