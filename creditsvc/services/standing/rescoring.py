"""Rescoring: the verbs the jobs, the CLI and the API call.

Each call scores a selection of merchants in one pass (scoring.scorecard, vectorised),
writes their snapshots and moves their pointers, and clears their outbox marks made
before it started, all in the caller's transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Select, delete, select

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import DirtyMerchant, Merchant
from creditsvc.models.base import utcnow
from creditsvc.services import signals
from creditsvc.services.standing import evidence_arrays, policies, snapshots, tallies
from scoring import scorecard


def today() -> date:
    return clock.today()


def rescore(
    selection: Select,
    as_of: date | None = None,
    run_id: str | None = None,
    policy_version: int | None = None,
    tallied: bool = False,
) -> dict:
    """Score the merchants a SELECT of ids picks; returns counts for the job's status.

    A full rescore names its date and policy version, so every district is scored alike
    even when a job runs after midnight, and with `tallied` reads the re-weighs its run
    counted once (services.tallies) instead of counting them again.
    """
    as_of = as_of or today()
    started = utcnow()
    policy = _policy(policy_version)
    with _cycle_collector_paused():
        counted = tallies.read(run_id, selection) if tallied and run_id else None
        ids, evidence = evidence_arrays.load(selection, as_of, policy, tallied=counted)
        scores = scorecard.score(evidence, policy, as_of)
        written, regraded = snapshots.write(selection, ids, scores, evidence, policy, as_of, run_id)
    # Only marks made before this pass began are cleared: evidence that arrived while it
    # ran keeps its merchant dirty for the next one.
    db.session.execute(
        delete(DirtyMerchant).where(
            DirtyMerchant.merchant_id.in_(selection), DirtyMerchant.marked_at <= started
        )
    )
    if regraded:
        # Placards printed with the old grade lapse, and their merchants are told
        # (publication reacts, creditsvc.reactions).
        signals.grades_changed.send(None, merchant_ids=regraded, as_of=as_of)
    # Every standing rescored is confirmed as of the new date at least, and its public
    # record shows that date: the stored answers are rebuilt (publication reacts).
    signals.public_record_changed.send("standing", merchant_ids=ids.tolist())
    return {"merchants": len(ids), "snapshots": int(written), "policy_version": policy.version}


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch is scored. A district's rows, reasons
    and snapshots are hundreds of thousands of small objects without cycles (reference
    counting frees them), yet their very number set off full collections that walked
    them all again (see BENCHMARKS.md, 'Full rescore')."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _policy(version: int | None):
    if version is None:
        return policies.current()
    policy = policies.version(version)
    if policy is None:
        raise LookupError(f"scoring policy version {version} does not exist")
    return policy


def merchants(ids: list[int], **kwargs) -> dict:
    return rescore(select(Merchant.id).where(Merchant.id.in_(ids)), **kwargs)


def district(code: str, **kwargs) -> dict:
    return rescore(select(Merchant.id).where(Merchant.district_code == code), **kwargs)


def dirty(limit: int = 20_000, **kwargs) -> dict:
    """The oldest dirty merchants, at most `limit` of them in one pass."""
    oldest = select(DirtyMerchant.merchant_id).order_by(DirtyMerchant.marked_at).limit(limit)
    ids = list(db.session.scalars(oldest))
    return merchants(ids, **kwargs) if ids else {"merchants": 0, "snapshots": 0}
