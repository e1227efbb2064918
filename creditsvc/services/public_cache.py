"""Public answers kept for a short while by each worker process.

A business's public record changes when it is rescored or a notice about it moves, a few
times a day at most, while the public looks it up far more often: every scan of a
placard's QR code. Each worker keeps the answers it built for PUBLIC_CACHE_SECONDS (0
keeps none), at most PUBLIC_CACHE_ENTRIES of them, least recently used out first. Only
published facts are ever kept, the same bytes any caller would get.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app

_entries: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
_lock = threading.Lock()


def answer(key: Hashable, build: Callable[[], str | None]) -> str | None:
    """The kept answer for `key`, or a fresh one from `build` (None, "not found", is never
    kept)."""
    seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
    if seconds <= 0:
        return build()
    now = time.monotonic()
    with _lock:
        kept = _entries.get(key)
        if kept is not None and kept[0] > now:
            _entries.move_to_end(key)
            return kept[1]
    body = build()
    if body is not None:
        with _lock:
            _entries[key] = (now + seconds, body)
            _entries.move_to_end(key)
            while len(_entries) > current_app.config["PUBLIC_CACHE_ENTRIES"]:
                _entries.popitem(last=False)
    return body


def clear() -> None:
    with _lock:
        _entries.clear()
