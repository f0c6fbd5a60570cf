"""Result types of an assessment: reps, findings, scores, tracking quality.

These pydantic models are the contract between the scoring core and every
consumer (report files, CLI, API, batch). ``report.json`` is a serialised
:class:`Report`; its JSON Schema is published in ``schemas/``.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from movequal.core.dose import SessionDose
from movequal.core.movement_registry import Movement
from movequal.core.task_results import Balance, FrozenResult, Gait, TimedUpAndGo
from movequal.core.views import View

REPORT_SCHEMA_VERSION = "1.13.0"

MovementChoice = Literal["auto", Movement]
"""A movement, or ``"auto"`` to recognise it."""
UNRECOGNISED: Literal["unrecognised"] = "unrecognised"
MovementResult = Literal[Movement, "unrecognised"]
"""What an assessment names: a supported movement, or ``"unrecognised"`` when the clip fits none."""
Severity = Literal["mild", "moderate", "severe"]
LiftStyle = Literal["squat-lift", "semi-squat", "stoop"]
RatingLabel = Literal["Good", "Fair", "Needs work", "Poor"]
"""The verdict's labels, best first."""


class Evidence(FrozenResult):
    """One measured value supporting a finding."""

    name: str = Field(description="What was measured, e.g. 'peak knee flexion'.")
    value: float
    unit: str = Field(description="Unit of value: 'deg', 's', '%', 'ratio' ...")
    threshold: float | None = Field(default=None, description="Threshold the value was compared with.")


class Finding(FrozenResult):
    """A compensation or fault seen in one or more repetitions."""

    code: str = Field(description="Stable identifier, e.g. 'hip_avoidant_bending'.")
    title: str
    severity: Severity
    confidence: float = Field(ge=0, le=1)
    evidence: list[Evidence]
    cue: str = Field(description="Short patient-friendly instruction.")
    reps: list[int] = Field(description="1-based numbers of the reps where it was seen.")
    rep_severity: list[Severity] = Field(description="Severity in each of those reps (parallel to reps).")
    frames: list[tuple[int, int]] = Field(description="Inclusive frame ranges where it is highlighted.")
    points_lost: float = Field(ge=0, description="Points this finding removes from the overall score.")


class Rep(FrozenResult):
    """One repetition: from rest to the turning point and back.

    The turning point ("bottom") is the deepest point of a squat, lift, bend or
    lunge; for a sit-to-stand set that rests seated, it is the moment of
    standing, and for one that rests standing, the moment of sitting.
    """

    number: int = Field(ge=1)
    start_time: float
    bottom_time: float
    end_time: float
    start_frame: int
    bottom_frame: int
    end_frame: int
    descent_s: float
    ascent_s: float
    depth: float = Field(
        description=(
            "Peak of the movement's driver signal: 0 standing; 1 = hips lowered by half their standing "
            "height (squat, sit-to-stand, lunge) or trunk horizontal (lift, bend). Deep squats exceed 1."
        )
    )
    score: float = Field(ge=0, le=100)
    hold_s: float = Field(default=0.0, description="Time held at the bottom (turning point).")
    style: LiftStyle | None = Field(
        default=None, description="Lifts only: squat-lift, semi-squat or stoop, from knee flexion at the bottom."
    )
    metrics: dict[str, float] = Field(description="Per-rep metrics (degrees, seconds, ratios).")
    partial: bool = Field(
        default=False,
        description="A movement the clip shows only in part (a lift filmed from the floor to lockout, with no "
        "lowering): judged on what it shows, counted among partial_reps, not as a rep (absent before 1.5.0).",
    )


class MetricSummary(FrozenResult):
    """A metric across the clip, or why it could not be measured."""

    key: str | None = Field(
        default=None,
        description="Stable metric key (movequal.core.metric_registry); absent in reports before schema 1.2.0.",
    )
    name: str
    unit: str
    value: float | None
    confidence: float = Field(ge=0, le=1)
    note: str | None = Field(default=None, description="e.g. 'not measurable from this view'.")


class Rating(FrozenResult):
    """The verdict on a recording: the band of its score, capped by the worst consistent finding.

    How it is reached is :mod:`movequal.core.verdict` (and ``docs/SCORING.md``, "From score to verdict").
    """

    label: RatingLabel
    sentence: str = Field(description="Plain-language meaning, shown under the score.")
    score_band: RatingLabel = Field(description="The label the 0-100 score alone would get.")
    capped_by: str | None = Field(
        default=None, description="Code of the finding that lowered the label below the score band; null if none did."
    )
    reason: str | None = Field(
        default=None, description="Why the label is lower than the score band; null if it is not."
    )


class UnjudgedCheck(FrozenResult):
    """A check the movement has but this camera view (or the patient's turn from it) did not make (1.11.0)."""

    code: str = Field(description="Code of the finding the check would report.")
    check: str = Field(description="What the check looks for, in plain language.")
    needs: str = Field(
        description="What would make it, for a reader: the view, e.g. 'a side view', or how the patient must stand "
        "to a front camera ('the patient facing the camera, turned 10° at most; …')."
    )
    views: list[View] = Field(description="The views that can make it, for a program.")
    reps: list[int] = Field(
        default_factory=list,
        description="The reps it was not made on, when it was made on the others (1.12.0); empty when it was made "
        "on none.",
    )


class TrackingQuality(FrozenResult):
    """How well the pose model followed the subject."""

    frames: int
    frames_with_person: int
    detected_fraction: float = Field(ge=0, le=1)
    mean_visibility: float = Field(ge=0, le=1, description="Mean visibility of the scored landmarks.")
    longest_gap_s: float
    warnings: list[str]
    out_of_picture: dict[str, float] = Field(
        default_factory=dict,
        description="Per body part (head, shoulders, hips, knees, feet: ankles and heels, elbows, wrists), the share "
        "of the frames with the person in which it lay outside the picture (1.13.0; empty in older reports).",
    )


class FunctionalReach(FrozenResult):
    """The Functional Reach Test read from a forward-reach set (1.9.0)."""

    trials_leg: list[float] = Field(description="Each trial's reach, leg lengths (hand travel, feet planted).")
    trials_cm: list[float] | None = Field(default=None, description="The same in cm; null without the height.")
    result_leg: float = Field(description="Mean of the test trials (a first of four or more is a practice trial).")
    result_cm: float | None = Field(default=None, description="The same in cm; null without the height.")
    cutoff_cm: float = Field(description="Reach under which the odds of recurrent falls double (Duncan 1992).")
    unscored_trials: int = Field(
        default=0, ge=0, description="Trials with a step (a foot left its place) or no start position: not scored."
    )
    note: str | None = Field(default=None, description="Why a figure is missing, e.g. the height is not known.")


class Assessment(FrozenResult):
    """What the scoring core concluded about one recording."""

    movement: MovementResult = Field(
        description="The movement assessed; 'unrecognised' (no reps, score or findings) when, asked to "
        "recognise it, the clip fits no supported movement with enough confidence."
    )
    movement_detected: bool = Field(description="True when the movement was recognised automatically.")
    movement_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="0-1 confidence of the recognition; null when the movement was given (absent before 1.4.0).",
    )
    message: str | None = Field(
        default=None,
        description="Why nothing was scored: the movement was not recognised, or it is not measured from this view.",
    )
    view: View
    reps: list[Rep]
    findings: list[Finding]
    score: float | None = Field(ge=0, le=100, description="Overall 0-100 score; null without reps.")
    rating: Rating | None = Field(
        default=None,
        description="Verdict from the score and the worst consistent finding; null without reps "
        "(and absent in reports before schema 1.3.0, whose readers fall back to the score band).",
    )
    metrics: list[MetricSummary]
    partial_reps: int = Field(
        default=0, description="Excursions not counted as reps (too shallow, or cut by the clip)."
    )
    not_judged: list[UnjudgedCheck] = Field(
        default_factory=list,
        description="Checks of this movement the view cannot make: no finding from them means 'not measurable', "
        "not 'fine' (1.11.0; scored repetition tasks only). An entry with reps was made on the other reps only "
        "(1.12.0): a finding from it covers those, and its absence says nothing about the reps listed.",
    )
    cut_off: list[str] = Field(
        default_factory=list,
        description="Body parts outside the picture in too many frames to read the clip (1.13.0): when not empty, "
        "nothing was scored and ``message`` says what to change. Walking and the timed up-and-go, which enter "
        "and leave the picture by design, are not refused for it.",
    )

    @property
    def full_reps(self) -> int:
        """Number of complete repetitions (``reps`` without the scored partial of a clip that has none)."""
        return sum(not r.partial for r in self.reps)

    fms_deep_squat: FmsEstimate | None = Field(default=None, description="For squats only.")
    trend: Trend | None = Field(default=None, description="With three reps or more.")
    five_times_sit_to_stand_s: float | None = Field(
        default=None, description="Sit-to-stand: time from the first rise to the end of the fifth stand."
    )
    thirty_second_chair_stand: int | None = Field(
        default=None,
        description="Sit-to-stand from seated, 30 s or longer: stands within 30 s of the first rise, one more than "
        "halfway up at 30 s included (Jones, Rikli & Beam 1999) (1.7.0).",
    )
    gait: Gait | None = Field(default=None, description="Walking only: passes, steps and foot events (1.6.0).")
    tug: TimedUpAndGo | None = Field(default=None, description="Timed up-and-go only: phases and times (1.7.0).")
    balance: Balance | None = Field(
        default=None, description="Single-leg and tandem stance only: each hold, its time and sway (1.8.0)."
    )
    functional_reach: FunctionalReach | None = Field(
        default=None, description="Forward reach only: the Functional Reach Test's trials and result (1.9.0)."
    )


class FmsEstimate(FrozenResult):
    """An estimate of the FMS deep-squat score (0-3) from video."""

    score: int = Field(ge=1, le=3, description="3, 2 or 1; 0 (pain) cannot be seen on video and needs the patient.")
    reasons: list[str] = Field(description="Which FMS criteria were or were not met.")


class Trend(FrozenResult):
    """How quality changes across the reps of the set (fatigue shows as a decline)."""

    score_slope: float = Field(description="Change of rep score per rep (points).")
    depth_change_pct: float = Field(description="Last third of reps against the first third, % of depth.")
    speed_change_pct: float = Field(description="Last third against the first third, % of peak speed.")
    fatigue: bool = Field(description="True when depth or speed falls by over 15 % or the score by over 10 points.")


class RepCurve(FrozenResult):
    """One angle over the reps of a session, time-normalised (1.10.0; :mod:`movequal.core.rep_curves`)."""

    angle: str = Field(description="Base name of the angle, e.g. 'knee_flexion'.")
    label: str
    unit: Literal["deg"] = "deg"
    method: Literal["image", "3d"] = Field(description="Read from the picture (side views) or the 3D landmarks.")
    reps: int = Field(ge=1, description="Full reps averaged.")
    mean: list[float] = Field(description="Mean at 0, 1, ..., 100 % of the rep (101 values).")
    sd: list[float] = Field(description="Standard deviation across the reps at the same points (0 with one rep).")


class SourceInfo(FrozenResult):
    """Which video and model produced the report."""

    file: str
    duration_s: float
    fps: float
    width: int
    height: int
    rotation: int
    model: str


class Report(FrozenResult):
    """Contents of ``report.json``."""

    schema_version: str = REPORT_SCHEMA_VERSION
    movequal_version: str
    created_at: str = Field(description="ISO 8601 UTC time of the analysis.")
    source: SourceInfo
    assessment: Assessment
    tracking: TrackingQuality
    rep_curves: list[RepCurve] = Field(
        default_factory=list,
        description="Each sagittal angle's mean and spread over the full reps, 0-100 % of the rep (1.10.0).",
    )
    dose: SessionDose | None = Field(
        default=None,
        description="Load, sets × reps, pain (0-10) and effort entered for the session; null when none was given.",
    )


def to_movement_choice(value: str) -> MovementChoice:
    """Return ``value`` as a :data:`MovementChoice` (``"auto"`` or a movement).

    Raises
    ------
    ValueError
        When ``value`` is neither.
    """
    for choice in get_args(MovementChoice):
        if value == choice:
            narrowed: MovementChoice = choice
            return narrowed
    raise ValueError(f"expected a movement in {', '.join(get_args(MovementChoice))}, got {value!r}")
