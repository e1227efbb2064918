"""The signed-in person's notifications, and the officers' queue of decisions due."""

from __future__ import annotations

from flask.views import MethodView

from creditsvc import auth, clock
from creditsvc.api.blueprint import Blueprint
from creditsvc.auth import allow
from creditsvc.principals import ASSOCIATION, HOST, MERCHANT, OFFICERS
from creditsvc.schemas.common import page_of
from creditsvc.schemas.requests import NotificationArgs, NotificationOut, QueueOut
from creditsvc.services.accounts import notifications
from creditsvc.services.programme import queue as programme_queue

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1", description="Notifications and queue"
)
PEOPLE = (*OFFICERS, HOST, MERCHANT, ASSOCIATION)


@blp.route("/notifications")
class Notifications(MethodView):
    @allow(*PEOPLE)
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, page_of(NotificationOut))
    def get(self, args):
        """Your notifications, newest first."""
        return notifications.notifications_page(auth.current(), args)


@blp.route("/notifications/<int:notification_id>/read")
class NotificationRead(MethodView):
    @allow(*PEOPLE)
    @blp.response(200, NotificationOut)
    def post(self, notification_id):
        """Mark one of your notifications read."""
        row = notifications.own_notification(auth.current(), notification_id)
        notifications.mark_read(row)
        return row


@blp.route("/queue")
class Queue(MethodView):
    @allow(*OFFICERS)
    @blp.response(200, QueueOut)
    def get(self):
        """Requests awaiting you, deadlines in working days first (your district only)."""
        items = [
            item
            for item in programme_queue.queue(auth.current(), clock.today())
            if item["kind"] not in programme_queue.CONSOLE_ONLY
        ]
        return {"items": items, "total": len(items)}
