"""last log-in: when an account last logged in

The accounts page shows each account's last log-in (issue 19), so that the city officer
can tell a dormant account. (A token's last use is not kept: a fair scale posts all day,
and the readings path holds to a fixed set of statements.)

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_login_at")
