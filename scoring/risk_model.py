"""The internal risk classifier (DESIGN.md §6), validated out of time. Never published.

Two candidates, both calibrated: an L2-regularised logistic regression on standardised
features (the explainable baseline) and scikit-learn's HistGradientBoostingClassifier.
`select` trains both on the earlier as-of dates, validates them on a later window that
starts a full horizon after the last training date (so no training target overlaps a
validation window), keeps the booster only when its validation AUC beats the baseline's,
and refits the chosen one on every labelled row. Logistic models trained on shuffled
labels are validated alongside: the floor a real model must clearly clear. One such model
is a random direction through the features, and where the features predict well its AUC
can land far from 0.5 either way, so the floor is the mean over several shuffles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from scoring.risk_features import HORIZON_DAYS

KINDS = ("logistic", "boosting")
CALIBRATION_BINS = 10
PARAMS = (
    "kind",
    "C",
    "calibration",
    "cv",
    "max_iter",
    "learning_rate",
    "max_leaf_nodes",
    "min_samples_leaf",
    "l2_regularization",
    "random_state",
    "n_threads",
)


class RiskModel:
    """A calibrated binary classifier of the risk target, scikit-learn style: the
    constructor stores parameters, `fit` validates and learns, fitted attributes end in _."""

    def __init__(
        self,
        kind: str = "logistic",
        C: float = 0.5,
        calibration: str = "sigmoid",
        cv: int = 3,
        max_iter: int = 200,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        random_state: int = 0,
        n_threads: int = 1,
    ) -> None:
        self.kind = kind
        self.C = C
        self.calibration = calibration
        self.cv = cv
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state
        # OpenMP threads of the booster: on a shared machine, more threads than free cores
        # make it many times slower, so one (see BENCHMARKS.md, 'Risk model').
        self.n_threads = n_threads

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PARAMS}

    def _estimator(self) -> Any:
        if self.kind == "logistic":
            return Pipeline(
                [
                    ("scale", StandardScaler()),
                    ("model", LogisticRegression(C=self.C, max_iter=1000)),
                ]
            )
        if self.kind == "boosting":
            return HistGradientBoostingClassifier(
                learning_rate=self.learning_rate,
                max_iter=self.max_iter,
                max_leaf_nodes=self.max_leaf_nodes,
                min_samples_leaf=self.min_samples_leaf,
                l2_regularization=self.l2_regularization,
                random_state=self.random_state,
            )
        raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")

    def fit(self, X: np.ndarray, y: np.ndarray) -> RiskModel:
        X, y = _check(X, y)
        if len(np.unique(y)) != 2:
            raise ValueError("the target needs both outcomes to learn from")
        if min(int(y.sum()), int((~y).sum())) < self.cv:
            raise ValueError(f"each outcome needs at least {self.cv} rows to calibrate")
        model = CalibratedClassifierCV(self._estimator(), method=self.calibration, cv=self.cv)
        with threadpool_limits(limits=self.n_threads):
            self.estimator_ = model.fit(X, y)
        self.n_features_in_ = X.shape[1]
        self.base_rate_ = float(y.mean())
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of the target event for each row (one column, not two)."""
        if not hasattr(self, "estimator_"):
            raise ValueError("fit the model first")
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} features per row")
        with threadpool_limits(limits=self.n_threads):
            return self.estimator_.predict_proba(X)[:, 1]

    def coefficients(self, names: tuple[str, ...]) -> dict[str, float] | None:
        """Logistic only: the standardised coefficient of each feature, averaged over the
        calibration folds (what makes the baseline explainable); None for the booster."""
        if self.kind != "logistic" or not hasattr(self, "estimator_"):
            return None
        folds = self.estimator_.calibrated_classifiers_
        coefs = [fold.estimator.named_steps["model"].coef_[0] for fold in folds]
        mean = np.mean(coefs, axis=0)
        return {name: round(float(v), 4) for name, v in zip(names, mean, strict=True)}


def _check(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(bool)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError("X must be a 2-D array with one row per target")
    if not np.isfinite(X).all():
        raise ValueError("features must be finite")
    return X, y


def evaluate(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> dict[str, Any]:
    """AUC, KS, Brier score and a calibration table (equal-width probability bins)."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=float)
    both = 0 < y.sum() < len(y)
    fpr, tpr, _ = roc_curve(y, p) if both else (np.zeros(1), np.zeros(1), None)
    which = np.minimum((p * bins).astype(int), bins - 1)
    table = []
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        table.append(
            {
                "bin": b + 1,
                "lower": b / bins,
                "upper": (b + 1) / bins,
                "count": n,
                "mean_predicted": round(float(p[inside].mean()), 4) if n else None,
                "observed_rate": round(float(y[inside].mean()), 4) if n else None,
            }
        )
    return {
        "rows": int(len(y)),
        "positives": int(y.sum()),
        "auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "ks": round(float(np.max(tpr - fpr)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, p)), 4) if len(y) else None,
        "calibration": table,
    }


@dataclass(frozen=True)
class Split:
    """Out-of-time split of as-of dates (day ordinals)."""

    train_until: int  # last training as-of date
    validate_from: int  # first validation as-of date
    validate_until: int

    def masks(self, as_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        train = as_of <= self.train_until
        validate = (as_of >= self.validate_from) & (as_of <= self.validate_until)
        return train, validate


def out_of_time_split(
    as_of: np.ndarray, validation_days: int = 180, gap_days: int = HORIZON_DAYS
) -> Split:
    """Validate on the as-of dates of the last `validation_days`; train on those at least
    `gap_days` (the target's horizon) before the first of them, so every training target
    was known before the validation window opens."""
    last = int(np.max(as_of))
    first_validation = int(np.min(as_of[as_of > last - validation_days]))
    return Split(first_validation - gap_days, first_validation, last)


@dataclass
class Selection:
    chosen: str
    model: RiskModel  # the chosen kind, refit on every labelled row
    validation: dict[str, dict[str, Any]]  # kind (and "shuffled") → evaluate()
    split: Split
    train_rows: int
    validation_rows: int


def select(
    X: np.ndarray,
    y: np.ndarray,
    as_of: np.ndarray,
    candidates: dict[str, RiskModel] | None = None,
    split: Split | None = None,
    random_state: int = 0,
    shuffles: int = 10,
) -> Selection:
    """Train each candidate on the past, validate on the later window, choose by AUC
    (the logistic baseline unless another beats it), refit the choice on all rows."""
    X, y = _check(X, y)
    candidates = candidates or {kind: RiskModel(kind=kind) for kind in KINDS}
    split = split or out_of_time_split(as_of)
    train, validate = split.masks(as_of)
    if not train.any() or not validate.any():
        raise ValueError("the out-of-time split leaves no training or no validation rows")
    results = {}
    for kind, model in candidates.items():
        fitted = clone_model(model).fit(X[train], y[train])
        results[kind] = evaluate(y[validate], fitted.predict_proba(X[validate]))
    results["shuffled"] = shuffled_floor(X, y, train, validate, shuffles, random_state)
    chosen = "logistic" if "logistic" in candidates else next(iter(candidates))
    for kind in candidates:
        if (results[kind]["auc"] or 0) > (results[chosen]["auc"] or 0):
            chosen = kind
    labelled = train | validate
    final = clone_model(candidates[chosen]).fit(X[labelled], y[labelled])
    return Selection(chosen, final, results, split, int(train.sum()), int(validate.sum()))


def shuffled_floor(X, y, train, validate, shuffles: int, random_state: int) -> dict[str, Any]:
    """Validation metrics of logistic models trained on shuffled labels: their means, and
    the range of their AUCs."""
    rng = np.random.default_rng(random_state)
    runs = []
    for _ in range(shuffles):
        model = RiskModel(kind="logistic").fit(X[train], rng.permutation(y[train]))
        runs.append(evaluate(y[validate], model.predict_proba(X[validate])))
    aucs = [run["auc"] for run in runs if run["auc"] is not None]
    return {
        "rows": runs[0]["rows"],
        "positives": runs[0]["positives"],
        "shuffles": shuffles,
        "auc": round(float(np.mean(aucs)), 4) if aucs else None,
        "auc_min": min(aucs, default=None),
        "auc_max": max(aucs, default=None),
        "ks": round(float(np.mean([run["ks"] or 0 for run in runs])), 4),
        "brier": round(float(np.mean([run["brier"] for run in runs])), 4),
    }


def clone_model(model: RiskModel) -> RiskModel:
    """An unfitted copy with the same parameters."""
    return RiskModel(**model.get_params())
