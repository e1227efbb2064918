"""The audit log, read-only: the city sees all, a district officer its own district."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import select, true

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import AuditEntry
from creditsvc.principals import CITY, OFFICERS
from creditsvc.schemas.common import PageArgs, page_of
from creditsvc.services.reads import paginate

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log")


class AuditArgs(PageArgs):
    entity = fields.Str()
    entity_id = fields.Str()
    actor = fields.Str()


class AuditOut(Schema):
    id = fields.Int()
    at = fields.DateTime()
    actor = fields.Str()
    action = fields.Str()
    entity = fields.Str()
    entity_id = fields.Str()
    district = fields.Str(attribute="district_code", allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    reason = fields.Str(allow_none=True)


def scoped_entries():
    """The entries the caller may read: all for the city officer, else the district's."""
    p = auth.current()
    in_scope = true() if p.role == CITY else AuditEntry.district_code == p.district_code
    return select(AuditEntry).where(in_scope)


@blp.route("")
class Audit(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_of(AuditOut))
    def get(self, args):
        """List audit entries, newest first."""
        stmt = scoped_entries().order_by(AuditEntry.id.desc())
        for key in ("entity", "entity_id", "actor"):
            if key in args:
                stmt = stmt.where(getattr(AuditEntry, key) == args[key])
        return paginate(stmt, args["page"], args["per_page"])
