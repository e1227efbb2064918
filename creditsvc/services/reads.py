"""What every domain's `queries.py` shares: one row of a scoped query, or a page of one."""

from __future__ import annotations

import math
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from creditsvc.extensions import db
from creditsvc.services.errors import NotFound


def one(stmt: Select, what: str, field: str | None = None) -> Any:
    """The single row of a scoped query, or NotFound: out of scope looks exactly like absent.

    A record named in the input (`field`) is refused the same way, the field named beside
    the message: naming another district's record must not tell that it exists (issue 17)."""
    row = db.session.scalar(stmt)
    if row is None:
        raise NotFound(f"no such {what}, or not yours to see", field)
    return row


def paginate(stmt: Select, page: int, per_page: int) -> dict:
    """Run `stmt` for one page, with the total count of the whole selection."""
    per_page = min(per_page, current_app.config["PAGE_SIZE_MAX"])
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total or 0,
        "pages": math.ceil((total or 0) / per_page),
    }
