"""Readiness (the database and the job queue) and liveness (the process answers).

`/healthz/live` is also the trivial endpoint the load test measures lookups against."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import queue_state
from creditsvc.principals import PUBLIC
from creditsvc.schemas.admin import HealthOut, LiveOut
from creditsvc.services import health

blp = Blueprint("health", __name__, url_prefix="/healthz", description="Service health")


@blp.route("")
class Health(MethodView):
    @allow(PUBLIC)
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut)
    def get(self):
        """Report the database and queue; answers even when Redis is down."""
        database = health.database_state()
        body = {
            "status": "ok" if database == "ok" else "degraded",
            "database": database,
            "queue": queue_state(),
            "checks": health.checks(database == "ok"),
        }
        return body, (200 if database == "ok" else 503)


@blp.route("/live")
class Live(MethodView):
    @allow(PUBLIC)
    @blp.response(200, LiveOut)
    def get(self):
        """Liveness: the process answers; neither the database nor the queue is asked."""
        return {"status": "ok"}
