"""Typed service settings, read from ``MOVEQUAL_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from movequal.core.progression import GateRules
from movequal.pose.model_files import ModelVariant

AuthMode = Literal["keys", "local"]


GATE_SETTINGS: tuple[str, ...] = (
    "target_score",
    "sessions_to_progress",
    "pain_rise_limit",
    "pain_ceiling",
    "quality_drop",
    "usual_sessions",
)
"""The progression gate's parameters a deployment (``MOVEQUAL_GATE_*``) or a clinic may set."""


class Settings(BaseSettings):
    """Everything the web process and the analysis workers need to agree on.

    Notes
    -----
    Workers are separate processes: they receive these settings as a dict
    (:meth:`pydantic.BaseModel.model_dump`), so every field must be plain data.
    """

    model_config = SettingsConfigDict(env_prefix="MOVEQUAL_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Database (SQLite default), uploads and results.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/movequal.db. PostgreSQL: postgresql+psycopg://…",
    )
    auth: AuthMode = Field(
        default="keys", description="'keys': an API key on every /v1 route; 'local': one user, loopback only."
    )
    local_clinic: str = Field(default="Local clinic", description="Clinic that owns everything in local mode.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS; empty = closed.")
    secure_cookies: bool = Field(default=False, description="Mark the sign-in cookie Secure (behind HTTPS).")

    max_upload_mb: float = Field(default=500.0, gt=0)
    max_duration_s: float = Field(default=600.0, gt=0)
    max_side_px: int = Field(default=3840, gt=0, description="Longest side of the (upright) picture.")
    max_fps: float = Field(default=240.0, gt=0, description="Highest frame rate decoded (frames per second of video).")
    job_deadline_s: float = Field(
        default=3600.0, gt=0, description="An analysis still running this long after it started is stopped and failed."
    )
    default_model: ModelVariant = "full"

    max_live_sessions: int = Field(
        default=4, ge=0, description="Live sessions with the pose on the server at once (one pose model each)."
    )
    max_live_sessions_per_clinic: int = Field(
        default=2,
        ge=0,
        description="Server-pose live sessions one clinic may hold at once (so it cannot take them all).",
    )
    max_browser_live_sessions: int = Field(
        default=16,
        ge=0,
        description="Live sessions with the pose in the browser at once (landmarks only: about 0.1 core each, "
        "BENCHMARKS.md section 7).",
    )
    max_browser_live_sessions_per_clinic: int = Field(
        default=8, ge=0, description="Browser-pose live sessions one clinic may hold at once."
    )
    live_idle_timeout_s: float = Field(
        default=30.0, gt=0, description="A live socket that sends nothing for this long is closed (its slot freed)."
    )
    max_live_session_s: float = Field(
        default=1800.0, gt=0, description="Longest live session by the server's clock; frames after it are refused."
    )
    workers: int = Field(default=1, ge=0, description="Analysis worker processes started by `movequal serve`.")
    max_pending_per_clinic: int = Field(
        default=50, ge=1, description="Analyses one clinic may have queued or running; more uploads answer 429."
    )
    job_lease_s: float = Field(default=30.0, gt=0, description="A running job not heard from for this long is retried.")
    job_max_attempts: int = Field(default=3, ge=1)
    job_retry_delay_s: float = Field(default=2.0, ge=0, description="First retry delay; doubles per attempt.")
    poll_interval_s: float = Field(default=0.5, gt=0, description="How often an idle worker looks for work.")

    # The progression gate (docs/PROGRESSION.md); defaults are movequal.core.progression.GateRules'.
    gate_target_score: float = Field(
        default=85.0,
        ge=0,
        le=100,
        description="Score a session needs towards progressing (a programme task may set its own).",
    )
    gate_sessions_to_progress: int = Field(default=2, ge=1, le=10, description="Sessions in a row at the load.")
    gate_pain_rise_limit: int = Field(
        default=2, ge=1, le=10, description="Pain rise (0-10 points) that is a flare sign."
    )
    gate_pain_ceiling: int = Field(
        default=5, ge=0, le=10, description="Highest pain after a session (0-10) to progress."
    )
    gate_quality_drop: float = Field(
        default=GateRules.quality_drop, gt=0, le=100, description="Score drop that is real (points; the score's MDC95)."
    )
    gate_usual_sessions: int = Field(default=3, ge=1, le=10, description="Sessions whose median is the usual score.")

    def gate_rules(self, target_score: float | None = None, clinic: Mapping[str, Any] | None = None) -> GateRules:
        """Return the gate's parameters: these settings, a clinic's own values over them, a task's target last."""
        values = {name: getattr(self, f"gate_{name}") for name in GATE_SETTINGS} | dict(clinic or {})
        if target_score is not None:
            values["target_score"] = target_score
        return GateRules(**values)

    @cached_property
    def url(self) -> str:
        """The database URL actually used."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'movequal.db').resolve()}"

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded source videos wait for their analysis."""
        return self.data_dir / "uploads"

    @property
    def results_dir(self) -> Path:
        """Where each analysis's report folder lives (``<id>/``)."""
        return self.data_dir / "analyses"

    @property
    def max_upload_bytes(self) -> int:
        """Upload size limit in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)
