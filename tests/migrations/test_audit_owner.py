"""The audit log on PostgreSQL (migration 0014, issue 17): TRUNCATE is refused, even to a
superuser, and the table belongs to a role of its own, so the application's role may
read and append to it and do nothing else: not empty it, not drop or replace its
triggers. SQLite has no roles and no TRUNCATE; its triggers are tested with 0001's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from creditsvc.config import database_url
from creditsvc.extensions import db
from creditsvc.models import AuditEntry
from tests.conftest import PG_URL, _migrate, _pg_admin

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has no roles")

OWNER = "creditsvc_audit_owner"


def test_truncate_is_refused_even_to_a_superuser(app):
    db.session.add(AuditEntry(actor="t", action="create", entity="e", entity_id="1"))
    db.session.commit()
    assert db.session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("TRUNCATE audit_log"))
    db.session.rollback()
    assert db.session.query(AuditEntry).filter_by(actor="t").count() == 1


def test_the_table_and_its_trigger_function_belong_to_a_role_of_their_own(app):
    owner_of = "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = :t"
    assert db.session.scalar(text(owner_of), {"t": "audit_log"}) == OWNER
    assert db.session.scalar(text(owner_of), {"t": "users"}) != OWNER
    function_owner = text(
        "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'audit_log_is_append_only'"
    )
    assert db.session.scalar(function_owner) == OWNER
    assert (
        db.session.scalar(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": OWNER})
        is False
    )


def _role_url(role: str, name: str) -> str:
    base = database_url(PG_URL, Path("."))
    scheme, rest = base.split("://", 1)
    host_and_path = rest.split("@", 1)[-1]
    return f"{scheme}://{role}@{host_and_path.rsplit('/', 1)[0]}/{name}"


@pytest.fixture
def application_database(tmp_path) -> Iterator[tuple[str, str]]:
    """A database set up as docs/deployment.md says: owned by a superuser, the application's
    login role (neither superuser nor CREATEROLE) creating its tables in the public schema
    and running the migrations, made a member of the audit owner for the upgrade only.
    Yields (URL as that role, the role)."""
    role = f"creditsvc_app_{uuid.uuid4().hex[:8]}"
    name = f"creditsvc_test_{role}"
    _pg_admin(f'CREATE ROLE "{role}" LOGIN')
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        admin_of_it = create_engine(_role_url("postgres", name), isolation_level="AUTOCOMMIT")
        with admin_of_it.connect() as conn:
            for grant in (
                f'GRANT CREATE ON DATABASE "{name}" TO "{role}"',  # pg_trgm (0011)
                f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"',
                f"DO $$ BEGIN CREATE ROLE {OWNER} NOLOGIN; EXCEPTION WHEN duplicate_object"
                " OR unique_violation THEN NULL; END $$",
                f"GRANT CREATE ON SCHEMA public TO {OWNER}",
                f'GRANT {OWNER} TO "{role}"',
            ):
                conn.execute(text(grant))
        admin_of_it.dispose()
        url = _role_url(role, name)
        _migrate(url, tmp_path)
        _pg_admin(f'REVOKE {OWNER} FROM "{role}"')
        yield url, role
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'DROP ROLE IF EXISTS "{role}"')


REFUSED = [
    "TRUNCATE audit_log",
    "UPDATE audit_log SET actor = 'x'",
    "DELETE FROM audit_log",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "ALTER TABLE audit_log OWNER TO CURRENT_USER",
    "CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger"
    " AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql",
    f"SET ROLE {OWNER}",
    "DROP TABLE audit_log",
]


def test_the_applications_role_may_only_read_and_append(application_database):
    url, role = application_database
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, entity, entity_id)"
                    " VALUES (now(), 't', 'create', 'e', '1')"
                )
            )
            assert conn.scalar(text("SELECT count(*) FROM audit_log WHERE actor = 't'")) == 1
            assert (
                conn.scalar(text("SELECT pg_has_role(current_user, :o, 'MEMBER')"), {"o": OWNER})
                is False
            )
        for statement in REFUSED:
            with pytest.raises(DatabaseError), engine.begin() as conn:  # noqa: PT012
                conn.execute(text(statement))
                pytest.fail(f"not refused: {statement}")
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM audit_log WHERE actor = 't'")) == 1
            owner = conn.scalar(text("SELECT tableowner FROM pg_tables WHERE tablename = 'users'"))
            assert owner == role
    finally:
        engine.dispose()
