"""Mark merchants for rescoring in the transaction that changes their evidence."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.dialects import postgresql, sqlite

from creditsvc.extensions import db
from creditsvc.models import DirtyMerchant
from creditsvc.models.base import utcnow


def mark_dirty(merchant_ids: Iterable[int], reason: str) -> None:
    """Upsert one outbox row per merchant; a later mark moves `marked_at` forward.

    A rescore clears only marks older than its own start, so evidence that arrives
    while it runs keeps its merchant dirty for the next pass.
    """
    ids = sorted(set(merchant_ids))  # sorted: concurrent batches lock rows in one order
    if not ids:
        return
    now = utcnow()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    # On the table, as an executemany: one short statement the driver caches and
    # pipelines, rather than one long multi-row VALUES built through the ORM.
    table = DirtyMerchant.__table__
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.merchant_id],
        set_={"marked_at": stmt.excluded.marked_at, "reason": stmt.excluded.reason},
    )
    db.session.execute(stmt, [{"merchant_id": i, "marked_at": now, "reason": reason} for i in ids])
