"""Train, store and apply the internal risk model (DESIGN.md §6).

Training reads the whole city (`risk_data`), builds point-in-time features at as-of
dates a month apart, from a year after the first inspection to the last date whose
180-day target window has fully elapsed, and lets `scoring.risk_model.select` choose
out of time. The artifact goes to STORAGE_DIR/models and loads only from there, only when
its SHA-256 matches the one recorded in its database row: nothing else is ever unpickled.

Scoring writes every merchant's probability and class A–D (thresholds: the setting
RISK_CLASS_THRESHOLDS) for officers only, and records drift against the training population.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import secrets
from datetime import date
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from flask import current_app
from sqlalchemy import delete, func, insert, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import Inspection, RiskModelVersion, RiskScore
from creditsvc.models.base import utcnow
from creditsvc.services import audit
from creditsvc.services.errors import Invalid
from creditsvc.services.risk import features as risk_data
from scoring import risk_drift, risk_features
from scoring.risk_model import select as select_model

AS_OF_STEP_DAYS = 30
MIN_HISTORY_DAYS = 365  # as-of dates start once a year of inspections exists
MIN_ROWS, MIN_POSITIVES = 200, 20
TARGET = "a major or serious finding at an inspection within 180 days after the as-of date"
LABELS = (
    "rows are (merchant, as-of date) pairs whose 180-day window has fully elapsed; a "
    "merchant not inspected in the window has no outcome and is left out"
)
ARTIFACT_SUFFIX = ".joblib"


def thresholds() -> tuple[float, ...]:
    """Probability bounds of classes A | B | C | D (the setting RISK_CLASS_THRESHOLDS)."""
    return tuple(current_app.config["RISK_CLASS_THRESHOLDS"])


def models_dir() -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "models"


def training_dates(first_day: int | None, today: date) -> np.ndarray:
    """As-of dates (ordinals), a month apart, back from the last one with an elapsed window."""
    last = today.toordinal() - risk_features.HORIZON_DAYS
    if first_day is None:
        return np.empty(0, dtype=np.int64)
    return np.arange(last, first_day + MIN_HISTORY_DAYS - 1, -AS_OF_STEP_DAYS)[::-1]


# Artifacts --------------------------------------------------------------------------


def save_artifact(version: str, payload: dict[str, Any]) -> tuple[str, str]:
    """Write the pickled payload under STORAGE_DIR/models; return its file name and SHA-256."""
    buffer = io.BytesIO()
    joblib.dump(payload, buffer)
    data = buffer.getvalue()
    directory = models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{version}{ARTIFACT_SUFFIX}"
    partial = directory / f".{name}.part"
    partial.write_bytes(data)
    os.replace(partial, directory / name)
    return name, hashlib.sha256(data).hexdigest()


def load_artifact(row: RiskModelVersion) -> dict[str, Any]:
    """Unpickle a model's artifact: only a plain file name inside the models directory,
    only bytes whose SHA-256 is the one recorded (read once, checked, then loaded)."""
    name = row.file_name
    directory = models_dir().resolve()
    path = (directory / name).resolve()
    if Path(name).name != name or not name.endswith(ARTIFACT_SUFFIX) or path.parent != directory:
        raise Invalid(f"model {row.version}: artifact is not in the model store")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Invalid(f"model {row.version}: artifact is missing") from exc
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), row.sha256):
        raise Invalid(f"model {row.version}: artifact does not match its recorded SHA-256")
    return joblib.load(io.BytesIO(data))


def latest() -> RiskModelVersion | None:
    return db.session.scalar(select(RiskModelVersion).order_by(RiskModelVersion.id.desc()))


# Training ---------------------------------------------------------------------------


def _labelled(data: risk_data.RiskData, today: date):
    days = training_dates(data.first_day, today)
    if len(days) < 2:
        raise Invalid("not enough inspection history to train: need over a year and 180 days")
    features, y = risk_features.training_set(data.evidence, days)
    rows, positives = len(y), int(y.sum())
    if rows < MIN_ROWS or positives < MIN_POSITIVES:
        raise Invalid(
            f"not enough outcomes to train: {rows} inspected rows with {positives} major or "
            f"serious findings (need {MIN_ROWS} and {MIN_POSITIVES})"
        )
    return features, y, days


def _card(version, today, actor, selection, features, y, days) -> dict[str, Any]:
    names = features.names
    plan_inspections = db.session.scalar(
        select(func.count()).select_from(Inspection).where(Inspection.plan_id.is_not(None))
    )
    return {
        "version": version,
        "kind": selection.chosen,
        "trained_at": clock.now().isoformat(),
        "trained_by": actor,
        "target": TARGET,
        "labels": LABELS,
        "data_window": {
            "first_as_of": date.fromordinal(int(days[0])).isoformat(),
            "last_as_of": date.fromordinal(int(days[-1])).isoformat(),
            "as_of_dates": len(days),
            "step_days": AS_OF_STEP_DAYS,
            "horizon_days": risk_features.HORIZON_DAYS,
            "evidence_until": today.isoformat(),
        },
        "split": {
            "train_until": date.fromordinal(selection.split.train_until).isoformat(),
            "validate_from": date.fromordinal(selection.split.validate_from).isoformat(),
            "validate_until": date.fromordinal(selection.split.validate_until).isoformat(),
            "train_rows": selection.train_rows,
            "validation_rows": selection.validation_rows,
        },
        "rows": len(y),
        "positives": int(y.sum()),
        "plan_inspections": plan_inspections,
        "features": list(names),
        "metrics": selection.validation,
        "chosen_by": "validation AUC; the logistic baseline unless the booster beats it",
        "coefficients": selection.model.coefficients(names),
        "params": selection.model.get_params(),
        "thresholds": list(thresholds()),
        "libraries": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
    }


def train(
    actor: str, today: date | None = None, job_id: str | None = None
) -> tuple[RiskModelVersion, dict[str, int]]:
    """Train, choose, store the artifact and its row; then score every merchant.
    Returns the row and the number of merchants in each risk class."""
    today = today or clock.today()
    data = risk_data.load()
    features, y, days = _labelled(data, today)
    try:
        selection = select_model(features.X, y, features.as_of)
    except ValueError as exc:
        raise Invalid(f"cannot train: {exc}") from exc
    version = f"risk-{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    card = _card(version, today, actor, selection, features, y, days)
    population = risk_features.build_features(data.evidence, int(days[-1]))
    scores = selection.model.predict_proba(population.X)
    payload = {
        "model": selection.model,
        "names": features.names,
        "references": risk_drift.references(population.X, features.names, scores),
        "card": card,
    }
    file_name, sha256 = save_artifact(version, payload)
    row = RiskModelVersion(
        version=version,
        kind=selection.chosen,
        file_name=file_name,
        sha256=sha256,
        card=card,
        trained_by=actor,
        job_id=job_id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "create", row)
    return row, score_all(row, today, data=data, payload=payload)


# Scoring ----------------------------------------------------------------------------


def score_all(
    row: RiskModelVersion,
    today: date | None = None,
    data: risk_data.RiskData | None = None,
    payload: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Every merchant's probability and class as of today; drift against training."""
    today = today or clock.today()
    payload = payload or load_artifact(row)
    data = data or risk_data.load()
    features = risk_features.build_features(data.evidence, today.toordinal())
    if tuple(payload["names"]) != features.names:
        raise Invalid(f"model {row.version} was trained on other features; retrain it")
    p = payload["model"].predict_proba(features.X) if data.evidence.size else np.empty(0)
    classes = risk_drift.risk_classes(p, thresholds())
    db.session.execute(delete(RiskScore))
    if len(p):
        now = utcnow()
        db.session.execute(
            insert(RiskScore),
            [
                {
                    "merchant_id": int(m),
                    "model_id": row.id,
                    "probability": float(q),
                    "risk_class": str(c),
                    "as_of": today,
                    "scored_at": now,
                }
                for m, q, c in zip(data.ids, p, classes, strict=True)
            ],
        )
        row.drift = risk_drift.report(payload["references"], features.X, features.names, p)
        row.drift_checked_at = now
    db.session.flush()
    return {c: int((classes == c).sum()) for c in risk_drift.CLASSES}
