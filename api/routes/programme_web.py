"""The patient page's programme and PSFS forms: script-free posts, answered with the page again.

A post is accepted only from a page of this site with the sign-in cookie (:func:`api.deps.form_post_clinic`);
another clinic's patient is "not found", exactly like a missing one. A bad value shows the patient page again
with the reason and the values entered (422), and nothing is stored; a good one goes back to the section (303).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.orm import Session

from api import crud, crud_programme
from api.deps import SessionDep, SettingsDep, form_post_clinic
from api.models import Patient, ProgrammeTask
from api.pages import PAGE_CSP, render_appbar
from api.programme_page import FormError, render_patient_page, task_form_fields
from api.schemas_programme import ProgrammeTaskCreate, PsfsCreate
from movequal.core.psfs import MAX_ACTIVITIES, PSFS_MAX, PSFS_MIN

router = APIRouter(include_in_schema=False)

PAGE_HEADERS = {"Cache-Control": "private, no-store", "Content-Security-Policy": PAGE_CSP}
_WHOLE = re.compile(r"^[+-]?\d+$")
_LABELS = {
    "movement": "movement",
    "load_kg": "target load",
    "sets": "sets",
    "reps": "reps per set",
    "target_score": "target score",
    "note": "note",
    "rated_on": "date",
    "activities": "activities",
    "activity": "activity",
    "rating": "rating",
    "task_ids": "trained by",
}


async def _form(request: Request) -> dict[str, Any]:
    """Return a posted form: one value per field, a list for the fields that may repeat (``tasks_N``)."""
    form = await request.form()
    return {key: [str(v) for v in form.getlist(key)] if key.startswith("tasks_") else str(form[key]) for key in form}


FormDep = Annotated[dict[str, Any], Depends(_form)]


def patient_page_response(session: Session, patient: Patient, error: FormError | None = None) -> HTMLResponse:
    """Return the patient page with its programme and PSFS sections (422 with ``error``)."""
    return HTMLResponse(
        render_patient_page(session, patient, error),
        status.HTTP_422_UNPROCESSABLE_CONTENT if error is not None else status.HTTP_200_OK,
        headers=PAGE_HEADERS,
    )


def _not_found() -> HTMLResponse:
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found – movequal</title>'
        '<link rel="stylesheet" href="/static/app.css"></head><body class="app">'
        f'{render_appbar()}<main class="page"><h1>Not found</h1><p>There is no such patient in your clinic.</p>'
        '</main><script src="/static/common.js"></script></body></html>'
    )
    return HTMLResponse(page, status.HTTP_404_NOT_FOUND, headers=PAGE_HEADERS)


def _patient(request: Request, settings: SettingsDep, session: SessionDep, patient_id: str) -> Patient | Response:
    """Return the clinic's patient the form is about, or the answer to give instead (sign-in, not found)."""
    clinic = form_post_clinic(request, settings, session)
    if clinic is None:
        target = quote(f"/patients/{patient_id}", safe="")
        return RedirectResponse(f"/login?next={target}", status.HTTP_303_SEE_OTHER)
    patient = crud.find_patient(session, clinic.id, patient_id)
    return _not_found() if patient is None else patient


def _patient_task(
    request: Request, settings: SettingsDep, session: SessionDep, patient_id: str, task_id: str
) -> tuple[Patient, ProgrammeTask] | Response:
    """Return the patient and their task the form is about, or the answer to give instead."""
    patient = _patient(request, settings, session, patient_id)
    if not isinstance(patient, Patient):
        return patient
    try:
        return patient, crud_programme.get_task(session, patient, task_id)
    except HTTPException:
        return _not_found()


def _back(patient: Patient, section: str) -> RedirectResponse:
    return RedirectResponse(f"/patients/{patient.id}#{section}", status.HTTP_303_SEE_OTHER)


def _where(loc: Sequence[int | str]) -> str:
    """Name a field of a form for a person: ``activities.1.rating`` → ``activity 2 rating``."""
    if len(loc) >= 3 and loc[0] == "activities" and isinstance(loc[1], int):
        return f"activity {loc[1] + 1} {_LABELS.get(str(loc[2]), str(loc[2]))}"
    return " ".join(_LABELS.get(str(part), str(part)) for part in loc)


def _reasons(errors: Sequence[ErrorDetails]) -> str:
    return "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in errors)


@router.post("/patients/{patient_id}/programme/tasks")
def add_task(patient_id: str, request: Request, settings: SettingsDep, session: SessionDep, form: FormDep) -> Response:
    """Add the task the patient page's form describes, last in the programme."""
    patient = _patient(request, settings, session, patient_id)
    if not isinstance(patient, Patient):
        return patient
    try:
        body = ProgrammeTaskCreate.model_validate(task_form_fields(form))
        crud_programme.add_task(session, patient, body.model_dump(exclude={"position"}), None)
    except ValidationError as exc:
        return patient_page_response(session, patient, FormError("task", _reasons(exc.errors()), form))
    except HTTPException as exc:
        session.rollback()
        return patient_page_response(session, patient, FormError("task", str(exc.detail), form))
    session.commit()
    return _back(patient, "programme")


@router.post("/patients/{patient_id}/programme/tasks/{task_id}/move")
def move_task(
    patient_id: str, task_id: str, *, request: Request, settings: SettingsDep, session: SessionDep, form: FormDep
) -> Response:
    """Move a task one place up or down (``direction``)."""
    found = _patient_task(request, settings, session, patient_id, task_id)
    if isinstance(found, Response):
        return found
    patient, task = found
    step = {"up": -1, "down": 1}.get(form.get("direction", ""))
    if step is None:
        return patient_page_response(session, patient, FormError("task", "direction: must be up or down"))
    crud_programme.move_task(session, patient, task, max(1, task.position + step))
    session.commit()
    return _back(patient, f"task-{task.id}")


@router.post("/patients/{patient_id}/programme/tasks/{task_id}/remove")
def remove_task(
    patient_id: str, task_id: str, request: Request, settings: SettingsDep, session: SessionDep
) -> Response:
    """Remove a task from the programme."""
    found = _patient_task(request, settings, session, patient_id, task_id)
    if isinstance(found, Response):
        return found
    patient, task = found
    crud_programme.delete_task(session, patient, task)
    session.commit()
    return _back(patient, "programme")


def psfs_form_body(form: dict[str, Any]) -> dict[str, Any] | str:
    """Return the PSFS form as a :class:`PsfsCreate` body, or the reason it cannot be one.

    A row with neither an activity nor a rating is skipped; a rating that is a whole number in text is read as
    one, any other text is left for the schema to refuse with its reason.
    """
    activities = []
    for number in range(1, MAX_ACTIVITIES + 1):
        name = str(form.get(f"activity_{number}", "")).strip()
        rating = str(form.get(f"rating_{number}", "")).strip()
        if not name and not rating:
            continue
        if not name:
            return f"activity {number}: name the activity that rating {rating!r} is for"
        if not rating:
            return f"activity {number} ({name}): give a rating from {PSFS_MIN} to {PSFS_MAX}"
        activities.append(
            {
                "activity": name,
                "rating": int(rating) if _WHOLE.match(rating) else rating,
                "task_ids": form.get(f"tasks_{number}", []),
            }
        )
    if not activities:
        return "name at least one activity and rate it"
    body: dict[str, Any] = {"activities": activities}
    if form.get("rated_on"):
        body["rated_on"] = form["rated_on"]
    return body


@router.post("/patients/{patient_id}/psfs")
def record_psfs(
    patient_id: str, request: Request, settings: SettingsDep, session: SessionDep, form: FormDep
) -> Response:
    """Store the date's PSFS from the patient page's form; the same date again replaces that date's ratings."""
    patient = _patient(request, settings, session, patient_id)
    if not isinstance(patient, Patient):
        return patient
    body = psfs_form_body(form)
    if isinstance(body, str):
        return patient_page_response(session, patient, FormError("psfs", body, form))
    try:
        ratings = PsfsCreate.model_validate(body)
        crud_programme.record_psfs(session, patient, ratings.rated_on, ratings.activities, replace=True)
    except ValidationError as exc:
        return patient_page_response(session, patient, FormError("psfs", _reasons(exc.errors()), form))
    except HTTPException as exc:
        session.rollback()
        return patient_page_response(session, patient, FormError("psfs", str(exc.detail), form))
    session.commit()
    return _back(patient, "psfs")
