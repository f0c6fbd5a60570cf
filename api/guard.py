"""Refuse a request body before reading it: too large, undeclared, or from a caller without a valid key.

FastAPI parses a multipart form before it runs a route's dependencies, so a
size or key check in a dependency would come after the whole upload had been
spooled to disk. This ASGI middleware runs first, on every HTTP request: it
checks the declared size against the route's limit (an upload, another ``/v1``
body, or a small form such as the sign-in page's), for ``POST``/``PUT``/``PATCH``
under ``/v1`` also the caller's credentials from the headers alone, then counts
the bytes as they stream and stops at the limit, declared or not (chunked).
"""

from __future__ import annotations

import contextlib

from anyio import to_thread
from fastapi import HTTPException, status
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import authenticate_connection

JSON_BODY_LIMIT = 1024 * 1024
"""Largest body of a ``/v1`` request other than an upload."""
FORM_BODY_LIMIT = 64 * 1024
"""Largest body of a request outside ``/v1`` (the sign-in form: a key and a return path)."""
_FORM_SLACK = 64 * 1024
"""Multipart framing and the small form fields around an upload."""
_WRITES = frozenset({"POST", "PUT", "PATCH"})


class _TooLargeError(Exception):
    """The body went past its limit while streaming."""


class RequestGuard:
    """ASGI middleware: size and credentials are checked before a ``/v1`` body is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check, then pass the request on with a byte-counting ``receive``."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = scope["app"].state.settings
        api = scope["path"].startswith("/v1/")
        upload = scope["method"] == "POST" and scope["path"].rstrip("/") == "/v1/analyses"
        limit = settings.max_upload_bytes + _FORM_SLACK if upload else JSON_BODY_LIMIT if api else FORM_BODY_LIMIT
        request = Request(scope)
        refusal = None
        if api and scope["method"] in _WRITES:
            refusal = await to_thread.run_sync(_check_key, request)
        if refusal is None:
            refusal = _check_size(request.headers.get("content-length"), limit, upload, settings.max_upload_mb)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._counted(scope, receive, send, limit)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Run the app, stopping its body at ``limit`` bytes; then answer 413 whatever the app made of it.

        Notes
        -----
        FastAPI turns any error while it parses a form into 400 "error parsing
        the body", so the app's own answer to a body cut short is dropped and
        the 413 sent in its place.
        """
        seen, started, exceeded = 0, False, False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise _TooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLargeError):
            await self.app(scope, counting_receive, tracking_send)
        if exceeded and not started:
            await _error(status.HTTP_413_CONTENT_TOO_LARGE, "the request body is larger than allowed")(
                scope, receive, send
            )


def _error(code: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code, headers=headers)


def _check_size(declared: str | None, limit: int, upload: bool, max_mb: float) -> JSONResponse | None:
    if declared is None:
        return (
            _error(status.HTTP_411_LENGTH_REQUIRED, "send the upload with a Content-Length header") if upload else None
        )
    if not declared.isdigit():
        return _error(status.HTTP_400_BAD_REQUEST, "Content-Length is not a number")
    if int(declared) > limit:
        what = (
            f"the upload is larger than this server accepts ({max_mb:.0f} MiB)"
            if upload
            else "the request body is too large"
        )
        return _error(status.HTTP_413_CONTENT_TOO_LARGE, what)
    return None


def _check_key(request: Request) -> JSONResponse | None:
    """Authenticate from the headers alone (the same rules as every ``/v1`` route)."""
    try:
        authenticate_connection(request)
    except HTTPException as exc:
        return _error(exc.status_code, str(exc.detail), dict(exc.headers or {}))
    return None
