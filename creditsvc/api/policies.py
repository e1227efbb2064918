"""Scoring policy versions: read by officers, adopted by the city officer."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.principals import CITY, PUBLIC
from creditsvc.schemas.standing import PolicyIn, PolicyOut
from creditsvc.services.standing import queries

blp = Blueprint("policies", __name__, url_prefix="/api/v1/policies", description="Scoring policy")


@blp.route("")
class Policies(MethodView):
    @allow(PUBLIC)
    @blp.response(200, PolicyOut(many=True))
    def get(self):
        """List every policy version, newest first (the scorecard is public)."""
        return queries.policy_versions()

    @allow(CITY)
    @blp.arguments(PolicyIn)
    @blp.response(201, PolicyOut)
    @blp.alt_response(503, description="the job queue is down; the policy was not adopted")
    def post(self, data):
        """Adopt a new policy version; every merchant is then rescored under it."""
        return rescore.adopt_policy(auth.current(), data["document"], data["note"])


@blp.route("/<int:version>")
class PolicyItem(MethodView):
    @allow(PUBLIC)
    @blp.response(200, PolicyOut)
    def get(self, version):
        """Read one policy version."""
        return queries.policy_version(version)
