"""JSON API blueprints, one per resource, registered on the flask-smorest Api."""

from __future__ import annotations

from flask import Flask
from flask_smorest import abort
from sqlalchemy import Select

from creditsvc.extensions import api, csrf, db


def one_or_404(stmt: Select, what: str):
    """The single row of a scoped query, or 404: out of scope looks exactly like absent."""
    row = db.session.scalar(stmt)
    if row is None:
        abort(404, message=f"no such {what}, or not yours to see")
    return row


def register(app: Flask) -> None:
    from creditsvc.api import (
        audit,
        communities,
        devices,
        health,
        markets,
        merchants,
        stalls,
        streets,
        tokens,
    )

    for module in (
        health,
        merchants,
        markets,
        stalls,
        devices,
        streets,
        communities,
        tokens,
        audit,
    ):
        # The API authenticates by bearer token or session; session writes from the
        # browser go through the web forms, which carry CSRF tokens. Session-cookie
        # writes to the API are refused in creditsvc.auth (see require_token_for_writes).
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
