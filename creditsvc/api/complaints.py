"""Consumer complaints and their status lifecycle."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, unit_of_work
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.models import Complaint
from creditsvc.principals import HOST, MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.evidence import ComplaintArgs, ComplaintIn, ComplaintOut, TransitionIn
from creditsvc.services.evidence import complaints, queries

blp = Blueprint("complaints", __name__, url_prefix="/api/v1/complaints", description="Complaints")


def with_contact(complaint: Complaint) -> Complaint:
    """Attach the complainant's contact for the one audience allowed to see it."""
    complaint.contact = complaints.contact_for(auth.current(), complaint)
    return complaint


@blp.route("")
class Complaints(MethodView):
    @allow(*OFFICERS, HOST, MERCHANT)
    @blp.arguments(ComplaintArgs, location="query")
    @blp.response(200, page_of(ComplaintOut))
    def get(self, args):
        """List complaints you may see, newest first."""
        page = queries.complaints_page(auth.current(), args)
        page["items"] = [with_contact(c) for c in page["items"]]
        return page

    @allow(*OFFICERS)
    @blp.idempotent
    @blp.arguments(ComplaintIn)
    @blp.response(201, ComplaintOut)
    def post(self, data):
        """Record a complaint about a merchant in your district."""
        complaint = complaints.record_complaint(auth.current(), data)
        unit_of_work.after_commit(rescore.rescore_soon)
        return with_contact(complaint)


@blp.route("/<int:complaint_id>")
class ComplaintItem(MethodView):
    @allow(*OFFICERS, HOST, MERCHANT)
    @blp.response(200, ComplaintOut)
    def get(self, complaint_id):
        """Read one complaint; the contact only for officers of its district."""
        return with_contact(queries.complaint(auth.current(), complaint_id))


@blp.route("/<int:complaint_id>/transitions")
class ComplaintTransitions(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(TransitionIn)
    @blp.response(200, ComplaintOut)
    def post(self, data, complaint_id):
        """Move a complaint to its next status, with the reason."""
        principal = auth.current()
        complaint = complaints.move(principal, queries.complaint(principal, complaint_id), **data)
        unit_of_work.after_commit(rescore.rescore_soon)
        return with_contact(complaint)
