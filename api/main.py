"""Application factory: ``create_app`` with a lifespan; nothing heavy at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from movequal import __version__
from movequal.models import list_models


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.models = {s.variant: s.verified for s in list_models()}
    yield


def create_app() -> FastAPI:
    """Build the FastAPI application."""
    app = FastAPI(title="movequal", version=__version__, lifespan=_lifespan)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", tags=["health"])
    def readyz() -> dict[str, object]:
        """Readiness: which pose models are provisioned and verified."""
        return {"status": "ok", "models": app.state.models}

    return app
