"""Re-weigh readings posted by self-service fair scales (自助公平秤), and their listing."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView

from creditsvc import auth, unit_of_work
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.principals import DEVICE, STAFF
from creditsvc.schemas.common import page_of
from creditsvc.schemas.readings import ReadingArgs, ReadingBatchIn, ReadingBatchOut, ReadingOut
from creditsvc.services.evidence import queries, readings

blp = Blueprint(
    "readings", __name__, url_prefix="/api/v1/readings", description="Fair-scale readings"
)


@blp.route("")
class Readings(MethodView):
    @allow(*STAFF)
    @blp.arguments(ReadingArgs, location="query")
    @blp.response(200, page_of(ReadingOut))
    def get(self, args):
        """List the readings you may see, newest first (`until` is exclusive)."""
        return queries.readings_page(auth.current(), args)

    @allow(DEVICE)
    @blp.idempotent
    @blp.arguments(ReadingBatchIn)
    @blp.response(200, ReadingBatchOut)
    def post(self, data):
        """Post a batch of 1 to 1,000 re-weighs; each gets its verdict, duplicate or error."""
        answer = readings.ingest(auth.current().device, data["readings"])
        if answer["accepted"]:
            unit_of_work.after_commit(rescore.rescore_soon)
        # The service builds the answer in ReadingBatchOut's shape (a test holds it to
        # it): a ready response skips dumping up to 1,000 results through marshmallow.
        return jsonify(answer)
