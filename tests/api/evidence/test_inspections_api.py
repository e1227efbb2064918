"""Inspections: findings, penalties and net-content lots judged by JJF 1070."""

from datetime import timedelta

import pytest

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import AuditEntry, CurrentScore, DirtyMerchant, Inspection, Instrument

TODAY = clock.today().isoformat()


def payload(merchant, **extra):
    data = {
        "merchant": merchant.uscc,
        "inspected_on": TODAY,
        "kind": "routine",
        "officers": ["张三"],
    }
    data.update(extra)
    return data


def lot(batch_size, measurements, nominal="500"):
    return {
        "product": "大米",
        "nominal": nominal,
        "unit": "g",
        "batch_size": batch_size,
        "measurements": [str(m) for m in measurements],
    }


def test_a_clean_inspection(world):
    merchant = world.merchant()
    response = world.district().post("/api/v1/inspections", json=payload(merchant))
    assert response.status_code == 201
    assert response.json["clean"] is True and response.json["findings"] == []
    standing = db.session.get(CurrentScore, merchant.id)  # rescored in-process, no Redis
    assert (standing.score, standing.grade) == (100.0, "A")
    assert db.session.query(AuditEntry).filter_by(entity="inspections").count() == 1


def test_findings_take_the_catalogue_severity_unless_given(world):
    merchant = world.merchant()
    db.session.add(
        Instrument(
            merchant_id=merchant.id,
            district_code=merchant.district_code,
            kind="pricing_scale",
            serial="ACS-1",
        )
    )
    db.session.commit()
    findings = [
        {"code": "UNVERIFIED", "instrument": "ACS-1"},
        {"code": "REFUSE_RECHECK", "severity": "major", "description": "拒绝复称"},
    ]
    response = world.district().post(
        "/api/v1/inspections", json=payload(merchant, findings=findings)
    )
    assert response.status_code == 201
    got = [(f["code"], f["severity"], f["instrument"]) for f in response.json["findings"]]
    assert got == [("UNVERIFIED", "major", "ACS-1"), ("REFUSE_RECHECK", "major", None)]


def test_a_passing_lot_stays_clean(world):
    merchant = world.merchant()
    measurements = [500, 501, 499.5, 502, 500, 500.5, 499.8, 500, 501, 500, 500, 500.2, 499.9]
    response = world.district().post(
        "/api/v1/inspections", json=payload(merchant, lots=[lot(60, measurements)])
    )
    assert response.status_code == 201
    result = response.json["lots"][0]
    assert result["verdict"] == "pass"
    assert (result["tolerance"], result["t1"], result["t2"]) == ("15.000", 0, 0)
    assert result["mean_limit"] is not None
    assert response.json["clean"] is True


def test_a_failing_lot_becomes_a_short_prepack_finding(world):
    merchant = world.merchant()
    measurements = [500] * 12 + [460]  # one unit below Qn − 2T = 470: a T2 defect
    response = world.district().post(
        "/api/v1/inspections", json=payload(merchant, lots=[lot(60, measurements)])
    )
    assert response.status_code == 201
    result = response.json["lots"][0]
    assert (result["verdict"], result["t2"]) == ("fail", 1)
    assert any("T2" in r for r in result["reasons"])
    finding = response.json["findings"][0]
    assert (finding["code"], finding["severity"], finding["lot_id"]) == (
        "SHORT_PREPACK",
        "major",
        result["id"],
    )


def test_batches_of_up_to_ten_measure_every_unit_and_skip_the_mean_test(world):
    merchant = world.merchant()
    response = world.district().post(
        "/api/v1/inspections", json=payload(merchant, lots=[lot(4, [500, 500, 499, 500])])
    )
    assert response.json["lots"][0]["mean_limit"] is None
    assert response.json["lots"][0]["verdict"] == "pass"


@pytest.mark.parametrize(
    ("batch", "needed"), [(5, 5), (30, 10), (60, 13), (200, 50), (1000, 80), (5000, 125)]
)
def test_a_wrong_sample_count_says_how_many_are_needed(world, batch, needed):
    merchant = world.merchant()
    response = world.district().post(
        "/api/v1/inspections", json=payload(merchant, lots=[lot(batch, [500] * (needed - 1))])
    )
    assert response.status_code == 422
    assert f"needs {needed} measurements, got {needed - 1}" in response.json["message"]
    assert "lots.0.measurements" in response.json["errors"]["json"]
    assert db.session.query(Inspection).count() == 0


def test_a_penalty_is_recorded_with_its_decision(world):
    merchant = world.merchant()
    penalty = {
        "decision_number": "沪市监徐处〔2026〕1号",
        "decided_on": TODAY,
        "procedure": "ordinary",
        "fine_yuan": "1500",
        "confiscation": "作弊电子秤1台",
    }
    response = world.district().post(
        "/api/v1/inspections",
        json=payload(merchant, findings=[{"code": "CHEAT"}], penalty=penalty),
    )
    assert response.status_code == 201
    assert response.json["penalty"]["fine_yuan"] == "1500.00"
    again = world.district().post(
        "/api/v1/inspections",
        json=payload(merchant, findings=[{"code": "CHEAT"}], penalty=penalty),
    )
    assert again.status_code == 409
    assert db.session.query(Inspection).count() == 1


TOMORROW = (clock.today() + timedelta(days=1)).isoformat()
YESTERDAY = (clock.today() - timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"inspected_on": TOMORROW}, "inspected_on"),
        ({"kind": "surprise"}, "kind"),
        ({"officers": []}, "officers"),
        ({"findings": [{"code": "NOPE"}]}, "findings"),
        ({"findings": [{"code": "CHEAT", "severity": "fatal"}]}, "findings"),
        ({"findings": [{"code": "CHEAT", "instrument": "NOPE"}]}, "findings.0.instrument"),
        ({"lots": [lot(10, [500] * 10) | {"unit": "lb"}]}, "lots"),
        ({"lots": [lot(10, [500] * 10) | {"nominal": "-1"}]}, "lots"),
        ({"lots": [lot(0, [500])]}, "lots"),
        ({"lots": [lot(2, [500, "heavy"])]}, "lots"),
        (
            {"penalty": {"decision_number": "x1x", "decided_on": TODAY, "procedure": "ordinary"}},
            "penalty",
        ),
        (
            {
                "findings": [{"code": "CHEAT"}],
                "penalty": {
                    "decision_number": "x1x",
                    "decided_on": YESTERDAY,
                    "procedure": "ordinary",
                    "fine_yuan": "1",
                },
                "inspected_on": TODAY,
            },
            "penalty",
        ),
        (
            {
                "findings": [{"code": "CHEAT"}],
                "penalty": {"decision_number": "x1x", "decided_on": TODAY, "procedure": "summary"},
            },
            "penalty",
        ),
        (
            {
                "findings": [{"code": "CHEAT"}],
                "penalty": {
                    "decision_number": "x1x",
                    "decided_on": TODAY,
                    "procedure": "simplified",
                    "warning_only": True,
                    "fine_yuan": "50",
                },
            },
            "penalty",
        ),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, extra, field):
    merchant = world.merchant()
    response = world.district().post("/api/v1/inspections", json=payload(merchant, **extra))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert db.session.query(Inspection).count() == 0
    assert db.session.query(DirtyMerchant).count() == 0


def test_only_officers_of_the_merchants_district(world):
    merchant = world.merchant(world.XUHUI)
    outsider = world.district(world.JINGAN).post("/api/v1/inspections", json=payload(merchant))
    assert outsider.status_code == 404  # as reading it: existence is not told (issue 17)
    assert "not yours to see" in outsider.json["errors"]["json"]["merchant"][0]
    for caller in (world.host(world.market()), world.merchant_user(merchant), world.anonymous()):
        assert caller.post("/api/v1/inspections", json=payload(merchant)).status_code in (401, 403)
    assert world.city().post("/api/v1/inspections", json=payload(merchant)).status_code == 201


def test_reading_inspections_follows_scope(world):
    merchant = world.merchant(world.XUHUI)
    created = world.district().post("/api/v1/inspections", json=payload(merchant)).json
    url = f"/api/v1/inspections/{created['id']}"
    assert world.merchant_user(merchant).get(url).status_code == 200
    assert world.district(world.JINGAN).get(url).status_code == 404
    assert world.merchant_user(world.merchant()).get(url).status_code == 404
    listing = world.district(world.JINGAN).get("/api/v1/inspections").json
    assert listing["total"] == 0
    mine = world.district().get(f"/api/v1/inspections?merchant={merchant.uscc}").json
    assert mine["total"] == 1


# Issue 20 ------------------------------------------------------------------------


def test_a_one_kilogram_lot_is_judged_in_grams(world):
    # Qn 1 kg = 1000 g, T 15 g (附表3 (500, 1000] row): 0.97 kg is a T1 defect (970 ≤ q < 985),
    # and a batch of 1-10 allows none.
    merchant = world.merchant()
    kilo = lot(3, ["1.002", "0.97", "1"], nominal="1") | {"unit": "kg"}
    response = world.district().post("/api/v1/inspections", json=payload(merchant, lots=[kilo]))
    assert response.status_code == 201, response.json
    result = response.json["lots"][0]
    assert (result["unit"], result["nominal"], result["judged_in"]) == ("kg", "1.000", "g")
    assert (result["tolerance"], result["t1"], result["t2"], result["verdict"]) == (
        "15.000",
        1,
        0,
        "fail",
    )
    assert result["mean"] == "990.670"  # (1002 + 970 + 1000) / 3 = 990.67 g


def test_a_one_litre_lot_is_judged_in_millilitres(world):
    merchant = world.merchant()
    litre = lot(2, ["1", "0.99"], nominal="1") | {"unit": "L", "product": "酱油"}
    response = world.district().post("/api/v1/inspections", json=payload(merchant, lots=[litre]))
    assert response.status_code == 201, response.json
    result = response.json["lots"][0]
    # 990 mL is Qn − 10 mL, within T = 15 mL: no defect.
    assert (result["judged_in"], result["tolerance"], result["verdict"]) == ("mL", "15.000", "pass")
    assert response.json["clean"] is True


def test_a_counted_lot_is_judged(world):
    # Qn 100 pieces: T = 1 % of 100 = 1 (附表3, count above 50). 98 is Qn − 2T: a T1 defect.
    merchant = world.merchant()
    counted = lot(2, [100, 98], nominal="100") | {"unit": "pcs", "product": "一次性纸杯"}
    response = world.district().post("/api/v1/inspections", json=payload(merchant, lots=[counted]))
    assert response.status_code == 201, response.json
    result = response.json["lots"][0]
    assert (result["judged_in"], result["tolerance"], result["t1"], result["verdict"]) == (
        "pcs",
        "1.000",
        1,
        "fail",
    )


def test_a_counted_lot_counts_whole_pieces(world):
    merchant = world.merchant()
    counted = lot(2, ["100", "99.5"], nominal="100") | {"unit": "pcs"}
    response = world.district().post("/api/v1/inspections", json=payload(merchant, lots=[counted]))
    assert response.status_code == 422
    assert "whole pieces" in str(response.json["errors"])


def test_a_failed_lot_and_its_finding_deduct_once(world):
    merchant = world.merchant()
    measurements = [500] * 12 + [460]  # a T2 defect: the lot fails
    response = world.district().post(
        "/api/v1/inspections",
        json=payload(
            merchant,
            lots=[lot(60, measurements)],
            findings=[{"code": "SHORT_PREPACK", "description": "大米净含量不足"}],
        ),
    )
    assert response.status_code == 201, response.json
    lot_id = response.json["lots"][0]["id"]
    found = {f["lot_id"]: f for f in response.json["findings"]}
    listed, by_lot = found[None], found[lot_id]
    assert (listed["same_fault_as_lot"], listed["deducted"]) == (lot_id, False)
    assert (by_lot["same_fault_as_lot"], by_lot["deducted"]) == (None, True)
    standing = world.district().get(f"/api/v1/merchants/{merchant.uscc}/standing").json
    # One fault, 15 points (policy 2), not 15 + 15.
    assert (standing["score"], standing["grade"], standing["policy_version"]) == (85.0, "B", 2)
    assert [r["code"] for r in standing["reasons"]] == ["FAILED_LOT"]
