"""The commands of the `creditsvc` command line (also `flask --app wsgi ...`); the console
script itself starts in `creditsvc.command`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.jobs import QUEUES
from creditsvc.models import ROLES, JobStatus
from creditsvc.services.accounts import users as accounts
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
@click.option("--email", help="address for notifications, mailed when MAIL_SERVER is set")
@with_appcontext
def create_user(role, district, merchant, market, username, password, email) -> None:
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
            email=email,
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
@click.option(
    "--inspections",
    type=click.IntRange(0),
    help="inspections to generate [default: 0.75 per merchant]",
)
@click.option(
    "--complaints",
    type=click.IntRange(0),
    help="complaints to generate [default: 0.3 per merchant]",
)
@click.option(
    "--readings", type=click.IntRange(0), help="fair-scale readings [default: 100 per merchant]"
)
@with_appcontext
def demo(
    merchants: int,
    seed: int,
    if_empty: bool,
    inspections: int | None,
    complaints: int | None,
    readings: int | None,
) -> None:
    """Load a demo city: registry, demo users and three years of inspections, complaints
    and fair-scale readings."""
    from creditsvc.demo import city

    try:
        summary = city.load(
            merchants=merchants,
            seed=seed,
            if_empty=if_empty,
            inspections=inspections,
            complaints=complaints,
            readings=readings,
            as_of=clock.today(),  # the demo's history runs up to today in Shanghai
            scenes=True,
        )
    except DomainError as exc:
        _fail(exc)
    click.echo(summary)


@click.command("demo-signing-key")
@with_appcontext
def demo_signing_key() -> None:
    """Make the demo's signing key and self-signed certificate under instance/signing/,
    once (`make run` runs it); production configures its own (docs/deployment.md)."""
    from creditsvc.services.publication import signing

    try:
        made = signing.make_demo_key()
    except DomainError as exc:  # a key of its own is configured: nothing to make
        click.echo(exc.message)
        return
    if made is None:
        click.echo(f"demo signing key in place: {current_app.config['SIGNING_CERT_FILE']}")
        return
    click.echo(
        f"made a demo signing key and self-signed certificate for {signing.signer_name()} "
        f"in {made}/ (demo only: production sets SIGNING_KEY_FILE and SIGNING_CERT_FILE)"
    )


def _redis_url_or_fail(command: str) -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException(
            f"REDIS_URL is not set: without Redis, jobs run in-process and `{command}` has "
            "nothing to do"
        )
    return url


@click.command("worker")
@click.option(
    "--queues",
    default=",".join(QUEUES),
    show_default=True,
    help="comma-separated queue names, in priority order",
)
@click.option("--burst", is_flag=True, help="quit once the queues are empty")
@with_appcontext
def worker(queues: str, burst: bool) -> None:
    """Run an rq worker, with rq's scheduler for delayed jobs and retries."""
    from creditsvc.jobs.worker import run

    names = [name.strip() for name in queues.split(",") if name.strip()]
    unknown = sorted(set(names) - set(QUEUES))
    if unknown or not names:
        raise click.BadParameter(
            f"unknown queue {', '.join(unknown) or '(none given)'}; known: {', '.join(QUEUES)}",
            param_hint="--queues",
        )
    _redis_url_or_fail("worker")
    run(names, burst=burst)


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Enqueue the periodic jobs (sweep every minute, daily roll at 02:30 Shanghai time).

    Only one scheduler runs: a second one exits with status 1 while the first holds
    the lock.
    """
    from redis import Redis

    from creditsvc.jobs.scheduler import SchedulerLocked, run

    connection = Redis.from_url(_redis_url_or_fail("scheduler"))
    try:
        run(connection)
    except SchedulerLocked as exc:
        raise click.ClickException(str(exc)) from None


@click.command("rescore")
@click.option(
    "--all", "everyone", is_flag=True, help="rescore every merchant, district by district"
)
@with_appcontext
def rescore(everyone: bool) -> None:
    """Rescore the dirty merchants now, or start a full rescore with --all."""
    from creditsvc.jobs.rescore import SYSTEM, rescore_dirty, start_full_rescore

    if not everyone:
        counts = rescore_dirty()
        click.echo(
            f"rescored {counts['merchants']} dirty merchants, {counts['snapshots']} new snapshots"
        )
        return
    try:
        run = start_full_rescore(SYSTEM, actor=CLI_ACTOR)
    except DomainError as exc:  # the queue is down: the row ended failed, nothing started
        _fail(exc)
    if run.status == JobStatus.DONE:
        result = run.result or {}
        click.echo(
            f"rescored {result.get('merchants', 0)} merchants in {run.done} districts, "
            f"{result.get('snapshots', 0)} new snapshots (status row {run.id})"
        )
    else:
        click.echo(f"full rescore queued: {run.total} district jobs, status row {run.id}")


@click.command("train")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="today, for the data")
@click.option("--score-only", is_flag=True, help="rescore every merchant with the latest model")
@with_appcontext
def train(as_of, score_only: bool) -> None:
    """Train the internal risk model (out-of-time validated) and score every merchant."""
    from creditsvc.jobs.rescore import SYSTEM
    from creditsvc.jobs.train import score_merchants, start_training

    try:
        if score_only:
            counts = score_merchants()
            click.echo("risk classes: " + ", ".join(f"{c} {n}" for c, n in counts.items()))
            return
        run = start_training(SYSTEM, actor=CLI_ACTOR, today=as_of.date() if as_of else None)
    except DomainError as exc:
        _fail(exc)
    if run.status != JobStatus.DONE:
        click.echo(f"risk model training queued, status row {run.id}")
        return
    result = run.result or {}
    auc = ", ".join(f"{kind} {value}" for kind, value in result.get("auc", {}).items())
    classes = ", ".join(f"{c} {n}" for c, n in result.get("classes", {}).items())
    click.echo(f"trained {result.get('version')}: chose {result.get('chosen')}")
    click.echo(f"out-of-time validation AUC: {auc}")
    click.echo(f"risk classes: {classes}")


@click.command("routes")
@click.option(
    "--write",
    "document",
    type=click.Path(exists=True, dir_okay=False),
    help="replace the route section of this file (SECURITY.md) instead of printing",
)
@with_appcontext
def routes(document: str | None) -> None:
    """Print every route with its allowed roles and scope rule, as Markdown (SECURITY.md)."""
    from pathlib import Path

    from creditsvc.security_table import markdown, with_table

    table = markdown(current_app)
    if document is None:
        click.echo(table, nl=False)
        return
    path = Path(document)
    path.write_text(with_table(path.read_text(encoding="utf-8"), table), encoding="utf-8")
    click.echo(f"wrote {table.count(chr(10)) - 2} routes to {document}")


@click.group("statistics", help="The figures by month behind /statistics and /map.")
def statistics() -> None:
    pass


@statistics.command("refresh")
@click.option("--all", "everything", is_flag=True, help="every month shown, not only the latest")
@with_appcontext
def refresh_statistics(everything: bool) -> None:
    """Recompute the kept figures now (the scheduler does it nightly)."""
    from creditsvc.jobs.statistics import refresh_statistics as refresh

    counts = refresh(everything=everything)
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@click.group("readings", help="Fair-scale readings: month partitions and their archive.")
def readings() -> None:
    pass


def _month(_ctx, _param, value: str | None):
    from creditsvc.months import Month

    try:
        return Month.parse(value) if value else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _partitioned_or_say() -> bool:
    from creditsvc.jobs.partitions import NOT_PARTITIONED, is_partitioned

    if not is_partitioned():
        click.echo(NOT_PARTITIONED)
        return False
    return True


@readings.command("partitions")
@with_appcontext
def readings_partitions() -> None:
    """List the month partitions (rows, size) and the archived months."""
    from creditsvc.services.evidence import archive, partitions

    if not _partitioned_or_say():
        return
    click.echo("month     rows         size")
    for part in partitions.sizes(db.session.connection()):
        month = str(part["month"] or "default")
        click.echo(f"{month:<9} {part['rows']:>12,} {part['bytes'] / 2**20:>9.1f} MiB")
    for month in partitions.detached(db.session.connection()):
        click.echo(f"{month}   detached, archive not finished (the next run finishes it)")
    for manifest in archive.archived():
        rows = manifest["rows"]
        click.echo(f"{manifest['month']}   archived: {rows:,} rows in {archive.folder()}")
    click.echo(f"months before {archive.first_kept(clock.today())} are past retention")


@readings.command("archive")
@click.option("--before", callback=_month, help="archive only months before YYYY-MM")
@click.option("--dry-run", is_flag=True, help="list the months that would be archived")
@with_appcontext
def readings_archive(before, dry_run: bool) -> None:
    """Archive the months past retention to compressed CSV, then drop their partitions."""
    from creditsvc.jobs.partitions import archive_months

    if not _partitioned_or_say():
        return
    try:
        months = archive_months(before, actor=CLI_ACTOR, dry_run=dry_run)
    except DomainError as exc:
        _fail(exc)
    names = ", ".join(map(str, months)) or "none"
    click.echo(f"{'would archive' if dry_run else 'archived'}: {names}")


@readings.command("restore")
@click.argument("month", callback=_month)
@with_appcontext
def readings_restore(month) -> None:
    """Re-create an archived month's partition from its file: every row back, same ids."""
    from creditsvc.jobs.partitions import restore_month

    if not _partitioned_or_say():
        return
    try:
        manifest = restore_month(month, CLI_ACTOR)
    except DomainError as exc:
        _fail(exc)
    click.echo(
        f"restored {manifest['rows']:,} readings of {month} (ids {manifest['first_id']} to "
        f"{manifest['last_id']}); past retention, the nightly run archives it again"
    )


def register(app: Flask) -> None:
    for command in (
        users,
        tokens,
        demo,
        demo_signing_key,
        worker,
        scheduler,
        rescore,
        routes,
        train,
        statistics,
        readings,
    ):
        app.cli.add_command(command)
