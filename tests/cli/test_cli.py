"""The creditsvc command line: users, tokens (shown once, stored hashed)."""

from creditsvc.extensions import db
from creditsvc.models import ApiToken, AuditEntry, Device, User
from creditsvc.principals import hash_token
from tests.factories import Caller


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_each_role(app, world):
    merchant, market = world.merchant(), world.market()
    cases = [
        ("--role", "city", "--username", "shi"),
        ("--role", "district", "--district", "310104", "--username", "xuhui"),
        ("--role", "host", "--market", str(market.id), "--username", "host"),
        ("--role", "merchant", "--merchant", merchant.uscc.lower(), "--username", "shop"),
    ]
    for case in cases:
        result = run(app, "users", "create", *case, "--password", "a long password")
        assert result.exit_code == 0, result.output
    assert {u.username: u.role for u in db.session.query(User)} == {
        "shi": "city",
        "xuhui": "district",
        "host": "host",
        "shop": "merchant",
    }
    assert (
        db.session.query(User).filter_by(username="xuhui").one().password_hash.startswith("pbkdf2")
    )
    assert db.session.query(AuditEntry).filter_by(entity="users").count() == 4


def test_create_refuses_what_does_not_fit(app):
    login = ("--username", "a", "--password", "a long password")
    bad = [
        ("--role", "district", *login),
        ("--role", "district", "--district", "999999", *login),
        ("--role", "merchant", "--merchant", "X", *login),
        ("--role", "host", "--market", "99", *login),
        ("--role", "city", "--username", "a", "--password", "short"),
    ]
    for case in bad:
        result = run(app, "users", "create", *case)
        assert result.exit_code != 0
        assert "Error" in result.output
    assert db.session.query(User).count() == 0


def test_tokens_for_a_user_and_a_device(app, world):
    run(
        app,
        "users",
        "create",
        "--role",
        "city",
        "--username",
        "shi",
        "--password",
        "a long password",
    )
    token = run(app, "tokens", "create", "--user", "shi").output.strip()
    assert db.session.query(ApiToken).filter_by(token_hash=hash_token(token)).count() == 1
    assert Caller(app.test_client(), token).get("/api/v1/merchants").status_code == 200

    market = world.market()
    db.session.add(Device(serial="FS-1", market_id=market.id))
    db.session.commit()
    device_token = run(app, "tokens", "create", "--device", "FS-1").output.strip()
    row = db.session.query(ApiToken).filter_by(token_hash=hash_token(device_token)).one()
    assert row.device.serial == "FS-1"


def test_tokens_need_exactly_one_owner(app):
    assert run(app, "tokens", "create").exit_code != 0
    assert run(app, "tokens", "create", "--user", "nobody").exit_code != 0
    assert run(app, "tokens", "create", "--device", "FS-404").exit_code != 0
    assert db.session.query(ApiToken).count() == 0
