"""The session dose of an analysis: load, sets × reps prescribed and done, pain before and after, effort.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("load_kg", sa.Float()),
    ("sets_prescribed", sa.Integer()),
    ("reps_prescribed", sa.Integer()),
    ("sets_done", sa.Integer()),
    ("reps_done", sa.Integer()),
    ("pain_before", sa.Integer()),
    ("pain_after", sa.Integer()),
    ("rpe", sa.Float()),
)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
