"""``/healthz`` (the process answers) and ``/readyz`` (database and pose models usable)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from movequal import __version__

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    """Liveness."""

    status: str
    version: str


class ReadyPublic(BaseModel):
    """Readiness: what the service needs, checked now."""

    status: str
    database: bool
    models: dict[str, bool]
    default_model: str
    live_sessions: int = Field(description="Live sessions running now.")
    live_pose_models: int = Field(
        default=0,
        description="Pose models loaded for live sessions now (one per server-pose session; none in browser mode).",
    )


@router.get("/healthz", response_model=HealthPublic)
async def healthz() -> HealthPublic:
    """Liveness: the web process answers (does not touch the database).

    Answered on the event loop itself, not in the thread pool that sync routes
    share: 30 uploads being read at once must not make it wait.
    """
    return HealthPublic(status="ok", version=__version__)


@router.get("/readyz", response_model=ReadyPublic, responses={503: {"model": ReadyPublic}})
def readyz(request: Request, response: Response) -> ReadyPublic:
    """Readiness: the database answers and the default pose model is provisioned and verified."""
    settings = request.app.state.settings
    try:
        with request.app.state.sessions() as session:
            session.execute(text("SELECT 1"))
        database = True
    except SQLAlchemyError:
        database = False
    models: dict[str, bool] = request.app.state.models
    ready = database and models.get(settings.default_model, False)
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return ReadyPublic(
        status="ok" if ready else "not ready",
        database=database,
        models=models,
        default_model=settings.default_model,
        live_sessions=request.app.state.live.active,
        live_pose_models=request.app.state.live.pose_models,
    )
