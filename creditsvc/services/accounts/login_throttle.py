"""Slowing down password guessing at the log-in form.

Failed attempts are counted per user name and per client address over a moving window
(LOGIN_WINDOW_SECONDS), on the rate limiter's storage (Flask-Limiter's `limits`: Redis when
configured, shared by every worker; see creditsvc/rate_limits.py). Past
LOGIN_MAX_FAILURES_PER_USERNAME failures for one name, or LOGIN_MAX_FAILURES_PER_IP from one
address, the form answers 429 without checking the password, until the oldest counted
failure leaves the window. A successful log-in clears its user name's failures; an
address's count is not cleared (one valid account must not let its owner guess the
others'). Behind a reverse proxy, set TRUSTED_PROXIES, or every client shares the proxy's
address. While the storage does not answer, each worker counts in its own memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from creditsvc.extensions import limiter

T = TypeVar("T")
FALLBACK = "creditsvc.login_throttle.memory"


def _counts(username: str, ip: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    """The two counts an attempt adds to: its user name's and its address's."""
    config = current_app.config
    window = config["LOGIN_WINDOW_SECONDS"]
    per_name = RateLimitItemPerSecond(config["LOGIN_MAX_FAILURES_PER_USERNAME"], window)
    per_address = RateLimitItemPerSecond(config["LOGIN_MAX_FAILURES_PER_IP"], window)
    return [
        (per_name, ("creditsvc", "login-failures", "name", username.lower()[:64])),
        (per_address, ("creditsvc", "login-failures", "address", ip[:45])),
    ]


def _on_storage(action: Callable[[MovingWindowRateLimiter], T]) -> T:
    storage = limiter.storage
    try:
        return action(MovingWindowRateLimiter(storage))
    except storage.base_exceptions as exc:
        current_app.logger.warning(
            "rate-limit storage unavailable (%s): log-in failures counted in memory",
            type(exc).__name__,
        )
    memory = current_app.extensions.get(FALLBACK)
    if memory is None:
        memory = current_app.extensions[FALLBACK] = MemoryStorage()
    return action(MovingWindowRateLimiter(memory))


def wait_seconds(username: str, ip: str) -> int:
    """0 when the attempt may go ahead, else how long until it may (whole seconds)."""

    def waits(counter: MovingWindowRateLimiter) -> list[float]:
        full = [(item, key) for item, key in _counts(username, ip) if not counter.test(item, *key)]
        return [counter.get_window_stats(item, *key).reset_time for item, key in full]

    resets = _on_storage(waits)
    return max(1, math.ceil(max(resets) - time.time())) if resets else 0


def record(username: str, ip: str, succeeded: bool) -> None:
    """Count a failed attempt by name and by address; a success clears the name's count."""
    (by_name, name_key), *_ = counts = _counts(username, ip)

    def count(counter: MovingWindowRateLimiter) -> None:
        if succeeded:
            counter.clear(by_name, *name_key)
            return
        for item, key in counts:
            counter.hit(item, *key)

    _on_storage(count)
