"""Population drift of the risk model's inputs and score, and the risk classes A–D.

The population stability index compares how today's population falls into bins drawn
from the training population's deciles: PSI = Σ (actual − expected) · ln(actual / expected).
The usual reading: below 0.1 stable, 0.1 to 0.25 a shift worth watching, above 0.25 a
shift that calls for retraining.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

WARN, ALERT = 0.1, 0.25
BINS = 10
FLOOR = 1e-4  # an empty bin's share, so the logarithm stays finite
CLASSES = ("A", "B", "C", "D")  # A lowest risk … D highest


def reference(values: np.ndarray, bins: int = BINS) -> dict[str, list[float]]:
    """Bin edges at the training population's deciles (repeated edges merged), or halfway
    between its values when it has no more than `bins` of them; and each bin's share."""
    values = np.asarray(values, dtype=float)
    distinct = np.unique(values)
    if len(distinct) <= bins:  # a flag or a count: one bin per value, split halfway
        inner = (distinct[1:] + distinct[:-1]) / 2
    else:
        inner = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1]))
    return {"edges": inner.tolist(), "shares": _shares(values, inner).tolist()}


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)
    return counts / max(len(values), 1)


def psi(ref: dict[str, list[float]], values: np.ndarray) -> float:
    expected = np.maximum(np.asarray(ref["shares"], dtype=float), FLOOR)
    actual = np.maximum(_shares(np.asarray(values, dtype=float), np.asarray(ref["edges"])), FLOOR)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def level(value: float) -> str:
    return "alert" if value >= ALERT else "warn" if value >= WARN else "ok"


def references(X: np.ndarray, names: Sequence[str], scores: np.ndarray) -> dict[str, Any]:
    """The training population's bins of every feature and of the score."""
    return {
        "features": {name: reference(X[:, j]) for j, name in enumerate(names)},
        "score": reference(scores),
    }


def report(refs: dict[str, Any], X: np.ndarray, names: Sequence[str], scores: np.ndarray):
    """PSI of each feature and of the score against the training references, with levels
    and the list of what crossed a threshold."""
    features = {}
    for j, name in enumerate(names):
        value = psi(refs["features"][name], X[:, j])
        features[name] = {"psi": round(value, 4), "level": level(value)}
    score = psi(refs["score"], scores)
    warnings = [
        f"{name}: PSI {entry['psi']:.3f} ({entry['level']})"
        for name, entry in {**features, "score": {"psi": score, "level": level(score)}}.items()
        if entry["level"] != "ok"
    ]
    return {
        "score": {"psi": round(score, 4), "level": level(score)},
        "features": features,
        "warnings": warnings,
        "thresholds": {"warn": WARN, "alert": ALERT},
    }


def risk_classes(p: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """Class of each probability: A below the first threshold, B below the second, C below
    the third, D from it on."""
    edges = np.asarray(thresholds, dtype=float)
    if len(edges) != len(CLASSES) - 1 or np.any(np.diff(edges) <= 0):
        raise ValueError("three increasing thresholds separate the four classes")
    return np.asarray(CLASSES)[np.searchsorted(edges, np.asarray(p, dtype=float), side="right")]
