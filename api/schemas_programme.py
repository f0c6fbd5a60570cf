"""Request and response models of a patient's programme and Patient-Specific Functional Scale (PSFS).

Kept beside :mod:`api.schemas` (same ``XCreate`` in, ``XPublic`` out style) so that the feature reads as one
piece. The ranges come from the core: loads and counts from :mod:`movequal.core.dose`, the scale from
:mod:`movequal.core.psfs`, the default target from the progression gate.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from movequal.core.dose import MAX_LOAD_KG, MAX_REPS, MAX_SETS
from movequal.core.movement_registry import Movement
from movequal.core.progression import GateRules
from movequal.core.psfs import ACTIVITY_MAX_CHARS, MAX_ACTIVITIES, PSFS_MAX, PSFS_MIN, PsfsVerdict

DEFAULT_TARGET_SCORE = GateRules().target_score
"""A task's target score unless the clinician sets one: the gate's (the lower bound of "Good")."""
MAX_TASKS = 50
"""Tasks in one patient's programme, at most."""
_NOTE_MAX = 500
_TEXT = r"^[^\x00-\x1f]*$"


def _refuse_booleans(value: Any) -> Any:
    """Refuse ``true``/``false`` where a number belongs (pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "expected a number, got a boolean")
    return value


class ProgrammeTaskCreate(BaseModel):
    """A task to add to the patient's programme."""

    model_config = ConfigDict(extra="forbid")

    movement: Movement = Field(description="The movement trained (`GET /v1/movements`).")
    load_kg: float = Field(default=0.0, ge=0.0, le=MAX_LOAD_KG, description="Target load in kg; 0 = body weight.")
    sets: int | None = Field(default=None, ge=1, le=MAX_SETS, description="Sets prescribed (null: none set).")
    reps: int | None = Field(default=None, ge=1, le=MAX_REPS, description="Reps per set prescribed.")
    target_score: float = Field(
        default=DEFAULT_TARGET_SCORE, ge=0.0, le=100.0, description="Movement-quality score aimed for (0-100)."
    )
    position: int | None = Field(
        default=None, ge=1, le=MAX_TASKS, description="Place in the programme, 1 = first; omitted = last."
    )
    note: str | None = Field(default=None, max_length=_NOTE_MAX, description="A cue or instruction for the task.")
    active: bool = Field(default=True, description="False pauses the task without removing it.")

    @field_validator("load_kg", "sets", "reps", "target_score", "position", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        return _refuse_booleans(value)


class ProgrammeTaskUpdate(BaseModel):
    """Fields of a task to change; omitted fields stay as they are (``sets``, ``reps``, ``note``: null clears)."""

    model_config = ConfigDict(extra="forbid")

    movement: Movement | None = None
    load_kg: float | None = Field(default=None, ge=0.0, le=MAX_LOAD_KG)
    sets: int | None = Field(default=None, ge=1, le=MAX_SETS)
    reps: int | None = Field(default=None, ge=1, le=MAX_REPS)
    target_score: float | None = Field(default=None, ge=0.0, le=100.0)
    position: int | None = Field(default=None, ge=1, le=MAX_TASKS, description="Move the task to this place.")
    note: str | None = Field(default=None, max_length=_NOTE_MAX)
    active: bool | None = None

    @field_validator("load_kg", "sets", "reps", "target_score", "position", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        return _refuse_booleans(value)

    @field_validator("movement", "load_kg", "target_score", "position", "active")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("not_null", "cannot be null (omit it to keep the current value)")
        return value


class ProgrammeOrder(BaseModel):
    """The new order of the programme: every task id of the patient, each once, first task first."""

    model_config = ConfigDict(extra="forbid")

    order: list[str] = Field(min_length=1, max_length=MAX_TASKS)


class TaskSessionPublic(BaseModel):
    """One analysed session of a task's movement: the task's history."""

    analysis_id: str
    session_date: date
    score: float | None
    load_kg: float | None = Field(description="Load the session was done with (null: not recorded).")
    sets_done: int | None
    reps_done: int | None
    pain_before: int | None
    pain_after: int | None
    meets_target: bool | None = Field(description="Score at or above the task's target (null without a score).")


class ProgrammeTaskPublic(BaseModel):
    """A programme task, with the patient's finished sessions of its movement, oldest first."""

    id: str
    movement: Movement
    load_kg: float
    sets: int | None
    reps: int | None
    target_score: float
    position: int = Field(description="Place in the programme, 1 = first.")
    note: str | None
    active: bool
    created_at: datetime
    history: list[TaskSessionPublic] = Field(description="Finished sessions of this movement, oldest first.")


class ProgrammePublic(BaseModel):
    """A patient's programme, in order."""

    patient_id: str
    tasks: list[ProgrammeTaskPublic]


def _psfs_rating(value: Any) -> Any:
    """Accept a whole number 0-10 only: no text, no boolean, no fraction; the reason names the scale."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(value, float) and value.is_integer():
        value, whole = int(value), True
    if not whole or not PSFS_MIN <= value <= PSFS_MAX:
        raise PydanticCustomError(
            "psfs_rating",
            "must be a whole number from {lo} (unable to perform) to {hi} (able to perform as before) (got {got})",
            {"lo": PSFS_MIN, "hi": PSFS_MAX, "got": repr(value)},
        )
    return value


class PsfsActivityIn(BaseModel):
    """One activity the patient finds hard, in their words, with today's rating."""

    model_config = ConfigDict(extra="forbid")

    activity: str = Field(min_length=1, max_length=ACTIVITY_MAX_CHARS, pattern=_TEXT)
    rating: int = Field(description="0 = unable to perform, 10 = able to perform at the level before the problem.")
    task_ids: list[str] = Field(
        default_factory=list, max_length=MAX_TASKS, description="Programme tasks that train this activity."
    )

    @field_validator("activity", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("rating", mode="before")
    @classmethod
    def _rating(cls, value: Any) -> Any:
        return _psfs_rating(value)

    @field_validator("task_ids")
    @classmethod
    def _unique_tasks(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class PsfsActivities(BaseModel):
    """A date's activities and ratings: 1 to 5, each activity named once."""

    model_config = ConfigDict(extra="forbid")

    activities: list[PsfsActivityIn] = Field(min_length=1, max_length=MAX_ACTIVITIES)

    @field_validator("activities")
    @classmethod
    def _distinct(cls, value: list[PsfsActivityIn]) -> list[PsfsActivityIn]:
        names = [a.activity.casefold() for a in value]
        if len(set(names)) != len(names):
            raise PydanticCustomError("psfs_duplicate", "each activity may be named only once per date")
        return value


class PsfsCreate(PsfsActivities):
    """A date's PSFS: the activities and their ratings (date: today unless given)."""

    rated_on: date = Field(default_factory=date.today, description="The date rated (default: today).")

    @field_validator("rated_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > date.today() + timedelta(days=1):  # a day of slack for a client ahead of the server's zone
            raise PydanticCustomError("psfs_future", "cannot be in the future (got {got})", {"got": str(value)})
        return value


class PsfsActivityPublic(BaseModel):
    """One rated activity."""

    activity: str
    rating: int
    task_ids: list[str] = Field(description="Programme tasks that train it (removed tasks drop out).")


class PsfsEntryPublic(BaseModel):
    """One date's PSFS with its score."""

    rated_on: date
    activities: list[PsfsActivityPublic]
    mean: float = Field(description="The PSFS score of the date: the mean rating, 0-10.")
    change: float | None = Field(description="Mean minus the first date's mean (null on the first date).")


class PsfsPublic(BaseModel):
    """A patient's PSFS over time and whether the score really changed."""

    patient_id: str
    entries: list[PsfsEntryPublic] = Field(description="Oldest first.")
    change: float | None = Field(description="Latest minus first mean (null with fewer than two dates).")
    mcid: float = Field(description="Minimal clinically important difference of the mean (points).")
    change_is_real: bool = Field(description="True only when |change| reaches the MCID.")
    verdict: PsfsVerdict | None
