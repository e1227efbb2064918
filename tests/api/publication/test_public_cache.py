"""A business's public record, and a page of the public listing, is kept for
PUBLIC_CACHE_SECONDS, by each worker and in Redis for the others: the same bytes, no
query, and a change shows once the time is up."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import pytest
from redis import Redis

from creditsvc.services.publication import public_cache
from tests.factories import inspect
from tests.statements import executed


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
    # Long enough that the rescore between the two reads ends before the answer expires,
    # even on a loaded machine.
    kept.config["PUBLIC_CACHE_SECONDS"] = 5
    merchant = world.merchant(name="缓存商户")
    inspect(world, merchant)  # clean: A
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()

    first, selects = selects_during(lambda: public.get(url))
    assert first.status_code == 200 and first.json["grade"] == "A" and selects
    assert first.headers["Cache-Control"] in ("public, max-age=5", "max-age=5, public")
    kept_at = time.monotonic()

    inspect(world, merchant, ["UNVERIFIED"])  # a major finding: B, rescored in-process
    again, selects = selects_during(lambda: public.get(url.lower()))  # same key
    assert again.get_data() == first.get_data() and selects == []

    time.sleep(max(0.0, 5.1 - (time.monotonic() - kept_at)))
    fresh = public.get(url)
    assert fresh.status_code == 200 and fresh.json["grade"] == "B"


def test_http_caches_are_told_the_time_an_answer_has_left(kept, world):
    kept.config["PUBLIC_CACHE_SECONDS"] = 10
    merchant = world.merchant(name="余时商户")
    inspect(world, merchant)
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()

    first = public.get(url).headers["Cache-Control"]
    time.sleep(2.1)
    later = public.get(url).headers["Cache-Control"]  # the same kept answer
    first_age, later_age = (int(h.split("max-age=")[1].split(",")[0]) for h in (first, later))
    assert "public" in first and 8 <= first_age <= 10
    assert later_age <= first_age - 2


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


def test_answers_built_together_do_not_expire_together(kept, world, redis_url):
    kept.config["REDIS_URL"] = redis_url
    kept.config["PUBLIC_CACHE_SECONDS"] = 10
    public = world.anonymous()
    codes = [world.merchant(name=f"同时商户{i}").uscc for i in range(12)]
    for uscc in codes:
        assert public.get(f"/api/public/v1/merchants/{uscc}").status_code == 200
    redis = Redis.from_url(redis_url)
    left = [redis.pttl(f"creditsvc:public:merchant:{uscc}") for uscc in codes]
    assert all(7_000 < ms <= 10_000 for ms in left), left  # 80-100 % of the time
    assert max(left) - min(left) > 500, left  # spread, not one moment a minute later


def test_without_redis_answers_are_built_here_and_redis_is_left_alone(kept, world, caplog):
    merchant = world.merchant(name="无缓存商户")
    inspect(world, merchant)
    kept.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()

    kept.config["PUBLIC_CACHE_ENTRIES"] = 0  # nothing kept in the worker: built each time
    with caplog.at_level(logging.WARNING, logger="creditsvc.services.publication.public_cache"):
        first = public.get(url)
        second, selects = selects_during(lambda: public.get(url))
    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data() and selects
    warnings = [r for r in caplog.records if "Redis did not answer" in r.getMessage()]
    assert len(warnings) == 1  # paused after the first failure: not asked again


def test_a_listing_page_is_kept_and_another_page_shares_its_total(kept, world):
    first = world.merchant(name="总数甲")
    inspect(world, first)
    public = world.anonymous()
    url = "/api/public/v1/merchants?grade=A"
    answer = public.get(url)
    assert (answer.json["total"], len(answer.json["items"])) == (1, 1)
    assert answer.headers["Cache-Control"] in ("public, max-age=1", "max-age=1, public")

    inspect(world, world.merchant(name="总数乙"))  # a second grade-A business
    again, selects = selects_during(lambda: public.get(url))
    assert again.get_data() == answer.get_data() and selects == []  # the kept page
    other = public.get(url + "&per_page=20").json  # another page of the same listing
    assert other["total"] == 1  # its total kept with the first page's
    assert sorted(i["name"] for i in other["items"]) == ["总数乙", "总数甲"]  # rows afresh
    assert public.get(url + "&q=乙").json["total"] == 1  # another listing

    time.sleep(1.1)
    fresh = public.get(url).json
    assert (fresh["total"], len(fresh["items"])) == (2, 2)


def test_text_typed_in_a_filter_cannot_make_two_listings_share_an_answer(kept, world, redis_url):
    """Unquoted, q=":district=X" and district="X:district=" would make the same Redis name."""
    xuhui = world.XUHUI
    named = world.merchant(name=f"甲:district={xuhui}")
    inspect(world, named)
    kept.config["REDIS_URL"] = redis_url
    kept.config["PUBLIC_CACHE_ENTRIES"] = 0  # only Redis keeps answers
    public = world.anonymous()
    base = "/api/public/v1/merchants?"
    found = public.get(base + urlencode({"q": f":district={xuhui}"})).json
    assert [i["name"] for i in found["items"]] == [named.name]
    other = public.get(base + urlencode({"district": f"{xuhui}:district="}))
    assert other.status_code == 200 and other.json["items"] == []


def test_a_page_past_the_last_is_empty_without_reading_the_listing(kept, world):
    inspect(world, world.merchant(name="末页商户"))
    public = world.anonymous()
    assert public.get("/api/public/v1/merchants?grade=A").json["total"] == 1  # total kept
    beyond, selects = selects_during(lambda: public.get("/api/public/v1/merchants?grade=A&page=9"))
    assert beyond.status_code == 200 and beyond.json["items"] == []
    assert (beyond.json["total"], beyond.json["pages"]) == (1, 1)
    assert selects == []  # the kept total says there is nothing there to read
