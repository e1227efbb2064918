"""The front page and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from creditsvc import auth
from creditsvc.auth import allow
from creditsvc.i18n import LOCALES
from creditsvc.principals import PUBLIC
from creditsvc.web.redirects import local_target

bp = Blueprint("home", __name__)


@bp.get("/")
@allow(PUBLIC)
def index():
    return render_template("home.html", principal=auth.current())


@bp.get("/lang/<code>")
@allow(PUBLIC)
def switch_language(code: str):
    if code in LOCALES:
        session["lang"] = code
    return redirect(local_target(request.args.get("next")) or url_for("home.index"))
