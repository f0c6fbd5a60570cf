"""``/v1/patients``: the clinic's patients and each one's progress across sessions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import crud
from api.deps import ClinicDep, SessionDep, SettingsDep
from api.errors import COMMON_ERRORS, not_found
from api.models import Patient
from api.schemas import (
    ErrorPublic,
    MetricSeriesPublic,
    PatientCreate,
    PatientList,
    PatientPublic,
    PatientUpdate,
    ProgressPoint,
    ProgressPublic,
)
from movequal.core.progress import compute_progress

router = APIRouter(prefix="/v1/patients", tags=["patients"], responses=COMMON_ERRORS)

_NOT_FOUND = not_found("patient")
_CONFLICT: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorPublic, "description": "Another patient of the clinic has this reference."}
}


def _public(session: Session, patient: Patient, stats: tuple[int, date | None] | None = None) -> PatientPublic:
    count, last = stats or crud.session_stats(session, [patient.id]).get(patient.id, (0, None))
    return PatientPublic(
        id=patient.id,
        reference=patient.reference,
        display_name=patient.display_name,
        notes=patient.notes,
        height_m=patient.height_m,
        created_at=patient.created_at,
        sessions=count,
        last_session_at=last,
    )


def _commit_unique(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "another patient of your clinic has this reference") from exc


@router.get(
    "",
    response_model=PatientList,
)
def list_patients(
    clinic: ClinicDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PatientList:
    """List the clinic's patients, by reference."""
    rows, total = crud.list_patients(session, clinic.id, limit=limit, offset=offset)
    stats = crud.session_stats(session, [p.id for p in rows])
    return PatientList(items=[_public(session, p, stats.get(p.id, (0, None))) for p in rows], total=total)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PatientPublic, responses=_CONFLICT)
def create_patient(body: PatientCreate, clinic: ClinicDep, session: SessionDep) -> PatientPublic:
    """Add a patient; ``reference`` is the clinic's own identifier for them."""
    patient = Patient(clinic_id=clinic.id, **body.model_dump())
    session.add(patient)
    _commit_unique(session)
    return _public(session, patient)


@router.get("/{patient_id}", response_model=PatientPublic, responses=_NOT_FOUND)
def read_patient(patient_id: str, clinic: ClinicDep, session: SessionDep) -> PatientPublic:
    """One patient."""
    return _public(session, crud.get_patient(session, clinic.id, patient_id))


@router.patch("/{patient_id}", response_model=PatientPublic, responses={**_NOT_FOUND, **_CONFLICT})
def update_patient(patient_id: str, body: PatientUpdate, clinic: ClinicDep, session: SessionDep) -> PatientPublic:
    """Change a patient's reference, name, notes or height."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(patient, key, value)
    _commit_unique(session)
    return _public(session, patient)


@router.delete("/{patient_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND)
def delete_patient(patient_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> None:
    """Delete a patient with all their analyses, results and files."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    jobs = crud.patient_analyses(session, patient.id)  # before the patient's row goes (its delete cascades)
    session.delete(patient)
    crud.delete_analyses(session, jobs, settings.data_dir, settings.results_dir)


@router.get("/{patient_id}/progress", response_model=ProgressPublic, responses=_NOT_FOUND)
def read_progress(patient_id: str, clinic: ClinicDep, session: SessionDep) -> ProgressPublic:
    """Each metric across the patient's sessions, per movement.

    A change is flagged (``change_exceeds_error``) only when it is larger than
    the metric's minimal detectable change (MDC95) derived from its
    measurement error; smaller changes read "no real change".
    """
    crud.get_patient(session, clinic.id, patient_id)
    series = compute_progress(crud.patient_sessions(session, clinic.id, patient_id))
    return ProgressPublic(
        patient_id=patient_id,
        movements=sorted({s.movement for s in series}),
        series=[
            MetricSeriesPublic(
                movement=s.movement,
                key=s.key,
                metric=s.metric,
                label=s.label,
                unit=s.unit,
                higher_is_better=s.higher_is_better,
                measurement_error=s.measurement_error,
                mdc95=s.mdc95,
                points=[ProgressPoint(analysis_id=a, session_date=d, value=v) for a, d, v in s.points],
                change=s.change,
                change_exceeds_error=s.change_exceeds_error,
                verdict=s.verdict,
                note=s.note,
            )
            for s in series
        ],
    )
