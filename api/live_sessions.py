"""The service side of live sessions: who may open one, how many run, and saving one as an analysis."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
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

    @field_validator("movement")
    @classmethod
    def _followed_live(cls, movement: Movement) -> Movement:
        if not get_profile(movement).followed_live:
            raise ValueError(live_refusal(movement))
        return movement


class LiveRegistry:
    """Counts the live sessions running, in all and per clinic, so the pose models loaded at once stay bounded.

    Parameters
    ----------
    limit : int
        Live sessions at once on this server.
    per_clinic : int
        Live sessions at once for one clinic: a clinic that opens sockets and
        sends nothing cannot take every slot (the idle timeout ends those too).
    """

    def __init__(self, limit: int, per_clinic: int | None = None) -> None:
        self.limit = limit
        self.per_clinic = limit if per_clinic is None else per_clinic
        self.active = 0
        self._by_clinic: dict[int, int] = {}
        self._lock = threading.Lock()

    def acquire(self, clinic_id: int) -> str | None:
        """Take a slot for ``clinic_id``: None when granted, else the reason it was refused."""
        with self._lock:
            if self.active >= self.limit:
                return "too many live sessions at once; try again shortly"
            if self._by_clinic.get(clinic_id, 0) >= self.per_clinic:
                return f"this clinic already has {self.per_clinic} live sessions open; stop one first"
            self.active += 1
            self._by_clinic[clinic_id] = self._by_clinic.get(clinic_id, 0) + 1
            return None

    def release(self, clinic_id: int) -> None:
        """Give a slot of ``clinic_id`` back."""
        with self._lock:
            self.active -= 1
            left = self._by_clinic.get(clinic_id, 0) - 1
            if left > 0:
                self._by_clinic[clinic_id] = left
            else:
                self._by_clinic.pop(clinic_id, None)


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
