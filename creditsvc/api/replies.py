"""Merchants' replies shown next to their public record after moderation."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import MERCHANT, OFFICERS
from creditsvc.schemas.common import PageArgs, page_of
from creditsvc.schemas.requests import ModerateIn, ReplyIn, ReplyOut
from creditsvc.services.appeals import queries as appeals
from creditsvc.services.appeals import replies

blp = Blueprint("replies", __name__, url_prefix="/api/v1/replies", description="Merchant replies")


@blp.route("")
class Replies(MethodView):
    @allow(*OFFICERS, MERCHANT)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ReplyOut))
    def get(self, args):
        """List replies (a merchant sees its own), newest first."""
        return appeals.replies_page(auth.current(), args)

    @allow(MERCHANT)
    @blp.arguments(ReplyIn)
    @blp.response(201, ReplyOut)
    def post(self, data):
        """Submit a short reply to show next to your public record, after moderation."""
        reply = replies.submit(auth.current(), data["text"])
        return reply


@blp.route("/<int:reply_id>/moderate")
class ReplyModerate(MethodView):
    @allow(*OFFICERS)
    @blp.arguments(ModerateIn)
    @blp.response(200, ReplyOut)
    def post(self, data, reply_id):
        """Approve a reply for the public record, or reject it with a note."""
        p = auth.current()
        reply = appeals.reply(p, reply_id)
        replies.moderate(p, reply, data["approve"], data["note"])
        return reply
