"""The internal risk model (DESIGN.md §6): officers only, district-scoped, never public."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc import uscc as uscc_rules
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.extensions import db
from creditsvc.jobs.train import TRAIN, start_training
from creditsvc.models import JobRun, Merchant, RiskModelVersion, RiskScore
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
from creditsvc.services import scope
from creditsvc.services.reads import paginate

blp = Blueprint(
    "risk", __name__, url_prefix="/api/v1/risk", description="Internal risk model (officers only)"
)


def scoped_scores():
    return select(RiskScore).join(Merchant).where(scope.merchants(auth.current()))


@blp.route("/merchants")
class RiskScores(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(RiskArgs, location="query")
    @blp.response(200, page_of(RiskScoreOut))
    def get(self, args):
        """List merchants you may see by risk, highest probability first."""
        stmt = scoped_scores().order_by(RiskScore.probability.desc(), RiskScore.merchant_id)
        if "risk_class" in args:
            stmt = stmt.where(RiskScore.risk_class == args["risk_class"])
        if "district" in args:
            stmt = stmt.where(Merchant.district_code == args["district"])
        return paginate(stmt, args["page"], args["per_page"])


@blp.route("/merchants/<uscc>")
class RiskScoreItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, RiskScoreOut)
    def get(self, uscc):
        """Read one merchant's current risk probability and class."""
        return one_or_404(
            scoped_scores().where(Merchant.uscc == uscc_rules.normalise(uscc)), "risk score"
        )


@blp.route("/models")
class RiskModels(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, RiskModelOut(many=True))
    def get(self):
        """List trained model versions, newest first."""
        return db.session.scalars(
            select(RiskModelVersion).order_by(RiskModelVersion.id.desc()).limit(100)
        ).all()

    @allow(CITY)
    @blp.arguments(TrainIn)
    @blp.response(202, TrainingRunOut)
    def post(self, data):
        """Train a new model version and score every merchant with it (a job)."""
        return start_training(auth.current())


@blp.route("/models/<int:model_id>")
class RiskModelItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, RiskModelDetailOut)
    def get(self, model_id):
        """Read a model version: its model card, metrics and latest drift check."""
        return one_or_404(select(RiskModelVersion).where(RiskModelVersion.id == model_id), "model")


@blp.route("/training-runs/<run_id>")
class TrainingRunItem(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, TrainingRunOut)
    def get(self, run_id):
        """Read the status of a training run."""
        stmt = select(JobRun).where(JobRun.id == run_id, JobRun.kind == TRAIN)
        return one_or_404(stmt, "training run")
