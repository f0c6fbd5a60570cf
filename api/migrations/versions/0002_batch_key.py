"""Batch results: the content-and-settings key, unique per clinic.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_key", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_analyses_batch_key", ["clinic_id", "batch_key"], unique=True)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_analyses_batch_key")
        batch_op.drop_column("batch_key")
