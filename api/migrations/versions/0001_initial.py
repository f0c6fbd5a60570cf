"""Initial schema: clinics, keys, patients, analyses, results.

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
from alembic import op

import api.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    _create_clinics()
    _create_api_keys()
    _create_patients()
    _create_analyses()
    _create_results()


def _create_clinics() -> None:
    """Create the clinics table: one row per clinic, unique by name."""
    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )


def _create_api_keys() -> None:
    """Create the api_keys table (hashed keys of a clinic) and its clinic index."""
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", api.models.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", api.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_clinic_id"), ["clinic_id"], unique=False)


def _create_patients() -> None:
    """Create the patients table (unique reference per clinic) and its clinic index."""
    op.create_table(
        "patients",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", api.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clinic_id", "reference"),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patients_clinic_id"), ["clinic_id"], unique=False)


def _create_analyses() -> None:
    """Create the analyses table (the uploads and the job queue) and its two indexes."""
    op.create_table(
        "analyses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(length=32), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("movement_requested", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=8), nullable=False),
        sa.Column("blur_faces", sa.Boolean(), nullable=False),
        sa.Column("retain_source", sa.Boolean(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("source_path", sa.String(length=255), nullable=True),
        sa.Column("source_bytes", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.Column("started_at", api.models.UTCDateTime(), nullable=True),
        sa.Column("finished_at", api.models.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", api.models.UTCDateTime(), nullable=True),
        sa.Column("lease_until", api.models.UTCDateTime(), nullable=True),
        sa.Column("worker_id", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.create_index("ix_analyses_clinic_patient", ["clinic_id", "patient_id"], unique=False)
        batch_op.create_index("ix_analyses_queue", ["status", "not_before"], unique=False)


def _create_results() -> None:
    """Create the results table: one report per finished analysis."""
    op.create_table(
        "results",
        sa.Column("analysis_id", sa.String(length=32), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("movement", sa.String(length=16), nullable=False),
        sa.Column("view", sa.String(length=16), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("created_at", api.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["analysis_id"], ["analyses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("analysis_id"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("results")
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_analyses_queue")
        batch_op.drop_index("ix_analyses_clinic_patient")

    op.drop_table("analyses")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_clinic_id"))

    op.drop_table("patients")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_clinic_id"))

    op.drop_table("api_keys")
    op.drop_table("clinics")
