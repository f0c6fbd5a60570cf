"""The service side of live sessions: who may open one, how many run, and saving one as an analysis."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.orm import Session, sessionmaker

from api.crud import record_result
from api.dose import dose_columns
from api.models import Analysis, new_id, utcnow
from movequal.core.assessment import Movement, RatingLabel
from movequal.core.dose import SessionDose
from movequal.core.movement_registry import get_profile
from movequal.io.atomic import atomic_folder
from movequal.live.refusal import live_refusal
from movequal.live.session import LiveSession
from movequal.pipeline import write_report_folder

MAX_FRAME_BYTES = 2 * 1024 * 1024
MAX_FRAME_SIDE = 1280
PoseSite = Literal["server", "browser"]
"""Where a live session's pose model runs."""


class LiveStart(BaseModel):
    """The first message of a live WebSocket."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["start"]
    movement: Movement = "squat"
    patient_id: str | None = Field(default=None, max_length=32)
    model: Literal["lite", "full"] = "lite"
    width: int = Field(default=640, ge=16, le=MAX_FRAME_SIDE)
    height: int = Field(default=480, ge=16, le=MAX_FRAME_SIDE)
    dose: SessionDose | None = Field(
        default=None, description="Load, sets × reps and pain before the session; stored with the saved analysis."
    )
    pose: PoseSite = Field(
        default="server",
        description="Where the pose model runs: on the server (the client sends JPEG frames) or in the browser "
        "(the client sends landmarks only, with the lite model; no video leaves the room).",
    )

    @model_validator(mode="after")
    def _browser_runs_lite(self) -> LiveStart:
        if self.pose == "browser" and self.model != "lite":
            raise ValueError('with "pose": "browser" the model is "lite": the browser runs the lite model')
        return self

    @field_validator("movement")
    @classmethod
    def _followed_live(cls, movement: Movement) -> Movement:
        if not get_profile(movement).followed_live:
            raise ValueError(live_refusal(movement))
        return movement


class LiveRegistry:
    """Counts the live sessions running, in all and per clinic, so the work they bring stays bounded.

    Two pools, each with its own limits: sessions whose pose runs on the server (one pose model each, about
    half a core and 100 MiB while it runs) and sessions whose pose runs in the browser (the server only checks
    and scores landmarks, under a millisecond a frame). A clinic's browser sessions never take a server slot.

    Parameters
    ----------
    limit : int
        Server-pose live sessions at once on this server.
    per_clinic : int
        Server-pose live sessions at once for one clinic: a clinic that opens sockets and
        sends nothing cannot take every slot (the idle timeout ends those too).
    browser_limit, browser_per_clinic : int
        The same two limits for browser-pose sessions.
    """

    def __init__(
        self,
        limit: int,
        per_clinic: int | None = None,
        *,
        browser_limit: int = 0,
        browser_per_clinic: int | None = None,
    ) -> None:
        self._limits = {
            "server": (limit, limit if per_clinic is None else per_clinic),
            "browser": (browser_limit, browser_limit if browser_per_clinic is None else browser_per_clinic),
        }
        self._active = {"server": 0, "browser": 0}
        self.pose_models = 0
        """Live sessions holding a server pose model now (browser-pose sessions hold none)."""
        self._by_clinic: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    @property
    def active(self) -> int:
        """Live sessions running now, both pools."""
        return sum(self._active.values())

    def count_pose_model(self, delta: int) -> None:
        """Note that a session loaded (``+1``) or closed (``-1``) its server pose model."""
        with self._lock:
            self.pose_models += delta

    def acquire(self, clinic_id: int, pose: PoseSite = "server") -> str | None:
        """Take a slot of the ``pose`` pool for ``clinic_id``: None when granted, else the reason it was refused."""
        limit, per_clinic = self._limits[pose]
        kind = "" if pose == "server" else "in-browser "
        with self._lock:
            if self._active[pose] >= limit:
                return f"too many {kind}live sessions at once; try again shortly"
            if self._by_clinic.get((pose, clinic_id), 0) >= per_clinic:
                sessions = "session" if per_clinic == 1 else "sessions"
                return f"this clinic already has {per_clinic} {kind}live {sessions} open; stop one first"
            self._active[pose] += 1
            self._by_clinic[(pose, clinic_id)] = self._by_clinic.get((pose, clinic_id), 0) + 1
            return None

    def release(self, clinic_id: int, pose: PoseSite = "server") -> None:
        """Give a slot of the ``pose`` pool of ``clinic_id`` back."""
        with self._lock:
            self._active[pose] -= 1
            left = self._by_clinic.get((pose, clinic_id), 0) - 1
            if left > 0:
                self._by_clinic[(pose, clinic_id)] = left
            else:
                self._by_clinic.pop((pose, clinic_id), None)


@dataclass(frozen=True)
class SavedSession:
    """A live session stored as an analysis."""

    analysis_id: str
    reps: int
    score: float | None
    rating: RatingLabel | None = None
    """The session's verdict (:mod:`movequal.core.verdict`); None without reps."""


def save_live_session(
    sessions: sessionmaker[Session],
    results_dir: Path,
    *,
    clinic_id: int,
    start: LiveStart,
    live: LiveSession,
) -> SavedSession:
    """Assess the whole session, write its report folder and record it as a finished analysis (with its dose).

    The folder is written under a staging name and renamed into place before
    the row is committed, as a worker does, so a listed analysis always has
    its files. No video is kept: the frames were only ever in memory.
    """
    started = datetime.now(UTC)
    name = f"Live session {started:%Y-%m-%d %H:%M} UTC"
    report, result, pose = live.finish(name)
    dose = None if start.dose is None or start.dose.is_empty else start.dose
    report = report.model_copy(update={"dose": dose})
    analysis_id = new_id()
    with atomic_folder(results_dir / analysis_id, staging=results_dir / f".{analysis_id}.live") as staging:
        write_report_folder(staging, pose, report, result, None)
    a = report.assessment
    try:
        with sessions() as session:
            now = utcnow()
            session.add(
                Analysis(
                    id=analysis_id,
                    clinic_id=clinic_id,
                    patient_id=start.patient_id,
                    origin="live",
                    status="done",
                    progress=100.0,
                    movement_requested=start.movement,
                    model=report.source.model,
                    blur_faces=False,
                    source_name=name,
                    session_date=date.today(),
                    started_at=now,
                    finished_at=now,
                    attempts=1,
                    **dose_columns(dose),
                )
            )
            record_result(session, analysis_id, report.model_dump(mode="json"))
            session.commit()
    except BaseException:
        shutil.rmtree(results_dir / analysis_id, ignore_errors=True)
        raise
    return SavedSession(analysis_id, len(a.reps), a.score, None if a.rating is None else a.rating.label)
