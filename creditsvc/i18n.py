"""Chinese first, English one click away (Flask-Babel)."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale

from creditsvc.config import PROJECT_ROOT

LOCALES = ("zh", "en")
babel = Babel()


def select_locale() -> str:
    chosen = session.get("lang") or request.args.get("lang")
    return chosen if chosen in LOCALES else "zh"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
