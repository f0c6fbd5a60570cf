"""Which rehabilitation task a clip shows, and the signal that drives its repetitions.

Squat, lift (floor to waist), forward bend, sit-to-stand and lunge differ in
where the body rests between repetitions and in which joints carry the motion:

- **sit-to-stand** sits on a seat with an upright trunk and rises, resting
  seated (sit → stand → sit) or standing (stand → sit → stand); the seat shows
  as the body's centre of mass well behind the heels at the bottom, where an
  unsupported squat keeps it over the feet;
- **lunge** splits the feet along the direction the subject faces;
- **lift** tilts the trunk far forward with bent knees and the hands
  travelling down to the shins; a **bend** tilts it with nearly straight
  knees, however far the hands reach (a stiff back may stop them at the knees);
- **squat** lowers the hips with the hands staying above the knees.

A clip that fits none of them (the body travels across the frame, as in
walking, or nothing moves up and down) is "unrecognised"; every answer comes
with a confidence (:func:`recognise_movement`), from the clip's
:class:`~movequal.core.motion_features.MotionFeatures`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import UNRECOGNISED, Movement, MovementResult, View
from movequal.core.kinematics import Kinematics, compute_arm_elevation, compute_forward_lean
from movequal.core.motion_features import MAX_TRAVEL_LEGS, MIN_APPROACH, MotionFeatures, compute_motion_features
from movequal.core.movement_registry import RestPosition, get_profile
from movequal.core.reps import MIN_PROMINENCE
from movequal.core.tug import MIN_STEPS, MIN_UP_S, SEATED_KNEE_DEG

FloatArray = NDArray[np.float64]
__all__ = [
    "MAX_TRAVEL_LEGS",
    "MIN_APPROACH",
    "MIN_UP_S",
    "MotionFeatures",
    "Recognition",
    "compute_driver",
    "compute_memberships",
    "compute_motion_features",
    "recognise_movement",
]


STS_MAX_START_HEIGHT = 0.78
STS_MIN_SEAT_HEIGHT = 0.4
"""Hips held lower than this share of their standing height are not on a chair: a seat holds them at about knee height.

The chair-stand tests use a seat of 43-44 cm (Jones, Rikli & Beam 1999, Res Q Exerc Sport 70:113-119: 17 in); seated,
the hip joint is about as far above the seat as the ankle joint is above the floor, so the hips stand about a seat's
height above the ankles, against a leg (ankle to hip) of 0.74-0.96 m from 1.50 to 1.95 m of stature: 0.45-0.59 of
standing, and 0.39 for the tallest on a 35 cm seat. A squat held or cut at a bottom deeper than that (0.25-0.31 on the
synthetic squats, 0.24 on a real side-view squat) is not sitting. (EVALUATION.md §57.)"""
STS_MAX_TRUNK_DEG = 35.0
STS_MIN_BEHIND_HEELS = 0.5
"""A centre of mass this far behind the heels (foot lengths) at the bottom of the dips rests on a seat.

Unsupported, the body at rest keeps its centre of mass over the feet (Winter 1995, Gait Posture 3(4):193-214), so
a squat's stays between heel and toe. Half a foot (about 13 cm) is left for two errors: a quarter for a centre of
mass estimated from landmarks and average segments, a quarter for a camera rolled by up to 5° (the centre of mass,
about 0.6 m above the floor, then shifts about 5 cm, a fifth of a foot, along the image's x axis seen from the side).
First set at a quarter foot, raised to add the roll allowance after a review (EVALUATION §40)."""
LUNGE_MIN_SPLIT = 0.45
LIFT_MIN_TRUNK_DEG = 40.0
LIFT_MIN_HANDS_LOW = 0.5
BEND_MAX_KNEE_DEG = 30.0
MIN_STANCE_S = 2.0
"""One foot off the floor this long while the other stands still is a single-leg stance: a walking step's swing
lasts about 0.4 s (Perry & Burnfield 2010), a hurdle step's or a lunge's step under a second."""
MIN_CONFIDENCE = 0.5
"""Below this confidence the clip is "unrecognised" rather than scored as the nearest movement."""

SPREAD = {
    "knee_at_deepest": 15.0,
    "trunk_at_deepest": 10.0,
    "hands_below_knees": 0.25,
    "starts_low": 0.1,
    "trunk_when_low": 10.0,
    "foot_split": 0.15,
    "travel": 0.5,
    "excursion": 0.1,
    "approach": 0.1,
    "seated_ends": 15.0,
    "up_s": 0.5,
    "up_steps": 1.0,
    "one_leg_s": 0.5,
    "behind_heels_at_bottom": 0.1,
}
"""How far past its threshold a feature must lie to count as clearly met (its plausible spread between people
doing the same movement, plus the pose model's error: degrees, shares, hip-height ratios, leg or foot lengths)."""


@dataclass(frozen=True)
class Recognition:
    """The recognised movement, how confidently, and why."""

    movement: MovementResult
    """A supported movement, or ``"unrecognised"``."""
    confidence: float
    """0–1: how clearly the features fit the movement and stay clear of the other movements' rules."""
    nearest: Movement
    """The movement the rules would pick; equal to ``movement`` unless unrecognised."""
    reason: str | None = None
    """Why the clip was not recognised (``None`` when it was)."""


def soft_above(features: MotionFeatures, name: str, threshold: float, unmeasured: float = 0.5) -> float:
    """Degree (0–1) to which feature ``name`` lies above ``threshold``.

    Notes
    -----
    0.5 at the threshold, 1 (or 0) one :data:`SPREAD` above (or below) it,
    linear in between; ``unmeasured`` when the feature could not be measured:
    by default 0.5, which neither supports nor rules out the condition.
    """
    value = getattr(features, name)
    if not np.isfinite(value):
        return unmeasured
    return float(np.clip(0.5 + (value - threshold) / (2.0 * SPREAD[name]), 0.0, 1.0))


def compute_memberships(features: MotionFeatures) -> dict[Movement, float]:
    """How well the clip fits each movement's rule (0–1), margins included.

    Notes
    -----
    The rules of :func:`recognise_movement` read as fuzzy logic: a condition
    holds to the degree :func:`soft_above` gives, "and" is the minimum, "not"
    is one minus. A movement's degree includes "not" each rule checked before
    it, so a clip near another movement's threshold gets a low degree. A
    forward trunk whose knees cannot be measured is half a bend: with the
    hands above the knees, squat and bend then both hold to 0.5.
    """
    f = features
    forward = soft_above(f, "trunk_at_deepest", LIFT_MIN_TRUNK_DEG)
    bent_knees = soft_above(f, "knee_at_deepest", BEND_MAX_KNEE_DEG)
    lift_posture = min(forward, soft_above(f, "hands_below_knees", LIFT_MIN_HANDS_LOW))
    hinge = min(forward, 1.0 - bent_knees)
    split = soft_above(f, "foot_split", LUNGE_MIN_SPLIT)
    starts_seated = min(
        1.0 - soft_above(f, "starts_low", STS_MAX_START_HEIGHT, unmeasured=1.0),  # no held edge: no seated start
        soft_above(f, "starts_low", STS_MIN_SEAT_HEIGHT, unmeasured=0.0),  # lower than any chair: a squat's bottom
        1.0 - soft_above(f, "trunk_when_low", STS_MAX_TRUNK_DEG),
    )
    seated = max(starts_seated, soft_above(f, "behind_heels_at_bottom", STS_MIN_BEHIND_HEELS, unmeasured=0.0))
    upright = 1.0 - max(lift_posture, hinge)
    return {
        "lift": min(lift_posture, bent_knees),
        "bend": hinge,
        "lunge": min(upright, split),
        "sit-to-stand": min(upright, 1.0 - split, seated),
        "squat": min(upright, 1.0 - split, 1.0 - seated),
    }


def choose_movement(features: MotionFeatures) -> Movement:
    """Name the nearest movement from :class:`MotionFeatures` (the crisp rules).

    Notes
    -----
    The rules are checked in order: a forward-tilted trunk over nearly
    straight knees is a bend, wherever the hands reach (a squat lowers the
    hips by bending the knees, so it cannot be one); with bent knees and the
    hands below them it is a lift; feet split front to back is a lunge;
    starting or ending held low (at a seat's height) with an upright trunk, or with the centre of mass behind the
    heels at the bottom (a seat carries it), is sit-to-stand; anything else is a
    squat. The lift and the bend come before the lunge because a
    kettlebell deadlift seen obliquely can show its stance as a front-to-back
    split, while a lunge keeps the trunk upright and the hands above the knees.
    A deadlift filmed from its set-up position also starts low, but with the
    trunk well forward, so it is not mistaken for sitting.
    """
    f = features
    if f.trunk_at_deepest > LIFT_MIN_TRUNK_DEG:
        if f.knee_at_deepest < BEND_MAX_KNEE_DEG:
            return "bend"
        if f.hands_below_knees >= LIFT_MIN_HANDS_LOW:
            return "lift"
    if f.foot_split > LUNGE_MIN_SPLIT:
        return "lunge"
    held_on_a_seat = STS_MIN_SEAT_HEIGHT < f.starts_low < STS_MAX_START_HEIGHT
    starts_seated = held_on_a_seat and f.trunk_when_low < STS_MAX_TRUNK_DEG
    if starts_seated or f.behind_heels_at_bottom > STS_MIN_BEHIND_HEELS:
        return "sit-to-stand"
    return "squat"


def recognise_movement(features: MotionFeatures) -> Recognition:
    """Name the movement with a confidence, or ``"unrecognised"``.

    Notes
    -----
    The confidence is the smallest of three degrees (:func:`soft_above`):
    how well the features fit the chosen movement's rule and stay clear of
    the others' (:func:`compute_memberships`); that the body stays in place
    (hips travel less than :data:`MAX_TRAVEL_LEGS` across the frame, and the
    body does not walk :data:`MIN_APPROACH` nearer or further: more is
    walking); and that something moves up and down (a driver's range
    reaches the smallest rep, :data:`~movequal.core.reps.MIN_PROMINENCE`). Below
    :data:`MIN_CONFIDENCE` the clip is unrecognised, unless the body
    travelled: then it is walking, as confident as the travel is clear
    (whether steps can be measured is :func:`movequal.core.gait.analyse_gait`'s to say).
    Before all of these, a clip that starts and ends with the knees bent as in
    sitting (:data:`~movequal.core.tug.SEATED_KNEE_DEG`) and keeps the patient
    up for at least :data:`~movequal.core.tug.MIN_UP_S` in between, taking at
    least :data:`~movequal.core.tug.MIN_STEPS` steps then, is a timed
    up-and-go, with the lowest of those three degrees as its confidence (a
    slow sit-to-stand set or a lift held at lockout has no steps). Next, a
    clip in which one foot stays off the floor for :data:`MIN_STANCE_S` while
    the body stays in place is a single-leg stance. A tandem stance is not
    recognised: standing still with the feet close together looks the same
    from most views, so it must be named.
    """
    tug = min(
        soft_above(features, "seated_ends", SEATED_KNEE_DEG),
        soft_above(features, "up_s", MIN_UP_S),
        soft_above(features, "up_steps", MIN_STEPS - 0.5),
    )
    if tug > 0.5:  # seated at both ends and up for a walk in between: a timed up-and-go, wherever it walked
        return Recognition("tug", round(tug, 3), "tug")
    stance = min(soft_above(features, "one_leg_s", MIN_STANCE_S), 1.0 - soft_above(features, "travel", MAX_TRAVEL_LEGS))
    if stance > 0.5:  # standing on one leg, in place: a balance test
        return Recognition("single-leg-stance", round(stance, 3), "single-leg-stance")
    nearest = choose_movement(features)
    in_place = 1.0 - max(
        soft_above(features, "travel", MAX_TRAVEL_LEGS), soft_above(features, "approach", MIN_APPROACH)
    )
    moves = soft_above(features, "excursion", MIN_PROMINENCE)
    confidence = round(min(compute_memberships(features)[nearest], in_place, moves), 3)
    if confidence >= MIN_CONFIDENCE:
        return Recognition(nearest, confidence, nearest)
    if in_place < MIN_CONFIDENCE:  # travelling: walking, measured in passes and steps
        return Recognition("walk", round(1.0 - in_place, 3), "walk")
    if moves < MIN_CONFIDENCE:
        reason = "nothing moved up and down enough to make a repetition"
    else:
        reason = f"the movement did not clearly fit any supported movement (nearest: {nearest})"
    return Recognition(UNRECOGNISED, confidence, nearest, reason)


def feature_values(features: MotionFeatures) -> dict[str, float]:
    """Return the features by name (for evaluation tables)."""
    return {f.name: float(getattr(features, f.name)) for f in fields(features)}


def compute_driver(
    kin: Kinematics,
    movement: Movement,
    view: View,
    standing_height: float | None = None,
    rest: RestPosition | None = None,
) -> FloatArray:
    """Return the 0–1 "depth" signal whose peaks are repetitions (NaN where unmeasurable).

    Parameters
    ----------
    kin : Kinematics
        Series of the clip (or of the frames seen so far, when live).
    movement : Movement
        Its profile's ``driver`` says which signal to use.
    view : View
        Camera view: the trunk driver uses the 3D trunk angle outside side views.
    standing_height : float, optional
        Hip height when standing; the 95th percentile of the clip when omitted.
    rest : {"standing", "seated", "bottom"}, optional
        Where this set rests between reps (:func:`infer_rest`); the profile's
        position when omitted.

    Notes
    -----
    A ``"hip-drop"`` driver (squat, lunge) is the drop of the hips below
    standing height, scaled so half the standing height is 1. Sit-to-stand
    rests seated, so its ``"hip-rise"`` driver is the rise of the hips from the
    seated level (0 seated, 1 standing): each peak is a stand, and a rep runs
    seated → standing → seated. A sit-to-stand set that rests standing
    (stand → sit → stand) turns the same signal over: 0 standing, 1 seated,
    so each peak is a sit and a rep runs like a squat's. A
    ``"trunk-inclination"`` driver (lift, bend) is the trunk's forward lean
    over 90° (:func:`~movequal.core.kinematics.compute_forward_lean`: leaning
    back counts as upright). A lift set that rests at the bottom (reps floor → lockout →
    floor) turns it over, in the same units, from the clip's deepest level:
    each peak is a lockout. An ``"arm-elevation"`` driver (reaches) is the
    higher arm's elevation against the trunk over 180° (1 = straight overhead),
    from the 3D landmarks in every view: an arm raised sideways is invisible
    in a side view's image, one raised forward in a front view's. A
    ``"hand-reach"`` driver (a forward reach) is how far the more forward
    wrist is ahead of the ankles, in leg lengths (side views only).
    """
    driver = get_profile(movement).driver
    if driver == "arm-elevation":
        return np.asarray(compute_arm_elevation(kin, slice(None)) / 180.0)
    if driver == "hand-reach":
        return np.asarray(np.clip(kin.series["hand_reach"], 0.0, None))
    if driver == "trunk-inclination":
        inclination = np.asarray(compute_forward_lean(kin, view) / 90.0)
        if rest == "bottom" and np.isfinite(inclination).any():
            return np.asarray(np.clip(np.nanpercentile(inclination, 95) - inclination, 0.0, None))
        return inclination
    rest = rest or get_profile(movement).rest
    return _hip_driver(kin.series["hip_height"], driver == "hip-rise", standing_height, rest)


def _hip_driver(height: FloatArray, rise: bool, standing_height: float | None, rest: RestPosition) -> FloatArray:
    """Return the ``"hip-drop"`` or (``rise``) ``"hip-rise"`` driver of :func:`compute_driver` from the hip height."""
    if not np.isfinite(height).any():
        return np.full_like(height, np.nan)
    if standing_height is None:
        standing_height = float(np.nanpercentile(height, 95))
    if rise:
        seated = float(np.nanpercentile(height, 5))
        span = max(standing_height - seated, 1e-6)
        if rest == "standing":
            return np.asarray(np.clip((standing_height - height) / span, 0.0, None))
        return np.asarray(np.clip((height - seated) / span, 0.0, None))
    return np.asarray(np.clip((1.0 - height / standing_height) / 0.5, 0.0, None))
