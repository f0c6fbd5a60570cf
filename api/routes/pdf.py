"""``/v1/analyses/{id}/report.pdf`` and ``/v1/patients/{id}/progress.pdf``: printable reports for the patient record.

Both are made on request, offline, by :mod:`movequal.report.pdf` from what the service
stores: the analysis's ``report.json`` with the dose as stored now (the values
entered after the session win over the file's), the progression gate's answer for
the analysis's movement when it belongs to a patient, and, when ``baseline`` names
an earlier session of the same patient, the comparison with it. Another clinic's
analysis or patient is a 404 with the same body as a missing one.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from api import crud, progression
from api.config import Settings
from api.deps import ClinicDep, SessionDep, SettingsDep
from api.dose import with_stored_dose
from api.errors import COMMON_ERRORS, not_found
from api.models import Analysis
from api.routes.comparison import _report, read_comparison
from api.routes.patients import read_progress
from movequal.core.assessment import Report
from movequal.report.pdf import PDF_MEDIA_TYPE, progress_pdf_bytes, report_pdf_bytes

router = APIRouter(tags=["analyses"], responses=COMMON_ERRORS)

_PDF: dict[int | str, dict[str, Any]] = {200: {"content": {PDF_MEDIA_TYPE: {}}, "description": "A PDF document."}}


def _pdf_response(data: bytes, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename)
    return Response(
        data,
        media_type=PDF_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "no-store"},
    )


def _task_progression(session: Session, job: Analysis, settings: Settings, movement: str) -> dict[str, Any] | None:
    """Return the gate's answer for the analysis's movement when it belongs to a patient with scored sessions."""
    if job.patient_id is None:
        return None
    patient = crud.get_patient(session, job.clinic_id, job.patient_id)
    history = progression.find_history(session, patient, settings, movement)
    return None if history is None else progression.task_public(session, patient, history).model_dump(mode="json")


@router.get(
    "/v1/analyses/{analysis_id}/report.pdf",
    response_class=Response,
    responses={**_PDF, **not_found("analysis"), 409: {"description": "The analysis has no result yet."}},
)
def read_report_pdf(
    analysis_id: str,
    clinic: ClinicDep,
    session: SessionDep,
    settings: SettingsDep,
    baseline: Annotated[
        str | None, Query(description="An earlier session of the same patient to compare with (analysis id).")
    ] = None,
) -> Response:
    """Return the analysis as a printable A4 PDF: score, findings, rep curves, session dose, progression.

    The progression gate's recommendation for the movement is included when the analysis belongs to a
    patient; the comparison with ``baseline`` (as ``GET …/comparison`` gives it) when one is named.
    """
    job = crud.get_analysis(session, clinic.id, analysis_id)
    report = with_stored_dose(Report.model_validate(_report(job)), job)
    movement = report.assessment.movement
    comparison = None
    if baseline is not None:
        comparison = read_comparison(analysis_id, baseline, clinic, session).model_dump(mode="json")
    data = report_pdf_bytes(
        report, progression=_task_progression(session, job, settings, movement), baseline=comparison
    )
    return _pdf_response(data, f"movequal-{movement}-{job.session_date}.pdf")


@router.get(
    "/v1/patients/{patient_id}/progress.pdf", response_class=Response, responses={**_PDF, **not_found("patient")}
)
def read_progress_pdf(patient_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> Response:
    """Return the patient's progress summary as a PDF: each task's recommendation and its sessions."""
    patient = crud.get_patient(session, clinic.id, patient_id)
    gate = progression.progression_public(session, patient, settings).model_dump(mode="json")
    progress = read_progress(patient_id, clinic, session).model_dump(mode="json")
    who = {"reference": patient.reference, "display_name": patient.display_name}
    return _pdf_response(progress_pdf_bytes(who, gate, progress), f"movequal-progress-{patient.reference}.pdf")
