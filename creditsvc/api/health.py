"""Readiness (the database and the job queue) and liveness (the process answers).

`/healthz/live` is also the trivial endpoint the load test measures lookups against."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import text

from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.extensions import db
from creditsvc.jobs import queue_state
from creditsvc.principals import PUBLIC

blp = Blueprint("health", __name__, url_prefix="/healthz", description="Service health")


class HealthOut(Schema):
    status = fields.Str()
    database = fields.Str()
    queue = fields.Str(metadata={"description": "ok | inline (no REDIS_URL) | down"})


@blp.route("")
class Health(MethodView):
    @allow(PUBLIC)
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut)
    def get(self):
        """Report the database and queue; answers even when Redis is down."""
        try:
            db.session.execute(text("SELECT 1"))
            database = "ok"
        except Exception:  # the probe must answer, whatever the failure
            current_app.logger.exception("health: database unreachable")
            db.session.rollback()
            database = "down"
        body = {
            "status": "ok" if database == "ok" else "degraded",
            "database": database,
            "queue": queue_state(),
        }
        return body, (200 if database == "ok" else 503)


class LiveOut(Schema):
    status = fields.Str()


@blp.route("/live")
class Live(MethodView):
    @allow(PUBLIC)
    @blp.response(200, LiveOut)
    def get(self):
        """Liveness: the process answers; neither the database nor the queue is asked."""
        return {"status": "ok"}
