"""Request dependencies: settings, a database session and the caller's clinic."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from api.config import Settings
from api.models import Clinic
from api.security import clinic_for_key, clinic_for_web_session, get_or_create_clinic
from movequal.pose.model_files import ModelVariant, list_models

COOKIE_NAME = "movequal_session"
"""The web app's sign-in cookie: a random session token (:class:`api.models.WebSession`), never the key."""
CSRF_HEADER = "X-Requested-With"
CSRF_VALUE = "movequal"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The clinic's API key.")
bearer = HTTPBearer(auto_error=False, description="The clinic's API key as a bearer token.")


def get_settings(request: Request) -> Settings:
    """Return the app's settings (set by :func:`api.main.create_app`)."""
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """Open a session per request; the route commits when it writes."""
    with request.app.state.sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]


def is_loopback(host: str | None) -> bool:
    """Tell whether ``host`` is 127.0.0.0/8, ::1 or the test client."""
    if host in ("testclient", "localhost"):
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, reason, headers={"WWW-Authenticate": "Bearer"})


def authenticate(connection: HTTPConnection, settings: Settings, session: Session, secret: str | None) -> Clinic:
    """Return the clinic a request or WebSocket acts for, or raise 401/403.

    Keys mode: ``secret`` from an ``X-API-Key`` or ``Authorization: Bearer``
    header, or else the web app's sign-in cookie (a server-side session opened
    with a key, :func:`api.security.open_web_session`), which is accepted only where
    another site cannot forge it: on a state-changing request it must come with
    the ``X-Requested-With: movequal`` header (which needs CORS permission to
    send), on a WebSocket with an ``Origin`` of this very host. Local mode:
    loopback callers only, as the local clinic.
    """
    if settings.auth == "local":
        _check_local(connection)
        local = get_or_create_clinic(session, settings.local_clinic)
        session.commit()
        return local
    if secret is None and (cookie := connection.cookies.get(COOKIE_NAME)):
        _check_cookie_use(connection)
        signed_in = clinic_for_web_session(session, cookie)
        if signed_in is None:
            raise _unauthorised("the sign-in has ended (signed out, expired or its key revoked); sign in again")
        return signed_in
    if not secret:
        raise _unauthorised("an API key is required (X-API-Key header or Authorization: Bearer)")
    clinic = clinic_for_key(session, secret)
    if clinic is None:
        raise _unauthorised("the API key is not valid or has been revoked")
    session.commit()
    return clinic


def _loopback_name(value: str | None) -> bool:
    """Tell whether a Host or Origin names this computer (127.0.0.1, [::1] or localhost, any port)."""
    if not value:
        return False
    host = value.split("://", 1)[-1].rsplit("@", 1)[-1]
    host = host[1 : host.index("]")] if host.startswith("[") and "]" in host else host.split(":", 1)[0]
    return host == "localhost" or is_loopback(host)


def _check_local(connection: HTTPConnection) -> None:
    """Local mode: a loopback caller, addressing this computer by a loopback name, not driven by another site.

    Notes
    -----
    The Host check stops DNS rebinding (a web page whose domain resolves to
    127.0.0.1); the header and Origin checks stop another site's page from
    posting to, or opening a WebSocket on, the local service.
    """
    _check_loopback(connection)
    _check_cookie_use(connection)


def _check_loopback(connection: HTTPConnection) -> None:
    if not is_loopback(connection.client.host if connection.client else None):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "local mode answers only on this computer (loopback)")
    if not _loopback_name(connection.headers.get("host")):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "local mode answers only to loopback host names (127.0.0.1, localhost)"
        )


def _check_cookie_use(connection: HTTPConnection) -> None:
    if connection.scope["type"] == "websocket":
        origin = connection.headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1] != connection.headers.get("host"):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site WebSocket refused")
    elif connection.scope.get("method") not in _SAFE_METHODS and connection.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"missing {CSRF_HEADER}: {CSRF_VALUE} header")


def require_provisioned(request: Request, variant: ModelVariant) -> None:
    """Refuse (422) a job for a pose model this server has not provisioned and verified.

    Notes
    -----
    Otherwise a worker would try to provision it mid-job, from the network.
    The state read at start-up is checked again for a model that was
    missing then, since an operator may have pulled it since.
    """
    models: dict[str, bool] = request.app.state.models
    if models.get(variant):
        return
    models.update({s.variant: s.verified for s in list_models()})
    if not models.get(variant):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the pose model '{variant}' is not installed on this server; choose another or ask the operator "
            f"to run `movequal models pull {variant}`",
        )


def require_same_origin(request: Request) -> None:
    """Refuse a form posted to the sign-in routes by another site's page (login CSRF), with 403.

    Notes
    -----
    Without this, a page elsewhere can post its own clinic's key to
    ``/auth/login`` and sign the browser into that clinic, whose pages then
    receive the patient's data. Browsers send ``Sec-Fetch-Site`` and
    ``Origin`` on every form POST; a request without either (curl, scripts)
    comes from no page and is let through.
    """
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    cross_site = site is not None and site not in ("same-origin", "none")
    if cross_site or (origin is not None and origin.split("://", 1)[-1] != request.headers.get("host")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site sign-in refused")


def form_post_clinic(request: Request, settings: Settings, session: Session) -> Clinic | None:
    """Return the clinic a web-app form post acts for, ``None`` when not signed in; 403 for another site's post.

    Notes
    -----
    The result page's forms work without script, so they cannot send the
    ``X-Requested-With`` header that :func:`authenticate` asks of a cookie's
    state-changing request. They are accepted only when the browser says the
    post comes from a page of this very site: ``Sec-Fetch-Site: same-origin``
    or, from a browser without it, an ``Origin`` of this host; a post with
    neither is refused (browsers send one on every form post). The sign-in
    cookie is ``SameSite=Strict`` besides. In local mode the caller must be on
    loopback, addressing it by a loopback name, as for the API.
    """
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    same_origin = origin is None or origin.split("://", 1)[-1] == request.headers.get("host")
    if not same_origin or site not in ("same-origin", None) or (site is None and origin is None):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form posted from another site (or from no page) is refused")
    if settings.auth == "local":
        _check_loopback(request)
        local = get_or_create_clinic(session, settings.local_clinic)
        session.commit()
        return local
    cookie = request.cookies.get(COOKIE_NAME)
    return clinic_for_web_session(session, cookie) if cookie else None


def authenticate_connection(connection: HTTPConnection) -> Clinic:
    """Authenticate from the headers (and cookie) alone, outside FastAPI's dependencies.

    For the request guard and the live WebSocket, which decide before any body or
    message is read; the rules are :func:`authenticate`'s.
    """
    state = connection.app.state
    secret = connection.headers.get("x-api-key")
    auth = connection.headers.get("authorization", "")
    if secret is None and auth.lower().startswith("bearer "):
        secret = auth[7:].strip()
    with state.sessions() as session:
        return authenticate(connection, state.settings, session, secret)


def current_clinic(
    request: Request,
    settings: SettingsDep,
    session: SessionDep,
    header_key: Annotated[str | None, Security(api_key_header)] = None,
    bearer_key: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
) -> Clinic:
    """Return the clinic an HTTP request acts for (see :func:`authenticate`)."""
    return authenticate(request, settings, session, header_key or (bearer_key.credentials if bearer_key else None))


ClinicDep = Annotated[Clinic, Depends(current_clinic)]
