"""Result types of the task families that are not repetitions: walking, the timed up-and-go, balance holds.

Part of the assessment contract (:mod:`movequal.core.assessment` re-exports every name): an
:class:`~movequal.core.assessment.Assessment` carries at most one of :class:`Gait`, :class:`TimedUpAndGo`
and :class:`Balance`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class FrozenResult(BaseModel):
    """Base of every result type: immutable, and no field it does not declare."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FootEvent(FrozenResult):
    """A foot touching down (heel strike) or lifting off (toe off)."""

    time: float = Field(description="Seconds from the start of the clip, refined between frames.")
    frame: int = Field(ge=0, description="Nearest frame.")
    side: Literal["left", "right"]


class GaitSide(FrozenResult):
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


class GaitPass(FrozenResult):
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
    trunk_flexion_deg: float | None = Field(
        description="Median forward lean of the trunk from vertical, read in the image; null when the pass runs "
        "towards or away from the camera, where it lies along the pose model's depth guess (not measurable)."
    )
    lateral_lean_deg: float | None = Field(
        description="Median sideways lean of the trunk in the image (to the walker's left +); null unless the pass "
        "heads within 20° of the camera's axis (a front or rear view; 1.9.0: before, from the 3D landmarks)."
    )
    sides: list[GaitSide]


class Gait(FrozenResult):
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


class TimedUpAndGo(FrozenResult):
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


class BalanceHold(FrozenResult):
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


class Balance(FrozenResult):
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
