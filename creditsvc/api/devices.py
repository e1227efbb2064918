"""Self-service fair scales (自助公平秤) and their tokens."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.extensions import db
from creditsvc.models import ApiToken, Device, Market
from creditsvc.principals import STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import (
    DeviceArgs,
    DeviceIn,
    DeviceOut,
    DeviceUpdate,
    TokenIn,
    TokenOut,
)
from creditsvc.services import scope
from creditsvc.services.accounts import users as accounts
from creditsvc.services.reads import paginate
from creditsvc.services.registry import operations as registry

blp = Blueprint("devices", __name__, url_prefix="/api/v1/devices", description="Fair scales")


def scoped_devices():
    return select(Device).join(Market).where(scope.markets(auth.current()))


def scoped_device(serial: str) -> Device:
    return one_or_404(scoped_devices().where(Device.serial == serial), "device")


@blp.route("")
class Devices(MethodView):
    @allow(*STAFF)
    @blp.arguments(DeviceArgs, location="query")
    @blp.response(200, page_of(DeviceOut))
    def get(self, args):
        """List fair scales of the markets you may see."""
        stmt = scoped_devices().order_by(Device.id)
        if "market_id" in args:
            stmt = stmt.where(Device.market_id == args["market_id"])
        return paginate(stmt, args["page"], args["per_page"])

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
        return scoped_device(serial)

    @allow(*STAFF)
    @blp.arguments(DeviceUpdate)
    @blp.response(200, DeviceOut)
    def patch(self, data, serial):
        """Change a scale's accuracy class, verification due date or active flag."""
        device = registry.update_device(auth.current(), scoped_device(serial), data)
        return device


@blp.route("/<serial>/tokens")
class DeviceTokens(MethodView):
    @allow(*STAFF)
    @blp.response(200, TokenOut(many=True))
    def get(self, serial):
        """List a scale's tokens (never the tokens themselves)."""
        device = scoped_device(serial)
        return db.session.scalars(
            select(ApiToken).where(ApiToken.device_id == device.id).order_by(ApiToken.id)
        ).all()

    @allow(*STAFF)
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    def post(self, data, serial):
        """Issue a token the scale posts readings with; the token is shown only here."""
        principal = auth.current()
        row, token = accounts.issue_device_token(
            principal.name, scoped_device(serial), data["label"]
        )
        row.token = token  # shown once; only its hash is stored
        return row
