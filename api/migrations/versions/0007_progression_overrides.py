"""Clinicians' overrides of the progression gate, kept beside what the gate recommended.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import api.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "progression_overrides",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("clinic_id", sa.Integer(), sa.ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False),
        sa.Column("patient_id", sa.String(length=32), sa.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("movement", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("recommended", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("after_analysis_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_progression_overrides_patient", "progression_overrides", ["patient_id", "movement"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_progression_overrides_patient", table_name="progression_overrides")
    op.drop_table("progression_overrides")
