"""Rescoring jobs: thin, take ids, commit once, log.

- `rescore_dirty` runs shortly after evidence arrives (debounced) and from the sweep;
- a full rescore fans out one `rescore_district` job per district and ends with
  `finish_full_rescore`, which depends on them all;
- the periodic sweep rescores any merchant still dirty (a lost job or a flushed Redis
  loses nothing: the outbox is in the database), and the daily roll moves decay on.
"""

from __future__ import annotations

import logging

from creditsvc.extensions import db
from creditsvc.services import jobruns, rescoring

log = logging.getLogger(__name__)


def rescore_dirty() -> dict:
    """Rescore dirty merchants until none are left; one transaction per pass."""
    total = {"merchants": 0, "snapshots": 0}
    while True:
        counts = rescoring.dirty()
        db.session.commit()
        if not counts["merchants"]:
            break
        total = {k: total[k] + counts[k] for k in total}
    log.info("rescored dirty merchants: %s", total)
    return total


def rescore_district(code: str, run_id: str | None = None) -> dict:
    counts = rescoring.district(code, run_id=run_id)
    db.session.commit()
    if run_id:
        jobruns.advance(run_id, "districts")
    log.info("rescored district %s: %s", code, counts)
    return counts


def finish_full_rescore(run_id: str) -> None:
    jobruns.finish(run_id, {"finished": True}, total=jobruns.total_of(run_id))
