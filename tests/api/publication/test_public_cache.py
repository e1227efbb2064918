"""A business's public record, and a page of the public listing, is stored until what it
shows changes: served from each worker's memory or Redis with no query, rebuilt by a job
after a rescore, an objection or a notice moves (services.public_cache); without Redis
each worker keeps its own for PUBLIC_CACHE_SECONDS."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from redis import Redis

from creditsvc import clock
from creditsvc.jobs.rescore import rescore_dirty
from creditsvc.schemas.standing import PublicMerchantOut
from creditsvc.services.publication import public_answers, public_cache
from tests.factories import exposure_body, inspect, penalise, publish
from tests.statements import executed
from tests.workers import run_worker


@pytest.fixture
def kept(app):
    app.config["PUBLIC_CACHE_SECONDS"] = 1
    public_cache.clear()
    yield app
    public_cache.clear()


@pytest.fixture
def stored(kept, redis_url):
    """Answers stored in the test's own Redis database, as deployed."""
    kept.config["PUBLIC_CACHE_SECONDS"] = 60
    kept.config["REDIS_URL"] = redis_url
    return Redis.from_url(redis_url)


def selects_during(call):
    result, statements = executed(call)
    return result, [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def record_name(merchant) -> str:
    return f"{public_cache.SHARED_PREFIX}merchant:{merchant.uscc}"


def caught_up() -> None:
    """Let this process ask Redis what was replaced at its next lookup, as a worker does
    at most every CHECK_SECONDS."""
    time.sleep(public_cache.CHECK_SECONDS + 0.05)


def test_a_rescore_that_changes_a_grade_rebuilds_the_stored_record_and_listing(
    app, world, stored, redis_url, tmp_path
):
    merchant = world.merchant(name="评级变化商户")
    app.config["REDIS_URL"] = None
    inspect(world, merchant)  # clean: A, rescored in-process
    app.config["REDIS_URL"] = redis_url
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    listing = "/api/public/v1/merchants?grade=A"
    public = world.anonymous()

    first, selects = selects_during(lambda: public.get(url))
    assert first.json["grade"] == "A" and selects
    assert public.get(listing).json["total"] == 1
    assert stored.ttl(record_name(merchant)) > 86400  # kept past the nightly roll
    public_cache.clear()  # as another worker: nothing in its own memory
    again, selects = selects_during(lambda: public.get(url))
    assert again.get_data() == first.get_data() and selects == []

    inspect(world, merchant, ["UNVERIFIED"])  # a major finding: B once rescored
    rescore_dirty()  # the debounced job, run here; it queues the records' rebuild
    caught_up()
    assert public.get(url).json["grade"] == "A"  # until the rebuild job has run

    run_worker(app, tmp_path)
    caught_up()
    fresh, selects = selects_during(lambda: public.get(url))
    assert fresh.json["grade"] == "B" and selects == []  # rebuilt by the job, not here
    assert public.get(listing).json["total"] == 0  # the listings' epoch moved on


def test_objections_and_withdrawn_notices_rebuild_the_records_they_touch(
    app, world, stored, redis_url, tmp_path
):
    today = clock.today()
    officer = world.district()
    merchant = world.merchant(name="异议商户")
    app.config["REDIS_URL"] = None  # evidence and its publication in-process
    inspection_id = penalise(
        world, merchant, "徐市监罚〔2026〕77号", today - timedelta(days=5), findings=("UNVERIFIED",)
    )
    notice = publish(officer, exposure_body())
    app.config["REDIS_URL"] = redis_url
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()
    assert public.get(url).json["disputed"] is False
    built_at = stored.zscore(public_cache.CHANGED, record_name(merchant))

    me = world.merchant_user(merchant)
    body = {"kind": "inspection", "id": inspection_id, "grounds": "检定证书在有效期内"}
    filed = me.post("/api/v1/objections", json=body)
    assert filed.status_code == 201, filed.json
    run_worker(app, tmp_path)
    caught_up()
    disputed, selects = selects_during(lambda: public.get(url))
    assert disputed.json["disputed"] is True and selects == []
    after_objection = stored.zscore(public_cache.CHANGED, record_name(merchant))
    assert after_objection and (built_at is None or after_objection > built_at)

    withdrawn = officer.post(
        f"/api/v1/notices/{notice['id']}/withdraw", json={"reason": "处罚决定被撤销"}
    )
    assert withdrawn.status_code == 200, withdrawn.json
    run_worker(app, tmp_path)
    assert stored.zscore(public_cache.CHANGED, record_name(merchant)) > after_objection


def test_an_unknown_business_is_never_kept(kept, world):
    public = world.anonymous()
    url = "/api/public/v1/merchants/91440300708461136T"
    assert public.get(url).status_code == 404
    _, selects = selects_during(lambda: public.get(url))
    assert selects  # looked up again, not remembered as absent


def test_http_caches_may_keep_an_answer_a_few_seconds_only(kept, world):
    kept.config["PUBLIC_HTTP_SECONDS"] = 5
    merchant = world.merchant(name="余时商户")
    inspect(world, merchant)
    answer = world.anonymous().get(f"/api/public/v1/merchants/{merchant.uscc}")
    assert answer.headers["Cache-Control"] in ("public, max-age=5", "max-age=5, public")


def test_without_redis_answers_are_built_here_and_redis_is_left_alone(
    kept, world, redis_down, caplog
):
    merchant = world.merchant(name="无缓存商户")
    inspect(world, merchant)
    kept.config["REDIS_URL"] = redis_down  # nothing listens there
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


def test_without_redis_a_change_still_commits_and_shows(kept, world, redis_down):
    """The rebuild cannot be queued: the change stands, and this worker, which kept no
    answer past PUBLIC_CACHE_SECONDS, answers with the new grade."""
    merchant = world.merchant(name="停机商户")
    inspect(world, merchant)
    url = f"/api/public/v1/merchants/{merchant.uscc}"
    public = world.anonymous()
    kept.config["REDIS_URL"] = redis_down
    assert public.get(url).json["grade"] == "A"

    inspect(world, merchant, ["UNVERIFIED"])  # its rescore waits for the sweep
    rescore_dirty()  # the sweep's rescore; its rebuild cannot be queued, and is logged
    time.sleep(1.1)  # PUBLIC_CACHE_SECONDS of the kept fixture
    assert public.get(url).json["grade"] == "B"


def test_a_listing_page_is_kept_and_dropped_when_a_business_changes(kept, world):
    first = world.merchant(name="总数甲")
    inspect(world, first)
    public = world.anonymous()
    url = "/api/public/v1/merchants?grade=A"
    answer = public.get(url)
    assert (answer.json["total"], len(answer.json["items"])) == (1, 1)
    again, selects = selects_during(lambda: public.get(url))
    assert again.get_data() == answer.get_data() and selects == []  # the kept page
    other = public.get(url + "&per_page=20").json  # another page of the same listing
    assert other["total"] == 1  # its total kept with the first page's

    inspect(world, world.merchant(name="总数乙"))  # a second grade-A business, rescored here
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


def test_what_the_listings_show_is_read_off_the_listing_schema():
    """A field added to the listing's schema is compared when a record is rebuilt, so a
    change to it cannot leave a stored listing showing the old value."""
    listed = set(public_answers.LISTED)
    assert set(PublicMerchantOut().fields) <= listed
    assert listed - set(PublicMerchantOut().fields) == {"address", "policy_version"}
