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
        ({"lots": [lot(10, [500] * 10) | {"unit": "kg"}]}, "lots"),
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
