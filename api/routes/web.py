"""The clinic web app: static pages, the result page and sign-in with an API key.

The pages are plain HTML and JavaScript from ``api/web/static`` (no build
step); they call the same ``/v1`` API as any client. Signing in stores the key
in an HttpOnly, SameSite=Strict cookie, which the ``/v1`` routes accept.
"""

from __future__ import annotations

import html
import json
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.crud import find_analysis
from api.deps import COOKIE_NAME, ClinicDep, SessionDep, SettingsDep, current_clinic, require_same_origin
from api.models import Analysis, Clinic
from api.pages import APP_CSP, PAGE_CSP, REPORT_ASSETS, STATIC_DIR, for_meta, render_appbar, render_static_page
from api.schemas import MePublic
from api.security import active_key, close_web_session, open_web_session
from movequal.core.assessment import Report
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
    if name == "live.html":  # Safari before 15.4 does not count ws: and wss: of this host as 'self'
        host = request.headers.get("host", "")
        return _page(name, csp=PAGE_CSP.replace("connect-src 'self'", f"connect-src 'self' ws://{host} wss://{host}"))
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
    """One patient: sessions and the progress chart."""
    return _guarded(request, settings, session, "patient.html")


@router.get("/analyses/{analysis_id}")
def analysis_page(analysis_id: str, request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    """Serve the result page once the analysis is done, and a progress page until then."""
    clinic = _signed_in(request, settings, session)
    if clinic is None:
        return _to_login(request)
    job = find_analysis(session, clinic.id, analysis_id)
    if job is None:
        return HTMLResponse(_not_found_page(), status.HTTP_404_NOT_FOUND, headers={"Content-Security-Policy": PAGE_CSP})
    plots = settings.results_dir / job.id / "plots.json"
    if job.status != "done" or job.result is None or not plots.is_file():
        return _page("analysis-wait.html")
    report = Report.model_validate(job.result.report)
    video = settings.results_dir / job.id / "annotated.mp4"
    page = render_report_page(
        report,
        json.loads(plots.read_text(encoding="utf-8")),
        f"/v1/analyses/{job.id}/video" if video.is_file() else None,
        csp=for_meta(APP_CSP),
        nav=_result_nav(job),
        assets=REPORT_ASSETS,
    )
    return HTMLResponse(page, headers={"Cache-Control": "private, no-store", "Content-Security-Policy": APP_CSP})


@router.get(REPORT_ASSETS + "/report.css")
def report_css() -> Response:
    """Serve the report's stylesheet (the same the downloadable report has inline)."""
    return Response(report_assets()[0], media_type="text/css; charset=utf-8")


@router.get(REPORT_ASSETS + "/report.js")
def report_js() -> Response:
    """Serve the report's plot script (the same the downloadable report has inline)."""
    return Response(report_assets()[1], media_type="text/javascript; charset=utf-8")


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
        f'<a href="{base}/video" download>annotated video</a> · <a href="{base}/angles.csv">angles.csv</a> · '
        f'<a href="{base}/landmarks.trc">landmarks.trc</a></span></div>'
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
