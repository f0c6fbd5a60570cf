"""Reads and writes of a patient's programme tasks and PSFS ratings, in one place (the style of :mod:`api.crud`).

Every function takes a patient already found in the caller's clinic (:func:`api.crud.get_patient`), so one
clinic never reaches another's tasks or ratings. A programme's positions are kept 1, 2, 3 … without gaps.
Functions leave committing to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.models import Analysis, Patient, ProgrammeTask, PsfsEntry, PsfsRating, Result
from api.schemas_programme import MAX_TASKS, PsfsActivityIn


def list_tasks(session: Session, patient: Patient) -> list[ProgrammeTask]:
    """Return the patient's programme tasks in order."""
    rows = session.scalars(
        select(ProgrammeTask).where(ProgrammeTask.patient_id == patient.id).order_by(ProgrammeTask.position)
    )
    return list(rows.all())


def get_task(session: Session, patient: Patient, task_id: str) -> ProgrammeTask:
    """Return the patient's task ``task_id``; 404 otherwise (also for another patient's or clinic's task)."""
    task = session.get(ProgrammeTask, task_id)
    if task is None or task.patient_id != patient.id or task.clinic_id != patient.clinic_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such programme task")
    return task


def _renumber(tasks: Sequence[ProgrammeTask]) -> None:
    for number, task in enumerate(tasks, start=1):
        task.position = number


def add_task(session: Session, patient: Patient, fields: dict[str, Any], position: int | None) -> ProgrammeTask:
    """Add a task at ``position`` (1 = first; ``None`` or past the end = last) and flush it.

    Raises
    ------
    HTTPException
        422 when the programme already has :data:`~api.schemas_programme.MAX_TASKS` tasks.
    """
    tasks = list_tasks(session, patient)
    if len(tasks) >= MAX_TASKS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"a programme holds at most {MAX_TASKS} tasks; remove one first"
        )
    task = ProgrammeTask(clinic_id=patient.clinic_id, patient_id=patient.id, position=0, **fields)
    session.add(task)
    place = len(tasks) if position is None else min(position - 1, len(tasks))
    tasks.insert(place, task)
    _renumber(tasks)
    session.flush()
    return task


def move_task(session: Session, patient: Patient, task: ProgrammeTask, position: int) -> None:
    """Move ``task`` to ``position`` (1 = first; past the end = last), shifting the others."""
    tasks = [t for t in list_tasks(session, patient) if t.id != task.id]
    tasks.insert(min(position - 1, len(tasks)), task)
    _renumber(tasks)


def delete_task(session: Session, patient: Patient, task: ProgrammeTask) -> None:
    """Remove ``task`` (its links to PSFS activities go with it) and close the gap it leaves."""
    session.delete(task)
    session.flush()
    _renumber(list_tasks(session, patient))


def reorder(session: Session, patient: Patient, order: Sequence[str]) -> list[ProgrammeTask]:
    """Put the programme in ``order`` (every task id of the patient, each once); 422 otherwise."""
    tasks = {t.id: t for t in list_tasks(session, patient)}
    if len(order) != len(set(order)) or set(order) != set(tasks):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"order: must list each of the patient's {len(tasks)} programme task ids exactly once",
        )
    ordered = [tasks[task_id] for task_id in order]
    _renumber(ordered)
    return ordered


def task_history(
    session: Session, patient: Patient, movements: Sequence[str]
) -> dict[str, list[tuple[Analysis, float | None]]]:
    """Return, per movement, the patient's finished analyses recognised as it, oldest first, with their score."""
    if not movements:
        return {}
    rows = session.execute(
        select(Analysis, Result.movement, Result.score)
        .join(Result, Result.analysis_id == Analysis.id)
        .where(
            Analysis.clinic_id == patient.clinic_id,
            Analysis.patient_id == patient.id,
            Analysis.status == "done",
            Result.movement.in_(set(movements)),
        )
        .order_by(Analysis.session_date, Analysis.created_at)
    ).all()
    history: dict[str, list[tuple[Analysis, float | None]]] = {}
    for job, movement, score in rows:
        history.setdefault(movement, []).append((job, score))
    return history


def list_psfs(session: Session, patient: Patient) -> list[PsfsEntry]:
    """Return the patient's PSFS dates, oldest first, with their ratings and linked tasks loaded."""
    rows = session.scalars(
        select(PsfsEntry)
        .where(PsfsEntry.patient_id == patient.id)
        .order_by(PsfsEntry.rated_on)
        .options(selectinload(PsfsEntry.ratings).selectinload(PsfsRating.tasks))
    )
    return list(rows.all())


def find_psfs(session: Session, patient: Patient, rated_on: date) -> PsfsEntry | None:
    """Return the patient's PSFS of ``rated_on``, or ``None``."""
    return session.scalar(select(PsfsEntry).where(PsfsEntry.patient_id == patient.id, PsfsEntry.rated_on == rated_on))


def get_psfs(session: Session, patient: Patient, rated_on: date) -> PsfsEntry:
    """Return the patient's PSFS of ``rated_on``; 404 when none was recorded that day."""
    entry = find_psfs(session, patient, rated_on)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no PSFS ratings on that date")
    return entry


def _ratings(session: Session, patient: Patient, activities: Sequence[PsfsActivityIn]) -> list[PsfsRating]:
    """Build the rating rows; 422 naming the activity when a linked task is not one of the patient's."""
    tasks = {t.id: t for t in list_tasks(session, patient)}
    rows = []
    for number, item in enumerate(activities):
        unknown = [task_id for task_id in item.task_ids if task_id not in tasks]
        if unknown:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                f"activities.{number}.task_ids: no programme task {unknown[0]!r} for this patient",
            )
        rows.append(
            PsfsRating(
                position=number + 1,
                activity=item.activity,
                rating=item.rating,
                tasks=[tasks[task_id] for task_id in item.task_ids],
            )
        )
    return rows


def record_psfs(
    session: Session, patient: Patient, rated_on: date, activities: Sequence[PsfsActivityIn], *, replace: bool
) -> tuple[PsfsEntry, bool]:
    """Store a date's ratings and flush; return the entry and whether it is new.

    With ``replace`` an existing date's activities are replaced; without it an existing date is a 409.
    Every linked task is checked before anything is written.
    """
    ratings = _ratings(session, patient, activities)
    entry = find_psfs(session, patient, rated_on)
    if entry is not None and not replace:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"the patient already has PSFS ratings on {rated_on.isoformat()}; change them with PATCH",
        )
    created = entry is None
    if entry is None:
        entry = PsfsEntry(clinic_id=patient.clinic_id, patient_id=patient.id, rated_on=rated_on)
        session.add(entry)
    else:
        entry.ratings.clear()
        session.flush()  # the old rows go before the new ones take their positions
    entry.ratings.extend(ratings)
    session.flush()
    return entry, created
