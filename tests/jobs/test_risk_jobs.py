"""Training as a job: queued on Redis and run by a worker, or run by `creditsvc train`."""

from sqlalchemy import func, select

from creditsvc.demo import city
from creditsvc.extensions import db
from creditsvc.models import Merchant, RiskModelVersion, RiskScore
from tests.factories import TRAINING_CITY
from tests.workers import creditsvc


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_training_requested_with_redis_runs_on_a_worker(app, world, redis_url, tmp_path):
    city.load(**TRAINING_CITY)
    officer = world.city()
    app.config["REDIS_URL"] = redis_url
    response = officer.post("/api/v1/risk/models", json={})
    assert response.status_code == 202, response.json
    assert response.json["status"] == "queued" and count(RiskModelVersion) == 0
    with creditsvc(app, tmp_path, "worker", "--burst", "--queues", "train") as (proc, log):
        proc.wait(timeout=300)
    assert proc.returncode == 0, log.read_text()
    status = officer.get(response.json["status_url"])
    assert status.json["status"] == "done", status.json
    version = status.json["result"]["version"]
    model = db.session.scalar(select(RiskModelVersion).where(RiskModelVersion.version == version))
    assert model.job_id == response.json["id"]
    assert count(RiskScore) == count(Merchant)


def test_the_train_command_reports_auc_and_classes_then_rescores(app):
    city.load(**TRAINING_CITY)
    runner = app.test_cli_runner()
    db.session.commit()
    result = runner.invoke(args=["train", "--as-of", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert "out-of-time validation AUC: logistic 0." in result.output
    assert "shuffled 0." in result.output and "risk classes: A " in result.output
    db.session.execute(RiskScore.__table__.delete())
    db.session.commit()
    again = runner.invoke(args=["train", "--score-only"])
    assert again.exit_code == 0, again.output
    assert count(RiskScore) == count(Merchant)


def test_the_train_command_explains_a_failure(app):
    result = app.test_cli_runner().invoke(args=["train"])
    assert result.exit_code == 1 and "not enough inspection history" in result.output
    assert app.test_cli_runner().invoke(args=["train", "--score-only"]).exit_code == 1
