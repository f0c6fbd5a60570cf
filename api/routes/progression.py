"""``/v1/patients/{id}/progression``: whether each task is ready for more load, and clinicians' overrides."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api import crud, progression
from api.deps import ClinicDep, SessionDep, SettingsDep
from api.errors import COMMON_ERRORS, not_found
from api.schemas_progression import OverrideCreate, OverrideList, OverridePublic, ProgressionPublic

router = APIRouter(prefix="/v1/patients", tags=["progression"], responses=COMMON_ERRORS)

_NOT_FOUND = not_found("patient")


@router.get("/{patient_id}/progression", response_model=ProgressionPublic, responses=_NOT_FOUND)
def read_progression(
    patient_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep
) -> ProgressionPublic:
    """Progress, hold or step back for each task, with the reasons, the loads and the quality threshold load.

    The rule and its parameters are in ``docs/PROGRESSION.md``; the parameters come from the service's
    settings (``MOVEQUAL_GATE_*``) and a programme task's own target score.
    """
    patient = crud.get_patient(session, clinic.id, patient_id)
    return progression.progression_public(session, patient, settings)


@router.post(
    "/{patient_id}/progression/{movement}/override",
    response_model=OverridePublic,
    status_code=status.HTTP_201_CREATED,
    responses=_NOT_FOUND,
)
def create_override(
    patient_id: str,
    movement: str,
    body: OverrideCreate,
    *,
    clinic: ClinicDep,
    session: SessionDep,
    settings: SettingsDep,
) -> OverridePublic:
    """Record the clinician's own decision for a task, beside what the gate recommended."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    history = progression.find_history(session, patient, settings, movement)
    if history is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"the patient has no scored session of {movement!r} to decide on"
        )
    return progression.record_override(session, patient, history, body)


@router.get("/{patient_id}/progression/overrides", response_model=OverrideList, responses=_NOT_FOUND)
def read_overrides(patient_id: str, clinic: ClinicDep, session: SessionDep) -> OverrideList:
    """Every override recorded for the patient, newest first."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    return OverrideList(items=progression.list_overrides(session, patient))
