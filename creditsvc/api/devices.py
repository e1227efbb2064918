"""Self-service fair scales (自助公平秤) and their tokens."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import STAFF
from creditsvc.schemas.accounts import TokenIn, TokenOut
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import DeviceArgs, DeviceIn, DeviceOut, DeviceUpdate
from creditsvc.services.accounts import queries as account_queries
from creditsvc.services.accounts import users as accounts
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries

blp = Blueprint("devices", __name__, url_prefix="/api/v1/devices", description="Fair scales")


@blp.route("")
class Devices(MethodView):
    @allow(*STAFF)
    @blp.arguments(DeviceArgs, location="query")
    @blp.response(200, page_of(DeviceOut))
    def get(self, args):
        """List fair scales of the markets you may see."""
        return queries.devices_page(auth.current(), args)

    @allow(*STAFF)
    @blp.arguments(DeviceIn)
    @blp.response(201, DeviceOut)
    def post(self, data):
        """Register a fair scale in a market you manage."""
        device = registry.create_device(auth.current(), data)
        return device


@blp.route("/<serial>")
class DeviceItem(MethodView):
    @allow(*STAFF)
    @blp.response(200, DeviceOut)
    def get(self, serial):
        """Read one fair scale."""
        return queries.device(auth.current(), serial)

    @allow(*STAFF)
    @blp.arguments(DeviceUpdate)
    @blp.response(200, DeviceOut)
    def patch(self, data, serial):
        """Change a scale's accuracy class, verification due date or active flag."""
        p = auth.current()
        device = registry.update_device(p, queries.device(p, serial), data)
        return device


@blp.route("/<serial>/tokens")
class DeviceTokens(MethodView):
    @allow(*STAFF)
    @blp.response(200, TokenOut(many=True))
    def get(self, serial):
        """List a scale's tokens (never the tokens themselves)."""
        return account_queries.device_tokens(queries.device(auth.current(), serial))

    @allow(*STAFF)
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    def post(self, data, serial):
        """Issue a token the scale posts readings with; the token is shown only here."""
        principal = auth.current()
        row, token = accounts.issue_device_token(
            principal.name, queries.device(principal, serial), data["label"]
        )
        row.token = token  # shown once; only its hash is stored
        return row
