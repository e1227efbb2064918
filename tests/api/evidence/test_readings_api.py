"""Fair-scale readings: verdicts, idempotent resends, per-item errors, scope of the listing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs import rescore
from creditsvc.models import DirtyMerchant, Market, Merchant, Reading, Stall
from creditsvc.models.market import Device
from creditsvc.principals import Principal
from creditsvc.schemas.readings import ReadingBatchOut
from creditsvc.services.standing import policies
from tests.factories import Caller
from tests.statements import executed

URL = "/api/v1/readings"
# Recent enough for READING_MAX_AGE_DAYS.
DAY = clock.today() - timedelta(days=10)
NEXT_DAY = DAY + timedelta(days=1)
WHEN = f"{DAY}T10:00:00"  # naive: Asia/Shanghai, i.e. 02:00 UTC


@dataclass
class Scale:
    """A market with a device, a merchant at stall A-1 and an empty stall B-2."""

    market: Market
    merchant: Merchant
    device: Device
    caller: Caller


def add_stall(market: Market, number: str, merchant: Merchant | None = None) -> Stall:
    stall = Stall(market_id=market.id, number=number, merchant_id=merchant.id if merchant else None)
    db.session.add(stall)
    db.session.commit()
    return stall


@pytest.fixture
def scale(world) -> Scale:
    market = world.market()
    merchant = world.merchant(market=market)
    add_stall(market, "A-1", merchant)
    add_stall(market, "B-2")
    device, caller, _ = world.device(market, "FS-1")
    return Scale(market, merchant, device, caller)


def reading(seq: int, **changes) -> dict:
    item = {
        "seq": seq,
        "time": WHEN,
        "settled_g": 1000,
        "measured_g": 990,
        "category": "vegetable",
        "stall": "A-1",
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


def post(caller: Caller, *items: dict):
    return caller.post(URL, json={"readings": list(items)})


def count_readings() -> int:
    return db.session.scalar(select(func.count()).select_from(Reading))


# Verdicts -------------------------------------------------------------------------


def test_band_1_vegetable_short_and_within(scale):
    # 附表1 band 1, (0, 1000] g: deviation 20 g; an ordinary scale has k = 2, limit 40 g.
    response = post(scale.caller, reading(1, measured_g=950), reading(2, measured_g=970))
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (2, 0, 0)
    short, within = body["results"]
    assert short == {
        "index": 0,
        "seq": 1,
        "verdict": "short",
        "shortfall_g": 50.0,
        "limit_g": 40.0,
        "band": "1",
        "reason": short["reason"],
        "reason_code": None,  # the scale itself is verified (issue 20)
    }
    assert "exceeds" in short["reason"]
    assert (within["verdict"], within["shortfall_g"], within["limit_g"]) == ("within", 30.0, 40.0)
    stored = db.session.scalars(select(Reading).order_by(Reading.seq)).all()
    assert [(r.verdict, r.band, r.k, r.limit_g, r.shortfall_g) for r in stored] == [
        ("short", "1", 2, 40.0, 50.0),
        ("within", "1", 2, 40.0, 30.0),
    ]
    first = stored[0]
    assert first.merchant_id == scale.merchant.id and first.device_id == scale.device.id
    assert first.measured_at == datetime.combine(DAY, time(2), tzinfo=UTC)
    assert datetime.now(UTC) - first.received_at < timedelta(minutes=1)


def test_a_high_accuracy_scale_halves_the_limit(world, scale):
    _, precise, _ = world.device(scale.market, "FS-HA", high_accuracy=True)
    result = post(precise, reading(1, measured_g=970)).json["results"][0]
    assert (result["verdict"], result["limit_g"], result["shortfall_g"]) == ("short", 20.0, 30.0)
    assert db.session.scalar(select(Reading.k)) == 1


@pytest.mark.parametrize(
    "changes",
    [{"category": "live_fish"}, {"category": "water_soaked"}, {"settled_g": 30000}],
)
def test_not_assessable_readings_are_stored_without_a_limit(scale, changes):
    result = post(scale.caller, reading(1, measured_g=500, **changes)).json["results"][0]
    assert result["verdict"] == "not_assessable"
    assert result["limit_g"] is None
    assert result["shortfall_g"] > 0
    assert db.session.scalar(select(Reading.verdict)) == "not_assessable"


def test_category_and_price_disagree_stricter_by_default(app, scale):
    # vegetable is band 1 (20 g at 1000 g); 50 yuan/kg is band 3 (2 g at 1000 g).
    item = reading(1, measured_g=990, unit_price=50)
    stricter = post(scale.caller, item).json["results"][0]
    assert (stricter["band"], stricter["limit_g"], stricter["verdict"]) == ("3", 4.0, "short")
    assert "band_rule=stricter" in stricter["reason"]
    document = {**policies.current().document, "version": 3, "retail_band_rule": "category"}
    policies.create(Principal(role="city"), document, "category decides the band")
    db.session.commit()
    by_category = post(scale.caller, {**item, "seq": 2}).json["results"][0]
    assert (by_category["band"], by_category["limit_g"], by_category["verdict"]) == (
        "1",
        40.0,
        "within",
    )
    stored = db.session.scalars(select(Reading).order_by(Reading.seq)).all()
    assert [(r.band, r.unit_price, r.category) for r in stored] == [
        ("3", 50.0, "vegetable"),
        ("1", 50.0, "vegetable"),
    ]


def test_a_merchant_by_uscc_normalised_and_trading_by_stall(world, scale):
    elsewhere = world.merchant()  # registered in no market, but holds a stall here
    add_stall(scale.market, "C-3", elsewhere)
    code = scale.merchant.uscc
    body = post(
        scale.caller,
        reading(1, stall=None, merchant=f"  {code[:9]} {code[9:].lower()} "),
        reading(2, stall=None, merchant=elsewhere.uscc),
    ).json
    assert body["accepted"] == 2, body
    stored = db.session.scalars(select(Reading).order_by(Reading.seq)).all()
    assert [(r.merchant_id, r.stall_id) for r in stored] == [
        (scale.merchant.id, None),
        (elsewhere.id, None),
    ]


# Idempotence ----------------------------------------------------------------------


def test_the_same_batch_twice_is_stored_once(scale):
    batch = [reading(seq, measured_g=950 + seq) for seq in range(5)]
    first = post(scale.caller, *batch).json
    assert (first["accepted"], first["duplicate"]) == (5, 0)
    again = post(scale.caller, *batch).json
    assert (again["accepted"], again["duplicate"], again["rejected"]) == (0, 5, 0)
    assert again["results"] == []
    assert again["duplicates"] == [{"index": i, "seq": i} for i in range(5)]
    assert count_readings() == 5


def test_a_seq_repeated_in_one_batch_keeps_the_first_copy(scale):
    body = post(
        scale.caller, reading(7, measured_g=950), reading(8), reading(7, measured_g=999)
    ).json
    assert (body["accepted"], body["duplicate"]) == (2, 1)
    assert body["duplicates"] == [{"index": 2, "seq": 7}]
    assert db.session.scalar(select(Reading.measured_g).where(Reading.seq == 7)) == 950.0


def test_a_partly_new_batch_stores_only_the_new(scale):
    post(scale.caller, reading(1), reading(2))
    body = post(scale.caller, reading(2), reading(3)).json
    assert [r["seq"] for r in body["results"]] == [3]
    assert body["duplicates"] == [{"index": 0, "seq": 2}]
    assert count_readings() == 3


def test_seqs_are_per_device(world, scale):
    _, other, _ = world.device(scale.market, "FS-2")
    assert post(scale.caller, reading(1)).json["accepted"] == 1
    assert post(other, reading(1)).json["accepted"] == 1
    assert count_readings() == 2


# Bad items ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"measured_g": None}, "measured_g"),
        ({"time": None}, "time"),
        ({"measured_g": -1}, "measured_g"),
        ({"settled_g": 0}, "settled_g"),
        ({"unit_price": -3}, "unit_price"),
        ({"category": "tobacco"}, "category"),
        ({"seq": -1}, "seq"),
        ({"seq": 1.5}, "seq"),
        ({"seq": 2**63}, "seq"),
        ({"time": "yesterday"}, "time"),
        ({"time": "FUTURE"}, "time"),
        ({"merchant": "MERCHANT"}, "stall"),  # both stall and merchant
        ({"stall": None}, "stall"),  # neither
        ({"stall": "Z-9"}, "stall"),  # no such stall in the market
        ({"stall": "B-2"}, "stall"),  # a stall without a merchant
        ({"stall": None, "merchant": "OTHER"}, "merchant"),  # trades in another market
        ({"stall": None, "merchant": "9131000000000000XX"}, "merchant"),  # unknown
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_item_is_rejected_with_its_index_and_field(world, scale, item, field):
    other = world.merchant(market=world.market())
    codes = {
        "MERCHANT": scale.merchant.uscc,
        "OTHER": other.uscc,
        "FUTURE": (datetime.now(UTC) + timedelta(minutes=11)).isoformat(),
    }
    changes = {k: codes.get(v, v) if isinstance(v, str) else v for k, v in item.items()}
    bad = reading(5, **{k: v for k, v in changes.items() if k != "seq"})
    bad["seq"] = changes.get("seq", 5)
    response = post(scale.caller, reading(1), bad, reading(2))
    assert response.status_code == 200
    body = response.json
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (2, 0, 1)
    assert [(e["index"], e["field"]) for e in body["errors"]] == [(1, field)]
    assert body["errors"][0]["reason"]
    # the seq is echoed whenever it is an integer, to help the scale find the item
    assert body["errors"][0]["seq"] == (bad["seq"] if isinstance(bad["seq"], int) else None)
    assert sorted(db.session.scalars(select(Reading.seq))) == [1, 2]


def test_a_scale_clock_a_little_fast_or_in_utc_is_accepted(scale):
    soon = (datetime.now(UTC) + timedelta(minutes=5)).replace(microsecond=0)
    body = post(
        scale.caller,
        reading(1, time=soon.isoformat()),
        reading(2, time=f"{DAY}T02:00:00Z"),
    ).json
    assert body["accepted"] == 2, body
    stored = db.session.scalars(select(Reading.measured_at).order_by(Reading.seq)).all()
    assert stored == [soon, datetime.combine(DAY, time(2), tzinfo=UTC)]


def test_an_item_that_is_not_an_object_and_one_with_many_faults(scale):
    body = post(scale.caller, "nonsense", {**reading(1, category="?"), "seq": "x"}, reading(2)).json
    assert (body["accepted"], body["rejected"]) == (1, 2)
    assert [(e["index"], e["seq"], e["field"]) for e in body["errors"]] == [
        (0, None, None),
        (1, None, "seq"),
        (1, None, "category"),
    ]


def test_the_answer_has_exactly_the_documented_shape(scale):
    post(scale.caller, reading(1))
    body = post(scale.caller, reading(1), reading(2), reading(3), reading(4, stall="Z-9")).json
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (2, 1, 1)
    assert ReadingBatchOut().dump(body) == body
    assert ReadingBatchOut().validate(body) == {}


def test_a_rejected_item_does_not_claim_its_seq(scale):
    body = post(scale.caller, reading(4, stall="Z-9"), reading(4)).json
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (1, 0, 1)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({}, "Missing data"),
        ({"readings": "all of them"}, "Not a valid list"),
        ({"readings": {"seq": 1}}, "Not a valid list"),
        ({"readings": []}, "from 1 to 1000"),
        ({"readings": [reading(i) for i in range(1001)]}, "from 1 to 1000"),
        ({"readings": [reading(1)], "device": "FS-9"}, "Unknown field"),
    ],
)
def test_a_bad_envelope_fails_the_whole_batch(scale, payload, reason):
    response = scale.caller.post(URL, json=payload)
    assert response.status_code == 422
    assert response.json["code"] == 422
    assert reason in str(response.json["errors"]["json"])
    assert count_readings() == 0


def test_a_full_batch_of_1000_is_accepted(scale):
    body = post(scale.caller, *(reading(i) for i in range(1000))).json
    assert body["accepted"] == 1000
    assert count_readings() == 1000


# Who may post ----------------------------------------------------------------------


def test_only_a_device_with_a_live_token_may_post(world, scale):
    assert post(world.anonymous(), reading(1)).status_code == 401
    assert post(Caller(world.client, "cs_not-a-token"), reading(1)).status_code == 401
    assert post(world.district(), reading(1)).status_code == 403
    assert post(world.host(scale.market), reading(1)).status_code == 403
    _, revoked, row = world.device(scale.market, "FS-R")
    row.revoked_at = datetime.now(UTC)
    db.session.commit()
    assert post(revoked, reading(1)).status_code == 401
    assert count_readings() == 0


def test_accepted_readings_mark_their_merchant_dirty_in_the_outbox(app, world, scale, redis_url):
    # With a queue configured (and no worker), the mark stays until a job rescores.
    app.config["REDIS_URL"] = redis_url
    untouched = world.merchant(market=scale.market)
    post(scale.caller, reading(1), reading(2, stall="Z-9"))
    dirty = db.session.scalars(select(DirtyMerchant)).all()
    assert [(d.merchant_id, d.reason) for d in dirty] == [(scale.merchant.id, "reading")]
    assert untouched.id not in {d.merchant_id for d in dirty}


def test_a_batch_of_only_duplicates_and_errors_marks_no_one(scale):
    post(scale.caller, reading(1))
    db.session.execute(DirtyMerchant.__table__.delete())
    db.session.commit()
    post(scale.caller, reading(1), reading(2, stall="Z-9"))
    assert db.session.scalar(select(func.count()).select_from(DirtyMerchant)) == 0


def test_a_device_request_finds_its_token_and_scale_in_one_statement(monkeypatch, scale):
    # A scale posts all day: its bearer token, the scale and the user slot are one SELECT
    # (creditsvc/auth.py), and one reading costs the statements below, no more.
    monkeypatch.setattr(rescore, "rescore_soon", lambda: None)  # only the ingest's own
    policies.current()  # the default policy is written once, on first use
    db.session.commit()
    response, sql = executed(lambda: post(scale.caller, reading(1)))
    assert response.json["accepted"] == 1
    named = [re.search(r"\b(?:FROM|INTO)\s+(\w+)|\b(pg_advisory_xact_lock)\b", s) for s in sql]
    tables = [m.group(1) or m.group(2) for m in named]
    # PostgreSQL: the device's seqs already stored at any time (partitioned readings).
    guard = ["pg_advisory_xact_lock", "readings"] if db.engine.dialect.name == "postgresql" else []
    # The reading's day is tallied in the INSERT's own statement on PostgreSQL (a CTE),
    # by a second upsert on SQLite.
    days = [] if db.engine.dialect.name == "postgresql" else ["reading_days"]
    assert tables == [
        "api_tokens",  # with its device and user joined
        "stalls",
        "scoring_policies",  # the one in force (services/policies.py)
        *guard,
        "readings",
        *days,
        "dirty_merchants",
    ]
    assert "JOIN devices" in sql[0] and "JOIN users" in sql[0]


def test_the_queries_do_not_grow_with_the_batch(monkeypatch, world, scale):
    monkeypatch.setattr(rescore, "rescore_soon", lambda: None)  # only the ingest's own
    policies.current()  # the default policy is written once, on first use
    db.session.commit()
    codes = []
    for i in range(3):
        merchant = world.merchant(market=scale.market)
        add_stall(scale.market, f"D-{i}", merchant)
        codes.append(merchant.uscc)

    def statements(first_seq: int, size: int) -> list[str]:
        items = [
            reading(first_seq + i, stall=f"D-{i % 3}")
            if i % 2
            else reading(first_seq + i, stall=None, merchant=codes[i % 3])
            for i in range(size)
        ]
        response, seen = executed(lambda: post(scale.caller, *items))
        assert response.json["accepted"] == size
        return [sql.split("(")[0].strip() for sql in seen]

    small, large = statements(0, 4), statements(100, 600)
    assert len(small) == len(large)
    # token with its device, stalls, merchants, policy; one INSERT ... RETURNING that adds
    # the days' tallies (PostgreSQL: a CTE; SQLite: a second upsert); one outbox upsert
    writes = [sql for sql in large if sql.startswith(("INSERT", "WITH"))]
    if db.engine.dialect.name == "postgresql":
        assert writes == ["WITH stored AS", "INSERT INTO dirty_merchants"]
    else:
        assert writes == [
            "INSERT INTO readings",
            "INSERT INTO reading_days",
            "INSERT INTO dirty_merchants",
        ]


# Listing ---------------------------------------------------------------------------


def test_the_listing_is_scoped_and_filtered(world, scale):
    post(scale.caller, reading(1, measured_g=950), reading(2, time=f"{NEXT_DAY}T10:00:00+08:00"))
    jingan = world.market(world.JINGAN)
    jingan_merchant = world.merchant(world.JINGAN, market=jingan)
    add_stall(jingan, "J-1", jingan_merchant)
    _, jingan_scale, _ = world.device(jingan, "FS-J")
    post(jingan_scale, reading(1, stall="J-1"))

    def seqs(caller, query=""):
        response = caller.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json
        return [(i["device"], i["seq"]) for i in response.json["items"]]

    ours = [("FS-1", 2), ("FS-1", 1)]  # newest first
    # FS-J's reading has the same time as FS-1's first; the later id comes first.
    assert seqs(world.city()) == [("FS-1", 2), ("FS-J", 1), ("FS-1", 1)]
    assert seqs(world.district(world.XUHUI)) == ours
    assert seqs(world.district(world.JINGAN)) == [("FS-J", 1)]
    assert seqs(world.district("310101")) == []
    assert seqs(world.host(scale.market)) == ours
    assert seqs(world.host(world.market())) == []
    city = world.city()
    assert seqs(city, "verdict=short") == [("FS-1", 1)]
    assert seqs(city, f"merchant={scale.merchant.uscc.lower()}") == ours
    assert seqs(city, "device=FS-J") == [("FS-J", 1)]
    day_after = NEXT_DAY + timedelta(days=1)
    assert seqs(city, f"since={NEXT_DAY}T00:00:00&until={day_after}T00:00:00") == [("FS-1", 2)]
    assert seqs(city, "per_page=1&page=2") == [("FS-J", 1)]


def test_the_listing_shows_the_stored_figures(world, scale):
    post(scale.caller, reading(1, measured_g=950, unit_price=4))
    item = world.district().get(URL).json["items"][0]
    assert item["merchant"] == scale.merchant.uscc and item["stall"] == "A-1"
    assert (item["verdict"], item["limit_g"], item["shortfall_g"], item["k"]) == (
        "short",
        40.0,
        50.0,
        2,
    )
    assert item["time"] == f"{DAY}T10:00:00+08:00"  # Shanghai time, with its offset


def test_devices_merchants_and_strangers_may_not_list(world, scale):
    assert scale.caller.get(URL).status_code == 403
    assert world.merchant_user(scale.merchant).get(URL).status_code == 403
    assert world.anonymous().get(URL).status_code == 401
