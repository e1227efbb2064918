"""Public answers kept for a short while: by each worker process, and in Redis for all.

A business's public record changes when it is rescored or a notice about it moves, a few
times a day at most, while the public looks it up far more often: every scan of a
placard's QR code. An answer is kept for at most PUBLIC_CACHE_SECONDS (0 keeps none):
- by the worker that built it, at most PUBLIC_CACHE_ENTRIES answers, least recently used
  out first;
- with REDIS_URL, in Redis too, so the other workers and app hosts serve it without
  building it again (a city's web tier has many). It keeps the time it has left there.
The same holds for a page of the public listing (a district's grade-A businesses), and
for a listing's total. Only published facts are ever kept, the same bytes any caller
would get.

Redis is a help here, never a need: when it does not answer within SHARED_TIMEOUT the
worker builds the answer itself and leaves Redis alone for SHARED_PAUSE seconds, so a
stopped Redis costs a lookup at most one short wait per pause.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import quote

from flask import current_app

from creditsvc.extensions import redis_client

log = logging.getLogger(__name__)

SHARED_PREFIX = "creditsvc:public:"
SHARED_TIMEOUT = 0.2  # seconds; a kept answer comes from Redis in well under a millisecond
SHARED_PAUSE = 10.0  # seconds without asking Redis after it failed to answer
# Each answer is kept for a random 80-100 % of PUBLIC_CACHE_SECONDS: answers built in
# the same few seconds (a busy morning's first scans, the listings after a restart)
# would otherwise all expire together a minute later and be built again at once, every
# web worker busy building while the public waits (see BENCHMARKS.md, 'Load on loopback').
SPREAD = 0.2

_entries: OrderedDict[tuple[str, ...], tuple[float, str]] = OrderedDict()
_lock = threading.Lock()
_paused_until = 0.0  # time.monotonic() before which Redis is not asked


class Kept(NamedTuple):
    body: str | None  # None: "not found", never kept
    seconds_left: int  # how long an HTTP cache may keep it too: no longer than it is kept here


def answer(key: tuple[str, ...], build: Callable[[], str | None]) -> Kept:
    """The kept answer for `key`, or a fresh one from `build`, with the time it has left."""
    seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
    if seconds <= 0:
        return Kept(build(), 0)
    now = time.monotonic()
    with _lock:
        kept = _entries.get(key)
        if kept is not None and kept[0] > now:
            _entries.move_to_end(key)
            return Kept(kept[1], _rounded_up(kept[0] - now))
    # Each part quoted, so no text typed in a filter can make two keys one name.
    name = SHARED_PREFIX + ":".join(quote(part, safe="=") for part in key)
    shared = _shared_get(name)
    if shared is not None:
        body, left = shared
        _keep(key, body, now + left)
        return Kept(body, _rounded_up(left))
    body = build()
    kept_for = seconds * random.uniform(1 - SPREAD, 1)  # noqa: S311 - not a secret
    if body is not None:
        _keep(key, body, now + kept_for)
        _shared_set(name, body, kept_for)
    return Kept(body, _rounded_up(kept_for))


def _rounded_up(seconds: float) -> int:
    return max(0, math.ceil(seconds))


def clear() -> None:
    """Forget every answer this worker keeps (those in Redis expire on their own), and
    ask Redis again at once if it was paused."""
    global _paused_until
    with _lock:
        _entries.clear()
    _paused_until = 0.0


def _keep(key: tuple[str, ...], body: str, until: float) -> None:
    with _lock:
        _entries[key] = (until, body)
        _entries.move_to_end(key)
        while len(_entries) > current_app.config["PUBLIC_CACHE_ENTRIES"]:
            _entries.popitem(last=False)


def _client() -> Any:
    """The Redis client for kept answers, or None (no REDIS_URL, or paused)."""
    url = current_app.config.get("REDIS_URL")
    if not url or time.monotonic() < _paused_until:
        return None
    return redis_client(url, timeout=SHARED_TIMEOUT)


def _pause(exc: Exception) -> None:
    global _paused_until
    _paused_until = time.monotonic() + SHARED_PAUSE
    log.warning(
        "kept public answers: Redis did not answer (%s); not asked for %.0f s",
        type(exc).__name__,
        SHARED_PAUSE,
    )


def _shared_get(name: str) -> tuple[str, float] | None:
    """The answer kept in Redis and the seconds it has left, or None."""
    client = _client()
    if client is None:
        return None
    try:
        pipe = client.pipeline(transaction=False)
        body, left_ms = pipe.get(name).pttl(name).execute()
    except Exception as exc:  # any failure of Redis only means the answer is built here
        _pause(exc)
        return None
    if body is None or left_ms <= 0:
        return None
    return body.decode(), left_ms / 1000


def _shared_set(name: str, body: str, seconds: float) -> None:
    client = _client()
    if client is None:
        return
    try:
        client.set(name, body.encode(), px=max(1, round(seconds * 1000)))
    except Exception as exc:  # the answer was built; only its sharing failed
        _pause(exc)
