"""Accounts in the console (issue 19), for the city officer only: list them, create one
(the initial password generated and shown once), reset a password (shown once; the
person's sessions end and tokens are revoked) and deactivate or reactivate an account.

A district officer is refused these pages: an account's scope is what it may read, and
only the city officer may grant a scope in any district. Every change is audited by the
service (services.accounts.users), which the CLI's `users create` uses too.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.models import ROLES
from creditsvc.principals import CITY
from creditsvc.services.accounts import queries
from creditsvc.services.accounts import users as accounts
from creditsvc.services.errors import DomainError
from creditsvc.web.console_common import (
    bp,
    choose_business,
    districts,
    domain_errors,
    page_number,
    translate,
)
from creditsvc.web.labels import ROLE_LABELS

PER_PAGE = 50
USERNAME_MAX, EMAIL_MAX = 64, 254  # the columns' lengths (models.account.User)
NEW_FIELDS = {"role", "username", "email", "district", "market", "merchant"}


@bp.get("/accounts")
@allow(CITY)
def account_list():
    """Every account, by username; filtered by role, district and part of the username."""
    role = request.args.get("role") or None
    role = role if role in ROLES else None
    q = request.args.get("q", "").strip()[:64]
    return render_template(
        "console/accounts.html",
        page=queries.users_page(role, None, q, page_number(), PER_PAGE),
        role=role,
        q=q,
        roles=ROLE_LABELS,
    )


def _new_form(values, errors: dict, status: int = 200):
    return render_template(
        "console/account_form.html",
        values=values,
        errors=errors,
        roles=ROLE_LABELS,
        district_choices=districts(),
    ), status


def _new_account(form: MultiDict) -> dict:
    """create_user's keywords from the form: only the attachment the role needs."""
    role = form.get("role", "")
    values = {k: form.get(k, "").strip() for k in NEW_FIELDS}
    errors: dict[str, list[str]] = {}
    for name in ("role", "username"):
        if not values[name]:
            errors[name] = [_("Required.")]
    if len(values["username"]) > USERNAME_MAX or any(c.isspace() for c in values["username"]):
        errors["username"] = [_("At most %(max)s characters, without spaces.", max=USERNAME_MAX)]
    if len(values["email"]) > EMAIL_MAX:
        errors["email"] = [_("At most %(max)s characters.", max=EMAIL_MAX)]
    market = None
    if role == "host":
        try:
            market = int(values["market"])
        except ValueError:
            errors["market"] = [_("Not a valid whole number.")]
    if role == "merchant" and not errors:
        errors = choose_business(values, "merchant")
    if errors:
        raise _FormErrors(errors)
    return {
        "username": values["username"],
        "role": role,
        "email": values["email"] or None,
        "district": (values["district"] or None) if role == "district" else None,
        "market": market,
        "merchant": values["merchant"] if role == "merchant" else None,
    }


class _FormErrors(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors


@bp.route("/accounts/new", methods=["GET", "POST"])
@allow(CITY)
def new_account():
    """Create an account; its password is generated and shown once."""
    if request.method == "GET":
        return _new_form(MultiDict(request.args), {})
    p = auth.current()
    try:
        wanted = _new_account(request.form)
        password = accounts.new_password()
        user = accounts.create_user(p.name, password=password, **wanted)
    except _FormErrors as exc:
        return _new_form(request.form, exc.errors, 422)
    except DomainError as exc:
        return _new_form(request.form, domain_errors(exc, NEW_FIELDS), 422)
    return render_template(
        "console/password_issued.html", user=user, password=password, created=True
    ), 201


def _account_page(user_id: int):
    return render_template(
        "console/account.html",
        user=queries.user(user_id),
        tokens=queries.user_tokens(queries.user(user_id)),
        roles=ROLE_LABELS,
    )


@bp.get("/accounts/<int:user_id>")
@allow(CITY)
def account_page(user_id: int):
    """An account: its scope, state and tokens, with reset and (de)activation."""
    return _account_page(user_id)


@bp.post("/accounts/<int:user_id>/password")
@allow(CITY)
def reset_password(user_id: int):
    """A new random password, shown once; the person's sessions and tokens end."""
    user = queries.user(user_id)
    password = accounts.reset_password(auth.current(), user)
    return render_template(
        "console/password_issued.html", user=user, password=password, created=False
    )


@bp.post("/accounts/<int:user_id>/active")
@allow(CITY)
def set_account_active(user_id: int):
    """Deactivate or reactivate an account."""
    user = queries.user(user_id)
    active = request.form.get("active") == "true"
    try:
        accounts.set_active(auth.current(), user, active)
    except DomainError as exc:
        flash(translate(exc.message), "error")
        return _account_page(user_id), 422
    flash(_("Account reactivated.") if active else _("Account deactivated."), "info")
    return redirect(url_for("console.account_page", user_id=user_id), 303)
