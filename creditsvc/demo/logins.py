"""The demo logins: a city officer, two of 徐汇区's district officers (one drafts a notice,
the other approves it: four eyes, DESIGN.md §7), a host and a stall there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from creditsvc.demo.plan import STALL, XUHUI
from creditsvc.extensions import db
from creditsvc.models import TRADES, Market, Merchant, User
from creditsvc.services.accounts import users as accounts

PASSWORD = "demo-password"  # noqa: S105 - demo logins only, printed by the summary
ACTOR = "demo"


def demo_users(password: str = PASSWORD) -> list[str]:
    """Create the demo logins; a username already taken is left as it is."""
    market = db.session.scalar(
        select(Market).where(Market.district_code == XUHUI).order_by(Market.id).limit(1)
    )
    stall = db.session.scalar(
        select(Merchant)
        .where(Merchant.district_code == XUHUI, Merchant.trade == TRADES[STALL])
        .order_by(Merchant.id)
        .limit(1)
    )
    wanted: list[tuple[str, str, dict[str, Any], str]] = [
        ("city", "city", {}, "city officer"),
        ("xuhui", "district", {"district": XUHUI}, f"district officer, 徐汇区 ({XUHUI})"),
        (
            "xuhui2",
            "district",
            {"district": XUHUI},
            f"second district officer, 徐汇区 ({XUHUI}): approves what xuhui drafts",
        ),
    ]
    wanted.append(("xiehui", "association", {}, "industry association (行业协会)"))
    if market is not None:
        wanted.append(("host", "host", {"market": market.id}, f"market host, {market.name}"))
    if stall is not None:
        what = f"merchant, {stall.name} ({stall.uscc})"
        wanted.append(("merchant", "merchant", {"merchant": stall.uscc}, what))
    lines = []
    for username, role, scope, what in wanted:
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            lines.append(f"  {username:<9} exists already, left unchanged")
            continue
        accounts.create_user(ACTOR, username=username, password=password, role=role, **scope)
        lines.append(f"  {username:<9} {what}")
    return lines
