"""A patient's programme and PSFS as the API and the patient page show them (rows → public models).

The routers (:mod:`api.routes.programme`, :mod:`api.routes.psfs`) and the patient page
(:mod:`api.programme_page`) build their answers here, so both show the same history, means and changes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api import crud_programme
from api.models import Analysis, Patient, ProgrammeTask, PsfsEntry
from api.schemas_programme import (
    ProgrammePublic,
    ProgrammeTaskPublic,
    PsfsActivityPublic,
    PsfsEntryPublic,
    PsfsPublic,
    TaskSessionPublic,
)
from movequal.core.psfs import PSFS_MCID, psfs_change, psfs_mean


def _session(job: Analysis, score: float | None, target: float) -> TaskSessionPublic:
    return TaskSessionPublic(
        analysis_id=job.id,
        session_date=job.session_date,
        score=score,
        load_kg=job.load_kg,
        sets_done=job.sets_done,
        reps_done=job.reps_done,
        pain_before=job.pain_before,
        pain_after=job.pain_after,
        meets_target=None if score is None else score >= target,
    )


def task_public(task: ProgrammeTask, history: list[tuple[Analysis, float | None]]) -> ProgrammeTaskPublic:
    """Return a task with its history (the finished sessions of its movement)."""
    return ProgrammeTaskPublic.model_validate(
        {
            **{name: getattr(task, name) for name in ProgrammeTaskPublic.model_fields if name != "history"},
            "history": [_session(job, score, task.target_score) for job, score in history],
        }
    )


def programme_public(session: Session, patient: Patient) -> ProgrammePublic:
    """Return the patient's programme, in order, each task with its history."""
    tasks = crud_programme.list_tasks(session, patient)
    history = crud_programme.task_history(session, patient, [t.movement for t in tasks])
    return ProgrammePublic(patient_id=patient.id, tasks=[task_public(t, history.get(t.movement, [])) for t in tasks])


def entry_public(entry: PsfsEntry, first_mean: float | None) -> PsfsEntryPublic:
    """Return one date's PSFS with its mean and its change from ``first_mean`` (``None`` on the first date)."""
    mean = psfs_mean([r.rating for r in entry.ratings])
    return PsfsEntryPublic(
        rated_on=entry.rated_on,
        activities=[
            PsfsActivityPublic(activity=r.activity, rating=r.rating, task_ids=[t.id for t in r.tasks])
            for r in entry.ratings
        ],
        mean=mean,
        change=None if first_mean is None else round(mean - first_mean, 6),
    )


def psfs_public(session: Session, patient: Patient) -> PsfsPublic:
    """Return the patient's PSFS over time, with the change of the mean against the MCID."""
    entries = crud_programme.list_psfs(session, patient)
    first = psfs_mean([r.rating for r in entries[0].ratings]) if entries else None
    public = [entry_public(e, None if i == 0 else first) for i, e in enumerate(entries)]
    change = psfs_change([(e.rated_on, e.mean) for e in public])
    return PsfsPublic(
        patient_id=patient.id,
        entries=public,
        change=None if change is None else change.change,
        mcid=PSFS_MCID,
        change_is_real=change is not None and change.is_real,
        verdict=None if change is None else change.verdict,
    )


def psfs_entry_public(session: Session, patient: Patient, entry: PsfsEntry) -> PsfsEntryPublic:
    """Return one date's PSFS with its change from the patient's first date."""
    entries = crud_programme.list_psfs(session, patient)
    first = entries[0] if entries else None
    first_mean = None if first is None or first.id == entry.id else psfs_mean([r.rating for r in first.ratings])
    return entry_public(entry, first_mean)
