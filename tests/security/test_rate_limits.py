"""Per-address rate limits on the public side (issue 17): lookups and searches in the
open-data API and on the public site share one budget, CSV exports have their own; past
either the answer is 429 with Retry-After in the one error body. Counts live in Redis
when it is configured, shared by every worker, and in memory when it does not answer;
log-in failures are counted on the same storage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from redis import Redis

from creditsvc import create_app
from creditsvc.extensions import db
from tests.conftest import IsolatedClient
from tests.factories import login

ELSEWHERE = {"REMOTE_ADDR": "10.1.2.3"}


@pytest.fixture
def uscc(world) -> str:
    return world.merchant(name="限流商户").uscc


def refused(response, html: bool = False) -> int:
    """The 429's Retry-After, after checking the answer is the one error body."""
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    if html:
        assert "请求过于频繁" in response.get_data(as_text=True)
    else:
        body = response.json
        assert set(body) == {"code", "status", "message", "errors"}
        assert body["code"] == 429 and "too many requests" in body["message"]
    return wait


def test_lookups_and_searches_share_a_budget_per_address(app, client, uscc):
    app.config["RATE_LIMIT_PUBLIC_READS"] = "4 per minute"
    assert client.get(f"/api/public/v1/merchants/{uscc}").status_code == 200
    assert client.get("/api/public/v1/merchants?q=限流").status_code == 200
    assert client.get(f"/merchants/{uscc}").status_code == 200  # the public site's page
    assert client.get("/merchants?q=限流").status_code == 200
    refused(client.get(f"/api/public/v1/merchants/{uscc}"))
    refused(client.get(f"/merchants/{uscc}"), html=True)
    refused(client.get("/api/public/v1/merchants/no-such-business"))  # counted before 404
    other = client.get(f"/api/public/v1/merchants/{uscc}", environ_base=ELSEWHERE)
    assert other.status_code == 200  # another address has its own budget
    assert client.get("/grades").status_code == 200  # not a lookup


def test_exports_have_their_own_budget(app, client, uscc):
    app.config["RATE_LIMIT_PUBLIC_EXPORTS"] = "2 per minute"
    for _ in range(2):
        assert client.get("/api/public/v1/merchants.csv").status_code == 200
    refused(client.get("/api/public/v1/honor-roll.csv"))
    assert client.get(f"/api/public/v1/merchants/{uscc}").status_code == 200
    assert client.get("/api/public/v1/merchants.csv", environ_base=ELSEWHERE).status_code == 200


def test_published_plans_count_as_the_open_data_api(app, client, uscc):
    # Their routes live with the officers' plan routes, outside the open-data blueprint.
    app.config["RATE_LIMIT_PUBLIC_EXPORTS"] = "1 per minute"
    app.config["RATE_LIMIT_PUBLIC_READS"] = "2 per minute"
    assert client.get("/api/public/v1/inspection-plans.csv").status_code == 200
    refused(client.get("/api/public/v1/merchants.csv"))
    assert client.get("/api/public/v1/inspection-plans").status_code == 200
    assert client.get(f"/api/public/v1/merchants/{uscc}").status_code == 200
    refused(client.get("/api/public/v1/inspection-plans"))


def app_with(app: Flask, **overrides) -> Flask:
    """Another app (as another worker would be) on the same database."""
    keys = ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "PERSONAL_DATA_KEY")
    keys += ("STORAGE_DIR", "REDIS_URL", "PASSWORD_HASH_METHOD", "PUBLIC_CACHE_SECONDS")
    keys += ("RATE_LIMIT_PUBLIC_READS", "RATE_LIMIT_PUBLIC_EXPORTS")
    other = create_app({k: app.config[k] for k in keys} | overrides)
    other.test_client_class = IsolatedClient
    return other


@pytest.fixture
def workers(app, redis_url) -> Iterator[tuple[Flask, Flask]]:
    first = app_with(app, RATELIMIT_STORAGE_URI=redis_url)
    second = app_with(app, RATELIMIT_STORAGE_URI=redis_url)
    yield first, second
    for each in (first, second):
        with each.app_context():
            db.engine.dispose()


def test_with_redis_every_worker_counts_together(workers, uscc, redis_url):
    first, second = workers
    for each in workers:
        each.config["RATE_LIMIT_PUBLIC_READS"] = "3 per minute"
    url = f"/api/public/v1/merchants/{uscc}"
    assert first.test_client().get(url).status_code == 200
    assert second.test_client().get(url).status_code == 200
    assert first.test_client().get(url).status_code == 200
    refused(second.test_client().get(url))
    assert any(b"creditsvc" in key for key in Redis.from_url(redis_url).scan_iter())


def test_a_redis_that_does_not_answer_falls_back_to_memory(app, uscc):
    down = app_with(app, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens
    down.config["RATE_LIMIT_PUBLIC_READS"] = "2 per minute"
    client = down.test_client()
    url = f"/api/public/v1/merchants/{uscc}"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused(client.get(url))
    with down.app_context():
        db.engine.dispose()


# Log-in throttling counts on the same storage -------------------------------------------


def test_log_in_failures_count_in_redis_for_every_worker(workers, world):
    first, second = workers
    for each in workers:
        each.config["LOGIN_MAX_FAILURES_PER_USERNAME"] = 2
    name = world.district().username
    assert login(first.test_client(), name, "wrong password!").status_code == 401
    assert login(second.test_client(), name, "wrong password!").status_code == 401
    assert login(first.test_client(), name).status_code == 429


def test_log_in_is_throttled_in_memory_while_redis_does_not_answer(app, world):
    down = app_with(app, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens
    down.config["LOGIN_MAX_FAILURES_PER_USERNAME"] = 2
    name = world.district().username
    client = down.test_client()
    assert [login(client, name, "wrong password!").status_code for _ in range(2)] == [401, 401]
    assert login(client, name).status_code == 429
    assert login(client, world.district().username).status_code == 302
    with down.app_context():
        db.engine.dispose()
