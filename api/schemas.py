"""Request and response models of the v1 API (``XCreate`` in, ``XPublic`` out)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.config import AuthMode
from api.models import JobStatus
from movequal.core.assessment import MovementChoice, Report
from movequal.core.dose import SessionDose
from movequal.core.progress import Verdict
from movequal.pose.model_files import ModelVariant


class ErrorPublic(BaseModel):
    """Every 4xx/5xx answer: a human-readable reason, never a stack trace."""

    detail: str = Field(description="Why the request failed, in one sentence.")


class PatientCreate(BaseModel):
    """A new patient. ``reference`` is the clinic's own identifier (unique within the clinic)."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")
    display_name: str | None = Field(default=None, max_length=120, pattern=r"^[^\x00-\x1f]*$")
    notes: str | None = Field(default=None, max_length=4000)
    height_m: float | None = Field(
        default=None, ge=0.5, le=2.5, description="Height in metres: walking distances and speed in metres."
    )


class PatientUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    reference: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")
    display_name: str | None = Field(default=None, max_length=120, pattern=r"^[^\x00-\x1f]*$")
    notes: str | None = Field(default=None, max_length=4000)
    height_m: float | None = Field(
        default=None, ge=0.5, le=2.5, description="Height in metres: walking distances and speed in metres."
    )

    @field_validator("reference")
    @classmethod
    def _reference_not_null(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("reference cannot be null (omit it to keep the current one)")
        return value


class PatientPublic(BaseModel):
    """A patient with a count of their analysed sessions."""

    id: str
    reference: str
    display_name: str | None
    notes: str | None
    height_m: float | None = Field(default=None, description="Height in metres, if recorded.")
    created_at: datetime
    sessions: int = Field(description="Analyses recorded for this patient (any status).")
    last_session_at: date | None = Field(description="Session date of the newest analysis.")


class PatientList(BaseModel):
    """A page of patients."""

    items: list[PatientPublic]
    total: int


class AnalysisLinks(BaseModel):
    """Where to fetch this analysis's outputs (relative URLs)."""

    self: str
    page: str = Field(description="The web app's result page.")
    video: str
    report: str
    angles_csv: str
    landmarks_trc: str


class AnalysisSummary(BaseModel):
    """An analysis as lists show it."""

    id: str
    status: JobStatus
    progress: float = Field(ge=0, le=100, description="Percent done (pose estimation, then the annotated video).")
    stage: str | None = Field(description="What the worker is doing: pose, video, report, retrying …")
    error: str | None = Field(description="Why it failed (status failed), or why the last attempt failed.")
    patient_id: str | None
    movement: str = Field(description="Recognised movement when done, else the one asked for (or 'auto').")
    view: str | None
    score: float | None
    reps: int | None
    session_date: date
    created_at: datetime
    source_name: str = Field(description="The uploaded file's name (sanitised).")
    dose: SessionDose | None = Field(
        default=None,
        description="Load, sets × reps, pain (0-10) and effort recorded for the session; null when none was.",
    )
    links: AnalysisLinks


class AnalysisPublic(AnalysisSummary):
    """An analysis in full, with the report once it is done."""

    movement_requested: MovementChoice
    model: ModelVariant = Field(description="The pose model the analysis ran (or is to run) with.")
    blur_faces: bool
    retain_source: bool
    height_m: float | None = Field(default=None, description="Height the walking distances were measured with.")
    source_retained: bool = Field(description="True while the uploaded video is still stored.")
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    result: Report | None = Field(description="The report (report.json) when status is done.")


class AnalysisUpdate(BaseModel):
    """Fields of an analysis to change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    dose: SessionDose | None = Field(
        default=None,
        description=(
            "Dose fields to set or change (pain after is often entered after the session). Only the fields "
            'given change; a field given as null is cleared; `"dose": null` clears the whole dose.'
        ),
    )


class AnalysisList(BaseModel):
    """A page of analyses, newest first."""

    items: list[AnalysisSummary]
    total: int


class ProgressPoint(BaseModel):
    """One session's value of a metric."""

    analysis_id: str
    session_date: date
    value: float


class MetricSeriesPublic(BaseModel):
    """A metric across a patient's sessions of one movement, with whether it really changed."""

    movement: str
    key: str = Field(description="Stable metric key (the same in every report and session).")
    metric: str = Field(description="The metric's name in the report ('score' for the overall score).")
    label: str
    unit: str
    higher_is_better: bool | None
    measurement_error: float = Field(description="Standard error of measurement of one session's value.")
    mdc95: float = Field(description="Minimal detectable change (95 %): 1.96 × √2 × measurement_error.")
    points: list[ProgressPoint]
    change: float | None = Field(description="Latest minus first session (null with one session).")
    change_exceeds_error: bool = Field(description="True only when |change| is larger than mdc95.")
    verdict: Verdict | None = Field(
        description="'not comparable' when the first and latest sessions measured the metric differently."
    )
    note: str | None = Field(default=None, description="Why the sessions are not comparable, or what changed.")


class ProgressPublic(BaseModel):
    """Per-metric series of every analysed session of a patient."""

    patient_id: str
    movements: list[str]
    series: list[MetricSeriesPublic]


class MePublic(BaseModel):
    """Who the caller is."""

    clinic: str
    mode: AuthMode
