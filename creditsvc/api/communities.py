"""Demonstration communities (诚信计量示范社(街)区)."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.registry import CommunityArgs, CommunityIn, CommunityOut
from creditsvc.services.registry import operations as registry
from creditsvc.services.registry import queries

blp = Blueprint(
    "communities",
    __name__,
    url_prefix="/api/v1/communities",
    description="Demonstration communities",
)


@blp.route("")
class Communities(MethodView):
    @allow(*STAFF)
    @blp.arguments(CommunityArgs, location="query")
    @blp.response(200, page_of(CommunityOut))
    def get(self, args):
        """List demonstration communities."""
        return queries.communities_page(auth.current(), args)

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
        return queries.community(auth.current(), community_id)
