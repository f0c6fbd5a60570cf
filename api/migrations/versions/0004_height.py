"""Height of a patient and of an analysed session: walking distances and speed in metres.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("height_m", sa.Float(), nullable=True))
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("height_m", sa.Float(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.drop_column("height_m")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("height_m")
