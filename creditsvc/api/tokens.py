"""Your own API tokens, and revocation of any token you manage."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import CITY, DISTRICT, HOST, MERCHANT
from creditsvc.schemas.accounts import TokenIn, TokenOut
from creditsvc.services.accounts import queries
from creditsvc.services.accounts import users as accounts

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="API tokens")
PEOPLE = (CITY, DISTRICT, HOST, MERCHANT)


@blp.route("")
class Tokens(MethodView):
    @allow(*PEOPLE)
    @blp.response(200, TokenOut(many=True))
    def get(self):
        """List your own tokens."""
        return queries.user_tokens(auth.current().user)

    @allow(*PEOPLE)
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    def post(self, data):
        """Issue yourself a new token; it is shown only in this answer."""
        principal = auth.current()
        row, token = accounts.issue_user_token(principal.name, principal.user, data["label"])
        row.token = token  # shown once; only its hash is stored
        return row


@blp.route("/<int:token_id>/revoke")
class TokenRevoke(MethodView):
    @allow(*PEOPLE)
    @blp.response(200, TokenOut)
    def post(self, token_id):
        """Revoke a token at once: your own, or a device token of a market you manage."""
        principal = auth.current()
        token = queries.token(token_id)
        if not accounts.may_manage_token(principal, token):
            abort(404, message="no such token, or not yours to see")
        accounts.revoke_token(principal, token)
        return token
