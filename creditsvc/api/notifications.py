"""The signed-in person's notifications, and the officers' queue of decisions due."""

from __future__ import annotations

from datetime import date

from flask.views import MethodView
from sqlalchemy import select

from creditsvc import auth
from creditsvc.api import one_or_404
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.models import Notification
from creditsvc.principals import ASSOCIATION, HOST, MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.requests import NotificationArgs, NotificationOut, QueueOut
from creditsvc.services.accounts import notifications
from creditsvc.services.programme import queue as programme_queue
from creditsvc.services.reads import paginate

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1", description="Notifications and queue"
)
PEOPLE = (*OFFICERS, HOST, MERCHANT, ASSOCIATION)


def mine():
    return select(Notification).where(Notification.user_id == auth.current().user.id)


@blp.route("/notifications")
class Notifications(MethodView):
    @allow(*PEOPLE)
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, page_of(NotificationOut))
    def get(self, args):
        """Your notifications, newest first."""
        stmt = mine()
        if "unread" in args:
            unread = Notification.read_at.is_(None)
            stmt = stmt.where(unread if args["unread"] else ~unread)
        return paginate(stmt.order_by(Notification.id.desc()), args["page"], args["per_page"])


@blp.route("/notifications/<int:notification_id>/read")
class NotificationRead(MethodView):
    @allow(*PEOPLE)
    @blp.response(200, NotificationOut)
    def post(self, notification_id):
        """Mark one of your notifications read."""
        row = one_or_404(mine().where(Notification.id == notification_id), "notification")
        notifications.mark_read(row)
        return row


@blp.route("/queue")
class Queue(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, QueueOut)
    def get(self):
        """Requests awaiting you, deadlines in working days first (your district only)."""
        items = programme_queue.queue(auth.current(), date.today())
        return {"items": items, "total": len(items)}
