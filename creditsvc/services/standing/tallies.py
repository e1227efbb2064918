"""Re-weigh tallies of a full rescore: the daily tallies summed once for all districts.

Summing a district's re-weighs filters the daily tallies (`ReadingDay`) by its merchants,
and PostgreSQL answers that with a pass over the whole table; sixteen districts cost
sixteen passes. A full rescore therefore sums every merchant in one pass first (`count`),
keyed by its run, and each district's job reads its merchants' rows (`read`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from flask import current_app
from sqlalchemy import Select, delete, select, true

from creditsvc.bulk import Loader, analyze
from creditsvc.database import parallel
from creditsvc.extensions import db
from creditsvc.models import ReadingTally
from creditsvc.services.standing import evidence_arrays
from scoring.policy import Policy

COUNTS = (
    "merchant_id",
    "recent_total",
    "recent_assessable",
    "recent_short",
    "older_total",
    "older_assessable",
    "older_short",
)


def count(run_id: str, as_of: date, policy: Policy) -> int:
    """Count every merchant's re-weighs as of a date into the run's rows (a retried job
    starts again from none); returns the number of merchants with readings."""
    discard(run_id)
    # One pass over every daily tally of the window: the one statement worth several cores.
    parallel(current_app.config["TALLY_PARALLEL_WORKERS"])
    table = evidence_arrays.reweigh_counts(lambda column: true(), as_of, policy)
    columns = {"run_id": [run_id] * len(table)}
    columns |= {name: table[:, i] for i, name in enumerate(COUNTS)}
    Loader(db.session).load([(ReadingTally.__table__, columns)])
    # Without statistics the planner reads each district's rows with a nested loop over
    # the whole run's. The counting is not an INSERT ... SELECT: PostgreSQL 15 runs no
    # write in parallel (see BENCHMARKS.md, 'Full rescore').
    analyze(db.session, ReadingTally.__table__)
    return len(table)


def read(run_id: str, selection: Select) -> np.ndarray:
    """The counted rows of the merchants a SELECT of ids picks, in `reweigh_counts` form."""
    stmt = (
        select(*(getattr(ReadingTally, name) for name in COUNTS))
        .where(ReadingTally.run_id == run_id, ReadingTally.merchant_id.in_(selection))
        .order_by(ReadingTally.merchant_id)
    )
    return evidence_arrays.int_table(db.session.connection().execute(stmt).all(), len(COUNTS))


def discard(run_id: str) -> None:
    db.session.execute(delete(ReadingTally).where(ReadingTally.run_id == run_id))
