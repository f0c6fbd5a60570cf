"""The durable job queue: analyses rows claimed under a lease.

A job is its ``analyses`` row, written in the same transaction as the upload's
record, so a job can never be accepted and then lost. Workers claim the oldest
runnable row by an atomic compare-and-set ``UPDATE``, keep their claim alive
with heartbeats, and finish it as done or failed. A worker that dies (SIGKILL,
out of memory, power loss) stops heart-beating; when its lease runs out, or at
once when its supervisor sees it die, the job becomes claimable again and is
retried, until ``max_attempts`` is reached and it is failed with the reason.

Notes
-----
The claim is an ``UPDATE … WHERE id = :id AND status = :seen AND attempts =
:seen_attempts``: of two workers racing for one row, exactly one sees a row
count of 1. That works the same on SQLite and PostgreSQL, with no
``SELECT … FOR UPDATE`` (which SQLite lacks).
"""

from __future__ import annotations

import glob
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, CursorResult, ScalarSelect, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from api.dose import dose_of
from api.models import Analysis, utcnow
from movequal.core.assessment import MovementChoice, to_movement_choice
from movequal.core.dose import SessionDose
from movequal.errors import ModelError
from movequal.pose.model_files import ModelVariant, validate_variant

log = logging.getLogger(__name__)

WORKER_DIED = "the analysis worker stopped unexpectedly (killed or out of memory)"


@dataclass(frozen=True)
class Claim:
    """What a worker needs to run a claimed job (plain data, detached from the session)."""

    id: str
    attempt: int
    source_path: str | None
    source_name: str
    movement: MovementChoice
    model: ModelVariant
    blur_faces: bool
    retain_source: bool
    height_m: float | None = None
    dose: SessionDose | None = None
    """The session's dose as the row held it when claimed (written into report.json)."""


@dataclass(frozen=True)
class QueuePolicy:
    """Lease length and retry rules."""

    lease_s: float = 30.0
    max_attempts: int = 3
    retry_delay_s: float = 2.0


def rowcount(result: object) -> int:
    """Rows an ``UPDATE`` changed."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _runnable(now_: datetime) -> ColumnElement[bool]:
    queued = (Analysis.status == "queued") & or_(Analysis.not_before.is_(None), Analysis.not_before <= now_)
    expired = (Analysis.status == "running") & (Analysis.lease_until < now_)
    return queued | expired


def _last_served() -> ScalarSelect[datetime | None]:
    """When the job's clinic last had a job started (NULL: never), for round-robin claiming."""
    other = aliased(Analysis)
    return select(func.max(other.started_at)).where(other.clinic_id == Analysis.clinic_id).scalar_subquery()


def claim_next(session: Session, worker_id: str, policy: QueuePolicy, data_dir: Path) -> Claim | None:
    """Claim a runnable job for ``worker_id``, clinics taking turns; ``None`` when there is none.

    Notes
    -----
    Jobs are taken round-robin between clinics: the runnable job of the
    clinic served longest ago (never served first), its oldest job first. A
    clinic that queues fifty videos then delays another clinic's one upload
    by one job at most, not by fifty. A running job whose lease has expired
    is runnable again; if it has used up its attempts it is failed here
    instead, with the reason.
    """
    for _ in range(8):
        now = utcnow()
        turn = _last_served()
        job = session.scalar(
            select(Analysis).where(_runnable(now)).order_by(turn.is_not(None), turn, Analysis.created_at).limit(1)
        )
        if job is None:
            return None
        if job.status == "running" and job.attempts >= policy.max_attempts:
            _fail(session, job, data_dir, f"{WORKER_DIED} on all {job.attempts} attempts")
            continue
        claimed = session.execute(
            update(Analysis)
            .where(Analysis.id == job.id, Analysis.status == job.status, Analysis.attempts == job.attempts)
            .values(
                status="running",
                attempts=job.attempts + 1,
                worker_id=worker_id,
                lease_until=now + timedelta(seconds=policy.lease_s),
                started_at=now,
                stage="starting",
                error=None,
            )
        )
        session.commit()
        if rowcount(claimed) == 1:
            session.refresh(job)
            try:
                return _claim_of(job)
            except (ValueError, ModelError) as exc:  # a row not written through the API: fail it, not the worker
                _fail(session, job, data_dir, str(exc))
    return None


def _claim_of(job: Analysis) -> Claim:
    """Return the claimed job as plain data, its movement and model checked (``ValueError``, ``ModelError``)."""
    return Claim(
        job.id,
        job.attempts,
        job.source_path,
        job.source_name,
        to_movement_choice(job.movement_requested),
        validate_variant(job.model),
        job.blur_faces,
        job.retain_source,
        job.height_m,
        dose_of(job),
    )


def _fail(session: Session, job: Analysis, data_dir: Path, reason: str) -> None:
    """Fail a running job, unless another worker has moved it on meanwhile."""
    done = session.execute(
        update(Analysis)
        .where(Analysis.id == job.id, Analysis.status == "running", Analysis.attempts == job.attempts)
        .values(status="failed", error=reason, finished_at=utcnow(), lease_until=None, stage=None)
    )
    session.commit()
    if rowcount(done) == 1:
        log.warning("analysis %s failed: %s", job.id, reason)
        if not job.retain_source:
            remove_source(data_dir, job.source_path)
            session.execute(update(Analysis).where(Analysis.id == job.id).values(source_path=None))
            session.commit()


def heartbeat(
    session: Session, job_id: str, worker_id: str, policy: QueuePolicy, *, stage: str, progress: float
) -> bool:
    """Extend the lease and record progress; ``False`` means the job is no longer ours (deleted or re-claimed)."""
    result = session.execute(
        update(Analysis)
        .where(Analysis.id == job_id, Analysis.worker_id == worker_id, Analysis.status == "running")
        .values(stage=stage, progress=progress, lease_until=utcnow() + timedelta(seconds=policy.lease_s))
    )
    session.commit()
    return rowcount(result) == 1


def finish(
    session: Session, job_id: str, worker_id: str, *, error: str | None, retry: bool, policy: QueuePolicy
) -> str:
    """End a claimed job: done (``error`` is None), back in the queue (``retry``), or failed.

    Returns the status written, or ``"lost"`` when the job was no longer ours.
    """
    job = session.get(Analysis, job_id)
    if job is None or job.worker_id != worker_id or job.status != "running":
        return "lost"
    now = utcnow()
    if error is None:
        job.status, job.progress, job.stage = "done", 100.0, None
    elif retry and job.attempts < policy.max_attempts:
        job.status, job.stage, job.error = "queued", "retrying", error
        job.not_before = now + timedelta(seconds=policy.retry_delay_s * 2 ** (job.attempts - 1))
    else:
        job.status, job.stage, job.error = "failed", None, error
    job.lease_until = None
    job.worker_id = None if job.status == "queued" else job.worker_id
    if job.status != "queued":
        job.finished_at = now
    session.commit()
    return job.status


def release_worker(session: Session, worker_id: str) -> int:
    """Make the jobs of a worker known to be dead claimable now; return how many."""
    result = session.execute(
        update(Analysis)
        .where(Analysis.worker_id == worker_id, Analysis.status == "running")
        .values(lease_until=utcnow() - timedelta(seconds=1), stage="worker stopped; waiting to retry")
    )
    session.commit()
    return rowcount(result)


def remove_source(data_dir: Path, source_path: str | None) -> None:
    """Delete an uploaded source video (a path relative to the data dir); missing is fine."""
    if source_path:
        (data_dir / source_path).unlink(missing_ok=True)


def remove_staging(results_dir: Path, analysis_id: str) -> None:
    """Delete every staging folder of an analysis (``.<id>.attempt<n>``, ``.<id>.live``): half-written outputs.

    Notes
    -----
    A worker killed mid-job (kill -9, out of memory) leaves its attempt's
    staging folder, which can hold part of the annotated patient video. It is
    removed when the job is claimed again, when the analysis is deleted and,
    for analyses not running, when the server starts (:func:`sweep_staging`).
    """
    for path in results_dir.glob(f".{glob.escape(analysis_id)}.*"):
        shutil.rmtree(path, ignore_errors=True)


def sweep_staging(session: Session, results_dir: Path) -> int:
    """Delete the staging folders of every analysis that is not running now; return how many went."""
    running = set(session.scalars(select(Analysis.id).where(Analysis.status == "running")))
    removed = 0
    for path in results_dir.glob(".*.*") if results_dir.is_dir() else ():
        owner = path.name[1:].split(".", 1)[0]
        if path.is_dir() and owner not in running:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def count_pending(session: Session, clinic_id: int) -> int:
    """Analyses of a clinic that are queued or running (its share of the queue)."""
    pending = Analysis.status.in_(("queued", "running"))
    return int(session.scalar(select(func.count()).where(Analysis.clinic_id == clinic_id, pending)) or 0)
