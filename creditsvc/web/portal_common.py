"""What the merchant portal's pages share: the blueprint and the business of the account.

There is no merchant in a portal URL: every page shows the merchant of the logged-in
account and nothing else, so no address can lead one merchant to another's record.
"""

from __future__ import annotations

from flask import Blueprint, abort

from creditsvc import auth
from creditsvc.models import Merchant
from creditsvc.services.appeals import queries as appeals

bp = Blueprint("portal", __name__, url_prefix="/portal")


def own_merchant() -> Merchant:
    merchant = appeals.merchant_of(auth.current())
    if merchant is None:
        abort(404, description="this account is linked to no business")
    return merchant
