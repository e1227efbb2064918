"""A business's public record is kept for PUBLIC_CACHE_SECONDS, by each worker and in
Redis for the others: the same bytes, no query, and a change shows once the time is up."""

from __future__ import annotations

import logging
import time

import pytest
from redis import Redis

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


def test_an_answer_one_worker_built_is_served_by_the_others(kept, world, redis_url):
    merchant = world.merchant(name="共享缓存商户")
    inspect(world, merchant)  # rescored in-process, before Redis is configured
    kept.config["REDIS_URL"] = redis_url
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()

    first, selects = selects_during(lambda: public.get(url))
    assert first.json["grade"] == "A" and selects
    name = f"creditsvc:public:merchant:{merchant.uscc}"
    assert 0 < Redis.from_url(redis_url).pttl(name) <= 1000

    public_cache.clear()  # as another worker: nothing kept in its own memory
    again, selects = selects_during(lambda: public.get(url))
    assert again.get_data() == first.get_data() and selects == []

    time.sleep(1.1)  # expired in Redis too
    assert Redis.from_url(redis_url).get(name) is None


def test_without_redis_answers_are_built_here_and_redis_is_left_alone(kept, world, caplog):
    merchant = world.merchant(name="无缓存商户")
    inspect(world, merchant)
    kept.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()

    kept.config["PUBLIC_CACHE_ENTRIES"] = 0  # nothing kept in the worker: built each time
    with caplog.at_level(logging.WARNING, logger="creditsvc.services.public_cache"):
        first = public.get(url)
        second, selects = selects_during(lambda: public.get(url))
    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data() and selects
    warnings = [r for r in caplog.records if "Redis did not answer" in r.getMessage()]
    assert len(warnings) == 1  # paused after the first failure: not asked again


def test_a_listing_total_is_kept_and_its_rows_are_read_afresh(kept, world):
    first = world.merchant(name="总数甲")
    inspect(world, first)
    public = world.anonymous()
    listing = lambda: public.get("/api/public/v1/merchants?grade=A").json  # noqa: E731
    assert (listing()["total"], len(listing()["items"])) == (1, 1)

    inspect(world, world.merchant(name="总数乙"))  # a second grade-A business
    body = listing()
    assert body["total"] == 1  # the kept count
    assert sorted(i["name"] for i in body["items"]) == ["总数乙", "总数甲"]  # rows afresh
    assert public.get("/api/public/v1/merchants?grade=A&q=乙").json["total"] == 1

    time.sleep(1.1)
    assert listing()["total"] == 2
