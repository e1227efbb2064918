"""Each worker keeps a business's public record for PUBLIC_CACHE_SECONDS: the same bytes,
no query, and a change shows once the time is up."""

from __future__ import annotations

import time

import pytest

from creditsvc.services import public_cache
from tests.statements import executed
from tests.test_standing import inspect


@pytest.fixture
def kept(app):
    app.config["PUBLIC_CACHE_SECONDS"] = 1
    public_cache.clear()
    yield app
    public_cache.clear()


def selects_during(call):
    result, statements = executed(call)
    return result, [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_kept_record_is_served_without_a_query_until_it_expires(kept, world):
    merchant = world.merchant(name="缓存商户")
    inspect(world, merchant)  # clean: A
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()

    first, selects = selects_during(lambda: public.get(url))
    assert first.status_code == 200 and first.json["grade"] == "A" and selects
    assert first.headers["Cache-Control"] in ("public, max-age=1", "max-age=1, public")

    inspect(world, merchant, ["UNVERIFIED"])  # a major finding: B, rescored in-process
    again, selects = selects_during(lambda: public.get(url.lower()))  # same key
    assert again.get_data() == first.get_data() and selects == []

    time.sleep(1.1)
    fresh = public.get(url)
    assert fresh.status_code == 200 and fresh.json["grade"] == "B"


def test_an_unknown_business_is_never_kept(kept, world):
    public = world.anonymous()
    url = "/api/public/v1/merchants/91440300708461136T"
    assert public.get(url).status_code == 404
    _, selects = selects_during(lambda: public.get(url))
    assert selects  # looked up again, not remembered as absent
