"""Per-address rate limits on the public side (Flask-Limiter), and the 429 they answer.

Anyone may look a business up, search the listings and export them without logging in.
Each client address may make at most RATE_LIMIT_PUBLIC_READS lookups and searches, the
open-data API and the public site's search and business pages counted together, and at
most RATE_LIMIT_PUBLIC_EXPORTS CSV exports (issue 17). Past either, the answer is 429 with
`Retry-After`, in the one error body. The counts live in Redis when REDIS_URL is set, shared
by every worker and app host; without it, in each worker's memory. Log-in throttling counts
on the same storage (`services/accounts/login_throttle.py`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import TooManyRequests

from creditsvc.extensions import api, limiter

READS, EXPORTS = "public-reads", "public-exports"


def _reads() -> str:
    return current_app.config["RATE_LIMIT_PUBLIC_READS"]


def _exports() -> str:
    return current_app.config["RATE_LIMIT_PUBLIC_EXPORTS"]


def _is_export() -> bool:
    return request.path.endswith(".csv")


def _open_data_limit() -> str:
    return _exports() if _is_export() else _reads()


def _open_data_scope(_endpoint: str) -> str:
    return EXPORTS if _is_export() else READS


# A page that is a public lookup or search: counted with the open-data API's.
public_reads: Callable[[Callable[..., Any]], Callable[..., Any]] = limiter.shared_limit(
    _reads, scope=READS
)


# An answer of the open-data API counts against the address's reads, or, for a CSV
# export, against its exports: one limit whose value and scope follow the request (two
# limits, each exempting the other's requests, were both resolved on every lookup). For a
# class-based view outside the open-data blueprint: `decorators = [open_data]`.
open_data: Callable[[Any], Any] = limiter.shared_limit(_open_data_limit, scope=_open_data_scope)


def limit_open_data(blueprint: Blueprint) -> None:
    """Every answer of this blueprint is counted as the open-data API's (`open_data`)."""
    open_data(blueprint)


def retry_after() -> int:
    """Whole seconds until the limit this request broke lets the address in again."""
    broken = limiter.current_limit
    try:
        reset_at = broken.window[0] if broken else 0
    except Exception:  # the storage failed between the count and this answer
        reset_at = 0
    if not reset_at and broken:
        return int(broken.limit.get_expiry())
    return max(1, math.ceil(reset_at - time.time()))


def too_many_requests(error: RateLimitExceeded):
    wait = retry_after()
    refusal = TooManyRequests()
    refusal.data = {
        "message": f"too many requests from this address ({error.description}); "
        f"try again in {wait} s",
        "headers": {"Retry-After": str(wait)},
    }
    return api.handle_http_exception(refusal)


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
