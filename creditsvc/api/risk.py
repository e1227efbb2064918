"""The internal risk model (DESIGN.md §6): officers only, district-scoped, never public."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc import uscc as uscc_rules
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs.train import TRAIN, start_training
from creditsvc.principals import CITY, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.risk import (
    RiskArgs,
    RiskModelDetailOut,
    RiskModelOut,
    RiskScoreOut,
    TrainIn,
    TrainingRunOut,
)
from creditsvc.services import jobruns
from creditsvc.services.risk import queries

blp = Blueprint(
    "risk", __name__, url_prefix="/api/v1/risk", description="Internal risk model (officers only)"
)


@blp.route("/merchants")
class RiskScores(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(RiskArgs, location="query")
    @blp.response(200, page_of(RiskScoreOut))
    def get(self, args):
        """List merchants you may see by risk, highest probability first."""
        return queries.risk_scores_page(auth.current(), args)


@blp.route("/merchants/<uscc>")
class RiskScoreItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, RiskScoreOut)
    def get(self, uscc):
        """Read one merchant's current risk probability and class."""
        return queries.risk_score(auth.current(), uscc_rules.normalise(uscc))


@blp.route("/models")
class RiskModels(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, RiskModelOut(many=True))
    def get(self):
        """List trained model versions, newest first."""
        return queries.model_versions(100)

    @allow(CITY)
    @blp.arguments(TrainIn)
    @blp.response(202, TrainingRunOut)
    @blp.alt_response(503, description="the job queue is down; nothing was started")
    def post(self, data):
        """Train a new model version and score every merchant with it (a job)."""
        return start_training(auth.current())


@blp.route("/models/<int:model_id>")
class RiskModelItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, RiskModelDetailOut)
    def get(self, model_id):
        """Read a model version: its model card, metrics and latest drift check."""
        return queries.model_version(model_id)


@blp.route("/training-runs/<run_id>")
class TrainingRunItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, TrainingRunOut)
    def get(self, run_id):
        """Read the status of a training run."""
        return jobruns.of_kind(run_id, TRAIN, "training run")
