"""A demonstration community's way through the programme: participating units, district
review, the city's draw and acceptance, re-evaluation (reference/rules.md §5)."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, clock
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import CITY, OFFICERS, STAFF
from creditsvc.schemas.programme import (
    AcceptIn,
    DrawIn,
    DrawOut,
    ProgrammeCommunityOut,
    ReviewIn,
    UnitBrief,
    UnitsIn,
)
from creditsvc.services.programme import communities
from creditsvc.services.programme import queries as programme
from creditsvc.services.registry import queries as registry

blp = Blueprint(
    "community_programme",
    __name__,
    url_prefix="/api/v1/communities",
    description="Demonstration communities: review, draw, acceptance",
)


def _done(result):
    return result


@blp.route("/<int:community_id>/units")
class CommunityUnits(MethodView):
    @allow(*STAFF)
    @blp.response(200, UnitBrief(many=True))
    def get(self, community_id):
        """The participating units of a community."""
        community = registry.community(auth.current(), community_id)
        return programme.community_units(community.id)

    @allow(*OFFICERS)
    @blp.arguments(UnitsIn)
    @blp.response(200, UnitBrief(many=True))
    def put(self, data, community_id):
        """Name the participating units of an application (replaces the list)."""
        community = registry.community(auth.current(), community_id)
        return _done(communities.set_units(auth.current(), community, data["units"]))


@blp.route("/<int:community_id>/review")
class CommunityReview(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ReviewIn)
    @blp.response(200, ProgrammeCommunityOut)
    def post(self, data, community_id):
        """The district bureau's review: pass on to the city, or reject."""
        community = registry.community(auth.current(), community_id)
        communities.review(auth.current(), community, data["approve"], data["note"], clock.today())
        return _done(community)


@blp.route("/<int:community_id>/draws")
class CommunityDraws(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, DrawOut(many=True))
    def get(self, community_id):
        """The community's draws, first to last, with each drawn unit's score."""
        community = registry.community(auth.current(), community_id)
        return programme.community_draws(community.id)

    @allow(CITY)
    @blp.arguments(DrawIn)
    @blp.response(201, DrawOut)
    def post(self, data, community_id):
        """Draw 12 units in 4 groups for acceptance or re-evaluation (the seed is recorded)."""
        community = registry.community(auth.current(), community_id)
        return _done(communities.draw(auth.current(), community, data.get("seed")))


@blp.route("/<int:community_id>/accept")
class CommunityAccept(MethodView):
    @allow(CITY)
    @blp.arguments(AcceptIn)
    @blp.response(200, DrawOut)
    def post(self, data, community_id):
        """Accept or reject on the open draw, recording the organiser's score."""
        community = registry.community(auth.current(), community_id)
        return _done(communities.decide(auth.current(), community, data, clock.today()))


@blp.route("/<int:community_id>/programme")
class CommunityProgramme(MethodView):
    @allow(*STAFF)
    @blp.response(200, ProgrammeCommunityOut)
    def get(self, community_id):
        """Where a community stands in the programme, with its next re-evaluation."""
        return registry.community(auth.current(), community_id)
