"""Each merchant's last inspection, kept on the merchant for the public listing's sort.

The public sorts a district's listing by last inspection (issue 22): the day is kept on
`merchants.last_inspected_on` as inspections are recorded and voided, so the listing is
read in that order from an index (migration 0034). A voided inspection never counts, as
on the business's own page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, exists, func, select, update

from creditsvc.extensions import db
from creditsvc.models import Inspection, Merchant, Void


def latest_day(merchant_id: ColumnElement[int] | int) -> ColumnElement[date | None]:
    """The day of the merchant's latest inspection not voided (a scalar subquery)."""
    voided = exists().where(Void.evidence_kind == "inspection", Void.evidence_id == Inspection.id)
    return (
        select(func.max(Inspection.inspected_on))
        .where(Inspection.merchant_id == merchant_id, ~voided)
        .scalar_subquery()
    )


def refresh(merchant_ids: Iterable[int] | None = None) -> None:
    """Work the day out again from the inspections, for these merchants (None: all)."""
    stmt = update(Merchant).values(last_inspected_on=latest_day(Merchant.id))
    if merchant_ids is not None:
        stmt = stmt.where(Merchant.id.in_(list(merchant_ids)))
    db.session.execute(stmt.execution_options(synchronize_session=False))


def on_inspection_recorded(_sender, inspections: list[tuple[int, int, date]], **_kw) -> None:
    """A new inspection moves the day forward only when it is later than the one kept."""
    latest: dict[int, date] = {}
    for _id, merchant_id, day in inspections:
        latest[merchant_id] = max(day, latest.get(merchant_id, day))
    for merchant_id, day in latest.items():
        kept = Merchant.last_inspected_on
        db.session.execute(
            update(Merchant)
            .where(Merchant.id == merchant_id, (kept.is_(None)) | (kept < day))
            .values(last_inspected_on=day)
            .execution_options(synchronize_session=False)
        )


def on_evidence_voided(sender: str, merchant_id: int, **_kw) -> None:
    """A voided inspection may have been the latest: the day is worked out again."""
    if sender == "inspection":
        refresh([merchant_id])
