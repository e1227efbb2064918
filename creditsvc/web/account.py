"""Log in, log out and change the password, with a browser session."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from creditsvc import auth
from creditsvc.auth import CITY, DISTRICT, HOST, MERCHANT, PUBLIC, allow
from creditsvc.extensions import db
from creditsvc.services import accounts
from creditsvc.services.errors import Invalid
from creditsvc.web.forms import LoginForm, PasswordForm

bp = Blueprint("account", __name__)


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()
            session.permanent = True
            session["user_id"] = user.id
            session["pw_stamp"] = user.password_changed_at.isoformat()
            return redirect(url_for("home.index"))
        flash(_("Wrong username or password."), "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@allow(PUBLIC)
def logout():
    # The form posts a CSRF token: a third-party page cannot log a user out.
    session.clear()
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(CITY, DISTRICT, HOST, MERCHANT)
def change_password():
    form = PasswordForm()
    user = auth.current().user
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.old_password.data, form.new_password.data)
        except Invalid as exc:
            db.session.rollback()
            form.old_password.errors.append(exc.message)
        else:
            db.session.commit()
            session["pw_stamp"] = user.password_changed_at.isoformat()
            flash(_("Password changed."), "info")
            return redirect(url_for("home.index"))
    status = 400 if form.errors else 200
    return render_template("password.html", form=form), status
