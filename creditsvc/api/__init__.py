"""JSON API blueprints, one per resource, registered on the flask-smorest Api."""

from __future__ import annotations

from flask import Flask

from creditsvc.extensions import api, csrf


def register(app: Flask) -> None:
    from creditsvc.api import (
        audit,
        calendar,
        commitments,
        communities,
        community_programme,
        complaints,
        corrections,
        demonstration_units,
        devices,
        health,
        imports,
        inspection_plans,
        inspections,
        instruments,
        markets,
        merchants,
        notices,
        notifications,
        objections,
        penalty_publicity,
        policies,
        public,
        readings,
        repairs,
        replies,
        risk,
        stalls,
        streets,
        tokens,
        violations,
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
        violations,
        inspections,
        complaints,
        corrections,
        readings,
        imports,
        policies,
        public,
        calendar,
        notices,
        penalty_publicity,
        commitments,
        community_programme,
        demonstration_units,
        objections,
        repairs,
        replies,
        notifications,
        risk,
        inspection_plans,
        instruments,
    ):
        # Bearer-token calls need no CSRF token; API writes made with a session
        # cookie are checked for one in creditsvc.auth.load_principal instead.
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
