"""The audit log, read-only: the city sees all, a district officer its own district."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import OFFICERS
from creditsvc.schemas.admin import AuditArgs, AuditOut
from creditsvc.schemas.common import page_of
from creditsvc.services import audit

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log")


@blp.route("")
class Audit(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_of(AuditOut))
    def get(self, args):
        """List audit entries, newest first."""
        return audit.entries_page(auth.current(), args)
