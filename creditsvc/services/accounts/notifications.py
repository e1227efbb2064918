"""Notify people of each step of the programme: a row shown in the portal, and an e-mail
when MAIL_SERVER is configured (sent by a job after the change has committed: the
`notified` signal, wired in `creditsvc.reactions`)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from datetime import date
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import Select, func, or_, select

from creditsvc.extensions import db
from creditsvc.models import Notification, User
from creditsvc.models.base import utcnow
from creditsvc.principals import CITY, DISTRICT, MERCHANT, Principal
from creditsvc.services import audit, calendar, signals
from creditsvc.services.reads import one, paginate


def district_officers(district_code: str) -> list[int]:
    """Who decides a merchant's requests: the officers of its district."""
    stmt = select(User.id).where(
        User.active.is_(True), User.role == DISTRICT, User.district_code == district_code
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def officers_of(district_code: str) -> list[int]:
    """The district's officers and every city officer: for the demonstration communities,
    whose acceptance and re-evaluation are the city bureau's (rules.md §5)."""
    stmt = select(User.id).where(
        User.active.is_(True),
        or_(User.role == CITY, (User.role == DISTRICT) & (User.district_code == district_code)),
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def city_officers() -> list[int]:
    stmt = select(User.id).where(User.active.is_(True), User.role == CITY)
    return list(db.session.scalars(stmt.order_by(User.id)))


def merchant_users(merchant_id: int) -> list[int]:
    stmt = select(User.id).where(
        User.active.is_(True), User.role == MERCHANT, User.merchant_id == merchant_id
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def notify(user_ids: Iterable[int], subject: str, body: str, about_kind: str, about_id: int):
    """One notification per person (each id once); flushed with the caller's change."""
    rows = [
        Notification(
            user_id=uid, subject=subject[:200], body=body, about_kind=about_kind, about_id=about_id
        )
        for uid in dict.fromkeys(user_ids)
    ]
    db.session.add_all(rows)
    db.session.flush()
    if rows:
        signals.notified.send(None)
    return rows


def remind_due(model, open_status: str, kind: str, title: str, today: date, actor: str) -> int:
    """Remind the district's officers of each open request (objection, repair) whose
    decision falls due within one working day; once per request (`reminded_on`)."""
    stmt = select(model).where(
        model.status == open_status,
        model.reminded_on.is_(None),
        model.decision_due <= calendar.deadline(today, 1),
    )
    due = list(db.session.scalars(stmt.order_by(model.id)))
    for row in due:
        before = audit.state(row)
        row.reminded_on = today
        audit.record(actor, "remind", row, before=before)
        notify(
            district_officers(row.district_code),
            f"{title}即将到期：第{row.id}号",
            f"须于{row.decision_due.isoformat()}前作出决定。",
            kind,
            row.id,
        )
    return len(due)


def _mine(p: Principal) -> Select:
    return select(Notification).where(Notification.user_id == p.user.id)


def notifications_page(p: Principal, args: dict) -> dict:
    """One page of the signed-in person's notifications, newest first, read or unread."""
    stmt = _mine(p)
    if "unread" in args:
        unread = Notification.read_at.is_(None)
        stmt = stmt.where(unread if args["unread"] else ~unread)
    return paginate(stmt.order_by(Notification.id.desc()), args["page"], args["per_page"])


def own_notification(p: Principal, notification_id: int) -> Notification:
    """One of the signed-in person's notifications, or NotFound."""
    return one(_mine(p).where(Notification.id == notification_id), "notification")


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def unmailed() -> list[tuple[Notification, str]]:
    stmt = (
        select(Notification, User.email)
        .join(User, User.id == Notification.user_id)
        .where(Notification.mailed_at.is_(None), User.email.is_not(None), User.email != "")
        .order_by(Notification.id)
    )
    return [(n, email) for n, email in db.session.execute(stmt)]


def send(pending: list[tuple[Notification, str]]) -> int:
    """Mail each pending notification over SMTP; marks those sent (the caller commits)."""
    config = current_app.config
    if not config.get("MAIL_SERVER") or not pending:
        return 0
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for notification, address in pending:
            message = EmailMessage()
            message["From"], message["To"] = config["MAIL_FROM"], address
            message["Subject"] = notification.subject
            message.set_content(notification.body)
            smtp.send_message(message)
            notification.mailed_at = utcnow()
    return len(pending)


def unread_count(p: Principal) -> int:
    """How many of the signed-in person's notifications are unread (the header's count)."""
    if p.user is None:
        return 0
    stmt = select(func.count()).select_from(
        _mine(p).where(Notification.read_at.is_(None)).subquery()
    )
    return db.session.scalar(stmt) or 0
