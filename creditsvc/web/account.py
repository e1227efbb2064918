"""Log in, log out and change the password, with a browser session.

The session is kept on the server (creditsvc/services/accounts/sessions.py): it ends at
logout, PERMANENT_SESSION_LIFETIME after log-in, or after SESSION_IDLE_MINUTES without a
request; the log-in form is throttled (creditsvc/services/accounts/login_throttle.py).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from creditsvc import auth
from creditsvc.auth import SESSION_KEY, allow
from creditsvc.principals import ASSOCIATION, CITY, DISTRICT, HOST, MERCHANT, PERSONS, PUBLIC
from creditsvc.services.accounts import login_throttle as throttle
from creditsvc.services.accounts import notifications as notices_to_people
from creditsvc.services.accounts import sessions
from creditsvc.services.accounts import users as accounts
from creditsvc.services.errors import Invalid
from creditsvc.web.console_common import page_number
from creditsvc.web.forms import LoginForm, PasswordForm
from creditsvc.web.redirects import local_target

bp = Blueprint("account", __name__)


LANDINGS = {MERCHANT: "portal.standing_page", HOST: "host.home", ASSOCIATION: "association.home"}


def _landing(role: str) -> str:
    return url_for(LANDINGS.get(role, "home.index"))


def _start_session(user) -> None:
    session.clear()  # a new secret at each log-in: no session is carried over
    session.permanent = True
    session[SESSION_KEY] = sessions.start(user)


def _throttled(form: LoginForm, wait: int):
    minutes = max(1, -(-wait // 60))
    message = _(
        "Too many failed log-in attempts. Try again in %(minutes)s minutes.", minutes=minutes
    )
    flash(message, "error")
    page = render_template("login.html", form=form)
    return page, 429, {"Retry-After": str(wait)}


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        username, ip = form.username.data.strip(), request.remote_addr or "unknown"
        wait = throttle.wait_seconds(username, ip)
        if wait:
            return _throttled(form, wait)
        user = accounts.authenticate(username, form.password.data)
        throttle.record(username, ip, succeeded=user is not None)
        if user is not None:
            _start_session(user)
            return redirect(local_target(request.args.get("next")) or _landing(user.role))
        flash(_("Wrong username or password."), "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@allow(PUBLIC)
def logout():
    # The form posts a CSRF token: a third-party page cannot log a user out.
    if secret := session.get(SESSION_KEY):
        sessions.end(secret)  # a copy of the cookie ends with it
    session.clear()
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(CITY, DISTRICT, HOST, MERCHANT, ASSOCIATION)
def change_password():
    form = PasswordForm()
    user = auth.current().user
    if form.validate_on_submit():
        try:
            accounts.change_password(
                user,
                form.old_password.data,
                form.new_password.data,
                keep_session=session.get(SESSION_KEY),
            )
        except Invalid as exc:
            form.old_password.errors.append(exc.message)
        else:
            flash(_("Password changed."), "info")
            return redirect(url_for("home.index"))
    status = 400 if form.errors else 200
    return render_template("password.html", form=form), status


@bp.app_context_processor
def _unread() -> dict:
    """The header's count of the signed-in person's unread notifications, read only when
    a page shows it."""
    p = auth.current()
    if p.user is None or p.role not in PERSONS:
        return {"unread_notifications": lambda: 0}
    return {"unread_notifications": lambda: notices_to_people.unread_count(p)}


@bp.get("/account/notifications")
@allow(*PERSONS)
def notifications():
    """The signed-in person's notifications, newest first, unread ones marked."""
    args = {"page": page_number(), "per_page": 50}
    page = notices_to_people.notifications_page(auth.current(), args)
    return render_template("account/notifications.html", page=page)


@bp.post("/account/notifications/<int:notification_id>/read")
@allow(*PERSONS)
def mark_notification_read(notification_id: int):
    """Mark one of your notifications read (POST /api/v1/notifications/<id>/read)."""
    row = notices_to_people.own_notification(auth.current(), notification_id)
    notices_to_people.mark_read(row)
    back = url_for("account.notifications", page=request.form.get("page") or None)
    return redirect(f"{back}#n-{row.id}", 303)
