"""The `creditsvc` command line (also `flask --app wsgi ...`)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from creditsvc.extensions import db
from creditsvc.models import ROLES
from creditsvc.services import accounts
from creditsvc.services.errors import DomainError

CLI_ACTOR = "cli"


def _fail(error: DomainError) -> None:
    db.session.rollback()
    field = f" ({error.field})" if error.field else ""
    raise click.ClickException(f"{error.message}{field}")


@click.group("users", help="Manage accounts.")
def users() -> None:
    pass


@users.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--district", help="district code, for a district officer")
@click.option("--merchant", help="USCC, for a merchant account")
@click.option("--market", type=int, help="market id, for a market host")
@click.option("--username", required=True)
@click.option("--password", required=True, help="at least 10 characters")
@with_appcontext
def create_user(role, district, merchant, market, username, password) -> None:
    """Create a user with a role and its scope."""
    try:
        user = accounts.create_user(
            CLI_ACTOR,
            username=username,
            password=password,
            role=role,
            district=district,
            merchant=merchant,
            market=market,
        )
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"created {user.role} user {user.username} (id {user.id})")


@click.group("tokens", help="Issue API tokens.")
def tokens() -> None:
    pass


@tokens.command("create")
@click.option("--user", "username", help="issue a token for this user")
@click.option("--device", "serial", help="issue a token for this fair-scale device")
@click.option("--label", default="", help="a note to tell tokens apart")
@with_appcontext
def create_token(username, serial, label) -> None:
    """Print a new bearer token for a user or a device (shown only once)."""
    if bool(username) == bool(serial):
        raise click.UsageError("give exactly one of --user or --device")
    try:
        if username:
            _, token = accounts.issue_user_token(CLI_ACTOR, accounts.user_by_name(username), label)
        else:
            _, token = accounts.issue_device_token(
                CLI_ACTOR, accounts.device_by_serial(serial), label
            )
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(token)


@click.command("demo")
@click.option("--merchants", default=2000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=2017, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="do nothing when merchants already exist")
@with_appcontext
def demo(merchants: int, seed: int, if_empty: bool) -> None:
    """Load a demo city: streets, markets, stalls, fair scales, merchants and demo users."""
    from creditsvc.demo import city

    try:
        summary = city.load(merchants=merchants, seed=seed, if_empty=if_empty)
    except DomainError as exc:
        _fail(exc)
    click.echo(summary)


def register(app: Flask) -> None:
    for command in (users, tokens, demo):
        app.cli.add_command(command)


def main() -> None:
    from creditsvc import create_app

    group = FlaskGroup(create_app=create_app, help="诚信计量 credit service")
    sys.exit(group.main())
