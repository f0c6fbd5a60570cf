"""``/live-runtime/…``: the browser's pose runtime and model, served by the app itself (no CDN).

The live page's in-browser mode loads MediaPipe Tasks for the web (the ES module
bundle and its WebAssembly files, provisioned from the npm registry by
``movequal models pull web``: :mod:`movequal.pose.web_runtime`) and the
project's own ``lite`` pose bundle from these routes. Only the fixed file names
of :data:`~movequal.pose.web_runtime.WEB_RUNTIME_FILES` and the one model are
served; anything else is a 404, and so is a file not provisioned (with the
command that provisions it).
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse

from movequal.errors import ModelError
from movequal.pose.model_files import ModelVariant, model_path, verify_model
from movequal.pose.web_runtime import WEB_RUNTIME_FILES, web_runtime_file

router = APIRouter(include_in_schema=False)  # static files for the page, not part of the API
log = logging.getLogger(__name__)

LIVE_RUNTIME = "/live-runtime"
BROWSER_MODEL: ModelVariant = "lite"
"""The pose model the browser runs (the smallest: it has to keep up on a clinic laptop)."""
MEDIA_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
}
_CACHE = "private, max-age=3600"


@router.get(LIVE_RUNTIME + "/model/lite.task", response_class=FileResponse)
def browser_model() -> FileResponse:
    """Serve the ``lite`` pose bundle the browser runs; 404 when it has not been provisioned."""
    path = model_path(BROWSER_MODEL)
    try:
        verify_model(path, BROWSER_MODEL)  # about 10 ms, once per session start
    except ModelError as exc:  # its message names a server path: logged, not sent
        log.warning("browser pose model not served: %s", exc)
        detail = "the lite pose model is not provisioned or fails its checksum: run `movequal models pull web`"
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail) from exc
    return FileResponse(path, media_type="application/octet-stream", headers={"Cache-Control": _CACHE})


@router.get(LIVE_RUNTIME + "/{name}", response_class=FileResponse)
def runtime_file(name: str) -> FileResponse:
    """Serve one file of the browser pose runtime, by its fixed name; 404 for any other name or when not provisioned."""
    if name not in WEB_RUNTIME_FILES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no such runtime file: {name!r}")
    try:
        path = web_runtime_file(name)
    except ModelError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    media_type = MEDIA_TYPES[Path(name).suffix]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": _CACHE})
