"""Public answers stored until what they show changes, not for a fixed while.

A business's public record changes when it is rescored, a notice or an objection about
it moves, its reply is shown or its registry entry is edited: a few times a day at most,
while the public looks it up far more often (every scan of a placard's QR code). So:

- `answer(key, build)`: the stored answer for `key`, or one built now and stored. Never
  an error for want of a stored answer: a business nobody has looked up since its last
  change is built on its first lookup, as before.
- `replace(answers)`: store these answers now (a body, or None for "not found"), and let
  every worker know they changed. `public_answers.refresh(merchant_ids)` builds the
  records of some businesses and replaces them; a job calls it after every change
  (`jobs.public_answers`, wired to the signal `public_record_changed`).
- `clear()`: forget this worker's copies.

A key whose first part is "merchant" names a business's record, replaced by its refresh.
Any other key (a page of the listing, a listing's total, a badge) is kept under the
current *listings epoch*: a replacement that changed any record moves the epoch on, so
every such answer is built again on its next request. A business's change may move it
onto or off any listing, and no cheaper rule says which.

Where the answers live, with REDIS_URL:
- in Redis for every worker and app host, a record for PUBLIC_ANSWER_SECONDS (a safety
  bound, longer than a day: the nightly roll replaces every record before it), a
  listing for PUBLIC_LISTING_SECONDS (old epochs' answers go on their own);
- in each worker, the PUBLIC_CACHE_ENTRIES answers it used last. A worker asks Redis at
  most every CHECK_SECONDS which answers were replaced since it last asked (a counter,
  and a sorted set of the names replaced, by the counter's value), and drops its copies
  of those: a worker serves an answer replaced elsewhere for at most CHECK_SECONDS.

Without Redis (or while it does not answer), each worker builds its answers and keeps
them at most PUBLIC_CACHE_SECONDS (0: nothing is kept, as the tests run), since nothing
would tell it of a change made by another; its own replacements it drops at once.

Redis is a help here, never a need: when it does not answer within SHARED_TIMEOUT the
worker builds the answer itself and leaves Redis alone for SHARED_PAUSE seconds, so a
stopped Redis costs a lookup at most one short wait per pause.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from flask import current_app

from creditsvc.extensions import redis_client

log = logging.getLogger(__name__)

SHARED_PREFIX = "creditsvc:public:"
GENERATION = SHARED_PREFIX + "~generation"  # counts replacements
CHANGED = SHARED_PREFIX + "~changed"  # name -> the generation that last replaced it
FORGOTTEN = SHARED_PREFIX + "~forgotten"  # CHANGED holds no generation up to this
LISTINGS = SHARED_PREFIX + "~listings"  # the listings epoch
RECORD_KIND = "merchant"
SHARED_TIMEOUT = 0.2  # seconds; a stored answer comes from Redis in well under a millisecond
SHARED_PAUSE = 10.0  # seconds without asking Redis after it failed to answer
# How often a worker asks what was replaced: the longest a worker serves its own copy of
# an answer replaced elsewhere.
CHECK_SECONDS = 1.0
# The replacements CHANGED remembers (in generations; a full rescore makes one per batch
# of records): a worker that has not asked for longer drops all its copies.
CHANGES_KEPT = 10_000
FOREVER = math.inf

_entries: OrderedDict[str, tuple[float, str]] = OrderedDict()  # name -> (until, body)
_lock = threading.Lock()
_paused_until = 0.0  # time.monotonic() before which Redis is not asked
_seen: dict[str, Any] = {"generation": None, "epoch": b"0", "checked_at": -math.inf}


class Kept(NamedTuple):
    body: str | None  # None: "not found", never kept
    seconds_left: int  # how long an HTTP cache may keep it


def answer(key: tuple[str, ...], build: Callable[[], str | None]) -> Kept:
    """The stored answer for `key`, or a fresh one from `build` (then stored)."""
    seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
    if seconds <= 0:
        return Kept(build(), 0)
    client = _client()
    if client is not None and not _catch_up(client):
        client = None
    name = _name(key)
    kept = _local(name)
    if kept is not None:
        return _kept(kept)
    if client is None:
        body = build()
        if body is not None:
            _keep(name, body, time.monotonic() + seconds)
        return _kept(body)
    return _answer_shared(client, key, name, build)


def _answer_shared(client: Any, key: tuple[str, ...], name: str, build) -> Kept:
    generation = _seen["generation"]
    try:
        body = client.get(name)
    except Exception as exc:  # any failure of Redis only means the answer is built here
        _pause(exc)
        return _kept(build())
    if body is not None:
        body = body.decode()
        _keep(name, body, FOREVER)
        return _kept(body)
    body = build()
    if body is None:
        return _kept(None)
    setting = "PUBLIC_ANSWER_SECONDS" if key[0] == RECORD_KIND else "PUBLIC_LISTING_SECONDS"
    lifetime = current_app.config[setting]
    try:
        # NX: a replacement stored meanwhile (built after the change committed) wins over
        # this answer, which may have been read before it.
        stored = client.set(name, body.encode(), ex=lifetime, nx=True)
    except Exception as exc:  # the answer was built; only its sharing failed
        _pause(exc)
        return _kept(body)
    # Kept here only if nothing was replaced since this request began: a replacement seen
    # meanwhile may be of this very answer, and would not be seen again.
    if stored and generation == _seen["generation"]:
        _keep(name, body, FOREVER)
    return _kept(body)


def _kept(body: str | None) -> Kept:
    return Kept(body, current_app.config["PUBLIC_HTTP_SECONDS"])


def _name(key: tuple[str, ...]) -> str:
    # Each part quoted, so no text typed in a filter can make two keys one name.
    parts = ":".join(quote(part, safe="=") for part in key)
    if key[0] == RECORD_KIND:
        return SHARED_PREFIX + parts
    return f"{SHARED_PREFIX}e{_seen['epoch'].decode()}:{parts}"


def kept_at_all() -> bool:
    """Whether answers are kept at all (PUBLIC_CACHE_SECONDS above 0)."""
    return current_app.config["PUBLIC_CACHE_SECONDS"] > 0


def shared() -> bool:
    """Whether answers are stored in Redis for every worker (REDIS_URL, and it answers)."""
    return _client() is not None


def stored(keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """The answers Redis holds for these keys (none without it)."""
    client = _client()
    if client is None or not keys:
        return {}
    try:
        bodies = client.mget([_name(k) for k in keys])
    except Exception as exc:  # then every answer counts as changed
        _pause(exc)
        return {}
    return {k: b.decode() for k, b in zip(keys, bodies, strict=True) if b is not None}


def replace(answers: Mapping[tuple[str, ...], str | None], listings_changed: bool) -> None:
    """Store these record answers (None: no such business) for every worker, and tell
    the workers they changed; with `listings_changed`, every listing is built again."""
    names = {_name(key): body for key, body in answers.items()}
    client = _client()
    if client is None:
        _forget(names, listings=listings_changed)
        return
    lifetime = current_app.config["PUBLIC_ANSWER_SECONDS"]
    try:
        pipe = client.pipeline(transaction=False)
        for name, body in names.items():
            if body is None:
                pipe.delete(name)
            else:
                pipe.set(name, body.encode(), ex=lifetime)
        pipe.execute()
        _announce(client, list(names), listings_changed)
    except Exception as exc:  # the answers were built; workers rebuild them on a lookup
        _pause(exc)
        raise
    _forget(names, listings=listings_changed)


def _announce(client: Any, names: list[str], listings_changed: bool) -> None:
    """One generation for the batch: the workers drop their copies of `names`."""
    generation = client.incr(GENERATION)
    pipe = client.pipeline(transaction=True)
    if names:
        pipe.zadd(CHANGED, dict.fromkeys(names, generation))
    if generation > CHANGES_KEPT:
        pipe.zremrangebyscore(CHANGED, "-inf", generation - CHANGES_KEPT)
        pipe.set(FORGOTTEN, generation - CHANGES_KEPT)
    if listings_changed:
        pipe.incr(LISTINGS)
    pipe.execute()


def _catch_up(client: Any) -> bool:
    """Drop this worker's copies of answers replaced since it last asked (at most every
    CHECK_SECONDS); False if Redis did not answer."""
    now = time.monotonic()
    if now - _seen["checked_at"] < CHECK_SECONDS:
        return True
    try:
        generation, epoch, forgotten = client.mget(GENERATION, LISTINGS, FORGOTTEN)
        generation = int(generation or 0)
        seen = _seen["generation"]
        if seen is not None and seen != generation:
            # More names replaced than this worker keeps (a full rescore's): drop them all.
            most = current_app.config["PUBLIC_CACHE_ENTRIES"]
            changed = []
            if seen >= int(forgotten or 0) and generation > seen:
                changed = client.zrangebyscore(CHANGED, f"({seen}", generation, 0, most + 1)
            if len(changed) > most or seen < int(forgotten or 0) or generation < seen:
                clear_local()  # too many, too far behind, or Redis was emptied
            else:
                _forget({name.decode(): None for name in changed}, listings=False)
    except Exception as exc:  # any failure of Redis only means the answer is built here
        _pause(exc)
        return False
    epoch = epoch or b"0"
    if epoch != _seen["epoch"]:  # the listings kept here are of the past epoch
        _forget({}, listings=True)
    _seen.update(generation=generation, epoch=epoch, checked_at=now)
    return True


def clear_local() -> None:
    with _lock:
        _entries.clear()


def clear() -> None:
    """Forget every answer this worker keeps (those in Redis stay), and ask Redis again
    at once, both whether it answers and what was replaced."""
    global _paused_until
    clear_local()
    _paused_until = 0.0
    _seen.update(generation=None, epoch=b"0", checked_at=-math.inf)


def _local(name: str) -> str | None:
    now = time.monotonic()
    with _lock:
        kept = _entries.get(name)
        if kept is None or kept[0] <= now:
            return None
        _entries.move_to_end(name)
        return kept[1]


def _forget(names: Mapping[str, Any], listings: bool) -> None:
    with _lock:
        for name in names:
            _entries.pop(name, None)
        if listings:  # the epoch's names go unused; free their room now
            for name in [n for n in _entries if not n.startswith(SHARED_PREFIX + RECORD_KIND)]:
                del _entries[name]


def _keep(name: str, body: str, until: float) -> None:
    with _lock:
        _entries[name] = (until, body)
        _entries.move_to_end(name)
        while len(_entries) > current_app.config["PUBLIC_CACHE_ENTRIES"]:
            _entries.popitem(last=False)


def _client() -> Any:
    """The Redis client for stored answers, or None (no REDIS_URL, or paused)."""
    url = current_app.config.get("REDIS_URL")
    if not url or time.monotonic() < _paused_until:
        return None
    return redis_client(url, timeout=SHARED_TIMEOUT)


def _pause(exc: Exception) -> None:
    """Leave Redis alone for a while; this worker's copies go too, since it would not
    hear of their replacement meanwhile (and keeps new ones at most PUBLIC_CACHE_SECONDS)."""
    global _paused_until
    _paused_until = time.monotonic() + SHARED_PAUSE
    clear_local()
    _seen.update(generation=None, checked_at=-math.inf)
    log.warning(
        "stored public answers: Redis did not answer (%s); not asked for %.0f s",
        type(exc).__name__,
        SHARED_PAUSE,
    )
