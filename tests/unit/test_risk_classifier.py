"""The risk classifier, its out-of-time selection and metrics, drift and risk classes."""

import numpy as np
import pytest

from scoring import risk_drift
from scoring.risk_model import RiskModel, Split, evaluate, out_of_time_split, select


def linear_data(n=3000, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(shift, 1, size=(n, 4))
    p = 1 / (1 + np.exp(-(1.5 * X[:, 0] - X[:, 1] - 1.5)))
    return X, rng.random(n) < p


def test_fit_stores_fitted_attributes_and_predicts_calibrated_probabilities():
    X, y = linear_data()
    model = RiskModel(C=1.0)
    assert not hasattr(model, "estimator_")
    model.fit(X, y)
    assert model.n_features_in_ == 4 and model.base_rate_ == pytest.approx(y.mean())
    p = model.predict_proba(X)
    assert p.shape == (len(X),) and p.min() > 0 and p.max() < 1
    assert abs(p.mean() - y.mean()) < 0.02  # calibrated on average
    coefficients = model.coefficients(("a", "b", "c", "d"))
    assert coefficients["a"] > 0 > coefficients["b"]
    assert abs(coefficients["c"]) < 0.2 * coefficients["a"]


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.ones((10, 2)), np.zeros(10), "both outcomes"),
        (np.ones((10, 2)), np.r_[np.ones(2), np.zeros(8)], "at least 3"),
        (np.ones((10, 2)), np.ones(9), "one row per target"),
        (np.full((10, 2), np.nan), np.r_[np.ones(5), np.zeros(5)], "finite"),
    ],
)
def test_fit_rejects_what_it_cannot_learn_from(X, y, message):
    with pytest.raises(ValueError, match=message):
        RiskModel().fit(X, y)


def test_predicting_needs_a_fitted_model_and_the_same_features():
    with pytest.raises(ValueError, match="fit the model first"):
        RiskModel().predict_proba(np.ones((1, 4)))
    model = RiskModel().fit(*linear_data(500))
    with pytest.raises(ValueError, match="4 features"):
        model.predict_proba(np.ones((1, 3)))


def test_evaluate_gives_auc_ks_brier_and_a_ten_bin_calibration_table():
    y = np.array([0, 0, 1, 1, 0, 1], dtype=bool)
    perfect = evaluate(y, np.array([0.05, 0.15, 0.85, 0.95, 0.25, 0.75]))
    assert (perfect["auc"], perfect["ks"]) == (1.0, 1.0)
    errors = np.array([0.05, 0.15, 0.15, 0.05, 0.25, 0.25])
    assert perfect["brier"] == pytest.approx(np.mean(errors**2), abs=1e-4)
    table = perfect["calibration"]
    assert len(table) == 10 and sum(row["count"] for row in table) == 6
    assert table[0] == {
        "bin": 1,
        "lower": 0.0,
        "upper": 0.1,
        "count": 1,
        "mean_predicted": 0.05,
        "observed_rate": 0.0,
    }
    assert evaluate(y, np.full(6, 0.5))["auc"] == 0.5
    assert evaluate(np.zeros(3, dtype=bool), np.full(3, 0.5))["auc"] is None


def test_the_split_leaves_a_horizon_between_training_and_validation():
    as_of = np.repeat(np.arange(0, 720, 30), 5)
    split = out_of_time_split(as_of, validation_days=180, gap_days=180)
    train, validate = split.masks(as_of)
    assert as_of[validate].min() - as_of[train].max() >= 180
    assert set(as_of[validate]) == {540, 570, 600, 630, 660, 690}
    assert split.train_until == 360
    assert not (train & validate).any()


def test_selection_keeps_the_baseline_unless_the_booster_beats_it():
    X, y = linear_data(4000)
    as_of = np.repeat(np.arange(8), 500)
    split = Split(train_until=4, validate_from=6, validate_until=7)
    chosen = select(X, y, as_of, split=split)
    metrics = chosen.validation
    assert set(metrics) == {"logistic", "boosting", "shuffled"}
    best = max(("logistic", "boosting"), key=lambda k: metrics[k]["auc"])
    assert (
        chosen.chosen
        == ("boosting" if metrics["boosting"]["auc"] > metrics["logistic"]["auc"] else "logistic")
        == best
    )
    assert metrics[chosen.chosen]["auc"] > metrics["shuffled"]["auc"] + 0.15
    assert (chosen.train_rows, chosen.validation_rows) == (2500, 1000)
    assert chosen.model.n_features_in_ == 4 and chosen.model.kind == chosen.chosen
    # With the booster no better than a constant, the baseline stays.
    only = select(
        X,
        y,
        as_of,
        split=split,
        candidates={
            "logistic": RiskModel(),
            "boosting": RiskModel(kind="boosting", max_iter=1, learning_rate=1e-6),
        },
    )
    assert only.chosen == "logistic"


def test_psi_is_zero_for_the_same_population_and_alerts_on_a_shift():
    rng = np.random.default_rng(1)
    train = rng.normal(size=5000)
    ref = risk_drift.reference(train)
    assert risk_drift.psi(ref, rng.normal(size=5000)) < 0.02
    shifted = risk_drift.psi(ref, rng.normal(0.8, 1, size=5000))
    assert shifted > risk_drift.ALERT and risk_drift.level(shifted) == "alert"
    assert risk_drift.level(0.15) == "warn" and risk_drift.level(0.05) == "ok"
    binary = risk_drift.reference(np.r_[np.zeros(900), np.ones(100)])
    assert len(binary["shares"]) == 2 and binary["shares"] == [0.9, 0.1]


def test_drift_report_names_what_crossed_a_threshold():
    X, _ = linear_data(2000)
    refs = risk_drift.references(X, ("a", "b", "c", "d"), X[:, 0])
    today = X.copy()
    today[:, 2] += 1.0
    report = risk_drift.report(refs, today, ("a", "b", "c", "d"), today[:, 0])
    assert report["features"]["c"]["level"] == "alert"
    assert report["features"]["a"]["level"] == "ok" and report["score"]["level"] == "ok"
    assert [w.split(":")[0] for w in report["warnings"]] == ["c"]


def test_risk_classes_follow_the_thresholds():
    p = np.array([0.0, 0.099, 0.1, 0.2, 0.34, 0.35, 0.9])
    classes = risk_drift.risk_classes(p, (0.1, 0.2, 0.35))
    assert classes.tolist() == ["A", "A", "B", "C", "C", "D", "D"]
    with pytest.raises(ValueError, match="three increasing"):
        risk_drift.risk_classes(p, (0.3, 0.2, 0.5))
