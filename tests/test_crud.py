"""The service's one writer of results and its clinic-scoped reads, on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.crud import Attempt, find_analysis, get_analysis, record_result
from api.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from api.jobs import QueuePolicy, claim_next, release_worker
from api.models import Analysis, Result
from api.security import get_or_create_clinic

REPORT: dict[str, Any] = {"assessment": {"score": 81.5, "movement": "squat", "view": "frontal", "reps": [{}, {}]}}


def _one_job(database_url: str, **fields: Any) -> tuple[sessionmaker[Session], str, int]:
    engine = make_engine(database_url)
    upgrade_database(engine)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        clinic = get_or_create_clinic(session, "North")
        job = Analysis(clinic_id=clinic.id, source_name="a.mp4", session_date=date.today(), **fields)
        session.add(job)
        session.flush()
        return sessions, job.id, clinic.id


def _results(session: Session, analysis_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Result).where(Result.analysis_id == analysis_id)) or 0)


def test_a_result_is_one_row_read_from_its_report(database_url: str, tmp_path: Path) -> None:
    sessions, job_id, _ = _one_job(database_url)
    policy = QueuePolicy(lease_s=60)
    with sessions() as session:
        claim = claim_next(session, "a", policy, tmp_path)
        assert claim is not None
        attempt = Attempt("a", claim.attempt, policy.lease_s)
        assert record_result(session, job_id, REPORT, attempt=attempt)
        session.commit()
        assert record_result(session, job_id, REPORT | {"again": True}, attempt=attempt)
        session.commit()
        assert _results(session, job_id) == 1
        row = session.get(Result, job_id)
        assert row is not None
        session.refresh(row)
        assert (row.score, row.movement, row.view, row.reps) == (81.5, "squat", "frontal", 2)
        assert row.report["again"] is True


def test_an_unrecognised_movement_is_recorded_without_a_score(database_url: str, tmp_path: Path) -> None:
    sessions, job_id, _ = _one_job(database_url)
    report = {"assessment": {"score": None, "movement": "unrecognised", "view": "sagittal-left", "reps": []}}
    with sessions() as session:
        claim = claim_next(session, "a", QueuePolicy(lease_s=60), tmp_path)
        assert claim is not None
        assert record_result(session, job_id, report, attempt=Attempt("a", claim.attempt, 60))
        session.commit()
        row = session.get(Result, job_id)
        assert row is not None and (row.score, row.movement, row.reps) == (None, "unrecognised", 0)


def test_a_stale_attempt_cannot_record(database_url: str, tmp_path: Path) -> None:
    sessions, job_id, _ = _one_job(database_url)
    policy = QueuePolicy(lease_s=60)
    with sessions() as session:
        first = claim_next(session, "a", policy, tmp_path)
        assert first is not None
        assert release_worker(session, "a") == 1  # its process was seen to die
        second = claim_next(session, "b", policy, tmp_path)
        assert second is not None and second.attempt == first.attempt + 1
        assert not record_result(session, job_id, REPORT, attempt=Attempt("a", first.attempt, 60))
        assert not record_result(session, job_id, REPORT, attempt=Attempt("b", first.attempt, 60)), "wrong attempt"
        session.commit()
        assert _results(session, job_id) == 0
        assert record_result(session, job_id, REPORT, attempt=Attempt("b", second.attempt, 60))
        session.commit()
        assert _results(session, job_id) == 1


def test_reads_are_scoped_to_the_clinic(database_url: str) -> None:
    sessions, job_id, clinic_id = _one_job(database_url)
    with sessions() as session:
        other = get_or_create_clinic(session, "South")
        session.commit()
        assert find_analysis(session, clinic_id, job_id) is not None
        assert get_analysis(session, clinic_id, job_id).id == job_id
        assert find_analysis(session, other.id, job_id) is None
        with pytest.raises(HTTPException) as refused:
            get_analysis(session, other.id, job_id)
        assert refused.value.status_code == 404


def test_a_job_with_an_unknown_model_fails_with_the_reason(database_url: str, tmp_path: Path) -> None:
    sessions, job_id, _ = _one_job(database_url, model="huge")
    with sessions() as session:
        assert claim_next(session, "a", QueuePolicy(), tmp_path) is None, "the worker is not handed it"
        job = session.get(Analysis, job_id)
        assert job is not None
        session.refresh(job)
        assert job.status == "failed" and "expected a model variant" in (job.error or "")
