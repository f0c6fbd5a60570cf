"""Web sign-in sessions: a random token per sign-in, stored hashed, ended by sign-out, expiry or key revocation.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import api.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", api.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_keys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_api_key_id"), ["api_key_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("web_sessions")
