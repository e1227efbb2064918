"""The API's blueprint: flask-smorest's, ending the unit of work where the view's body
ends, so that an answer is serialised from what was stored (`creditsvc.unit_of_work`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest
from flask_smorest.utils import unpack_tuple_response
from werkzeug.wrappers import Response

from creditsvc import unit_of_work


class Blueprint(flask_smorest.Blueprint):
    def response(self, status_code, schema=None, **kwargs) -> Callable:  # type: ignore[override]
        document = super().response(status_code, schema, **kwargs)

        def decorator(func: Callable) -> Callable:
            @wraps(func)
            def committed(*args: Any, **kw: Any) -> Any:
                result = func(*args, **kw)
                body, status, _headers = unpack_tuple_response(result)
                if status is None:
                    status = body.status_code if isinstance(body, Response) else status_code
                unit_of_work.finish(int(status))
                return result

            return document(committed)

        return decorator
