"""The API's blueprint: flask-smorest's, ending the unit of work where the view's body
ends (`creditsvc.unit_of_work`), and accepting an Idempotency-Key on the writes that
declare it (`creditsvc.idempotency`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest
from werkzeug.wrappers import Response

from creditsvc import idempotency, unit_of_work
from creditsvc.schemas.common import IdempotencyHeader

REPLAYED_HEADER = {
    "description": "true when this is the first answer to an earlier request with the same "
    "Idempotency-Key, given again; nothing was stored this time",
    "schema": {"type": "string", "enum": ["true"]},
}


class Blueprint(flask_smorest.Blueprint):
    def response(self, status_code, schema=None, **kwargs) -> Callable:  # type: ignore[override]
        document = super().response(status_code, schema, **kwargs)

        def decorator(func: Callable) -> Callable:
            @wraps(func)
            def as_stored(*args: Any, **kw: Any) -> Any:
                result = func(*args, **kw)
                unit_of_work.load_as_stored()
                return result

            serialised = document(as_stored)

            # The answer is serialised inside the transaction, from the rows as stored, and
            # the commit comes last: nothing that can fail runs after it (issue 17), and a
            # keyed write stores the very answer it gives.
            @wraps(serialised)
            def committed(*args: Any, **kw: Any) -> Response:
                response = idempotency.remember(serialised(*args, **kw))
                unit_of_work.finish(response.status_code)
                return response

            return committed

        return decorator

    def idempotent(self, func: Callable) -> Callable:
        """Accept an `Idempotency-Key` header on this write: a repeat with the same key and
        body gets the first answer again (marked `Idempotent-Replayed: true`) and stores
        nothing; the same key with another body is a 422. Put it above `arguments`."""

        @wraps(func)
        def keyed(*args: Any, idempotency_key: dict, **kw: Any) -> Any:
            key = idempotency_key.get("key")
            replayed = idempotency.begin(key, idempotency.HEADER, "headers")
            return replayed if replayed is not None else func(*args, **kw)

        parse = self.arguments(IdempotencyHeader, location="headers", arg_name="idempotency_key")
        replayed = {idempotency.REPLAYED: REPLAYED_HEADER}
        answers = func._apidoc.get("success_status_codes", [])  # type: ignore[attr-defined]
        document = self.doc(responses={code: {"headers": replayed} for code in answers})
        return document(parse(keyed))
