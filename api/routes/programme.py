"""``/v1/patients/{id}/programme``: the tasks a clinician sets a patient, in order, each with its history."""

from __future__ import annotations

from fastapi import APIRouter, status

from api import crud, crud_programme
from api.deps import ClinicDep, SessionDep
from api.errors import COMMON_ERRORS, not_found
from api.programme import programme_public, task_public
from api.schemas_programme import (
    ProgrammeOrder,
    ProgrammePublic,
    ProgrammeTaskCreate,
    ProgrammeTaskPublic,
    ProgrammeTaskUpdate,
)

router = APIRouter(prefix="/v1/patients/{patient_id}/programme", tags=["programme"], responses=COMMON_ERRORS)

_NOT_FOUND = not_found("patient")
_TASK_NOT_FOUND = not_found("patient or programme task")


@router.get("", response_model=ProgrammePublic, responses=_NOT_FOUND)
def read_programme(patient_id: str, clinic: ClinicDep, session: SessionDep) -> ProgrammePublic:
    """Return the programme in order; each task lists the finished sessions of its movement (its history)."""
    return programme_public(session, crud.get_patient(session, clinic.id, patient_id))


@router.patch("", response_model=ProgrammePublic, responses=_NOT_FOUND)
def reorder_programme(patient_id: str, body: ProgrammeOrder, clinic: ClinicDep, session: SessionDep) -> ProgrammePublic:
    """Put the tasks in a new order: ``order`` lists every task id of the patient once, first task first."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    crud_programme.reorder(session, patient, body.order)
    session.commit()
    return programme_public(session, patient)


@router.post("/tasks", status_code=status.HTTP_201_CREATED, response_model=ProgrammeTaskPublic, responses=_NOT_FOUND)
def add_task(patient_id: str, body: ProgrammeTaskCreate, clinic: ClinicDep, session: SessionDep) -> ProgrammeTaskPublic:
    """Add a task (movement, target load, sets × reps, target score) at ``position``, or last."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    task = crud_programme.add_task(session, patient, body.model_dump(exclude={"position"}), body.position)
    session.commit()
    return task_public(task, crud_programme.task_history(session, patient, [task.movement]).get(task.movement, []))


@router.get("/tasks/{task_id}", response_model=ProgrammeTaskPublic, responses=_TASK_NOT_FOUND)
def read_task(patient_id: str, task_id: str, clinic: ClinicDep, session: SessionDep) -> ProgrammeTaskPublic:
    """One task with its history."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    task = crud_programme.get_task(session, patient, task_id)
    return task_public(task, crud_programme.task_history(session, patient, [task.movement]).get(task.movement, []))


@router.patch("/tasks/{task_id}", response_model=ProgrammeTaskPublic, responses=_TASK_NOT_FOUND)
def update_task(
    patient_id: str, task_id: str, body: ProgrammeTaskUpdate, clinic: ClinicDep, session: SessionDep
) -> ProgrammeTaskPublic:
    """Change a task; ``position`` moves it (the others shift), ``active: false`` pauses it."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    task = crud_programme.get_task(session, patient, task_id)
    changes = body.model_dump(exclude_unset=True)
    position = changes.pop("position", None)
    for key, value in changes.items():
        setattr(task, key, value)
    if position is not None:
        crud_programme.move_task(session, patient, task, position)
    session.commit()
    return task_public(task, crud_programme.task_history(session, patient, [task.movement]).get(task.movement, []))


@router.delete("/tasks/{task_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_TASK_NOT_FOUND)
def delete_task(patient_id: str, task_id: str, clinic: ClinicDep, session: SessionDep) -> None:
    """Remove a task; the tasks after it move up, and PSFS activities it trained no longer name it."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    crud_programme.delete_task(session, patient, crud_programme.get_task(session, patient, task_id))
    session.commit()
