"""ORM tables: clinics, API keys, web sign-in sessions, patients, analyses (the job queue) and results.

Every patient and analysis belongs to one clinic; every query the routes make
filters on it, so one clinic never sees another's rows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

JobStatus = Literal["queued", "running", "done", "failed"]
JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "done", "failed")


def utcnow() -> datetime:
    """Timezone-aware now (stored as UTC)."""
    return datetime.now(UTC)


def new_id() -> str:
    """Random 128-bit id as 32 hex digits: unguessable, safe in paths and URLs."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored naive in UTC and always read back timezone-aware.

    Notes
    -----
    SQLite has no time zones; without this, values read back would be naive
    and compare wrongly with aware ones.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store as naive UTC; refuse naive input (its zone would be a guess)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Read back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Clinic(Base):
    """A clinic (tenant): owns API keys, patients and analyses."""

    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    gate_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The clinic's own progression-gate parameters (``GateRules`` field → value); the settings fill the rest."""


class ApiKey(Base):
    """An API key; only its SHA-256 is stored, plus a short prefix to tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    clinic: Mapped[Clinic] = relationship()


class WebSession(Base):
    """A browser's sign-in: the cookie holds a random token, only its SHA-256 is stored.

    The cookie never carries the API key itself, so signing out, the session's
    expiry or revoking the key it was opened with ends it on the server.
    """

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    api_key: Mapped[ApiKey] = relationship()


class Patient(Base):
    """A patient, known to the clinic by its own reference (no other identifying data is required)."""

    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("clinic_id", "reference"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    height_m: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Analysis(Base):
    """One recorded session to analyse, and its place in the job queue.

    The row is the job: ``status``, ``attempts``, ``lease_until`` and
    ``worker_id`` drive :mod:`api.jobs`.
    """

    __tablename__ = "analyses"
    __table_args__ = (
        Index("ix_analyses_queue", "status", "not_before"),
        Index("ix_analyses_clinic_patient", "clinic_id", "patient_id"),
        Index("ix_analyses_batch_key", "clinic_id", "batch_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    patient_id: Mapped[str | None] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(String(16), default="upload")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    movement_requested: Mapped[str] = mapped_column(String(16), default="auto")
    model: Mapped[str] = mapped_column(String(8), default="full")
    blur_faces: Mapped[bool] = mapped_column(default=True)
    retain_source: Mapped[bool] = mapped_column(default=False)
    source_name: Mapped[str] = mapped_column(String(255))
    source_path: Mapped[str | None] = mapped_column(String(255))
    source_bytes: Mapped[int] = mapped_column(Integer, default=0)
    session_date: Mapped[date] = mapped_column(Date)
    height_m: Mapped[float | None] = mapped_column(Float)
    # The session dose (movequal.core.dose.SessionDose), one column per field, named as the fields; see api.dose.
    load_kg: Mapped[float | None] = mapped_column(Float)
    """External load in kg; 0 = body weight only, NULL = not recorded."""
    sets_prescribed: Mapped[int | None] = mapped_column(Integer)
    reps_prescribed: Mapped[int | None] = mapped_column(Integer)
    sets_done: Mapped[int | None] = mapped_column(Integer)
    reps_done: Mapped[int | None] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    """Pain before the session, 0-10 numeric rating scale."""
    pain_after: Mapped[int | None] = mapped_column(Integer)
    rpe: Mapped[float | None] = mapped_column(Float)
    """Perceived effort, Borg CR10 (0-10, halves allowed)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker_id: Mapped[str | None] = mapped_column(String(120))
    batch_key: Mapped[str | None] = mapped_column(String(40))
    """Content-and-settings key of a batch result (``movequal batch``): recorded once per clinic."""

    result: Mapped[Result | None] = relationship(back_populates="analysis", cascade="all, delete-orphan")


class Result(Base):
    """The finished analysis: ``report.json`` plus the columns lists and progress charts sort by."""

    __tablename__ = "results"

    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), primary_key=True)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    movement: Mapped[str] = mapped_column(String(16))
    view: Mapped[str] = mapped_column(String(16))
    reps: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    analysis: Mapped[Analysis] = relationship(back_populates="result")


class ProgrammeTask(Base):
    """A task of a patient's programme: a movement at a target load, sets × reps and quality, in the clinician's order.

    ``position`` is the task's place in the programme, 1 = first, kept contiguous by :mod:`api.crud_programme`.
    """

    __tablename__ = "programme_tasks"
    __table_args__ = (Index("ix_programme_tasks_patient", "patient_id", "position"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    movement: Mapped[str] = mapped_column(String(32))
    load_kg: Mapped[float] = mapped_column(Float, default=0.0)
    """Target external load in kg; 0 = body weight only."""
    sets: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    target_score: Mapped[float] = mapped_column(Float, default=85.0)
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


psfs_rating_tasks = Table(
    "psfs_rating_tasks",
    Base.metadata,
    Column("rating_id", ForeignKey("psfs_ratings.id", ondelete="CASCADE"), primary_key=True),
    Column("task_id", ForeignKey("programme_tasks.id", ondelete="CASCADE"), primary_key=True, index=True),
)
"""Which programme tasks train a PSFS activity (many to many)."""


class PsfsEntry(Base):
    """One date's Patient-Specific Functional Scale: the activities the patient rated that day."""

    __tablename__ = "psfs_entries"
    __table_args__ = (UniqueConstraint("patient_id", "rated_on"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    rated_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ratings: Mapped[list[PsfsRating]] = relationship(
        order_by="PsfsRating.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PsfsRating(Base):
    """One activity of a PSFS date, in the patient's words, rated 0 (unable) to 10 (as before the problem)."""

    __tablename__ = "psfs_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("psfs_entries.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(120))
    rating: Mapped[int] = mapped_column(Integer)

    tasks: Mapped[list[ProgrammeTask]] = relationship(secondary=psfs_rating_tasks, order_by=ProgrammeTask.position)


class ProgressionOverride(Base):
    """A clinician's own decision on a task's progression, recorded beside what the gate recommended.

    An override answers the gate's recommendation as it stood after ``after_analysis_id``; a later session
    brings a new recommendation, which the override no longer covers (it stays in the record).
    """

    __tablename__ = "progression_overrides"
    __table_args__ = (Index("ix_progression_overrides_patient", "patient_id", "movement"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    movement: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))
    """The clinician's decision: progress, hold or step back."""
    recommended: Mapped[str] = mapped_column(String(16))
    """What the gate recommended when the clinician decided."""
    reason: Mapped[str] = mapped_column(Text)
    after_analysis_id: Mapped[str | None] = mapped_column(String(32))
    """The latest session the decision was made after (no foreign key: the record outlives a deleted session)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
