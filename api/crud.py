"""The service's reads and writes of analyses, patients and results, in one place.

Routers, the worker, live saving and batch recording call these functions
instead of building their own queries, so every read is scoped to a clinic the
same way and the ``Result`` row is written by :func:`record_result` alone.
Functions take an open session and leave committing to the caller unless they
say otherwise, so a caller can add several rows in one transaction.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from fastapi import HTTPException, status
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from api.jobs import remove_source, remove_staging, rowcount
from api.models import Analysis, JobStatus, Patient, Result, utcnow
from movequal.core.progress import SessionResult

Row = TypeVar("Row", Analysis, Patient)
"""A table whose rows belong to one clinic."""


@dataclass(frozen=True)
class Attempt:
    """A worker's attempt at a job: the one that must still own the job for its result to count."""

    worker_id: str
    number: int
    lease_s: float


def _owned(session: Session, table: type[Row], clinic_id: int, row_id: str) -> Row | None:
    """Return the row ``row_id`` of ``table`` if it belongs to the clinic, else ``None``."""
    row = session.get(table, row_id)
    return row if row is not None and row.clinic_id == clinic_id else None


def find_analysis(session: Session, clinic_id: int, analysis_id: str) -> Analysis | None:
    """Return the clinic's analysis ``analysis_id``, or ``None`` (also when it is another clinic's)."""
    return _owned(session, Analysis, clinic_id, analysis_id)


def get_analysis(session: Session, clinic_id: int, analysis_id: str) -> Analysis:
    """Return the clinic's analysis ``analysis_id``; 404 when it does not exist *or* is another clinic's."""
    job = find_analysis(session, clinic_id, analysis_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such analysis")
    return job


def find_patient(session: Session, clinic_id: int, patient_id: str) -> Patient | None:
    """Return the clinic's patient ``patient_id``, or ``None`` (also when it is another clinic's)."""
    return _owned(session, Patient, clinic_id, patient_id)


def get_patient(session: Session, clinic_id: int, patient_id: str) -> Patient:
    """Return the clinic's patient ``patient_id``; 404 otherwise (also for another clinic's patient)."""
    patient = find_patient(session, clinic_id, patient_id)
    if patient is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such patient")
    return patient


def get_or_add_patient(session: Session, clinic_id: int, reference: str) -> Patient:
    """Return the clinic's patient with this reference, adding (and flushing) it when new."""
    patient = session.scalar(select(Patient).where(Patient.clinic_id == clinic_id, Patient.reference == reference))
    if patient is None:
        patient = Patient(clinic_id=clinic_id, reference=reference)
        session.add(patient)
        session.flush()
    return patient


def list_analyses(
    session: Session,
    clinic_id: int,
    *,
    patient_id: str | None = None,
    status_: JobStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Analysis], int]:
    """Return one page of the clinic's analyses, newest first, and how many there are in all."""
    where: list[ColumnElement[bool]] = [Analysis.clinic_id == clinic_id]
    if patient_id is not None:
        where.append(Analysis.patient_id == patient_id)
    if status_ is not None:
        where.append(Analysis.status == status_)
    total = session.scalar(select(func.count()).select_from(Analysis).where(*where)) or 0
    rows = session.scalars(
        select(Analysis).where(*where).order_by(Analysis.created_at.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def list_patients(session: Session, clinic_id: int, *, limit: int, offset: int) -> tuple[list[Patient], int]:
    """Return one page of the clinic's patients, by reference, and how many there are in all."""
    where = Patient.clinic_id == clinic_id
    total = session.scalar(select(func.count()).select_from(Patient).where(where)) or 0
    rows = session.scalars(select(Patient).where(where).order_by(Patient.reference).limit(limit).offset(offset)).all()
    return list(rows), total


def session_stats(session: Session, patient_ids: list[str]) -> dict[str, tuple[int, date | None]]:
    """Count each patient's analyses and find the latest session date, in one query."""
    rows = session.execute(
        select(Analysis.patient_id, func.count(Analysis.id), func.max(Analysis.session_date))
        .where(Analysis.patient_id.in_(patient_ids))
        .group_by(Analysis.patient_id)
    ).all()
    return {pid: (count, last) for pid, count, last in rows if pid is not None}


def patient_sessions(session: Session, clinic_id: int, patient_id: str) -> list[SessionResult]:
    """Collect the patient's finished analyses, oldest first, as progress inputs."""
    rows = session.execute(
        select(Analysis.id, Analysis.session_date, Result.report)
        .join(Result, Result.analysis_id == Analysis.id)
        .where(Analysis.clinic_id == clinic_id, Analysis.patient_id == patient_id, Analysis.status == "done")
        .order_by(Analysis.created_at)
    ).all()
    return [
        SessionResult(aid, day, report["assessment"], (report.get("source") or {}).get("model"))
        for aid, day, report in rows
    ]


def batch_keys(session: Session, clinic_id: int) -> set[str]:
    """Return the batch keys of the results already recorded for the clinic."""
    keys = session.scalars(select(Analysis.batch_key).where(Analysis.clinic_id == clinic_id))
    return {key for key in keys if key is not None}


def delete_analyses(session: Session, jobs: list[Analysis], data_dir: Path, results_dir: Path) -> None:
    """Delete analyses (rows, then their upload and report folder) and commit.

    Notes
    -----
    The rows go first: a worker finishing one of them meanwhile then sees its
    job gone and removes what it wrote.
    """
    for job in jobs:
        session.delete(job)
    session.commit()
    for job in jobs:
        remove_source(data_dir, job.source_path)
        shutil.rmtree(results_dir / job.id, ignore_errors=True)
        remove_staging(results_dir, job.id)


def patient_analyses(session: Session, patient_id: str) -> list[Analysis]:
    """Return every analysis of a patient."""
    return list(session.scalars(select(Analysis).where(Analysis.patient_id == patient_id)).all())


def record_result(
    session: Session, analysis_id: str, report: dict[str, Any], *, attempt: Attempt | None = None
) -> bool:
    """Add or replace an analysis's ``Result`` row from its report, in the session's transaction.

    Parameters
    ----------
    session : Session
        The caller commits (with the analysis row, when that is new too).
    analysis_id : str
        The analysis the result belongs to.
    report : dict
        ``report.json`` as JSON data; the list columns are read from it.
    attempt : Attempt, optional
        For a queued job: the worker attempt recording it. In the same
        transaction, the job must still be running under this worker and
        attempt number (its lease is extended); otherwise the transaction is
        rolled back and nothing is recorded.

    Returns
    -------
    bool
        ``False`` when ``attempt`` no longer owns the job (deleted or re-claimed).
    """
    if attempt is not None:
        owned = session.execute(
            update(Analysis)
            .where(
                Analysis.id == analysis_id,
                Analysis.worker_id == attempt.worker_id,
                Analysis.attempts == attempt.number,
                Analysis.status == "running",
            )
            .values(lease_until=utcnow() + timedelta(seconds=attempt.lease_s))
        )
        if rowcount(owned) != 1:
            session.rollback()
            return False
    assessment = report["assessment"]
    session.merge(
        Result(
            analysis_id=analysis_id,
            report=report,
            score=assessment["score"],
            movement=assessment["movement"],
            view=assessment["view"],
            reps=sum(not rep.get("partial", False) for rep in assessment["reps"]),  # a scored partial is no rep
        )
    )
    return True
