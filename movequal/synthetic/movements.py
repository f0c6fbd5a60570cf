"""Per-movement joint trajectories, turned into feet, hips and trunk positions.

Squat, lift, bend and sit-to-stand use a sagittal kinematic chain from the
feet up: ankle dorsiflexion sets the shank, knee flexion the thigh, and a
balance rule picks the ankle angle that keeps the centre of mass over the
feet. The lunge moves the hips along a prescribed path and finds the knees by
inverse kinematics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.body import (
    C_HAT,
    C_LIMB,
    FWD,
    LEFT,
    M_HAT,
    M_SHANK,
    M_THIGH,
    UP,
    Body,
    foot_points,
    lumbar_bend_for,
    trunk_chord,
)
from movequal.synthetic.motion import Timeline, min_jerk, rep_progress, seated_progress
from movequal.synthetic.spec import SyntheticSpec

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
DEFAULT_HIP_SHARE = {"squat": 0.75, "lift": 0.65, "bend": 0.6, "sit-to-stand": 0.75, "lunge": 0.8, "walk": 0.5}
COM_AHEAD = 0.03
"""Balance target at the bottom: centre of mass this far (× H) ahead of the ankles, over mid-foot."""


@dataclass(frozen=True)
class Plan:
    """Everything the landmark assembly needs, per frame; side axis 0 = left, 1 = right.

    ``toe``, ``ankle``, ``heel`` and ``hip`` are (T, 2, 3) body-frame points;
    ``fppa`` (T, 2) the knee valgus to plant in degrees; ``pelvis_tilt`` and
    ``bend`` (T,) the pelvis inclination and lumbar arc bend in radians;
    ``arm_level`` (T,) drives the arm ``arms`` style; ``head_gain`` scales the
    head's forward tip with the thorax. Walking alone sets the last two:
    ``arm_swing`` (T, 2) the upper arms' angles from the vertical (rad, +
    forward) of the ``"swing"`` style, and ``lean`` (T,) the trunk's sideways
    lean (rad, + towards the left).
    """

    ankle: FloatArray
    heel: FloatArray
    toe: FloatArray
    hip: FloatArray
    fppa: FloatArray
    pelvis_tilt: FloatArray
    bend: FloatArray
    arms: str
    arm_level: FloatArray
    head_gain: float
    arm_swing: FloatArray | None = None
    lean: FloatArray | None = None


def _feet(toe: FloatArray, pitch: FloatArray, body: Body) -> tuple[FloatArray, FloatArray]:
    """Ankles and heels for (T, 2, 3) toes and (T, 2) pitches."""
    pairs = [foot_points(toe[:, s], pitch[:, s], body) for s in (0, 1)]
    return np.stack([p[0] for p in pairs], axis=1), np.stack([p[1] for p in pairs], axis=1)


def _standing_toes(n: int, body: Body) -> FloatArray:
    toe = np.zeros((n, 2, 3))
    toe[:, :, FWD] = body.foot - body.heel_back
    toe[:, 0, LEFT], toe[:, 1, LEFT] = body.hip_half, -body.hip_half
    return toe


def _trunk(tau: FloatArray, share: float, body: Body) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Pelvis tilt, lumbar bend (rad) and hip→shoulder chord (T, 2) for a trunk inclination ``tau``."""
    tilt = share * tau
    bend = lumbar_bend_for(tau - tilt)
    return tilt, bend, trunk_chord(tilt, bend, body)


def balance_ankle(kappa: FloatArray, chord_fwd: FloatArray, target: FloatArray, body: Body) -> FloatArray:
    """Shank inclination (rad) putting the centre of mass ``target`` metres ahead of the ankles.

    Notes
    -----
    With Winter's segment masses the horizontal centre of mass is linear in
    ``sin θ`` and ``sin(θ - κ)`` (θ shank inclination, κ knee flexion), i.e.
    ``R sin(θ - φ) + C``, so the balance rule has a closed form. Arms are
    lumped into the trunk (head-arms-trunk segment); the result is clipped to
    what the model can reach.
    """
    s, t = body.shank, body.thigh
    a = 2 * M_SHANK * (1 - C_LIMB) + 2 * M_THIGH * C_LIMB + 2 * M_THIGH * (1 - C_LIMB) + M_HAT
    b = 2 * M_THIGH * (1 - C_LIMB) + M_HAT
    const = M_HAT * C_HAT * chord_fwd
    sin_part = a * s + b * t * np.cos(kappa)
    cos_part = b * t * np.sin(kappa)
    return np.asarray(
        np.arctan2(cos_part, sin_part) + np.arcsin(np.clip((target - const) / np.hypot(sin_part, cos_part), -1.0, 1.0))
    )


def _hips_from_chain(
    ankle: FloatArray, kappa: FloatArray, theta: FloatArray, shift: FloatArray, body: Body
) -> FloatArray:
    """Hip joint centres (T, 2, 3) over ankles for knee flexion ``kappa`` (T, 2) and mean shank angle ``theta``.

    Notes
    -----
    The mean leg fixes the hips' forward position; each leg then takes the
    shank angle that reaches it with its own knee flexion, so a less flexed
    leg puts its hip higher (pelvic obliquity). A sideways ``shift`` of the
    pelvis keeps each hip–ankle distance (hence knee flexion) and lowers the
    hips instead.
    """
    s, t = body.shank, body.thigh
    mean_k = kappa.mean(axis=1)
    hip_x = ankle[:, :, FWD].mean(axis=1) + s * np.sin(theta) + t * np.sin(theta - mean_k)
    hip = np.empty_like(ankle)
    for side, lateral in ((0, body.hip_half), (1, -body.hip_half)):
        k = kappa[:, side]
        dx = hip_x - ankle[:, side, FWD]
        reach = np.hypot(s + t * np.cos(k), t * np.sin(k))
        th = np.arctan2(t * np.sin(k), s + t * np.cos(k)) + np.arcsin(np.clip(dx / reach, -1.0, 1.0))
        rise = s * np.cos(th) + t * np.cos(th - k)
        rise = np.sqrt(np.clip(rise**2 - shift**2, 0.0, None))
        hip[:, side] = np.stack([hip_x, ankle[:, side, UP] + rise, lateral + shift], axis=1)
    return hip


def _heel_pitch(lift: FloatArray, body: Body) -> FloatArray:
    return np.asarray(np.arcsin(np.clip(lift / body.foot, 0.0, 0.9)))


def chain_plan(tl: Timeline, spec: SyntheticSpec, body: Body) -> Plan:
    """Squat, lift or bend: hips, knees and trunk flex together from standing to the bottom."""
    f = spec.faults
    bottom_knee, bottom_trunk, arms, head = {
        "squat": (145.0, 36.0, "forward", 0.5),
        "lift": (95.0 + (15.0 - 95.0) * f.stoop, 50.0 + (85.0 - 50.0) * f.stoop, "load", 0.6),
        "bend": (10.0, 100.0, "hang", 0.9),
    }[spec.movement]
    legs, trunk_p = rep_progress(tl, f.hesitations, f.hips_rise_first)
    knee = np.radians(bottom_knee * f.depth_factor) * legs
    kappa = np.stack([knee, np.clip(knee - np.radians(f.asymmetry_deg) * legs, 0.0, None)], axis=1)
    tau = np.radians(bottom_trunk * f.depth_factor + f.trunk_lean_deg) * trunk_p
    share = DEFAULT_HIP_SHARE[spec.movement] if f.hip_share is None else f.hip_share
    tilt, bend, chord = _trunk(tau, share, body)
    toe = _standing_toes(len(tl.t), body)
    pitch = np.repeat(_heel_pitch(f.heel_lift * legs, body)[:, None], 2, axis=1)
    ankle, heel = _feet(toe, pitch, body)
    target = COM_AHEAD * body.height * legs - (ankle[:, :, FWD].mean(axis=1) - ankle[0, :, FWD].mean())
    theta = balance_ankle(kappa.mean(axis=1), chord[:, 0], target, body)
    hip = _hips_from_chain(ankle, kappa, theta, f.lateral_shift * body.leg * legs, body)
    fppa = np.repeat((f.valgus_deg * legs)[:, None], 2, axis=1)
    return Plan(ankle, heel, toe, hip, fppa, tilt, bend, arms, legs, head)


def sit_to_stand_plan(tl: Timeline, spec: SyntheticSpec, body: Body) -> Plan:
    """Seated → standing (the rep's turning point) → seated, with a forward trunk lean before seat-off.

    Notes
    -----
    Seated: knees 95°, shanks 10° forward, thighs about horizontal, trunk 10°
    forward (hip flexion ~95°). Rising, the trunk first leans to 40° with the
    hips still on the seat (the first 35 % of the rise), then knees and trunk
    extend together while the shank angle blends from its seated value to
    the balance rule's. Sitting down is the time reverse.
    """
    f = spec.faults
    rise = seated_progress(tl, spec)
    ext = min_jerk((rise - 0.35) / 0.65)
    lean = min_jerk(rise / 0.35)
    seated = 1.0 - ext
    knee = np.radians(95.0 * f.depth_factor) * seated
    kappa = np.stack([knee, np.clip(knee - np.radians(f.asymmetry_deg) * seated, 0.0, None)], axis=1)
    seat_trunk, off_trunk = np.radians(10.0), np.radians(40.0 * f.depth_factor + f.trunk_lean_deg)
    tau = (seat_trunk + (off_trunk - seat_trunk) * lean) * seated
    share = DEFAULT_HIP_SHARE[spec.movement] if f.hip_share is None else f.hip_share
    tilt, bend, chord = _trunk(tau, share, body)
    toe = _standing_toes(len(tl.t), body)
    pitch = np.repeat(_heel_pitch(f.heel_lift * seated, body)[:, None], 2, axis=1)
    ankle, heel = _feet(toe, pitch, body)
    target = COM_AHEAD * body.height * seated - (ankle[:, :, FWD].mean(axis=1) - ankle[0, :, FWD].mean())
    balanced = balance_ankle(kappa.mean(axis=1), chord[:, 0], target, body)
    seat_shank = np.radians(10.0) * seated
    theta = seat_shank + (balanced - seat_shank) * min_jerk((rise - 0.35) / 0.25)
    hip = _hips_from_chain(ankle, kappa, theta, f.lateral_shift * body.leg * seated, body)
    fppa = np.repeat((f.valgus_deg * seated)[:, None], 2, axis=1)
    return Plan(ankle, heel, toe, hip, fppa, tilt, bend, "crossed", seated, 0.5)
