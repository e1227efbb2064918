"""The 诚信计量 (honest-metrology) credit service: a Flask application factory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import default_exceptions
from werkzeug.middleware.proxy_fix import ProxyFix

from creditsvc import clock
from creditsvc import config as config_module
from creditsvc.config import PROJECT_ROOT


class BureauJSON(DefaultJSONProvider):
    """JSON whose moments are ISO 8601 in Shanghai time (+08:00) and dates ISO 8601, as the
    schemas give them (schemas.common.Moment), not Flask's RFC 822 GMT dates."""

    @staticmethod
    def default(o):
        if isinstance(o, datetime):
            return clock.iso(o)
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


class CreditService(Flask):
    """The app. Each request is one unit of work (`creditsvc.unit_of_work`): what the view
    and its services flushed is committed when it answers a success, rolled back when it
    refuses or raises."""

    json_provider_class = BureauJSON

    def dispatch_request(self):  # type: ignore[override]
        from creditsvc import replicas

        # A public read may be answered from a hot standby, and again from the primary if
        # the standby fails on the way (creditsvc.replicas).
        return replicas.dispatch(self._unit_of_work)

    def _unit_of_work(self):
        from creditsvc import unit_of_work

        try:
            response = self.make_response(super().dispatch_request())
        except BaseException:
            unit_of_work.abandon()
            raise
        unit_of_work.finish(response.status_code)
        return response


def create_app(config: dict | None = None) -> Flask:
    """Build the app; nothing connects to Redis or the database until a request needs it."""
    app = CreditService(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance = Path(app.instance_path)
    app.config.from_mapping(config_module.load(instance, config))
    app.json.sort_keys = False  # answers keep the order of their schemas
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    instance.mkdir(parents=True, exist_ok=True)
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)

    from creditsvc import api as api_package
    from creditsvc import (
        auth,
        cli,
        database,
        i18n,
        input_guard,
        rate_limits,
        reactions,
        replicas,
        web,
    )
    from creditsvc.extensions import api, csrf, db, migrate
    from creditsvc.schemas.common import RowIdConverter
    from creditsvc.services.errors import DomainError

    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    db.init_app(app)
    database.configure(app)
    replicas.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    api.init_app(app)
    rate_limits.init_app(app)
    i18n.init_app(app)
    app.before_request(input_guard.refuse_nul)
    app.before_request(input_guard.refuse_hostile_json)
    app.before_request(auth.load_principal)
    app.after_request(auth.keep_private)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        http_error = default_exceptions[error.status]()
        http_error.data = {"message": error.message, "errors": error.errors()}
        if error.retry_after:
            http_error.data["headers"] = {"Retry-After": str(error.retry_after)}
        return api.handle_http_exception(http_error)

    reactions.connect()
    api_package.register(app)
    web.register(app)
    cli.register(app)
    return app
