"""Writes exactly once from the caller's view (issue 17): a write sent with a key is
answered, when sent again, with its first answer instead of being stored twice.

The API's evidence writes read the key from the `Idempotency-Key` header (IETF draft
"The Idempotency-Key HTTP Header Field"); the console's evidence forms carry one in a
hidden field, made when the form is drawn, so a double submit records once. The first
answer is stored in the same transaction as the change (`remember`, before the unit of
work commits); a repeat with the same key and body gets it back, marked by the
`Idempotent-Replayed` header; the same key with another request is a 422 naming the key.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from flask import Response, current_app, g, request

from creditsvc import auth, unit_of_work
from creditsvc.models import IdempotentRequest
from creditsvc.services import idempotency

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
FORM_FIELD = "idempotency_key"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def new_key() -> str:
    """A fresh key for a form about to be drawn."""
    return uuid.uuid4().hex


def begin(key: str | None, field: str, location: str) -> Response | None:
    """Start this request under `key` (nothing happens without one): the first answer to
    replay if the key was answered before; else None, and the view goes on."""
    if not key:
        return None
    attempt = idempotency.attempt_of(
        auth.current().name,
        key,
        f"{request.method} {request.path}",
        _sent(),
        field,
        location,
    )
    stored = idempotency.previous(attempt, current_app.config["IDEMPOTENCY_KEY_HOURS"])
    if stored is not None:
        return replay(stored)
    g.idempotency_attempt = attempt
    return None


def _sent() -> bytes:
    """What the request sent: its body; for a form, its fields (reading a form consumes
    the body, and the CSRF check has read it by now)."""
    if request.mimetype in FORM_TYPES:
        return urlencode(sorted(request.form.items(multi=True))).encode()
    return request.get_data(cache=True)


def remember(response: Response) -> Response:
    """Before the commit: store a successful answer under this request's key, with the
    change. If a parallel request with the key stored its answer first, this request's
    change is rolled back and that answer is given instead."""
    attempt = g.pop("idempotency_attempt", None)
    if attempt is None or response.status_code >= 400:
        return response
    try:
        idempotency.remember(
            attempt,
            response.status_code,
            response.content_type,
            response.get_data(as_text=True),
            response.headers.get("Location"),
        )
    except idempotency.KeyTaken:
        unit_of_work.rollback()
        stored = idempotency.previous(attempt, current_app.config["IDEMPOTENCY_KEY_HOURS"])
        if stored is None:  # the winner's row expired at once: only with a zero setting
            raise
        return replay(stored)
    return response


def replay(stored: IdempotentRequest) -> Response:
    """The first answer again, marked as a replay."""
    response = Response(stored.body, status=stored.status, content_type=stored.content_type)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers[REPLAYED] = "true"
    return response
