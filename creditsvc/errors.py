"""One error body everywhere: {code, status, message, errors}.

API paths and JSON clients get the body as JSON; browsers on web pages get the same
facts on an HTML page. Unexpected exceptions become a logged 500 with no detail.
"""

from __future__ import annotations

from flask import request
from flask_smorest.error_handler import ErrorSchema
from marshmallow import fields, validate
from werkzeug.exceptions import HTTPException


class ErrorBody(ErrorSchema):
    errors = fields.Dict(metadata={"description": "field → list of reasons"})


DEFAULT_MESSAGES = {
    400: "the request could not be understood",
    401: "log in or send a bearer token",
    403: "you may not do this",
    404: "no such resource, or not yours to see",
    405: "method not allowed here",
    409: "conflicts with the current state",
    413: "the upload is too large",
    422: "the input is not valid",
    429: "too many requests; wait and try again",
    500: "an unexpected error; it has been logged",
    503: "a service this needs is unavailable; try again shortly",
}


RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_body(error: HTTPException) -> dict:
    data = getattr(error, "data", None) or {}
    errors = data.get("errors", data.get("messages", {}))
    # A description passed when raising (e.g. Flask-WTF's "The CSRF token is missing.")
    # says more than the generic text of the status.
    specific = error.description if error.description != type(error).description else None
    message = data.get("message") or specific or DEFAULT_MESSAGES.get(error.code or 500, "")
    if error.code == 422 and errors and "message" not in data:
        message = "the input is not valid: see errors"
    return {"code": error.code, "status": error.name, "message": message, "errors": errors}


def _number(value) -> int | float:
    return int(value) if value == int(value) else float(value)


def decimal_properties(self, field, ret, **kwargs) -> dict:
    """Decimals as they travel: apispec writes a Decimal's bounds as the field serialises
    them (strings) and drops an exclusive bound; a Decimal sent `as_string` is a string."""
    if not isinstance(field, fields.Decimal):
        return {}
    if field.as_string:
        types = ret["type"] if isinstance(ret["type"], list) else [ret["type"]]
        ret["type"] = [("string" if t == "number" else t) for t in types]
        if len(ret["type"]) == 1:
            ret["type"] = ret["type"][0]
        ret["format"] = "decimal"
        return {}
    for rule in field.validators:
        if not isinstance(rule, validate.Range):
            continue
        for bound, inclusive, name in (
            (rule.min, rule.min_inclusive, "minimum"),
            (rule.max, rule.max_inclusive, "maximum"),
        ):
            if bound is None:
                continue
            ret.pop(name, None)
            exclusive = "exclusive" + name[0].upper() + name[1:]
            ret[name if inclusive else exclusive] = _number(bound)
    if "default" in ret:
        ret["default"] = _number(field.load_default)
    return {}
