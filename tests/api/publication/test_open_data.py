"""Public open data, no login: documents in force and their verification, honor rolls,
demonstration listings, business search, each also as CSV; published fields only, no
personal data. And who qualifies for an honor roll or a demonstration listing."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta

from creditsvc import clock, spreadsheets
from creditsvc.extensions import db
from creditsvc.models import Community, Street
from notices.serials import check_digit
from tests.documents import pdf_of, pdf_text
from tests.factories import complain, draft, exposure_body, inspect, penalise, publish

TODAY = clock.today()
PUBLIC = "/api/public/v1"


def parse_csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def honor_roll_city(world):
    """Two grade-A stalls with signed commitments in Xuhui, one in Jing'an."""
    signed = TODAY - timedelta(days=30)
    street = world.street(name="斜土路街道")
    for name in ("甲记蔬菜", "乙记水果"):
        inspect(
            world, world.merchant(name=name, street_id=street.id, commitment_signed_on=signed), ()
        )
    jingan = world.merchant(world.JINGAN, name="静安粮油", commitment_signed_on=signed)
    inspect(world, jingan, ())


def test_documents_in_force_are_listed_filtered_and_exported(world):
    honor_roll_city(world)
    penalise(
        world, world.merchant(name="曝光摊"), "徐市监罚〔2026〕101号", TODAY - timedelta(days=4)
    )
    xuhui, jingan = world.district(), world.district(world.JINGAN)
    exposure = publish(xuhui, exposure_body())
    roll = publish(xuhui, {"kind": "honor_roll"})
    other = publish(jingan, {"kind": "honor_roll", "district": "310106"})
    gone = publish(xuhui, {"kind": "honor_roll"})
    xuhui.post(f"/api/v1/notices/{gone['id']}/withdraw", json={"reason": "重复发布"})
    anonymous = world.anonymous()

    listed = anonymous.get(f"{PUBLIC}/documents").json
    assert {d["serial"] for d in listed["items"]} == {
        exposure["serial"],
        roll["serial"],
        other["serial"],
    }
    assert all(d["in_force"] and d["verify_url"].endswith(d["serial"]) for d in listed["items"])
    kinds = anonymous.get(f"{PUBLIC}/documents?kind=exposure&district=310104").json["items"]
    assert [(d["serial"], d["kind_name"]) for d in kinds] == [
        (exposure["serial"], "计量违法行为曝光通报")
    ]
    paged = anonymous.get(f"{PUBLIC}/documents?per_page=2&page=2").json
    assert (paged["total"], paged["pages"], len(paged["items"])) == (3, 2, 1)
    assert anonymous.get(f"{PUBLIC}/documents?kind=memo").status_code == 422

    rows = parse_csv(anonymous.get(f"{PUBLIC}/documents.csv?district=310104"))
    assert {r["serial"] for r in rows} == {exposure["serial"], roll["serial"]}
    assert {r["bureau"] for r in rows} == {"上海市徐汇区市场监督管理局"}


def test_a_document_in_force_is_downloadable_by_serial_with_its_etag(world):
    penalise(
        world, world.merchant(name="公开下载摊"), "徐市监罚〔2026〕102号", TODAY - timedelta(days=2)
    )
    officer = world.district()
    notice = publish(officer, exposure_body())
    url = f"{PUBLIC}/documents/{notice['serial']}/pdf"
    response = world.anonymous().get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == notice["sha256"]
    assert response.headers["ETag"] == f'"{notice["sha256"]}"'
    assert (
        world.anonymous().get(url, headers={"If-None-Match": f'"{notice["sha256"]}"'}).status_code
        == 304
    )
    verified = world.anonymous().get(f"{PUBLIC}/documents/{notice['serial']}").json
    assert verified["pdf_url"] == url

    officer.post(f"/api/v1/notices/{notice['id']}/withdraw", json={"reason": "信用修复"})
    assert world.anonymous().get(url).status_code == 410
    assert world.anonymous().get(f"{PUBLIC}/documents/{notice['serial']}").json["pdf_url"] is None


def test_honor_roll_entries_of_rolls_in_force(world):
    honor_roll_city(world)
    publish(world.district(), {"kind": "honor_roll"})
    publish(world.district(world.JINGAN), {"kind": "honor_roll", "district": "310106"})
    anonymous = world.anonymous()

    xuhui = anonymous.get(f"{PUBLIC}/honor-roll?district=310104").json
    assert [e["name"] for e in xuhui["items"]] == ["乙记水果", "甲记蔬菜"]  # by code point
    first = xuhui["items"][0]
    assert (first["street"], first["trade"], first["grade"], first["demonstration"]) == (
        "斜土路街道",
        "集贸市场摊位",
        "A",
        False,
    )
    assert anonymous.get(f"{PUBLIC}/honor-roll?per_page=1").json["pages"] == 3
    rows = parse_csv(anonymous.get(f"{PUBLIC}/honor-roll.csv"))
    assert sorted(r["name"] for r in rows) == ["乙记水果", "甲记蔬菜", "静安粮油"]
    assert set(rows[0]) == {
        "serial",
        "district",
        "street",
        "trade",
        "name",
        "uscc",
        "address",
        "grade",
        "as_of",
        "demonstration",
    }


def test_demonstrations_on_listings_in_force(world):
    street = world.street(name="徐家汇街道")
    for name, status in (("汇成社区", "accepted"), ("申请中社区", "applying")):
        db.session.add(Community(street_id=street.id, name=name, status=status, accepted_on=TODAY))
    db.session.commit()
    assert world.anonymous().get(f"{PUBLIC}/demonstrations").json == []
    publish(world.district(), {"kind": "demonstration"})

    listed = world.anonymous().get(f"{PUBLIC}/demonstrations?district=310104").json
    assert [(c["name"], c["street"], c["status"]) for c in listed] == [
        ("汇成社区", "徐家汇街道", "accepted")
    ]
    assert world.anonymous().get(f"{PUBLIC}/demonstrations?district=310106").json == []
    rows = parse_csv(world.anonymous().get(f"{PUBLIC}/demonstrations.csv"))
    assert [(r["name"], r["accepted_on"]) for r in rows] == [("汇成社区", TODAY.isoformat())]


def test_merchant_search_as_csv_has_published_fields_only(world):
    market = world.market(name="天钥桥菜市场")
    stall = world.merchant(market=market, name="钱记豆制品", address="天钥桥路1号")
    world.merchant(world.JINGAN, name="静安眼镜", trade="optical_shop")
    inspect(world, stall, ("UNVERIFIED",))
    complain(world.district(), stall, contact="孙女士 13800000000")

    response = world.anonymous().get(f"{PUBLIC}/merchants.csv?district=310104")
    rows = parse_csv(response)
    assert [(r["name"], r["grade"], r["market"], r["rated"]) for r in rows] == [
        ("钱记豆制品", "B", "天钥桥菜市场", "True")
    ]
    assert set(rows[0]) == {
        "uscc",
        "name",
        "trade",
        "district",
        "street",
        "market",
        "stall",
        "rated",
        "grade",
        "as_of",
    }
    text = response.data.decode("utf-8-sig")
    assert "13800000000" not in text and "孙女士" not in text and "天钥桥路1号" not in text
    everyone = parse_csv(world.anonymous().get(f"{PUBLIC}/merchants.csv"))
    assert len(everyone) == 2


def test_a_city_export_is_sent_in_pieces_from_a_connection_held_while_it_is_read(
    world, app, monkeypatch
):
    """200,000 businesses are 21 MB of CSV: sent as read, never held whole in a worker."""
    monkeypatch.setattr(spreadsheets, "CSV_PIECE_ROWS", 2)
    names = [f"分批商户{i}" for i in range(5)]
    for name in names:
        world.merchant(name=name)
    db.session.commit()  # the export reads on a connection of its own
    pool = db.engine.pool
    idle = pool.checkedout()
    client = app.test_client()

    response = client.get(f"{PUBLIC}/merchants.csv", buffered=False)
    assert response.is_streamed and response.headers["Cache-Control"].startswith("public")
    pieces = list(response.response)
    response.close()
    assert len(pieces) == 1 + 3  # the header, then two, two and one rows
    rows = csv.DictReader(io.StringIO(b"".join(pieces).decode("utf-8-sig")))
    assert [row["name"] for row in rows] == sorted(names)
    assert pool.checkedout() == idle

    stopped = client.get(f"{PUBLIC}/merchants.csv", buffered=False)
    sent = iter(stopped.response)
    next(sent), next(sent)  # the header and two rows, then the client goes away
    assert pool.checkedout() == idle + 1  # the export's connection, while it is read
    stopped.close()
    assert pool.checkedout() == idle  # back all the same


def test_unknown_and_mistyped_serials_are_a_clear_404(world):
    right = "SHJL-310104-2026-000999-" + check_digit("3101042026000999")
    wrong = right[:-1] + str((int(right[-1]) + 1) % 10)
    anonymous = world.anonymous()
    unknown = anonymous.get(f"{PUBLIC}/documents/{right}")
    assert unknown.status_code == 404 and "no document" in unknown.json["message"]
    mistyped = anonymous.get(f"{PUBLIC}/documents/{wrong}")
    assert mistyped.status_code == 404 and "check digit" in mistyped.json["message"]
    page = anonymous.get(f"/verify/{wrong}")
    assert page.status_code == 404 and "未找到" in page.get_data(as_text=True)
    assert "校验位" in page.get_data(as_text=True)  # the check digit, in the page's language
    garbage = anonymous.get("/verify/<img src=x onerror=alert(1)>")
    assert garbage.status_code == 404 and "<img src=x" not in garbage.get_data(as_text=True)


# Who qualifies for an honor roll and a demonstration listing ------------------------


def test_honor_roll_lists_clean_committed_grade_a_businesses_by_street_and_trade(world):
    east, west = world.street(name="东街道"), world.street(name="西街道")
    signed = TODAY - timedelta(days=100)
    shop = world.merchant(
        name="东街眼镜店", trade="optical_shop", street_id=east.id, commitment_signed_on=signed
    )
    stall = world.merchant(name="东街菜摊", street_id=east.id, commitment_signed_on=signed)
    west_stall = world.merchant(name="西街菜摊", street_id=west.id, commitment_signed_on=signed)
    unsigned = world.merchant(name="未承诺摊", street_id=east.id)
    recent_major = world.merchant(name="近期违法摊", street_id=east.id, commitment_signed_on=signed)
    for merchant in (shop, stall, west_stall, unsigned):
        inspect(world, merchant, findings=())
    inspect(world, recent_major, findings=("UNVERIFIED",), on=TODAY - timedelta(days=330))
    inspect(world, recent_major, findings=())
    world.merchant(world.JINGAN, name="静安摊", commitment_signed_on=signed)

    notice = draft(world.district(), kind="honor_roll")
    names = [
        (e["content"]["street"], e["content"]["trade"], e["content"]["name"])
        for e in notice["entries"]
    ]
    assert names == [
        ("东街道", "集贸市场摊位", "东街菜摊"),
        ("东街道", "眼镜店", "东街眼镜店"),
        ("西街道", "集贸市场摊位", "西街菜摊"),
    ]
    assert all(e["content"]["demonstration"] is False for e in notice["entries"])
    assert "签署诚信计量自我承诺书" in notice["entries"][0]["qualifies"]


def test_demonstration_listing_names_accepted_and_re_evaluated_communities(world):
    street = world.street(name="斜土路街道")
    for name, status in (
        ("甲社区", "accepted"),
        ("乙社区", "re_evaluated"),
        ("丙社区", "applying"),
        ("丁社区", "revoked"),
    ):
        db.session.add(
            Community(
                street_id=street.id,
                name=name,
                status=status,
                accepted_on=TODAY - timedelta(days=400),
            )
        )
    other = Street(district_code=world.JINGAN, name="静安寺街道")
    db.session.add(other)
    db.session.flush()
    db.session.add(
        Community(street_id=other.id, name="静安社区", status="accepted", accepted_on=TODAY)
    )
    db.session.commit()

    notice = publish(world.district(), {"kind": "demonstration"})
    assert [e["content"]["name"] for e in notice["entries"]] == ["甲社区", "乙社区"]
    text = pdf_text(pdf_of(world.district(), notice["pdf_url"]).data)
    assert "甲社区" in text and "丙社区" not in text


def test_a_correction_leaves_off_what_was_withdrawn(world):
    signed = TODAY - timedelta(days=10)
    for name in ("一号摊", "二号摊"):
        inspect(world, world.merchant(name=name, commitment_signed_on=signed), findings=())
    officer = world.district()
    roll = publish(officer, {"kind": "honor_roll"})
    first = roll["entries"][0]
    url = f"/api/v1/notices/{roll['id']}/entries/{first['id']}/withdraw"
    assert officer.post(url, json={"reason": "经营者注销"}).status_code == 200

    # The entry left at once; a corrected version without it superseded the roll (rendered
    # inline here, without Redis), and nothing withdrawn comes back by a correction.
    shown = officer.get(f"/api/v1/notices/{roll['id']}").json
    assert shown["status"] == "superseded"
    correction = officer.get(f"/api/v1/notices/{shown['superseded_by']}").json
    assert correction["status"] == "published"
    names = [e["content"]["name"] for e in correction["entries"]]
    assert names == [e["content"]["name"] for e in roll["entries"][1:]]
    again = officer.post(f"/api/v1/notices/{correction['id']}/correct", json={"reason": "重新列示"})
    assert again.status_code == 201
    assert [e["content"]["name"] for e in again.json["entries"]] == names
