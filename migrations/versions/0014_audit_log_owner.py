"""audit log: owned by a role of its own, refusing TRUNCATE (PostgreSQL)

Migration 0001 refuses UPDATE and DELETE on audit_log with triggers, but the table and the
trigger function belonged to the application's role, which could TRUNCATE the table, or
drop or replace the triggers (issue 17). Now:

- TRUNCATE is refused by a statement-level trigger (a trigger binds superusers too);
- the table, its id sequence and the trigger function belong to `creditsvc_audit_owner`,
  a role that cannot log in, created here if it does not exist;
- the application's role (the one owning the other tables, as alembic_version) keeps
  SELECT and INSERT on the table and USAGE on its sequence, and nothing else.

Giving a table to another role takes a superuser, or a member of that role: run this
migration as either (docs/deployment.md says how, and why the application's role must own
neither the table nor the schema it lives in). SQLite has no roles: there the triggers of
0001 stand alone.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 12:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OWNER = "creditsvc_audit_owner"

# The role is the cluster's, shared by every database of it: another database's migration
# may be creating it at the same moment.
CREATE_OWNER = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER}') THEN
        CREATE ROLE {OWNER} NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;  -- another database's migration made it a moment ago: roles are the cluster's
    WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'role {OWNER} does not exist and % may not create it', current_user
            USING HINT = 'a superuser runs: CREATE ROLE {OWNER} NOLOGIN (docs/deployment.md)';
END $$
"""

REFUSE_TRUNCATE = (
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()"
)


def hand_over(statements: str) -> str:
    """Run `statements` with `app` naming the application's role, once sure that the role
    running the migration may give the table away."""
    return f"""
DO $$
DECLARE
    app name := (SELECT tableowner FROM pg_tables
                 WHERE schemaname = current_schema() AND tablename = 'alembic_version');
BEGIN
    IF NOT pg_has_role(current_user, '{OWNER}', 'MEMBER') THEN
        RAISE EXCEPTION '% may not give audit_log to {OWNER}', current_user
            USING HINT = 'run this migration as a superuser, or a superuser runs first:'
                         ' GRANT {OWNER} TO ' || current_user || ' (docs/deployment.md)';
    END IF;
    IF NOT has_schema_privilege('{OWNER}', current_schema(), 'CREATE') THEN
        -- an owner must be able to create in the table's schema; a superuser may grant it
        EXECUTE format('GRANT CREATE ON SCHEMA %I TO {OWNER}', current_schema());
    END IF;
    IF NOT has_schema_privilege('{OWNER}', current_schema(), 'CREATE') THEN
        RAISE EXCEPTION '{OWNER} may not create in schema %', current_schema()
            USING HINT = 'a superuser runs first: GRANT CREATE ON SCHEMA ' || current_schema()
                         || ' TO {OWNER} (docs/deployment.md)';
    END IF;
    {statements}
END $$
"""


TO_OWNER = f"""
    ALTER TABLE audit_log OWNER TO {OWNER};
    ALTER FUNCTION audit_log_is_append_only() OWNER TO {OWNER};
    EXECUTE format('REVOKE ALL ON audit_log FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON audit_log TO %I', app);
    EXECUTE format('GRANT USAGE ON SEQUENCE audit_log_id_seq TO %I', app);
"""

TO_APP = """
    EXECUTE format('ALTER TABLE audit_log OWNER TO %I', app);
    EXECUTE format('ALTER FUNCTION audit_log_is_append_only() OWNER TO %I', app);
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(REFUSE_TRUNCATE)
    op.execute(CREATE_OWNER)
    op.execute(hand_over(TO_OWNER))


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(hand_over(TO_APP))
    op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
