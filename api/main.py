"""Application factory: ``create_app`` with a lifespan; nothing heavy happens at import.

The web process only accepts uploads, serves results and reads the database:
analyses run in separate worker processes (:mod:`api.worker`), so a busy
worker never slows an answer down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from api.config import Settings
from api.db import make_engine, make_sessionmaker, upgrade_database
from api.errors import install_error_handlers
from api.guard import RequestGuard
from api.live_sessions import LiveRegistry
from api.routes import (
    analyses,
    clinic,
    comparison,
    health,
    live,
    live_runtime,
    movements,
    patients,
    pdf,
    programme,
    programme_web,
    progression,
    psfs,
    web,
)
from movequal import __version__
from movequal.pose.model_files import list_models

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

DESCRIPTION = """Movement-quality analysis for back-pain rehabilitation.

Upload a squat, lift or other functional-task video to `POST /v1/analyses`; it is
analysed in a worker process and `GET /v1/analyses/{id}` reports progress and, when
done, the report with score, findings and per-rep metrics. Every `/v1` route needs
the clinic's API key (`X-API-Key: mq_…` or `Authorization: Bearer mq_…`) unless the
server runs in local mode.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; the database is opened and migrated in the lifespan."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.url)
        upgrade_database(engine)
        app.state.sessions = make_sessionmaker(engine)
        app.state.models = {status.variant: status.verified for status in list_models()}
        app.state.live = LiveRegistry(
            settings.max_live_sessions,
            settings.max_live_sessions_per_clinic,
            browser_limit=settings.max_browser_live_sessions,
            browser_per_clinic=settings.max_browser_live_sessions_per_clinic,
        )
        yield
        engine.dispose()

    app = FastAPIOffline(  # /docs and /redoc from packaged assets: a clinic network may have no internet
        title="movequal", version=__version__, description=DESCRIPTION, lifespan=lifespan, static_url="/docs-assets"
    )
    app.state.settings = settings
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type", "X-Requested-With", "Range"],
        )

    app.add_middleware(RequestGuard)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    for module in (
        clinic,
        health,
        pdf,  # before analyses: …/report.pdf is its own route
        analyses,
        comparison,
        movements,
        patients,
        programme,
        psfs,
        progression,
        live,
        live_runtime,
        web,
        programme_web,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    return app
