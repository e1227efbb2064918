"""The public site with the Flask client: search, a business's page (the placard's QR
target), notices in force with their PDFs, demonstrations, verify, how grades work."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Community, DemonstrationUnit, MerchantReply
from creditsvc.principals import Principal
from creditsvc.services.publication.publishing import site_url
from creditsvc.services.standing import policies
from scoring.policy import DEFAULT_POLICY
from tests.factories import complain, inspect, penalise, publish

TODAY = clock.today()


def html(response, status=200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def names_listed(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/merchants/\w+"><span lang="zh-CN">([^<]+)</span>', page)


def test_search_by_name_uscc_district_trade_and_grade(world, client):
    street = world.street(name="斜土路街道")
    stall = world.merchant(name="王记蔬菜", street_id=street.id)
    optician = world.merchant(name="明亮眼镜", trade="optical_shop")
    far = world.merchant(world.JINGAN, name="静安王记粮油")
    inspect(world, stall, ["UNVERIFIED"])  # grade B

    assert names_listed(html(client.get("/merchants?q=王记"))) == ["王记蔬菜", "静安王记粮油"]
    assert names_listed(html(client.get(f"/merchants?q={optician.uscc.lower()}"))) == ["明亮眼镜"]
    assert names_listed(html(client.get("/merchants?q=王记&district=310106"))) == ["静安王记粮油"]
    assert names_listed(html(client.get("/merchants?street=斜土路街道"))) == ["王记蔬菜"]
    assert names_listed(html(client.get("/merchants?trade=optical_shop"))) == ["明亮眼镜"]
    graded = html(client.get("/merchants?grade=B&district=&trade="))  # empty selects: any
    assert names_listed(graded) == ["王记蔬菜"] and "基本诚信" in graded
    unrated = names_listed(html(client.get("/merchants?grade=unrated")))
    assert unrated == ["明亮眼镜", "静安王记粮油"] and far.uscc


def test_search_pages_keep_the_filters(world, client):
    for n in range(23):
        world.merchant(name=f"翻页商户{n:02d}")
    first = html(client.get("/merchants?q=翻页"))
    assert len(names_listed(first)) == 20 and "23" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = html(client.get(next_link))
    assert names_listed(second) == ["翻页商户20", "翻页商户21", "翻页商户22"]
    assert 'rel="next"' not in second and 'rel="prev"' in second


def test_a_bad_filter_is_a_400_that_says_why(world, client):
    page = html(client.get("/merchants?grade=Z"), 400)
    assert "grade" in page and 'role="alert"' in page


def test_a_business_page_shows_grade_date_top_reasons_and_no_personal_data(world, client):
    market = world.market(name="天钥桥菜市场")
    merchant = world.merchant(market=market, name="钱记豆制品", address="天钥桥路1号")
    inspect(world, merchant, ["UNVERIFIED", "REFUSE_RECHECK", "HOST_REGISTER", "SHORT_NOTABLE"])
    complain(world.district(), merchant, contact="孙女士 13800000000")
    page = html(client.get(f"/merchants/{merchant.uscc}"))
    assert "钱记豆制品" in page and "天钥桥菜市场" in page and TODAY.isoformat() in page
    assert re.search(r'class="grade grade-[A-D] large"', page)
    reasons = re.search(r'<ol class="reasons">(.*?)</ol>', page, re.S).group(1)
    assert reasons.count("<li>") == 3
    assert "13800000000" not in page and "孙女士" not in page


def test_an_unrated_business_is_shown_as_unrated_not_perfect(world, client):
    merchant = world.merchant(name="新开摊位")
    page = html(client.get(f"/merchants/{merchant.uscc}"))
    assert "未评级" in page and "grade-none" in page and "Main reasons" not in page


def test_the_placard_qr_target_is_the_business_page_with_its_placard(world, client):
    merchant = world.merchant(name="公示牌商户")
    inspect(world, merchant, [])
    placard = publish(world.district(), {"kind": "placard", "merchant": merchant.uscc})
    qr_target = urlparse(site_url(f"/merchants/{merchant.uscc}")).path  # what notices/ prints
    page = html(client.get(qr_target))
    assert "公示牌商户" in page and placard["serial"] in page
    pdf_link = re.search(r'href="(/api/public/v1/documents/[^"]+/pdf)"', page).group(1)
    pdf = client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_an_unknown_business_is_a_404_page_in_the_reader_s_language(client):
    page = html(client.get("/merchants/91310000000000000X", headers={"Accept": "text/html"}), 404)
    assert "<h1>未找到</h1>" in page and "公开名录中没有该代码的经营者" in page
    assert "Not Found" not in page and "no such business" not in page  # no English left
    client.get("/lang/en")
    page = html(client.get("/merchants/91310000000000000X", headers={"Accept": "text/html"}), 404)
    assert "<h1>Not found</h1>" in page and "no business with this code" in page


def test_notices_in_force_are_listed_with_their_pdfs(world, client):
    signed = TODAY - timedelta(days=30)
    inspect(world, world.merchant(name="甲记蔬菜", commitment_signed_on=signed), [])
    penalise(
        world, world.merchant(name="曝光摊"), "徐市监罚〔2026〕101号", TODAY - timedelta(days=4)
    )
    officer = world.district()
    roll = publish(officer, {"kind": "honor_roll"})
    exposure = publish(
        officer,
        {
            "kind": "exposure",
            "period_start": (TODAY - timedelta(days=60)).isoformat(),
            "period_end": TODAY.isoformat(),
        },
    )
    gone = publish(officer, {"kind": "honor_roll"})
    officer.post(f"/api/v1/notices/{gone['id']}/withdraw", json={"reason": "重复发布"})

    everything = html(client.get("/documents"))  # all in force, exposure notices first
    assert roll["serial"] in everything and gone["serial"] not in everything
    assert everything.index(exposure["serial"]) < everything.index(roll["serial"])
    assert 'aria-current="page">全部有效公告' in everything
    rolls = html(client.get("/documents?kind=honor_roll"))
    assert roll["serial"] in rolls and exposure["serial"] not in rolls
    exposures = html(client.get("/documents?kind=exposure&district=310104"))
    assert exposure["serial"] in exposures
    pdf = client.get(f"/api/public/v1/documents/{exposure['serial']}/pdf")
    assert f'href="/api/public/v1/documents/{exposure["serial"]}/pdf"' in exposures
    assert pdf.mimetype == "application/pdf"
    assert exposure["serial"] not in html(client.get("/documents?kind=exposure&district=310106"))
    html(client.get("/documents?kind=placard"), 400)

    listed = html(client.get("/honor-roll?district=310104"))
    assert "甲记蔬菜" in listed and "曝光摊" not in listed


def test_demonstration_communities_and_units(world, client):
    street = world.street(name="徐家汇街道")
    db.session.add(
        Community(street_id=street.id, name="汇成社区", status="accepted", accepted_on=TODAY)
    )
    unit = world.merchant(name="示范眼镜店", trade="optical_shop")
    lapsed = world.merchant(name="过期示范店")
    for merchant, until in (
        (unit, TODAY + timedelta(days=300)),
        (lapsed, TODAY - timedelta(days=1)),
    ):
        db.session.add(
            DemonstrationUnit(
                merchant_id=merchant.id,
                district_code=merchant.district_code,
                route="applied",
                status="designated",
                filed_by="test",
                filed_on=TODAY - timedelta(days=400),
                designated_on=TODAY - timedelta(days=365),
                valid_until=until,
            )
        )
    db.session.commit()
    listing = publish(world.district(), {"kind": "demonstration"})

    page = html(client.get("/demonstrations"))
    assert "汇成社区" in page and listing["serial"] in page
    assert "示范眼镜店" in page and "过期示范店" not in page
    assert "汇成社区" not in html(client.get("/demonstrations?district=310106"))
    business = html(client.get(f"/merchants/{unit.uscc}"))
    assert (TODAY + timedelta(days=300)).isoformat() in business


def test_verify_form_sends_the_serial_to_the_verify_page(client):
    assert 'name="serial"' in html(client.get("/verify"))
    response = client.get("/verify?serial=shjl-310104-2026-000012-2")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verify/SHJL-310104-2026-000012-2")


def test_how_grades_work_follows_the_policy_in_force(world, client):
    page = html(client.get("/grades"))
    assert '<td class="number">40</td>' in page and "现行第 2 版评分规则" in page
    document = {
        **DEFAULT_POLICY,
        "version": 3,
        "deductions": {
            **DEFAULT_POLICY["deductions"],
            "finding": {"serious": 50, "major": 15, "minor": 5},
        },
    }
    policies.create(Principal(role="city"), document, "严重违法扣分提高")
    db.session.commit()
    page = html(client.get("/grades"))
    assert '<td class="number">50</td>' in page and '<td class="number">40</td>' not in page
    assert "现行第 3 版评分规则" in page


def test_an_approved_reply_is_shown_next_to_the_record(world, client):
    merchant = world.merchant(name="回应商户")
    for text, status in (("已更换检定合格的电子秤", "approved"), ("待审核的回应", "pending")):
        db.session.add(
            MerchantReply(
                merchant_id=merchant.id,
                district_code=merchant.district_code,
                text=text,
                status=status,
                submitted_by="test",
            )
        )
    db.session.commit()
    page = html(client.get(f"/merchants/{merchant.uscc}"))
    assert "已更换检定合格的电子秤" in page and "待审核的回应" not in page


def test_pages_are_accessible_in_structure(world, client):
    """One h1, no skipped heading level, a label for every field, the page's language."""
    merchant = world.merchant(name="结构商户")
    inspect(world, merchant, ["UNVERIFIED"])
    pages = [
        "/",
        "/merchants?q=结构",
        f"/merchants/{merchant.uscc}",
        "/documents",
        "/honor-roll",
        "/demonstrations",
        "/verify",
        "/grades",
        "/login",
    ]
    for url in pages:
        page = html(client.get(url))
        assert re.search(r'<html lang="zh-CN">', page), url
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", page)]
        assert levels.count(1) == 1 and levels[0] == 1, url
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
        fields = re.findall(
            r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page
        )
        labelled = set(re.findall(r'<label for="([^"]+)"', page))
        assert set(fields) <= labelled, (url, set(fields) - labelled)
        visible = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")', page)
        assert len(visible) == len(fields), url  # every visible field has an id to label
