"""Every role with a log-in may change its password, from the link on every page
(issue 17: association users could not)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, csrf_token, login

NEW_PASSWORD = "a new long password"


@pytest.mark.parametrize("role", ["association", "city", "district", "host", "merchant"])
def test_each_role_changes_its_password(world, app, role):
    market = world.market()
    name = world.role(role, merchant=world.merchant(market=market), market=market).username
    client = app.test_client()
    assert login(client, name).status_code == 302
    assert 'href="/account/password"' in client.get("/").get_data(as_text=True)
    changed = client.post(
        "/account/password",
        data={
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
            "csrf_token": csrf_token(client, "/account/password"),
        },
    )
    assert changed.status_code == 302, changed.get_data(as_text=True)
    assert login(app.test_client(), name, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), name).status_code == 401
