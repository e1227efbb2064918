"""Demonstration communities (诚信计量示范社(街)区)."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import Community, Street
from creditsvc.principals import OFFICERS, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import CommunityArgs, CommunityIn, CommunityOut
from creditsvc.services import scope
from creditsvc.services.reads import paginate
from creditsvc.services.registry import operations as registry

blp = Blueprint(
    "communities",
    __name__,
    url_prefix="/api/v1/communities",
    description="Demonstration communities",
)


def scoped_communities():
    return select(Community).join(Street).where(scope.communities(auth.current()))


@blp.route("")
class Communities(MethodView):
    @allow(*STAFF)
    @blp.arguments(CommunityArgs, location="query")
    @blp.response(200, page_of(CommunityOut))
    def get(self, args):
        """List demonstration communities."""
        stmt = scoped_communities().order_by(Community.id)
        if "district" in args:
            stmt = stmt.where(Street.district_code == args["district"])
        if "street_id" in args:
            stmt = stmt.where(Community.street_id == args["street_id"])
        if "status" in args:
            stmt = stmt.where(Community.status == args["status"])
        return paginate(stmt, args["page"], args["per_page"])

    @allow(*OFFICERS)
    @blp.arguments(CommunityIn)
    @blp.response(201, CommunityOut)
    def post(self, data):
        """Record a street's application to become a demonstration community."""
        community = registry.create_community(auth.current(), data)
        return community


@blp.route("/<int:community_id>")
class CommunityItem(MethodView):
    @allow(*STAFF)
    @blp.response(200, CommunityOut)
    def get(self, community_id):
        """Read one demonstration community."""
        return one_or_404(scoped_communities().where(Community.id == community_id), "community")
