"""programme: self-commitments, demonstration communities and units, objections, credit repair

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 17:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
