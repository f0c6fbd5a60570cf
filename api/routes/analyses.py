"""``/v1/analyses``: upload a video for analysis, follow the job, fetch and delete the results."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, Response, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from api import crud
from api.deps import ClinicDep, SessionDep, SettingsDep, require_provisioned
from api.dose import changed_dose, dose_columns, store_dose
from api.errors import COMMON_ERRORS, Responses, not_found
from api.jobs import count_pending, remove_source
from api.models import Analysis, Clinic, JobStatus, new_id
from api.schemas import AnalysisList, AnalysisPublic, AnalysisUpdate, ErrorPublic
from api.serialise import analysis_public, analysis_summary
from api.uploads import check_video, clean_filename, store_upload
from movequal.core.assessment import MovementChoice
from movequal.core.dose import SessionDose, parse_dose
from movequal.pose.model_files import ModelVariant

router = APIRouter(prefix="/v1/analyses", tags=["analyses"], responses=COMMON_ERRORS)

_NOT_FOUND = not_found("analysis")
_FILES = {"video": ("annotated.mp4", "video/mp4"), "report": ("report.html", "text/html; charset=utf-8")}
_FILES |= {
    "angles.csv": ("angles.csv", "text/csv; charset=utf-8"),
    "landmarks.trc": ("landmarks.trc", "text/plain; charset=utf-8"),
}


_DOSE_SCHEMA: dict[str, Any] = SessionDose.model_json_schema()["properties"]


def _dose_form(name: str) -> Any:
    """Return the form field of dose field ``name``: text checked by ``parse_dose``, documented with its range."""
    spec = next(s for s in _DOSE_SCHEMA[name]["anyOf"] if s.get("type") != "null")
    step = f", steps of {spec['multipleOf']:g}" if "multipleOf" in spec else ""
    allowed = f" Optional; {spec['minimum']:g} to {spec['maximum']:g}{step}."
    return Form(description=(SessionDose.model_fields[name].description or name) + allowed)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AnalysisPublic,
    responses={
        400: {"model": ErrorPublic, "description": "Empty file or malformed form."},
        404: {"model": ErrorPublic, "description": "patient_id is not one of your clinic's patients."},
        411: {"model": ErrorPublic, "description": "No Content-Length header."},
        413: {"model": ErrorPublic, "description": "Over the size, duration or resolution limit."},
        415: {"model": ErrorPublic, "description": "Not a video (text, image, audio only …)."},
        429: {"model": ErrorPublic, "description": "The clinic has its maximum of analyses waiting or running."},
        422: {
            "model": ErrorPublic,
            "description": "Truncated or damaged video, invalid fields, or a pose model this server does not have.",
        },
    },
)
def create_analysis(  # noqa: PLR0917 (FastAPI maps form fields to parameters)
    request: Request,
    response: Response,
    clinic: ClinicDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The video (MP4, MOV, MKV/WebM, AVI …).")],
    movement: Annotated[MovementChoice, Form()] = "auto",
    model: Annotated[ModelVariant | None, Form(description="Pose model; the server's default when omitted.")] = None,
    patient_id: Annotated[str | None, Form(max_length=32)] = None,
    session_date: Annotated[date | None, Form(description="Day of the session; today when omitted.")] = None,
    blur_faces: Annotated[bool, Form(description="Blur faces in the annotated video and report.")] = True,
    retain_source: Annotated[bool, Form(description="Keep the uploaded video after the analysis.")] = False,
    height_m: Annotated[
        float | None,
        Form(ge=0.5, le=2.5, description="Patient's height in metres (walking in metres); the patient's when omitted."),
    ] = None,
    load_kg: Annotated[str | None, _dose_form("load_kg")] = None,
    sets_prescribed: Annotated[str | None, _dose_form("sets_prescribed")] = None,
    reps_prescribed: Annotated[str | None, _dose_form("reps_prescribed")] = None,
    sets_done: Annotated[str | None, _dose_form("sets_done")] = None,
    reps_done: Annotated[str | None, _dose_form("reps_done")] = None,
    pain_before: Annotated[str | None, _dose_form("pain_before")] = None,
    pain_after: Annotated[str | None, _dose_form("pain_after")] = None,
    rpe: Annotated[str | None, _dose_form("rpe")] = None,
) -> AnalysisPublic:
    """Upload a video; the analysis is queued and runs in a worker process.

    Answers 202 at once with the analysis (status ``queued``) and its URL in
    the ``Location`` header; poll that URL for progress and the result. The
    session's dose (load, sets × reps, pain 0-10, effort) may come along as
    form fields; a bad value answers 422 naming the field, and nothing is
    stored.
    """
    dose = parse_dose(
        {
            "load_kg": load_kg,
            "sets_prescribed": sets_prescribed,
            "reps_prescribed": reps_prescribed,
            "sets_done": sets_done,
            "reps_done": reps_done,
            "pain_before": pain_before,
            "pain_after": pain_after,
            "rpe": rpe,
        }
    )
    patient = crud.get_patient(session, clinic.id, patient_id) if patient_id else None
    if count_pending(session, clinic.id) >= settings.max_pending_per_clinic:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"this clinic already has {settings.max_pending_per_clinic} analyses waiting or running; "
            "upload again when some have finished",
            headers={"Retry-After": "30"},
        )
    chosen_model = model or settings.default_model
    require_provisioned(request, chosen_model)
    analysis_id = new_id()
    name = clean_filename(file.filename)
    relative, size = store_upload(file.file, settings.data_dir, analysis_id, settings.max_upload_bytes)
    try:
        check_video(settings.data_dir / relative, name, settings.max_duration_s, settings.max_side_px)
        job = Analysis(
            id=analysis_id,
            clinic_id=clinic.id,
            patient_id=patient.id if patient else None,
            movement_requested=movement,
            model=chosen_model,
            blur_faces=blur_faces,
            retain_source=retain_source,
            source_name=name,
            source_path=relative,
            source_bytes=size,
            session_date=session_date or date.today(),
            height_m=height_m if height_m is not None else (patient.height_m if patient else None),
            **dose_columns(dose),
        )
        session.add(job)
        session.commit()
    except BaseException:
        remove_source(settings.data_dir, relative)
        raise
    response.headers["Location"] = f"/v1/analyses/{job.id}"
    return analysis_public(job, settings.data_dir)


@router.get(
    "",
    response_model=AnalysisList,
)
def list_analyses(  # noqa: PLR0917 (FastAPI maps query parameters to arguments)
    clinic: ClinicDep,
    session: SessionDep,
    patient_id: Annotated[str | None, Query(max_length=32)] = None,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AnalysisList:
    """List the clinic's analyses, newest first."""
    rows, total = crud.list_analyses(
        session, clinic.id, patient_id=patient_id, status_=status_, limit=limit, offset=offset
    )
    return AnalysisList(items=[analysis_summary(job) for job in rows], total=total)


@router.get("/{analysis_id}", response_model=AnalysisPublic, responses=_NOT_FOUND)
def read_analysis(analysis_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> AnalysisPublic:
    """Status, progress % and, when done, the report."""
    return analysis_public(crud.get_analysis(session, clinic.id, analysis_id), settings.data_dir)


@router.patch(
    "/{analysis_id}",
    response_model=AnalysisPublic,
    responses={**_NOT_FOUND, 422: {"model": ErrorPublic, "description": "A dose value is out of range (named)."}},
)
def update_analysis(
    analysis_id: str, body: AnalysisUpdate, clinic: ClinicDep, session: SessionDep, settings: SettingsDep
) -> AnalysisPublic:
    """Set or change the session's dose, e.g. pain after once the session is over.

    Only the dose fields given change (null clears one; ``"dose": null`` clears
    them all). The report read through the service then shows the new values.
    A bad value answers 422 and changes nothing.
    """
    job = crud.get_analysis(session, clinic.id, analysis_id)
    if "dose" in body.model_fields_set:
        changes = body.dose.model_dump(exclude_unset=True) if body.dose is not None else None
        store_dose(job, None if changes is None else changed_dose(job, changes))
        session.commit()
    return analysis_public(job, settings.data_dir)


def _output(analysis_id: str, clinic: Clinic, session: Session, results_dir: Path, key: str) -> FileResponse:
    job = crud.get_analysis(session, clinic.id, analysis_id)
    name, media_type = _FILES[key]
    path = results_dir / job.id / name
    if job.status != "done" or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{name} is not available (analysis status: {job.status})")
    stem = Path(job.source_name).stem or "analysis"
    return FileResponse(
        path,
        media_type=media_type,
        filename=None if key in ("video", "report") else f"{stem}_{name}",
        headers={"Cache-Control": "private, no-store"},
    )


_FILE_RESPONSES: Responses = {404: {"model": ErrorPublic, "description": "No such analysis, or not done yet."}}


@router.get(
    "/{analysis_id}/video",
    response_class=FileResponse,
    responses={
        **_FILE_RESPONSES,
        200: {"content": {"video/mp4": {}}},
        206: {"description": "Partial content (Range)."},
    },
)
def read_video(analysis_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """Stream the annotated video (H.264 MP4); HTTP Range requests are supported for seeking."""
    return _output(analysis_id, clinic, session, settings.results_dir, "video")


@router.get(
    "/{analysis_id}/report",
    response_class=FileResponse,
    responses={**_FILE_RESPONSES, 200: {"content": {"text/html": {}}}},
)
def read_report(analysis_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """Return the self-contained HTML report (video embedded)."""
    return _output(analysis_id, clinic, session, settings.results_dir, "report")


@router.get(
    "/{analysis_id}/angles.csv",
    response_class=FileResponse,
    responses={**_FILE_RESPONSES, 200: {"content": {"text/csv": {}}}},
)
def read_angles(analysis_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """Per-frame angle series (degrees), one column per angle."""
    return _output(analysis_id, clinic, session, settings.results_dir, "angles.csv")


@router.get(
    "/{analysis_id}/landmarks.trc",
    response_class=FileResponse,
    responses={**_FILE_RESPONSES, 200: {"content": {"text/plain": {}}}},
)
def read_trc(analysis_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """World landmarks (metres, Y up) in OpenSim's TRC format."""
    return _output(analysis_id, clinic, session, settings.results_dir, "landmarks.trc")


@router.delete("/{analysis_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND)
def delete_analysis(analysis_id: str, clinic: ClinicDep, session: SessionDep, settings: SettingsDep) -> None:
    """Delete the analysis, its results and any stored upload (a running job is abandoned)."""
    job = crud.get_analysis(session, clinic.id, analysis_id)
    crud.delete_analyses(session, [job], settings.data_dir, settings.results_dir)
