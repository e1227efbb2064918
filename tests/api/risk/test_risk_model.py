"""The internal risk model on the demo city: out-of-time validation, the model store,
drift, and officers-only access to scores."""

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from creditsvc.demo import city
from creditsvc.demo.plan import AS_OF
from creditsvc.extensions import db
from creditsvc.jobs.rescore import SYSTEM
from creditsvc.jobs.train import start_training
from creditsvc.models import JobRun, Merchant, RiskModelVersion, RiskScore
from creditsvc.services.errors import Invalid
from creditsvc.services.risk import training as risk_models
from tests.factories import TRAINING_CITY

CLEAR_GAP = 0.08  # validation AUC above the shuffled-label model


@pytest.fixture
def trained(app):
    city.load(**TRAINING_CITY)
    run = start_training(SYSTEM, actor="test", today=AS_OF)
    assert run.status == "done", run.error
    return db.session.get(RiskModelVersion, run.result["model_id"])


def test_chosen_model_beats_shuffled_labels_out_of_time(trained):
    metrics = trained.card["metrics"]
    chosen, shuffled = metrics[trained.kind]["auc"], metrics["shuffled"]["auc"]
    print(f"out-of-time AUC: { {k: m['auc'] for k, m in metrics.items()} }")
    floor = metrics["shuffled"]
    assert floor["shuffles"] == 10 and floor["auc_min"] <= shuffled <= floor["auc_max"]
    assert chosen >= metrics["logistic"]["auc"]  # the booster only when it beats the baseline
    assert chosen - shuffled > CLEAR_GAP, metrics
    split = trained.card["split"]
    # Every training target (180 days after its as-of date) was known before validation.
    assert split["train_until"] < split["validate_from"]
    gap = np.datetime64(split["validate_from"]) - np.datetime64(split["train_until"])
    assert gap >= np.timedelta64(180, "D")
    assert split["validate_until"] <= (AS_OF - timedelta(days=180)).isoformat()


def test_the_card_and_every_merchant_scored(app, trained):
    card = trained.card
    for key in ("data_window", "features", "metrics", "version", "trained_at", "split"):
        assert card[key]
    assert len(card["metrics"][trained.kind]["calibration"]) == 10
    assert card["metrics"][trained.kind]["ks"] > 0
    assert 0 < card["metrics"][trained.kind]["brier"] < 0.25
    scored = db.session.scalar(select(func.count()).select_from(RiskScore))
    assert scored == db.session.scalar(select(func.count()).select_from(Merchant))
    classes = dict(
        db.session.execute(
            select(RiskScore.risk_class, func.count()).group_by(RiskScore.risk_class)
        ).all()
    )
    assert set(classes) <= {"A", "B", "C", "D"} and len(classes) >= 3
    assert trained.drift["score"]["psi"] >= 0
    assert set(trained.drift["features"]) == set(card["features"])
    # The class thresholds are a setting: rescoring with other bounds moves the classes.
    app.config["RISK_CLASS_THRESHOLDS"] = (0.0, 0.001, 0.002)
    counts = risk_models.score_all(trained, AS_OF)
    assert counts == {"A": 0, "B": 0, "C": 0, "D": scored}
    db.session.rollback()


def test_artifacts_load_only_from_the_store_with_their_hash(trained):
    payload = risk_models.load_artifact(trained)
    assert payload["card"]["version"] == trained.version
    path = risk_models.models_dir() / trained.file_name
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(Invalid, match="SHA-256"):
        risk_models.load_artifact(trained)
    for name in ("../evil.joblib", "/etc/evil.joblib", "sub/x.joblib", "x.pkl"):
        trained.file_name = name
        with pytest.raises(Invalid, match="not in the model store"):
            risk_models.load_artifact(trained)
    db.session.rollback()


def test_training_without_history_fails_on_its_status_row(app):
    with pytest.raises(Invalid, match="not enough"):
        start_training(SYSTEM, actor="test")
    db.session.rollback()
    run = db.session.scalar(select(JobRun).where(JobRun.kind == "risk:train"))
    assert run.status == "failed" and "not enough" in run.error
    assert db.session.scalar(select(func.count()).select_from(RiskModelVersion)) == 0


def test_with_the_queue_down_training_is_a_503_and_its_row_failed(app, world, redis_down):
    app.config["REDIS_URL"] = redis_down
    refused = world.city().post("/api/v1/risk/models", json={})
    assert (refused.status_code, refused.headers["Retry-After"]) == (503, "5")
    assert set(refused.json) == {"code", "status", "message", "errors"}
    run = db.session.scalar(select(JobRun).where(JobRun.kind == "risk:train"))
    assert run.status == "failed" and "job queue is unavailable" in run.error


def test_scores_are_for_officers_of_the_merchants_district(trained, world):
    xuhui, city_officer = world.district(), world.city()
    listing = xuhui.get("/api/v1/risk/merchants?per_page=200")
    assert listing.status_code == 200 and listing.json["total"] > 0
    assert {item["district"] for item in listing.json["items"]} == {"310104"}
    probabilities = [item["probability"] for item in listing.json["items"]]
    assert probabilities == sorted(probabilities, reverse=True)
    everyone = city_officer.get("/api/v1/risk/merchants")
    assert everyone.json["total"] == db.session.scalar(select(func.count(RiskScore.merchant_id)))
    elsewhere = db.session.scalar(select(Merchant.uscc).where(Merchant.district_code != "310104"))
    assert xuhui.get(f"/api/v1/risk/merchants/{elsewhere}").status_code == 404
    assert city_officer.get(f"/api/v1/risk/merchants/{elsewhere}").json["risk_class"] in "ABCD"
    merchant = db.session.scalar(select(Merchant).where(Merchant.district_code == "310104"))
    assert world.merchant_user(merchant).get("/api/v1/risk/merchants").status_code == 403
    assert world.anonymous().get("/api/v1/risk/models").status_code == 401


def test_models_list_and_detail_with_card_and_drift(trained, world):
    officer = world.district()
    listing = officer.get("/api/v1/risk/models")
    assert listing.status_code == 200 and listing.json[0]["version"] == trained.version
    detail = officer.get(listing.json[0]["url"])
    assert detail.json["card"]["kind"] == trained.kind
    assert detail.json["drift"]["thresholds"] == {"warn": 0.1, "alert": 0.25}
    assert detail.json["sha256"] == trained.sha256
    # Only the city officer trains; a district officer may read but not start it.
    assert officer.post("/api/v1/risk/models", json={}).status_code == 403
