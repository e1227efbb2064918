"""What inspections, complaints and corrections share: finding the merchant in scope."""

from __future__ import annotations

from sqlalchemy import select

from creditsvc.extensions import db
from creditsvc.models import Merchant
from creditsvc.principals import Principal
from creditsvc.services import scope
from creditsvc.services.errors import Invalid


def merchant_in_scope(p: Principal, uscc: str, field: str = "merchant") -> Merchant:
    """The merchant an officer records evidence about: it must be in their district."""
    merchant = db.session.scalar(select(Merchant).where(Merchant.uscc == uscc, scope.merchants(p)))
    if merchant is None:
        raise Invalid(f"no merchant {uscc} in your district", field)
    return merchant
