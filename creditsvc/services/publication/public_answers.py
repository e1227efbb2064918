"""Businesses' public records as stored answers (services.public_cache): the bytes of
`GET /api/public/v1/merchants/<uscc>`, built on a lookup or, after a change, by a job.

Whatever changes what a record shows sends the signal `public_record_changed` with the
businesses concerned; `jobs.public_answers` then rebuilds their records here, in
batches, once the change is committed.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from marshmallow import fields

from creditsvc import uscc as uscc_rules
from creditsvc.schemas.public import PublicRecordWithReplyOut
from creditsvc.schemas.standing import PublicRecordOut
from creditsvc.services.publication import public, public_cache

RECORD = PublicRecordWithReplyOut()
# What the listings show of a business: when none of it changed, no listing did. Read off
# the record's schema less what only a record page shows (reasons, reply): the listing's
# own fields (PublicMerchantOut, which the record's extends) plus the address and the
# policy version (the badge words its grade by it). A field added to either counts here.
LISTED = tuple(
    name
    for name, field in PublicRecordOut().fields.items()
    if not isinstance(field, fields.List | fields.Nested)
)


def key(uscc: str) -> tuple[str, str]:
    """The stored answer's key of a business's record (its USCC as registered)."""
    return (public_cache.RECORD_KIND, uscc_rules.normalise(uscc))


def record_body(uscc: str, before: Callable[[], object] | None = None) -> str | None:
    """The record's answer as built for a lookup; None when there is no such business.
    `before` runs first, only when it is built (the API's reads without a transaction)."""
    if before is not None:
        before()
    found = public.record(uscc)
    return None if found is None else RECORD.dumps(found)


def lookup(uscc: str, before: Callable[[], object] | None = None) -> public_cache.Kept:
    """A business's record, stored or built now."""
    return public_cache.answer(key(uscc), lambda: record_body(uscc, before))


def refresh(merchant_ids: list[int]) -> dict:
    """Rebuild the stored records of these businesses now and tell every worker; the
    listings are built again when anything they show of them changed."""
    if not merchant_ids or not public_cache.kept_at_all():
        return {"records": 0, "listings_changed": False}
    if not public_cache.shared():  # nothing to store them in: this worker's copies go
        usccs = public.usccs_of(merchant_ids)
        public_cache.replace(dict.fromkeys(map(key, usccs)), listings_changed=True)
        return {"records": 0, "listings_changed": True}
    found = public.records_of(merchant_ids)
    answers: dict[tuple[str, ...], str | None] = {key(r["uscc"]): RECORD.dumps(r) for r in found}
    before = public_cache.stored(list(answers))
    listings_changed = any(_listed(before.get(k)) != _listed(body) for k, body in answers.items())
    public_cache.replace(answers, listings_changed=listings_changed)
    return {"records": len(found), "listings_changed": listings_changed}


def _listed(body: str | None) -> tuple | None:
    if body is None:
        return None
    loaded = json.loads(body)
    return tuple(loaded.get(name) for name in LISTED)
