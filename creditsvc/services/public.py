"""Published facts about merchants, for anyone: grade, date, top reasons; nothing else.

Only these columns are ever selected, so no personal data or internal figure (a
complainant, a risk class) can reach a public answer by accident.
"""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from creditsvc.extensions import db
from creditsvc.models import CurrentScore, Market, Merchant, ScoreSnapshot, Stall, Street

TOP_REASONS = 3


def _stall_number():
    return (
        select(func.min(Stall.number))
        .where(Stall.merchant_id == Merchant.id)
        .correlate(Merchant)
        .scalar_subquery()
    )


def listing() -> Select:
    return (
        select(
            Merchant.uscc,
            Merchant.name,
            Merchant.trade,
            Merchant.district_code.label("district"),
            Street.name.label("street"),
            Market.name.label("market"),
            _stall_number().label("stall"),
            Merchant.address,
            func.coalesce(CurrentScore.rated, False).label("rated"),
            CurrentScore.grade,
            CurrentScore.as_of,
            CurrentScore.policy_version,
            CurrentScore.snapshot_id,
        )  # fmt: skip
        .outerjoin(Street, Street.id == Merchant.street_id)
        .outerjoin(Market, Market.id == Merchant.market_id)
        .outerjoin(CurrentScore, CurrentScore.merchant_id == Merchant.id)
    )


def search(args: dict) -> Select:
    stmt = listing().order_by(Merchant.name, Merchant.id)
    if args.get("q"):
        q = args["q"].strip()
        stmt = stmt.where(or_(Merchant.name.like(f"%{q}%"), Merchant.uscc == q.upper()))
    if args.get("district"):
        stmt = stmt.where(Merchant.district_code == args["district"])
    if args.get("street"):
        stmt = stmt.where(Street.name == args["street"])
    if args.get("trade"):
        stmt = stmt.where(Merchant.trade == args["trade"])
    if args.get("grade") == "unrated":
        stmt = stmt.where(or_(CurrentScore.rated.is_(None), CurrentScore.rated.is_(False)))
    elif args.get("grade"):
        stmt = stmt.where(CurrentScore.grade == args["grade"])
    return stmt


def page(args: dict) -> dict:
    stmt = search(args)
    per_page, number = args["per_page"], args["page"]
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).mappings()
    return {
        "items": [dict(r) for r in rows],
        "page": number,
        "per_page": per_page,
        "total": total or 0,
        "pages": -(-(total or 0) // per_page),
    }


def public_reason(reason: dict) -> dict:
    keys = ("code", "points", "text", "text_en", "date")
    return {k: reason.get(k) for k in keys}


def record(uscc: str) -> dict | None:
    row = (
        db.session.execute(listing().where(Merchant.uscc == uscc.strip().upper()))
        .mappings()
        .first()
    )
    if row is None:
        return None
    record = dict(row)
    snapshot = db.session.get(ScoreSnapshot, row["snapshot_id"]) if row["snapshot_id"] else None
    losses = [
        r
        for r in (snapshot.reasons if snapshot else [])
        if r["points"] > 0 or r["code"].startswith("CAP_")
    ]
    record["reasons"] = [public_reason(r) for r in losses[:TOP_REASONS]]
    return record
