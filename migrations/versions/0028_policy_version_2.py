"""scoring policy version 2: clip(100 − D + C − FS, 0, 100), one fault one deduction

Issue 20: version 1 clipped at 100 before taking the fair-scale points off and deducted a
failed lot and a SHORT_PREPACK finding about it twice. Version 2 settles both and carries
the fair-scale alert thresholds (scoring/policy.py). Version 1 stays, so snapshots made
under it still explain themselves.

A database that has scored under version 1 gets version 2: the document in force with
version 2's keys added (equal to scoring/policy.py's POLICY_V2 when version 1 is the
default). Where officers adopted versions of their own, the next version is theirs with
the keys added, so none of their figures is lost. Every merchant is then marked for
rescoring (the outbox); the sweep and the nightly full rescore score them under the new
version. A database without policies is left alone: the app writes versions 1 and 2 on
first use, as it wrote version 1 before.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 16:30:00

"""

import copy
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from scoring.policy import POLICY_V2

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# What version 2 adds to a version 1 document (a version's document never changes once
# written: the migration reads it from scoring/policy.py, its one copy).
V2_KEYS = ("arithmetic", "one_fault_one_deduction", "fair_scale_alert")
NOTE = "issue 20: clip(100 − D + C − FS, 0, 100); one fault, one deduction"

policies = sa.table(
    "scoring_policies",
    sa.column("version", sa.Integer()),
    sa.column("document", sa.JSON()),
    sa.column("note", sa.Text()),
    sa.column("created_by", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    latest = conn.execute(
        sa.select(policies.c.version, policies.c.document)
        .order_by(policies.c.version.desc())
        .limit(1)
    ).first()
    if latest is None or "arithmetic" in latest.document:
        # Nothing scored yet: the app writes versions 1 and 2 on first use
        # (services/standing/policies.py), as it wrote version 1 before.
        return
    document = copy.deepcopy(latest.document)
    document.update({key: copy.deepcopy(POLICY_V2[key]) for key in V2_KEYS})
    document["version"] = latest.version + 1
    if latest.version == 1:
        document["description"] = POLICY_V2["description"]
    row = {"version": latest.version + 1, "document": document, "note": NOTE}
    op.bulk_insert(policies, [row | {"created_by": "migration 0028", "created_at": now}])
    conn.execute(
        sa.text(
            "INSERT INTO dirty_merchants (merchant_id, marked_at, reason) "
            "SELECT id, :now, 'policy' FROM merchants "
            "WHERE id NOT IN (SELECT merchant_id FROM dirty_merchants)"
        ).bindparams(sa.bindparam("now", now, type_=sa.DateTime(timezone=True)))
    )


def downgrade() -> None:
    # Snapshots name the version they were scored under, and a snapshot is never deleted:
    # the version stays. Version 1's arithmetic returns only by adopting a new version.
    pass
