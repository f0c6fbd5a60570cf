"""Error answers: documented response sets, and handlers that never leak internals."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.schemas import ErrorPublic
from movequal.core.dose import DoseError

log = logging.getLogger("api")

Responses = dict[int | str, dict[str, Any]]

COMMON_ERRORS: Responses = {
    400: {"model": ErrorPublic, "description": "Malformed request body."},
    401: {"model": ErrorPublic, "description": "No API key, or an invalid or revoked one."},
    403: {"model": ErrorPublic, "description": "Refused (local mode off loopback; cookie without the CSRF header)."},
    422: {"model": ErrorPublic, "description": "A parameter or field is invalid (the reason names it)."},
}
"""Answers every ``/v1`` route can give."""


def not_found(what: str) -> Responses:
    """Document the 404 of a route about ``what``."""
    return {404: {"model": ErrorPublic, "description": f"No such {what} in your clinic."}}


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    error_id = uuid.uuid4().hex[:12]
    log.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {"detail": f"internal error {error_id}; the service log has the details"},
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "request"


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    reasons = "; ".join(f"{_location(tuple(e['loc']))}: {e['msg']}" for e in exc.errors())
    return JSONResponse({"detail": reasons or "invalid request"}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _invalid_dose(request: Request, exc: Exception) -> JSONResponse:
    """Answer a dose value out of range or not a number with 422 and the one-line reason naming each field."""
    return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def install_error_handlers(app: FastAPI) -> None:
    """Answer invalid requests with one readable reason, unexpected errors with an id (traceback to the log only)."""
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(DoseError, _invalid_dose)
    app.add_exception_handler(Exception, _internal_error)
