"""Request and response models of the progression gate (``/v1/patients/{id}/progression``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

from api.config import Settings

Decision = Literal["progress", "hold", "step back"]


class LoadPointPublic(BaseModel):
    """One session of a task: its load, quality, pain and the quality threshold load after it."""

    analysis_id: str
    session_date: date
    load_kg: float | None = Field(description="External load in kg; 0 = body weight only; null = not recorded.")
    score: float
    compensation: str | None = Field(description="Worst consistent moderate or severe compensation, if any.")
    pain_before: int | None
    pain_after: int | None
    threshold_kg: float | None = Field(
        description="Heaviest load whose latest session had no consistent moderate or severe compensation."
    )


class OverrideCreate(BaseModel):
    """A clinician's own decision, with the reason it is recorded with."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    reason: str = Field(min_length=3, max_length=1000, pattern=r"\S")


class OverridePublic(BaseModel):
    """A recorded override."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    movement: str
    decision: Decision
    recommended: Decision = Field(description="What the gate recommended when the clinician decided.")
    reason: str
    after_analysis_id: str | None = Field(description="The latest session the decision was made after.")
    created_at: datetime


class TaskProgressionPublic(BaseModel):
    """The gate's recommendation for one task (movement) and the evidence behind it."""

    movement: str
    recommendation: Decision
    reasons: list[str]
    load_kg: float | None = Field(description="The load of the latest session.")
    suggested_load_kg: float | None = Field(description="For a step back: the last lighter load used.")
    target_score: float
    rules: dict[str, Any] = Field(description="The gate's parameters (docs/PROGRESSION.md).")
    points: list[LoadPointPublic] = Field(description="Every scored session of the task, oldest first.")
    override: OverridePublic | None = Field(
        description="The clinician's decision after the latest session, when one was recorded; it wins."
    )


class ProgressionPublic(BaseModel):
    """Every task the patient has a scored session of."""

    patient_id: str
    tasks: list[TaskProgressionPublic]


class OverrideList(BaseModel):
    """Every override recorded for the patient, newest first."""

    items: list[OverridePublic]


class MetricChangePublic(BaseModel):
    """One metric in the baseline session and in this one."""

    key: str
    label: str
    unit: str
    baseline: float
    value: float
    change: float
    mdc95: float = Field(description="Minimal detectable change: a change must exceed it to be real.")
    error_text: str = Field(description="The MDC95 written for a reader, e.g. '±4.9 deg'.")
    verdict: Literal["improved", "worsened", "changed", "no real change", "not comparable"]
    note: str | None = Field(description="Why the metric is not comparable, when it is not.")


class CurvePublic(BaseModel):
    """One session's time-normalised curve of an angle: mean and SD at 0-100 % of the rep."""

    method: Literal["image", "3d"]
    reps: int
    mean: list[float]
    sd: list[float]


class CurvePairPublic(BaseModel):
    """An angle's rep curve in the baseline session and in this one, for overlaying."""

    angle: str
    label: str
    unit: str
    baseline: CurvePublic | None
    current: CurvePublic | None
    comparable: bool = Field(description="False when the two sessions read the angle differently (image vs 3D).")


class ComparisonPublic(BaseModel):
    """A session against a chosen baseline session of the same patient and task."""

    analysis_id: str
    baseline_id: str
    movement: str
    baseline_date: date
    session_date: date
    differences: list[str] = Field(description="Changes of movement, camera view or pose model between the two.")
    metrics: list[MetricChangePublic]
    curves: list[CurvePairPublic]


def _like_setting(name: str) -> Any:
    """Return the ``MOVEQUAL_GATE_*`` setting's field (type, range, description), made optional."""
    return FieldInfo.merge_field_infos(Settings.model_fields[f"gate_{name}"], default=None)


class GateRulesUpdate(BaseModel):
    """A clinic's own gate parameters; a field sent as null goes back to the service's setting."""

    model_config = ConfigDict(extra="forbid")

    target_score: float | None = _like_setting("target_score")
    sessions_to_progress: int | None = _like_setting("sessions_to_progress")
    pain_rise_limit: int | None = _like_setting("pain_rise_limit")
    pain_ceiling: int | None = _like_setting("pain_ceiling")
    quality_drop: float | None = _like_setting("quality_drop")
    usual_sessions: int | None = _like_setting("usual_sessions")


class GateRulesPublic(BaseModel):
    """The gate's parameters in force for a clinic, and which of them the clinic set itself."""

    rules: dict[str, Any] = Field(description="Every parameter of the gate (docs/PROGRESSION.md).")
    clinic_values: dict[str, Any] = Field(description="The ones the clinic set; the rest are the service's settings.")
