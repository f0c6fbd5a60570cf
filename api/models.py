"""ORM tables: clinics, API keys, web sign-in sessions, patients, analyses (the job queue) and results.

Every patient and analysis belongs to one clinic; every query the routes make
filters on it, so one clinic never sees another's rows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
