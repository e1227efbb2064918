"""Self-commitments (诚信计量自我承诺书): signed in the portal or recorded from paper."""

from __future__ import annotations

from flask import send_file
from flask.views import MethodView
from flask_smorest import abort

from creditsvc import auth, clock
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.programme import (
    CommitmentArgs,
    CommitmentFile,
    CommitmentForm,
    CommitmentOut,
    WithdrawIn,
)
from creditsvc.services.programme import commitments
from creditsvc.services.programme import queries as programme

blp = Blueprint(
    "commitments", __name__, url_prefix="/api/v1/commitments", description="Self-commitments"
)


@blp.route("")
class Commitments(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.arguments(CommitmentArgs, location="query")
    @blp.response(200, page_of(CommitmentOut))
    def get(self, args):
        """List commitments, newest first (a merchant sees its own)."""
        return programme.commitments_page(auth.current(), args)

    @allow(*OFFICERS, MERCHANT)
    @blp.arguments(CommitmentForm, location="form")
    @blp.arguments(CommitmentFile, location="files")
    @blp.response(201, CommitmentOut)
    def post(self, form, files):
        """Sign (merchant, today) or record a signed paper commitment with its scan (officer)."""
        p = auth.current()
        upload = files.get("document")
        document = upload.read() if upload is not None else None
        merchant = commitments.signer(p, form.get("merchant"))
        commitment = commitments.sign(p, merchant, form.get("signed_on"), document)
        return commitment


@blp.route("/<int:commitment_id>")
class CommitmentItem(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.response(200, CommitmentOut)
    def get(self, commitment_id):
        """Read one commitment."""
        return programme.commitment(auth.current(), commitment_id)


@blp.route("/<int:commitment_id>/withdraw")
class CommitmentWithdraw(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.arguments(WithdrawIn)
    @blp.response(200, CommitmentOut)
    def post(self, data, commitment_id):
        """Withdraw a commitment in force, giving the reason."""
        p = auth.current()
        commitment = programme.commitment(p, commitment_id)
        commitments.withdraw(p, commitment, data["reason"], clock.today())
        return commitment


@blp.route("/<int:commitment_id>/document")
class CommitmentDocument(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.response(200, description="the scanned document as uploaded")
    def get(self, commitment_id):
        """Download the scan of a paper commitment."""
        commitment = programme.commitment(auth.current(), commitment_id)
        if commitment.document_file is None:
            abort(404, message="this commitment was signed in the portal: no scan")
        return send_file(commitments.document_path(commitment), commitment.document_type)
