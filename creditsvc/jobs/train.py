"""Risk model jobs: thin, take the status row's id, commit once, log.

`train_model` trains, stores the artifact and scores every merchant (a person waits for
it: status row kind "risk:train"); `score_merchants` rescores with the latest model.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from creditsvc.extensions import db
from creditsvc.jobs import runs
from creditsvc.models import JobRun
from creditsvc.principals import Principal
from creditsvc.services import jobruns
from creditsvc.services.errors import Invalid
from creditsvc.services.risk import training as risk_models

log = logging.getLogger(__name__)

TRAIN = "risk:train"


def start_training(principal: Principal, actor: str | None = None, today: date | None = None):
    """Open the status row and queue the training; without Redis it runs here and the
    row comes back finished (or failed, and the error is raised). If the queue does not
    take the job, the row ends failed and QueueUnavailable is raised."""
    run = jobruns.create(principal, TRAIN, total=1)
    if actor:
        run.created_by = actor
    run_id = run.id
    db.session.commit()  # reading the row after this would hold SQLite against the claim
    runs.start(run_id, "train", train_model, run_id, today.isoformat() if today else None)
    db.session.expire_all()
    return db.session.get(JobRun, run_id)


def train_model(run_id: str, today: str | None = None) -> dict[str, Any]:
    """Train, choose out of time, store, score every merchant; one commit."""
    runs.claim(run_id)
    run = db.session.get(JobRun, run_id)
    if run is None:
        raise Invalid(f"no training run {run_id}")
    actor = run.created_by
    db.session.commit()  # end the read before progress writes (SQLite: services.jobruns)
    jobruns.progress(run_id, "training", 0, 1)
    try:
        row, classes = risk_models.train(
            actor, today=date.fromisoformat(today) if today else None, job_id=run_id
        )
        result = _summary(row, classes)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        message = runs.describe(type(exc), exc)
        runs.failed(run_id, message)
        log.warning("risk training %s failed: %s", run_id, message)
        raise
    jobruns.finish(run_id, result, total=1)
    log.info("risk model %s trained: %s", result["version"], result)
    return result


def score_merchants() -> dict[str, int]:
    """Score every merchant with the latest model (e.g. after a burst of evidence)."""
    row = risk_models.latest()
    if row is None:
        raise Invalid("no risk model has been trained yet")
    counts = risk_models.score_all(row)
    db.session.commit()
    log.info("risk scores written with %s: %s", row.version, counts)
    return counts


def _summary(row, classes: dict[str, int]) -> dict[str, Any]:
    metrics = row.card["metrics"]
    return {
        "model_id": row.id,
        "version": row.version,
        "chosen": row.kind,
        "auc": {kind: m["auc"] for kind, m in metrics.items()},
        "classes": classes,
    }
