"""Flask extensions, created unbound here and bound to the app in create_app; the Redis
clients of the process."""

from contextlib import suppress
from typing import Any

from flask import current_app, has_request_context, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api as SmorestApi
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from creditsvc.errors import (
    RETRY_AFTER_SECONDS,
    ErrorBody,
    decimal_properties,
    error_body,
    wants_json,
)
from creditsvc.models.base import Base


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorBody

    def _init_spec(self, *args, **kwargs) -> None:
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(decimal_properties)

    def _register_error_handlers(self) -> None:
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(Exception, self.handle_unexpected)
        for unavailable in (OperationalError, InterfaceError):
            self._app.register_error_handler(unavailable, self.handle_database_unavailable)

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        body = error_body(error)
        headers = (getattr(error, "data", None) or {}).get("headers", {})
        if wants_json():
            return body, error.code, headers
        if error.code == 401:
            return redirect(url_for("account.login", next=request.path))
        return render_template("error.html", error=body), error.code, headers

    def handle_database_unavailable(self, error: OperationalError | InterfaceError):
        """The database is unreachable or restarting: a quick 503 the client may retry.

        The next request gets a fresh connection (`pool_pre_ping`), so the app recovers by
        itself once the database is back. Only the error's class and first line are logged:
        the statement's parameters could hold personal data.
        """
        with suppress(Exception):  # rolling back on a dead connection may fail in turn
            db.session.rollback()
        first_line = str(error.orig).splitlines()[0] if error.orig else ""
        current_app.logger.error(
            "database unavailable on %s %s: %s %s",
            request.method,
            request.path,
            type(error.orig).__name__,
            first_line,
        )
        unavailable = ServiceUnavailable()
        unavailable.data = {
            "message": "the database is unavailable; try again shortly",
            "headers": {"Retry-After": str(RETRY_AFTER_SECONDS)},
        }
        return self.handle_http_exception(unavailable)

    def handle_unexpected(self, error: Exception):
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return self.handle_http_exception(InternalServerError())


# In a request's WSGI environ: the engine of the hot standby a public read is answered
# from (creditsvc.replicas) instead of the primary, by every session of that request
# (a CSV export streams after its view has returned, from a session of its own).
READ_FROM = "creditsvc.read_from"


def standby_read_from() -> Any:
    """The engine of the standby the current request reads from, if any."""
    return request.environ.get(READ_FROM) if has_request_context() else None


class RoutedSession(Session):
    """Flask-SQLAlchemy's session, which a public read may point at a hot standby."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        standby = standby_read_from()
        if standby is not None and bind is None:
            return standby
        return super().get_bind(mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutedSession})
migrate = Migrate()
csrf = CSRFProtect()
api = Api()
# Counts requests per client address (behind a proxy, TRUSTED_PROXIES makes it the client's);
# the limits and their storage are creditsvc.rate_limits'.
limiter = Limiter(key_func=get_remote_address)

_clients: dict[tuple[str, float], Any] = {}


def redis_client(url: str, timeout: float) -> Any:
    """This process's Redis client for a URL, waiting at most `timeout` seconds to connect
    or for an answer; made on first use (never at import). One per process, not per
    request: redis-py keeps its connections in a pool, and gives a forked child its own."""
    key = (url, timeout)
    if key not in _clients:
        from redis import Redis

        _clients[key] = Redis.from_url(
            url, socket_connect_timeout=min(timeout, 1), socket_timeout=timeout
        )
    return _clients[key]
