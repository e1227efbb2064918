"""The API's blueprint: flask-smorest's, ending the unit of work where the view's body
ends (`creditsvc.unit_of_work`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest
from werkzeug.wrappers import Response

from creditsvc import unit_of_work


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
            # the commit comes last: nothing that can fail runs after it (issue 17).
            @wraps(serialised)
            def committed(*args: Any, **kw: Any) -> Response:
                response = serialised(*args, **kw)
                unit_of_work.finish(response.status_code)
                return response

            return committed

        return decorator
