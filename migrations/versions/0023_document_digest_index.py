"""document digest index: an uploaded PDF is found by its SHA-256

`/verify` takes an uploaded file and looks for the document it is by the SHA-256 stored at
publication (creditsvc.services.publication.verification), on a public page anyone may
call: the lookup reads an index, never every notice.

Revision ID: 0023
Revises: 0015
Create Date: 2026-12-07 12:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notices_sha256", "notices", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_notices_sha256", table_name="notices")
