"""Writing score snapshots and moving each merchant's current pointer, in bulk.

A snapshot is written when a merchant's inputs, grade or rated state change, or its
score moves by at least MIN_SCORE_CHANGE; otherwise the current pointer is only
confirmed as of the new date. That keeps a readable history (one point per real
change) instead of a row per merchant per day of decay.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date

import numpy as np
from sqlalchemy import ARRAY, BigInteger, Select, any_, bindparam, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from creditsvc import bulk
from creditsvc.extensions import db
from creditsvc.models import CurrentScore, ScoreSnapshot
from creditsvc.models.base import utcnow
from scoring.explain import reasons_by_merchant
from scoring.policy import Policy
from scoring.scorecard import Evidence, Scores

MIN_SCORE_CHANGE = 0.1
FNV_OFFSET, FNV_PRIME = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3)


def _mix(*columns: np.ndarray) -> np.ndarray:
    """A 64-bit FNV-style hash of each row of the given integer columns."""
    h = np.full(len(columns[0]), FNV_OFFSET, dtype=np.uint64)
    for column in columns:
        h = (h ^ column.astype(np.uint64)) * FNV_PRIME
    return h


def inputs_digests(evidence: Evidence, policy: Policy) -> list[str]:
    """Per merchant, a SHA-256 over its evidence (order-free) and the policy version."""
    acc = np.zeros(evidence.size, dtype=np.uint64)
    f, i, c, r = evidence.findings, evidence.inspections, evidence.complaints, evidence.reweighs
    parts = [
        (
            f.merchant,
            _mix(np.full(len(f.day), 1), f.inspection_id, f.day, f.severity, f.failed_lot),
        ),
        (i.merchant, _mix(np.full(len(i.day), 2), i.inspection_id, i.day, i.clean)),
        (c.merchant, _mix(np.full(len(c.day), 3), c.complaint_id, c.day)),
        (r.merchant, _mix(np.full(len(r.day), 4), r.day, r.total, r.assessable, r.short)),
    ]
    with np.errstate(over="ignore"):
        for merchant, hashes in parts:
            np.add.at(acc, merchant, hashes)
    prefix = f"policy:{policy.version}|"
    return [hashlib.sha256((prefix + str(v)).encode()).hexdigest() for v in acc.tolist()]


def _current(selection: Select) -> dict[int, tuple]:
    rows = (
        db.session.connection()
        .execute(
            select(
                CurrentScore.merchant_id,
                CurrentScore.rated,
                CurrentScore.score,
                CurrentScore.grade,
                CurrentScore.policy_version,
                CurrentScore.inputs_hash,
            ).where(CurrentScore.merchant_id.in_(selection))
        )
        .all()
    )
    return {row[0]: row[1:] for row in rows}


def _changed(before: tuple, rated: bool, score, grade, version: int, digest: str) -> bool:
    was_rated, was_score, was_grade, was_version, was_digest = before
    moved = (was_score is None) != (score is None) or (
        score is not None and abs(was_score - score) >= MIN_SCORE_CHANGE
    )
    return (was_rated, was_grade, was_version, was_digest) != (
        rated,
        grade,
        version,
        digest,
    ) or moved


POINTER = (
    "merchant_id",
    "snapshot_id",
    "rated",
    "score",
    "grade",
    "as_of",
    "policy_version",
    "inputs_hash",
)
POINTERS = CurrentScore.__table__  # Core: the ORM would read a parameter dict as rows


def _point_to(snapshot_ids: list[int]) -> None:
    """Move each merchant's pointer to its snapshot just written, copying the facts lists
    filter on: one INSERT ... SELECT from the snapshots themselves, upserting."""
    source = select(
        ScoreSnapshot.merchant_id,
        ScoreSnapshot.id,
        ScoreSnapshot.rated,
        ScoreSnapshot.score,
        ScoreSnapshot.grade,
        ScoreSnapshot.as_of,
        ScoreSnapshot.policy_version,
        ScoreSnapshot.inputs_hash,
    )
    if db.engine.dialect.name == "postgresql":
        # One array parameter, not a bound parameter per id (see `write`).
        ids = bindparam("ids", snapshot_ids, type_=ARRAY(BigInteger))
        stmt = postgresql.insert(POINTERS).from_select(
            POINTER, source.where(ScoreSnapshot.id == any_(ids))
        )
    else:
        # SQLite numbers them as one unbroken run (`_new_ids`) under its one writer, and
        # would refuse more than 32,766 bound parameters.
        first, last = snapshot_ids[0], snapshot_ids[-1]
        stmt = sqlite.insert(POINTERS).from_select(
            POINTER, source.where(ScoreSnapshot.id.between(first, last))
        )
    stmt = stmt.on_conflict_do_update(
        index_elements=[POINTERS.c.merchant_id],
        set_={name: stmt.excluded[name] for name in POINTER[1:]},
    )
    db.session.execute(stmt)


def _pointers(snapshots: dict[str, list], first: list[bool]) -> dict[str, list]:
    """Standing rows, as columns, for the snapshots of merchants that have none yet."""
    named = {"snapshot_id": "id"}
    return {
        name: list(itertools.compress(snapshots[named.get(name, name)], first)) for name in POINTER
    }


def _sequence() -> str:
    return db.session.scalar(text("SELECT pg_get_serial_sequence('score_snapshots', 'id')"))


def _new_ids(count: int) -> list[int]:
    if db.engine.dialect.name == "postgresql":
        # The sequence is named once: as nextval's argument, pg_get_serial_sequence would
        # be looked up again for every row (see BENCHMARKS.md, 'Full rescore'). One
        # array comes back, not a row per number.
        numbers = text(
            "SELECT array_agg(nextval(CAST(:sequence AS regclass))) FROM generate_series(1, :n)"
        )
        return db.session.scalar(numbers, {"sequence": _sequence(), "n": count})
    start = db.session.scalar(select(func.coalesce(func.max(ScoreSnapshot.id), 0))) + 1
    return list(range(start, start + count))


def write(
    selection: Select,
    ids: np.ndarray,
    scores: Scores,
    evidence: Evidence,
    policy: Policy,
    as_of: date,
    run_id: str | None,
) -> tuple[int, list[int]]:
    """Write what changed and move the pointers of the merchants a SELECT of ids picks
    (`ids`, sorted, are the rows of `scores`); flushes, the caller commits. Returns the
    number of snapshots written and the merchants whose grade changed (rated or not
    counts: a grade gained or lost is a change). Statements filter by the selection
    itself: a list of 200,000 ids as bound parameters costs psycopg seconds to parse."""
    digests = inputs_digests(evidence, policy)
    before = _current(selection)
    version, fresh, first, regraded = policy.version, [], [], []
    columns = zip(
        ids.tolist(),
        scores.rated.tolist(),
        scores.score.tolist(),
        scores.grade.tolist(),
        strict=True,
    )
    for m, (merchant_id, rated, score, grade) in enumerate(columns):
        score, grade = (score if rated else None), (grade or None)
        was = before.get(merchant_id)
        if was is None or _changed(was, rated, score, grade, version, digests[m]):
            first.append(was is None)
            fresh.append((m, merchant_id, rated, score, grade))
            if was is not None and (was[2] if was[0] else None) != (grade if rated else None):
                regraded.append(merchant_id)
    if fresh:
        rows, merchants, rated, score, grade = (list(column) for column in zip(*fresh, strict=True))
        reasons, n = reasons_by_merchant(scores.reasons, len(ids)), len(fresh)
        new_ids = _new_ids(n)
        # As columns, not a dict per row; COPY on PostgreSQL (creditsvc.bulk): a first
        # full rescore writes 200,000 of them.
        snapshots = {
            "id": new_ids,
            "merchant_id": merchants,
            "as_of": [as_of] * n,
            "computed_at": [utcnow()] * n,
            "policy_version": [version] * n,
            "rated": rated,
            "score": score,
            "grade": grade,
            "reasons": [reasons[m] for m in rows],
            "inputs_hash": [digests[m] for m in rows],
            "run_id": [run_id] * n,
        }
        chunks = [(ScoreSnapshot.__table__, snapshots)]
        if run_id is not None and any(first):
            # A full rescore's merchants without a standing get theirs written as the
            # snapshots are (COPY), not upserted: half the cost of a city's first pass
            # over its standings. Should a dirty rescore give one of them a standing
            # meanwhile, the district's job fails on the key and rq runs it again.
            chunks.append((POINTERS, _pointers(snapshots, first)))
            new_ids = [i for i, is_first in zip(new_ids, first, strict=True) if not is_first]
        bulk.Loader(db.session).load(chunks)
        if new_ids:
            _point_to(new_ids)
    # The others are confirmed as of the new date (a no-op when rescored the same day).
    db.session.execute(
        update(CurrentScore)
        .where(CurrentScore.merchant_id.in_(selection), CurrentScore.as_of != as_of)
        .values(as_of=as_of)
    )
    return len(fresh), regraded
