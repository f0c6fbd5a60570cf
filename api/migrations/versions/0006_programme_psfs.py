"""A programme per patient (ordered tasks) and the Patient-Specific Functional Scale, linked to the tasks.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import api.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "programme_tasks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=32), nullable=False),
        sa.Column("movement", sa.String(length=32), nullable=False),
        sa.Column("load_kg", sa.Float(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("target_score", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", api.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_programme_tasks_patient", "programme_tasks", ["patient_id", "position"], unique=False)
    op.create_table(
        "psfs_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=32), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "rated_on"),
    )
    op.create_table(
        "psfs_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=120), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["psfs_entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_psfs_ratings_entry_id", "psfs_ratings", ["entry_id"], unique=False)
    op.create_table(
        "psfs_rating_tasks",
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["rating_id"], ["psfs_ratings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["programme_tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rating_id", "task_id"),
    )
    op.create_index("ix_psfs_rating_tasks_task_id", "psfs_rating_tasks", ["task_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_psfs_rating_tasks_task_id", table_name="psfs_rating_tasks")
    op.drop_table("psfs_rating_tasks")
    op.drop_index("ix_psfs_ratings_entry_id", table_name="psfs_ratings")
    op.drop_table("psfs_ratings")
    op.drop_table("psfs_entries")
    op.drop_index("ix_programme_tasks_patient", table_name="programme_tasks")
    op.drop_table("programme_tasks")
