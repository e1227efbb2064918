"""A merchant's standing (its current snapshot, its history, how its grade can rise) and
the scoring policy versions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from creditsvc import clock
from creditsvc.catalogue import violation_names
from creditsvc.extensions import db
from creditsvc.models import CurrentScore, Merchant, ScoreSnapshot, ScoringPolicy
from creditsvc.services.errors import NotFound
from creditsvc.services.standing import evidence_arrays, policies
from scoring import explain, scorecard

HISTORY_LIMIT = 400


def _live(merchant: Merchant, as_of: date) -> dict:
    """Score one merchant now, through the same vectorised scorecard (a batch of one)."""
    policy = policies.current()
    selection = select(Merchant.id).where(Merchant.id == merchant.id)
    _, evidence = evidence_arrays.load(selection, as_of, policy, per_day=True)
    scores = scorecard.score(evidence, policy, as_of)
    rise = explain.improvement(evidence, policy, as_of)
    rated = bool(scores.rated[0])
    return {
        "rated": rated,
        "score": float(scores.score[0]) if rated else None,
        "grade": str(scores.grade[0]) or None,
        "reasons": explain.reasons_of(scores.reasons, 0, violation_names()),
        "policy_version": policy.version,
        "next_improvement": {
            "date": rise.rises_on,
            "grade": rise.grade_then,
            "sooner": rise.sooner,
        },
    }


def history(merchant_id: int) -> list[ScoreSnapshot]:
    return list(
        db.session.scalars(
            select(ScoreSnapshot)
            .where(ScoreSnapshot.merchant_id == merchant_id)
            .order_by(ScoreSnapshot.as_of.desc(), ScoreSnapshot.id.desc())
            .limit(HISTORY_LIMIT)
        )
    )[::-1]


def of(merchant: Merchant, as_of: date | None = None) -> dict:
    """The stored standing when there is one (what was published), else a live scoring,
    with the improvement outlook always computed live from today's evidence."""
    as_of = as_of or clock.today()
    live = _live(merchant, as_of)
    current = db.session.get(CurrentScore, merchant.id)
    snapshot = db.session.get(ScoreSnapshot, current.snapshot_id) if current else None
    standing = {"merchant": merchant, "as_of": as_of, "stored": snapshot is not None, **live}
    if snapshot is not None:
        standing.update(
            rated=snapshot.rated,
            score=snapshot.score,
            grade=snapshot.grade,
            reasons=explain.worded(snapshot.reasons, violation_names()),
            policy_version=snapshot.policy_version,
            as_of=current.as_of,
            computed_at=snapshot.computed_at,
        )
    standing["history"] = history(merchant.id)
    return standing


def policy_versions() -> list[ScoringPolicy]:
    """Every scoring policy version, newest first (version 1 is written on first use)."""
    policies.current()
    return list(db.session.scalars(select(ScoringPolicy).order_by(ScoringPolicy.version.desc())))


def policy_version(number: int) -> ScoringPolicy:
    """One scoring policy version, or NotFound."""
    policies.current()
    row = db.session.get(ScoringPolicy, number)
    if row is None:
        raise NotFound(f"no policy version {number}")
    return row
