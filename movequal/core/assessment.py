"""Result types of an assessment: reps, findings, scores, tracking quality.

These pydantic models are the contract between the scoring core and every
consumer (report files, CLI, API, batch). ``report.json`` is a serialised
:class:`Report`; its JSON Schema is published in ``schemas/``.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from movequal.core.movement_registry import Movement
from movequal.core.views import View

REPORT_SCHEMA_VERSION = "1.9.0"

MovementChoice = Literal["auto", Movement]
"""A movement, or ``"auto"`` to recognise it."""
UNRECOGNISED: Literal["unrecognised"] = "unrecognised"
MovementResult = Literal[Movement, "unrecognised"]
"""What an assessment names: a supported movement, or ``"unrecognised"`` when the clip fits none."""
Severity = Literal["mild", "moderate", "severe"]
LiftStyle = Literal["squat-lift", "semi-squat", "stoop"]
RatingLabel = Literal["Good", "Fair", "Needs work", "Poor"]
"""The verdict's labels, best first."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """One measured value supporting a finding."""

    name: str = Field(description="What was measured, e.g. 'peak knee flexion'.")
    value: float
    unit: str = Field(description="Unit of value: 'deg', 's', '%', 'ratio' ...")
    threshold: float | None = Field(default=None, description="Threshold the value was compared with.")


class Finding(_Frozen):
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


class Rep(_Frozen):
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


class MetricSummary(_Frozen):
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


class Rating(_Frozen):
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


class TrackingQuality(_Frozen):
    """How well the pose model followed the subject."""

    frames: int
    frames_with_person: int
    detected_fraction: float = Field(ge=0, le=1)
    mean_visibility: float = Field(ge=0, le=1, description="Mean visibility of the scored landmarks.")
    longest_gap_s: float
    warnings: list[str]


class FunctionalReach(_Frozen):
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


class Assessment(_Frozen):
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


class FootEvent(_Frozen):
    """A foot touching down (heel strike) or lifting off (toe off)."""

    time: float = Field(description="Seconds from the start of the clip, refined between frames.")
    frame: int = Field(ge=0, description="Nearest frame.")
    side: Literal["left", "right"]


class GaitSide(_Frozen):
    """One foot's steps in a pass: a step ends when this foot strikes. Null where not measurable."""

    side: Literal["left", "right"]
    steps: int = Field(ge=0)
    step_time_s: float | None = Field(description="Median time from the other foot's strike to this one's.")
    stance_time_s: float | None = Field(description="Median time from this foot's strike to its toe off.")
    step_length: float | None = Field(description="Median heel-to-heel distance at this foot's strike, leg lengths.")
    step_length_m: float | None = Field(default=None, description="The same in metres; null without height.")
    arm_swing_deg: float | None = Field(
        description="Median over the strides of the arm's swing range in the walking plane, degrees; null where the "
        "wrist is not seen (the far arm from the side)."
    )


class GaitPass(_Frozen):
    """One pass of walking in one direction, from its first foot contact to its last."""

    number: int = Field(ge=1)
    start_time: float
    end_time: float
    direction: str = Field(description="e.g. 'towards image right', 'towards the camera'.")
    steps: int = Field(ge=0)
    cadence_spm: float = Field(description="Steps per minute.")
    speed: float = Field(description="Gait speed in leg lengths per second (step lengths over time).")
    speed_m_s: float | None = Field(default=None, description="Gait speed in m/s; null without height.")
    step_time_cv_pct: float | None = Field(description="Step-to-step variability of step time (4 steps or more).")
    step_length_ratio: float | None = Field(description="Longer over shorter median step length (1 = even).")
    stance_time_ratio: float | None = Field(description="Longer over shorter median stance time (1 = even).")
    trunk_flexion_deg: float | None = Field(description="Median forward lean of the trunk from vertical.")
    lateral_lean_deg: float | None = Field(
        description="Median sideways lean of the trunk in the image (to the walker's left +); null unless the pass "
        "heads within 20° of the camera's axis (a front or rear view; 1.9.0: before, from the 3D landmarks)."
    )
    sides: list[GaitSide]


class Gait(_Frozen):
    """Walking: foot events and every pass measured (schema 1.6.0)."""

    passes: list[GaitPass]
    heel_strikes: list[FootEvent]
    toe_offs: list[FootEvent]
    leg_length_m: float | None = Field(description="Leg length (hip to ankle) in metres when height was given.")
    message: str | None = Field(default=None, description="Why no pass was measured; null when one was.")
    load: Literal["one-hand", "both-hands"] | None = Field(
        default=None, description="A carry: the load in one hand (suitcase) or one in each (farmer's) (1.9.0)."
    )
    loaded_side: Literal["left", "right"] | None = Field(
        default=None,
        description="A one-hand carry: the hand holding the load, the arm that swings less than half the other's; "
        "null when the arms' swing cannot tell (from the side) (1.9.0).",
    )


class TimedUpAndGo(_Frozen):
    """Timed up-and-go: when each phase began and ended, the total, and the cut-off it is compared with (1.7.0).

    Times are seconds from the start of the clip, from the frames' own timestamps; null (all of them) when the test
    could not be timed, and ``message`` then says why.
    """

    lean_onset: float | None = Field(default=None, description="The trunk starts to lean forward: the test starts.")
    seat_off: float | None = Field(default=None, description="The hips leave the seat.")
    upright: float | None = Field(default=None, description="Standing, knees extended: the stand-up is done.")
    lowering_onset: float | None = Field(default=None, description="The hips start down towards the seat.")
    seated: float | None = Field(default=None, description="The hips are back on the seat: the test ends.")
    total_s: float | None = Field(default=None, description="From lean onset to seated.")
    stand_up_s: float | None = Field(default=None, description="From lean onset to upright.")
    walk_s: float | None = Field(
        default=None, description="From upright to lowering onset: walking out, turning, walking back."
    )
    sit_down_s: float | None = Field(default=None, description="From lowering onset to seated.")
    unseen_s: float | None = Field(
        default=None, description="Time during the walk with nobody tracked (a turn out of the picture)."
    )
    steps: int | None = Field(
        default=None, description="Heel strikes between upright and lowering onset (turns included)."
    )
    cutoff_s: float = Field(description="The fall-risk cut-off the total is compared with.")
    cutoff_source: str = Field(description="Where the cut-off comes from.")
    message: str | None = Field(default=None, description="Why the test could not be timed; null when it was.")


class BalanceHold(_Frozen):
    """One balance hold: when it began and ended, why it ended, and the body's sway during it (1.8.0).

    Distances are in leg lengths (hip to ankle), along the horizontal axis the camera sees (``sway_axis``); the
    ``*_cm`` fields give centimetres when the patient's height was given. Sway fields are null, and
    ``sway_message`` says why, when the hold was too short or the body was not seen.
    """

    number: int = Field(ge=1)
    stance: Literal["single-leg", "tandem"]
    side: Literal["left", "right"] = Field(description="Single-leg: the standing foot; tandem: the foot in front.")
    start: float = Field(description="Foot-off (single-leg) or the feet in place (tandem), s from the clip's start.")
    end: float = Field(description="Touch-down, the stance foot moving, or the end of what the clip shows, s.")
    hold_s: float = Field(
        description="From start to end; at least this long when end_reason is clip-end or lost, or start_seen false."
    )
    start_seen: bool = Field(
        default=True, description="False when the stance was already held in the clip's first frame."
    )
    end_reason: Literal["touch-down", "stance-move", "clip-end", "lost"] = Field(
        description="touch-down: the lifted foot came down; stance-move: a standing foot moved; clip-end: the clip "
        "ended during the hold; lost: the feet went out of view."
    )
    sway_axis: Literal["mediolateral", "anteroposterior", "mixed"] | None = Field(
        default=None, description="Side to side (front view), forwards-backwards (side view) or both (oblique)."
    )
    pelvis_path: float | None = Field(default=None, description="Summed movement of the mid-hip point, leg lengths.")
    pelvis_range: float | None = Field(default=None, description="Range of the mid-hip point, leg lengths.")
    pelvis_velocity: float | None = Field(default=None, description="Mean speed of the mid-hip point, leg lengths/s.")
    pelvis_range_cm: float | None = Field(default=None, description="The pelvis range in cm; null without height.")
    pelvis_velocity_cm_s: float | None = Field(
        default=None, description="The pelvis speed in cm/s; null without height."
    )
    shoulders_path: float | None = Field(default=None, description="Summed movement of the mid-shoulder point.")
    shoulders_range: float | None = Field(default=None, description="Range of the mid-shoulder point.")
    shoulders_velocity: float | None = Field(default=None, description="Mean speed of the mid-shoulder point.")
    arm_excursion: float | None = Field(
        default=None,
        description="Farthest a wrist moved from its place beside the body, leg lengths (arms used to stay upright).",
    )
    sway_message: str | None = Field(
        default=None, description="Why sway, or its path and speed, was not measured; null when it was."
    )
    breathing_rate_per_min: float | None = Field(
        default=None,
        description="Experimental (synthetic validation only): breaths per minute over the still part of the "
        "hold, from the shoulders' rise above the hips; null when not measurable (1.9.0).",
    )
    breathing_message: str | None = Field(
        default=None, description="Why breathing was not measurable over the hold; null when it was (1.9.0)."
    )


class Balance(_Frozen):
    """A balance test: every hold, the best per side, and the cut-off it is compared with (schema 1.8.0)."""

    stance: Literal["single-leg", "tandem"]
    holds: list[BalanceHold]
    best_left_s: float | None = Field(
        default=None, description="Longest hold standing on the left foot (single-leg) or with the left in front."
    )
    best_right_s: float | None = Field(default=None, description="The same for the right foot.")
    cutoff_s: float = Field(description="Hold time below which the test counts as short.")
    cutoff_source: str = Field(description="Where the cut-off comes from.")
    leg_length_m: float | None = Field(default=None, description="Leg length in metres when height was given.")
    message: str | None = Field(default=None, description="Why no hold was found; null when one was.")


class FmsEstimate(_Frozen):
    """An estimate of the FMS deep-squat score (0-3) from video."""

    score: int = Field(ge=1, le=3, description="3, 2 or 1; 0 (pain) cannot be seen on video and needs the patient.")
    reasons: list[str] = Field(description="Which FMS criteria were or were not met.")


class Trend(_Frozen):
    """How quality changes across the reps of the set (fatigue shows as a decline)."""

    score_slope: float = Field(description="Change of rep score per rep (points).")
    depth_change_pct: float = Field(description="Last third of reps against the first third, % of depth.")
    speed_change_pct: float = Field(description="Last third against the first third, % of peak speed.")
    fatigue: bool = Field(description="True when depth or speed falls by over 15 % or the score by over 10 points.")


class SourceInfo(_Frozen):
    """Which video and model produced the report."""

    file: str
    duration_s: float
    fps: float
    width: int
    height: int
    rotation: int
    model: str


class Report(_Frozen):
    """Contents of ``report.json``."""

    schema_version: str = REPORT_SCHEMA_VERSION
    movequal_version: str
    created_at: str = Field(description="ISO 8601 UTC time of the analysis.")
    source: SourceInfo
    assessment: Assessment
    tracking: TrackingQuality


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
