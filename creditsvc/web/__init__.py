"""Server-rendered pages. Every form carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask import Flask, Response, request

from creditsvc import clock
from creditsvc.web import messages
from creditsvc.workdays import day_of

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
# Sent only over TLS (RFC 6797 §7.2: a plain-http answer must not carry it); a year.
HSTS = "max-age=31536000; includeSubDomains"


def _secure(response: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app: Flask) -> None:
    from creditsvc.web import (
        account,
        apidocs,
        association,
        badge,
        city_map,
        console,
        feeds,
        home,
        host,
        instruments,
        labels,
        open_data,
        portal,
        public_site,
        trends,
        verify,
    )

    blueprints = (home, account, apidocs, verify, console, public_site, badge, portal, host)
    blueprints += (association, city_map, trends, feeds, open_data)
    for module in (*blueprints, instruments):
        app.register_blueprint(module.bp)
    app.context_processor(labels.template_helpers)
    app.add_template_global(labels.typed, "typed")  # for macros imported without context
    # Every page shows moments in the bureau's time (creditsvc.clock), never the stored UTC.
    app.jinja_env.filters.update(
        moment=clock.shown, day=day_of, reason=messages.reason, known_reason=messages.known
    )
    app.after_request(_secure)
