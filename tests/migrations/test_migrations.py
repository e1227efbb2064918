"""The Alembic migrations build the whole schema from empty, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from creditsvc.extensions import db
from creditsvc.models import AuditEntry
from creditsvc.models.base import schema_objects_of


# SQLite cannot reflect an expression index; the one there is (name_grams) is
# PostgreSQL's only, and compared there.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_schema_matches_the_models(app):
    """Autogenerate finds nothing to add: the migrations and the models agree."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": schema_objects_of(conn.dialect.name)}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_down_to_empty_and_up_again(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    names = set(inspect(db.engine).get_table_names())
    assert {"districts", "merchants", "markets", "devices", "audit_log", "users"} <= names


def test_the_sixteen_districts_are_loaded(app):
    rows = db.session.execute(text("SELECT code, name_zh FROM districts ORDER BY code")).all()
    assert len(rows) == 16
    assert rows[0] == ("310101", "黄浦区")
    assert ("310115", "浦东新区") in rows


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_audit_log_refuses_updates_and_deletes(app, statement):
    db.session.add(AuditEntry(actor="t", action="create", entity="e", entity_id="1"))
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
        db.session.commit()
    db.session.rollback()
    assert db.session.query(AuditEntry).filter_by(actor="t").count() == 1
