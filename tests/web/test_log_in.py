"""The log-in form does not tell which user names exist (issue 17): an unknown name costs
the same one password check a known name with a wrong password costs."""

from __future__ import annotations

import pytest
from werkzeug import security

from creditsvc.extensions import db
from creditsvc.services.accounts import users
from tests.factories import login


@pytest.fixture
def key_derivations(monkeypatch) -> list[str]:
    """Each password hash werkzeug derives (what a log-in's time is made of), by method."""
    derived: list[str] = []
    original = security._hash_internal

    def counted(method: str, salt: str, password: str):
        derived.append(method.split(":")[0])
        return original(method, salt, password)

    monkeypatch.setattr(security, "_hash_internal", counted)
    return derived


def failed_log_in_costs(client, username: str, derived: list[str]) -> list[str]:
    derived.clear()
    assert login(client, username, "wrong password!").status_code == 401
    return list(derived)


def test_an_unknown_name_costs_one_check_as_a_known_name_does(app, world, key_derivations):
    known = world.district().username
    client = app.test_client()
    failed_log_in_costs(client, "warm-up-unknown", key_derivations)  # the dummy is made once
    for _ in range(3):
        as_known = failed_log_in_costs(client, known, key_derivations)
        as_unknown = failed_log_in_costs(client, "nobody-by-this-name", key_derivations)
        assert as_known == as_unknown == ["pbkdf2"]


def test_the_dummy_hash_follows_the_configured_method(app, world, key_derivations):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"
    client = app.test_client()
    failed_log_in_costs(client, "warm-up-unknown", key_derivations)
    assert failed_log_in_costs(client, "nobody-by-this-name", key_derivations) == ["scrypt"]


def test_an_inactive_account_cannot_log_in_with_its_password(app, world):
    name = world.district().username
    users.user_by_name(name).active = False
    db.session.commit()
    assert login(app.test_client(), name).status_code == 401
