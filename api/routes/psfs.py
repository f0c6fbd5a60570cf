"""``/v1/patients/{id}/psfs``: the Patient-Specific Functional Scale, a dated set of up to five rated activities.

Each activity is rated 0 (unable to perform) to 10 (able to perform as before the problem); the date's score is
the mean, and a change of the mean from the first date counts as real at 2 points or more (the MCID; see
``docs/PROGRESSION.md``, section 5).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import crud, crud_programme
from api.deps import ClinicDep, SessionDep
from api.errors import COMMON_ERRORS, not_found
from api.models import Patient
from api.programme import psfs_entry_public, psfs_public
from api.schemas import ErrorPublic
from api.schemas_programme import PsfsActivities, PsfsActivityIn, PsfsCreate, PsfsEntryPublic, PsfsPublic

router = APIRouter(prefix="/v1/patients/{patient_id}/psfs", tags=["psfs"], responses=COMMON_ERRORS)

_NOT_FOUND = not_found("patient")
_DATE_NOT_FOUND = not_found("patient, or no PSFS ratings on that date,")
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorPublic, "description": "The patient already has PSFS ratings on that date."}
}


def _record(
    session: Session, patient: Patient, rated_on: date, activities: list[PsfsActivityIn], *, replace: bool
) -> tuple[PsfsEntryPublic, bool]:
    try:
        entry, created = crud_programme.record_psfs(session, patient, rated_on, activities, replace=replace)
        session.commit()
    except IntegrityError as exc:  # the same date recorded at the same moment by another request
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "the patient already has PSFS ratings on that date") from exc
    return psfs_entry_public(session, patient, entry), created


@router.get("", response_model=PsfsPublic, responses=_NOT_FOUND)
def read_psfs(patient_id: str, clinic: ClinicDep, session: SessionDep) -> PsfsPublic:
    """Every dated PSFS of the patient, oldest first, with each mean and the change against the MCID."""
    return psfs_public(session, crud.get_patient(session, clinic.id, patient_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PsfsEntryPublic,
    responses={**_NOT_FOUND, **_CONFLICT},
)
def record_psfs(patient_id: str, body: PsfsCreate, clinic: ClinicDep, session: SessionDep) -> PsfsEntryPublic:
    """Record a date's PSFS: 1-5 activities in the patient's words, each rated 0-10.

    Each activity may name the programme tasks that train it. A bad value answers 422 naming it, and nothing
    is stored.
    """
    patient = crud.get_patient(session, clinic.id, patient_id)
    entry, _ = _record(session, patient, body.rated_on, body.activities, replace=False)
    return entry


@router.patch("/{rated_on}", response_model=PsfsEntryPublic, responses=_DATE_NOT_FOUND)
def change_psfs(
    patient_id: str, rated_on: date, body: PsfsActivities, clinic: ClinicDep, session: SessionDep
) -> PsfsEntryPublic:
    """Replace the activities and ratings of a date already recorded."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    crud_programme.get_psfs(session, patient, rated_on)
    entry, _ = _record(session, patient, rated_on, body.activities, replace=True)
    return entry


@router.delete("/{rated_on}", status_code=status.HTTP_204_NO_CONTENT, responses=_DATE_NOT_FOUND)
def delete_psfs(patient_id: str, rated_on: date, clinic: ClinicDep, session: SessionDep) -> Response:
    """Delete a date's ratings."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    session.delete(crud_programme.get_psfs(session, patient, rated_on))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
