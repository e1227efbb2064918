"""Consumer complaints and their status lifecycle."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth, unit_of_work
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.jobs import rescore
from creditsvc.models import Complaint, Merchant
from creditsvc.principals import HOST, MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.evidence import ComplaintArgs, ComplaintIn, ComplaintOut, TransitionIn
from creditsvc.services import scope
from creditsvc.services.evidence import complaints
from creditsvc.services.reads import paginate

blp = Blueprint("complaints", __name__, url_prefix="/api/v1/complaints", description="Complaints")


def scoped_complaints():
    return select(Complaint).where(scope.evidence(auth.current(), Complaint))


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
        stmt = scoped_complaints().order_by(Complaint.received_on.desc(), Complaint.id.desc())
        if "merchant" in args:
            stmt = stmt.join(Merchant).where(Merchant.uscc == args["merchant"])
        for key, column in (
            ("status", Complaint.status),
            ("channel", Complaint.channel),
            ("district", Complaint.district_code),
        ):
            if key in args:
                stmt = stmt.where(column == args[key])
        if "since" in args:
            stmt = stmt.where(Complaint.received_on >= args["since"])
        if "until" in args:
            stmt = stmt.where(Complaint.received_on <= args["until"])
        page = paginate(stmt, args["page"], args["per_page"])
        page["items"] = [with_contact(c) for c in page["items"]]
        return page

    @allow(*OFFICERS)
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
        stmt = scoped_complaints().where(Complaint.id == complaint_id)
        return with_contact(one_or_404(stmt, "complaint"))


@blp.route("/<int:complaint_id>/transitions")
class ComplaintTransitions(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(TransitionIn)
    @blp.response(200, ComplaintOut)
    def post(self, data, complaint_id):
        """Move a complaint to its next status, with the reason."""
        principal = auth.current()
        stmt = select(Complaint).where(
            Complaint.id == complaint_id, scope.evidence(principal, Complaint)
        )
        complaint = complaints.move(principal, one_or_404(stmt, "complaint"), **data)
        unit_of_work.after_commit(rescore.rescore_soon)
        return with_contact(complaint)
