"""The clinic web app: static pages, the result page and sign-in with an API key.

The pages are plain HTML and JavaScript from ``api/web/static`` (no build
step); they call the same ``/v1`` API as any client. Signing in stores the key
in an HttpOnly, SameSite=Strict cookie, which the ``/v1`` routes accept.
"""

from __future__ import annotations

import html
import json
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.compare_page import compare_panel
from api.config import Settings
from api.crud import find_analysis, find_patient
from api.deps import (
    COOKIE_NAME,
    ClinicDep,
    SessionDep,
    SettingsDep,
    current_clinic,
    form_post_clinic,
    require_same_origin,
)
from api.dose import changed_dose, dose_of, form_dose, store_dose, with_stored_dose
from api.models import Analysis, Clinic
from api.pages import (
    APP_CSP,
    PAGE_CSP,
    REPORT_ASSETS,
    STATIC_DIR,
    for_meta,
    live_csp,
    render_appbar,
    render_static_page,
)
from api.routes.programme_web import patient_page_response
from api.schemas import MePublic
from api.security import active_key, close_web_session, open_web_session
from movequal.core.assessment import Report
from movequal.core.dose import DoseError, SessionDose
from movequal.report.charts import chart_assets
from movequal.report.html import render_report_page, report_assets

router = APIRouter(include_in_schema=False)

COOKIE_MAX_AGE_S = 12 * 3600


def _page(name: str, *, signed_in: bool = True, csp: str = PAGE_CSP) -> HTMLResponse:
    return HTMLResponse(render_static_page(name, signed_in=signed_in), headers={"Content-Security-Policy": csp})


def _signed_in(request: Request, settings: SettingsDep, session: SessionDep) -> Clinic | None:
    try:
        return current_clinic(request, settings, session)
    except HTTPException:
        return None


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status.HTTP_303_SEE_OTHER)


def _guarded(request: Request, settings: SettingsDep, session: SessionDep, name: str) -> Response:
    if _signed_in(request, settings, session) is None:
        return _to_login(request)
    if name == "live.html":  # its WebSocket, and WebAssembly for the in-browser pose
        host = request.headers.get("host", "")
        return _page(name, csp=live_csp(host))
    return _page(name)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Serve the app's icon where browsers look for it by default."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@router.get("/")
def upload_page(request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    """Serve the new-analysis page: drag-and-drop upload with progress."""
    return _guarded(request, settings, session, "upload.html")


@router.get("/patients")
def patients_page(request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    """Serve the page listing the clinic's patients."""
    return _guarded(request, settings, session, "patients.html")


@router.get("/live")
def live_page(request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    """Serve the live-session page: camera, skeleton, reps and cues in real time."""
    return _guarded(request, settings, session, "live.html")


@router.get("/patients/{patient_id}")
def patient_page(patient_id: str, request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    """One patient: sessions and the progress chart, the programme and the PSFS (those two rendered here)."""
    clinic = _signed_in(request, settings, session)
    if clinic is None:
        return _to_login(request)
    patient = find_patient(session, clinic.id, patient_id)
    if patient is None:  # the page's script says "not found", as for a deleted patient
        return _page("patient.html")
    return patient_page_response(session, patient)


@router.get("/analyses/{analysis_id}")
def analysis_page(analysis_id: str, request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    """Serve the result page once the analysis is done, and a progress page until then."""
    clinic = _signed_in(request, settings, session)
    if clinic is None:
        return _to_login(request)
    job = find_analysis(session, clinic.id, analysis_id)
    if job is None:
        return _not_found()
    return _result_page(job, settings)


async def _submitted_dose(request: Request) -> dict[str, Any]:
    """Return the dose fields of a posted form (text, possibly empty), whatever else it carries."""
    return form_dose(await request.form())


@router.post("/analyses/{analysis_id}/dose")
def save_dose(
    analysis_id: str,
    request: Request,
    settings: SettingsDep,
    session: SessionDep,
    submitted: Annotated[dict[str, Any], Depends(_submitted_dose)],
) -> Response:
    """Store the dose fields the result page's form sends (an empty field clears one), then show the page again.

    A bad value shows the page again with the reason and the values entered
    (422), and nothing is stored.
    """
    clinic = form_post_clinic(request, settings, session)
    if clinic is None:
        return RedirectResponse(f"/login?next={quote(f'/analyses/{analysis_id}', safe='')}", status.HTTP_303_SEE_OTHER)
    job = find_analysis(session, clinic.id, analysis_id)
    if job is None:
        return _not_found()
    try:
        dose = changed_dose(job, submitted)
    except DoseError as exc:
        return _result_page(job, settings, error=str(exc), entered=submitted)
    store_dose(job, dose)
    session.commit()
    return RedirectResponse(f"/analyses/{job.id}#session-dose", status.HTTP_303_SEE_OTHER)


def _not_found() -> HTMLResponse:
    return HTMLResponse(_not_found_page(), status.HTTP_404_NOT_FOUND, headers={"Content-Security-Policy": PAGE_CSP})


def _result_page(
    job: Analysis, settings: Settings, *, error: str | None = None, entered: dict[str, Any] | None = None
) -> Response:
    """Return the result page (the progress page until the analysis is done), showing the stored dose."""
    plots = settings.results_dir / job.id / "plots.json"
    if job.status != "done" or job.result is None or not plots.is_file():
        if error is not None:  # the dose form is on the result page only; a script-free post still gets its reason
            return HTMLResponse(
                _message_page("The session values were not saved", error, f"/analyses/{job.id}"),
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                headers={"Content-Security-Policy": PAGE_CSP},
            )
        return _page("analysis-wait.html")
    report = with_stored_dose(Report.model_validate(job.result.report), job)
    video = settings.results_dir / job.id / "annotated.mp4"
    page = render_report_page(
        report,
        json.loads(plots.read_text(encoding="utf-8")),
        f"/v1/analyses/{job.id}/video" if video.is_file() else None,
        csp=for_meta(APP_CSP),
        nav=_result_nav(job) + _dose_panel(job, error, entered),
        assets=REPORT_ASSETS,
        panel=compare_panel(job),
    )
    return HTMLResponse(
        page,
        status.HTTP_422_UNPROCESSABLE_CONTENT if error is not None else status.HTTP_200_OK,
        headers={"Cache-Control": "private, no-store", "Content-Security-Policy": APP_CSP},
    )


@router.get(REPORT_ASSETS + "/report.css")
def report_css() -> Response:
    """Serve the report's stylesheet (the same the downloadable report has inline)."""
    return Response(report_assets()[0], media_type="text/css; charset=utf-8")


@router.get(REPORT_ASSETS + "/report.js")
def report_js() -> Response:
    """Serve the report's plot script (the same the downloadable report has inline)."""
    return Response(report_assets()[1], media_type="text/javascript; charset=utf-8")


@router.get(REPORT_ASSETS + "/charts.css")
def charts_css() -> Response:
    """Serve the charting stylesheet (uPlot's and movequal's) for the app's pages other than the report."""
    return Response(chart_assets()[0], media_type="text/css; charset=utf-8")


@router.get(REPORT_ASSETS + "/charts.js")
def charts_js() -> Response:
    """Serve the charting script (vendored uPlot, then ``MQCharts``) for the app's pages other than the report."""
    return Response(chart_assets()[1], media_type="text/javascript; charset=utf-8")


def _result_nav(job: Analysis) -> str:
    base = f"/v1/analyses/{job.id}"
    back = (
        f'<a href="/patients/{html.escape(job.patient_id)}">← Patient</a>'
        if job.patient_id
        else '<a href="/">← New analysis</a>'
    )
    return (
        '<link rel="stylesheet" href="/static/app.css"><script src="/static/common.js" defer></script>'
        f'{render_appbar()}<div class="wrap mq-tools" id="result-tools">{back}'
        f'<span>Download: <a href="{base}/report" download>report (HTML)</a> · '
        f'<a href="{base}/report.pdf" download id="report-pdf-link">report (PDF)</a> · '
        f'<a href="{base}/video" download>annotated video</a> · <a href="{base}/angles.csv">angles.csv</a> · '
        f'<a href="{base}/landmarks.trc">landmarks.trc</a></span></div>'
    )


_DOSE_SCHEMA: dict[str, Any] = SessionDose.model_json_schema()["properties"]
_AFTER_FIELDS = (
    ("pain_after", "Pain after", "0 = none, 10 = worst imaginable"),
    ("sets_done", "Sets done", None),
    ("reps_done", "Reps per set done", None),
    ("rpe", "Effort (RPE)", "Borg CR10: 0 = rest, 10 = maximal; halves allowed"),
)
"""What the result page's form asks for: what is known only once the session is over."""


def _number_input(name: str, label: str, hint: str | None, value: object, invalid: bool = False) -> str:
    """Return one labelled number field, its range and step read from ``SessionDose`` (never repeated here)."""
    spec = next(s for s in _DOSE_SCHEMA[name]["anyOf"] if s.get("type") != "null")
    step = spec.get("multipleOf", 1 if spec["type"] == "integer" else "any")
    mode = "numeric" if spec["type"] == "integer" else "decimal"
    shown = "" if value is None else html.escape(str(value))
    ident = f"dose-{name.replace('_', '-')}"
    range_text = f"{spec['minimum']:g}–{spec['maximum']:g}"
    described = f' aria-describedby="{"dose-error " if invalid else ""}{ident}-hint"'
    described += ' aria-invalid="true"' if invalid else ""
    note = f"{range_text}; {hint}" if hint else range_text
    return (
        f'<div class="field"><label for="{ident}">{label}</label>'
        f'<input type="number" id="{ident}" name="{name}" min="{spec["minimum"]:g}" max="{spec["maximum"]:g}" '
        f'step="{step}" inputmode="{mode}" value="{shown}"{described}>'
        f'<span class="hint" id="{ident}-hint">{html.escape(note)}</span></div>'
    )


def _dose_panel(job: Analysis, error: str | None, entered: dict[str, Any] | None) -> str:
    """Return the result page's session panel: the dose as recorded, and a form for what comes after."""
    dose = dose_of(job)
    shown = dose.model_dump() if dose is not None else {}
    values = {**shown, **(entered or {})}
    bad = {part.split(":", 1)[0].strip() for part in (error or "").split(";")}
    fields = "".join(
        _number_input(name, label, hint, values.get(name), name in bad) for name, label, hint in _AFTER_FIELDS
    )
    alert = (
        f'<p class="mq-dose-error" id="dose-error" role="alert">Not saved: {html.escape(error)}</p>' if error else ""
    )
    change = dose.pain_change if dose is not None else None
    change_text = "" if change is None else f' <span class="mq-dose-change">(pain {change:+d})</span>'
    return (
        '<section class="wrap mq-dose" id="session-dose" aria-labelledby="session-dose-heading">'
        '<h2 id="session-dose-heading">Session</h2>'
        f'<p class="mq-dose-line">{html.escape(dose.describe() if dose else "No load, sets or pain recorded.")}'
        f"{change_text}</p>{alert}"
        f'<form method="post" action="/analyses/{html.escape(job.id)}/dose" class="mq-dose-form">'
        f'<fieldset><legend>After the session</legend><div class="mq-dose-fields">{fields}</div></fieldset>'
        '<button type="submit" class="mq-dose-save">Save</button></form></section>'
    )


def _message_page(title: str, text: str, back: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} – movequal</title>'
        '<link rel="stylesheet" href="/static/app.css"></head><body class="app">'
        f'{render_appbar()}<main class="page"><h1>{html.escape(title)}</h1><p role="alert">{html.escape(text)}</p>'
        f'<p><a href="{html.escape(back)}">Back</a></p></main><script src="/static/common.js"></script></body></html>'
    )


def _not_found_page() -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found – movequal</title>'
        '<link rel="stylesheet" href="/static/app.css"></head><body class="app">'
        f'{render_appbar()}<main class="page"><h1>Not found</h1><p>There is no such analysis in your clinic.</p></main>'
        '<script src="/static/common.js"></script></body></html>'
    )


@router.get("/login")
def login_page() -> HTMLResponse:
    """Sign in with the clinic's API key."""
    return _page("login.html", signed_in=False)


def _safe_next(target: str) -> str:
    """Only same-site paths: '/x', never '//host' or 'https://…'."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.post("/auth/login", dependencies=[Depends(require_same_origin)])
def login(
    key: Annotated[str, Form(max_length=200)],
    session: SessionDep,
    settings: SettingsDep,
    next_: Annotated[str, Form(alias="next")] = "/",
) -> RedirectResponse:
    """Check the key; on success open a sign-in session, set its cookie and go to ``next``.

    The cookie holds the session's random token, not the key: signing out ends it
    on the server, and so do its expiry and revoking the key.
    """
    api_key = active_key(session, key.strip())
    if api_key is None:
        return RedirectResponse(f"/login?error=1&next={quote(_safe_next(next_), safe='')}", status.HTTP_303_SEE_OTHER)
    token = open_web_session(session, api_key, timedelta(seconds=COOKIE_MAX_AGE_S))
    session.commit()
    response = RedirectResponse(_safe_next(next_), status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )
    return response


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Depends(require_same_origin)])
def logout(request: Request, session: SessionDep) -> Response:
    """End the sign-in session on the server and forget its cookie."""
    if token := request.cookies.get(COOKIE_NAME):
        close_web_session(session, token)
        session.commit()
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(COOKIE_NAME)
    return response


@router.get("/auth/me", response_model=MePublic)
def me(clinic: ClinicDep, settings: SettingsDep) -> MePublic:
    """Tell the signed-in clinic and the auth mode."""
    return MePublic(clinic=clinic.name, mode=settings.auth)
