"""Server-rendered pages. Every form carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask import Flask, Response

SECURITY_HEADERS = {
    # Nothing is loaded from outside the service; no inline script is needed.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _secure(response: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def register(app: Flask) -> None:
    from creditsvc.web import account, apidocs, console, home, labels, portal, public_site, verify

    for module in (home, account, apidocs, verify, console, public_site, portal):
        app.register_blueprint(module.bp)
    app.before_request(account.expire_session)
    app.context_processor(labels.template_helpers)
    app.after_request(_secure)
