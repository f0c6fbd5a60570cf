"""Feet and pelvis of a balance hold, per frame, in the body frame (forward, up, left; floor at 0).

Single-leg stance starts with the feet hip-width apart (ankles at ± the hip
half-width, forward 0); tandem stance with both ankles on the midline, the
front one a foot length ahead of the back one, so the front heel touches the
back toe. The pelvis follows a *base* path (weight shifts, the stance foot's
move) plus the planted sway: the body sways as an inverted pendulum about
the stance ankle(s), so the mid-hip moves ``leg / h`` times the centre of
mass's sway, ``h`` the height of the centre of mass above the ankle joints.
The stance legs stay straight; the hips sit as high as the planted legs
reach (tandem: a little less, both knees slightly bent; :func:`soft_min`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.balance_spec import SLIDE_S, STEP_HEIGHT, STEP_S, WEIGHT_SHIFT_S, Balance, BalanceLayout
from movequal.synthetic.body import (
    C_HAT,
    C_LIMB,
    FWD,
    LEFT,
    M_FOOT,
    M_HAT,
    M_SHANK,
    M_THIGH,
    UP,
    Body,
    foot_points,
    trunk_chord,
)
from movequal.synthetic.motion import min_jerk

FloatArray = NDArray[np.float64]

LIFT_HIP_DEG = 10.0
"""Hip flexion of the lifted leg at full lift; the knee flexes as much as the lift height needs."""
LIFT_PITCH_DEG = 20.0
"""Toe-down pitch of the lifted foot at full lift (the foot hangs from the flexed knee; its toe is lowest)."""
M_LEG = M_THIGH + M_SHANK + M_FOOT
SOFT_MIN_M = 0.004
"""Smoothing of the tandem hips' height: both knees bend about 11° (1.75 m body) with equal reach, never snapping."""


@dataclass(frozen=True)
class Motion:
    """Per-frame feet (T, 2, 3; side 0 left), hips (T, 2, 3) and pendulum angles (T,) (ML, AP) in radians.

    ``origin`` (forward, left) is the point the truth's positions are
    measured from; ``weight_shift`` the single-leg pre-lift pelvis shift.
    """

    ankle: FloatArray
    heel: FloatArray
    toe: FloatArray
    hip: FloatArray
    lean: FloatArray
    tilt: FloatArray
    origin: tuple[float, float]
    weight_shift: float


def sign_of(side: str) -> float:
    """+1 for the left side (the body frame's + left axis), -1 for the right."""
    return 1.0 if side == "left" else -1.0


def _ramp(t: FloatArray, start: float | None, span: float) -> FloatArray:
    """Min-jerk 0 → 1 over ``[start, start + span]``; 0 everywhere when ``start`` is None."""
    return np.zeros(len(t)) if start is None else min_jerk((t - start) / span)


def _leg_com_height(body: Body) -> float:
    """Height of one straight standing leg's centre of mass (thigh, shank, foot on the floor)."""
    hip = body.ankle_h + body.leg
    thigh = hip - C_LIMB * body.thigh
    shank = body.ankle_h + (1.0 - C_LIMB) * body.shank
    return (M_THIGH * thigh + M_SHANK * shank) / M_LEG


def pendulum_height(body: Body) -> float:
    """Standing centre of mass above the ankle joints (Winter's masses, arms in the trunk): about 0.54 H."""
    chord = float(trunk_chord(np.zeros(1), np.zeros(1), body)[0, 1])
    hat = body.ankle_h + body.leg + C_HAT * chord
    return M_HAT * hat + 2.0 * M_LEG * _leg_com_height(body) - body.ankle_h


def lifted_gain(body: Body) -> float:
    """Extra pendulum height while one leg hangs from its hip: its mass moves with the hip, not about the ankle."""
    return M_LEG * (body.ankle_h + body.leg - _leg_com_height(body))


def support_offset(body: Body) -> float:
    """Pelvis beyond the stance ankle (towards the stance side) that puts the centre of mass over it on one leg.

    Notes
    -----
    The stance leg is straight from its ankle to its hip, the other hangs
    under its own hip; with Winter's masses the sideways balance of the
    trunk, both legs and the pelvis's offset ``p`` solves to
    ``p = a (m_leg - m_thigh c_t - m_shank c_s) / K`` (``a`` the hip
    half-width, ``c`` the segment centres' weights on the hip end, ``K``
    the mass moving with the pelvis): about 0.075 ``a``.
    """
    c_thigh = 1.0 - C_LIMB * body.thigh / body.leg
    c_shank = 1.0 - (body.thigh + C_LIMB * body.shank) / body.leg
    moving = M_HAT + M_THIGH * c_thigh + M_SHANK * c_shank + M_LEG
    return body.hip_half * (M_LEG - M_THIGH * c_thigh - M_SHANK * c_shank) / moving


def flat_foot(n: int, fwd: FloatArray, left: FloatArray, clearance: FloatArray, body: Body) -> tuple[FloatArray, ...]:
    """Ankle, heel and toe tip (each (T, 3)) of a level foot, ankle at ``fwd``/``left``, sole ``clearance`` up."""
    toe = np.zeros((n, 3))
    toe[:, FWD] = fwd + body.foot - body.heel_back
    toe[:, UP] = clearance
    toe[:, LEFT] = left
    ankle, heel = foot_points(toe, np.zeros(n), body)
    return ankle, heel, toe


def _hanging_foot(
    progress: FloatArray, rest: FloatArray, under_hip: FloatArray, body: Body, spec: Balance
) -> tuple[FloatArray, ...]:
    """Place the lifted foot: from its floor place ``rest`` (T, 2: forward, left) towards ``under_hip`` by ``progress``.

    Its toe tip rises to ``lift_height_m`` and the foot pitches toe-down to
    ``LIFT_PITCH_DEG``, both by ``progress``.
    """
    pitch = np.radians(LIFT_PITCH_DEG) * progress
    place = rest + (under_hip - rest) * progress[:, None]
    to_ankle = body.foot - body.heel_back
    toe = np.zeros((len(progress), 3))
    toe[:, FWD] = place[:, 0] + to_ankle * np.cos(pitch) - body.ankle_h * np.sin(pitch)
    toe[:, UP] = spec.lift_height_m * progress
    toe[:, LEFT] = place[:, 1]
    ankle, heel = foot_points(toe, pitch, body)
    return ankle, heel, toe


def lift_reach(spec: Balance, body: Body, shift: float) -> float:
    """Forward offset of the lifted ankle from its hip at full lift (negative: behind), thigh at ``LIFT_HIP_DEG``.

    Raises
    ------
    ValueError
        If the lift height cannot be reached with the shank hanging from the knee.
    """
    phi, pitch = np.radians(LIFT_HIP_DEG), np.radians(LIFT_PITCH_DEG)
    hip_up = body.ankle_h + np.sqrt(body.leg**2 - shift**2)
    ankle_up = spec.lift_height_m + (body.foot - body.heel_back) * np.sin(pitch) + body.ankle_h * np.cos(pitch)
    drop = hip_up - body.thigh * np.cos(phi) - ankle_up
    if not abs(drop) < 0.95 * body.shank:
        expected = f"a height a {body.height} m body reaches (shank 18°–162° from hanging straight down)"
        raise ValueError(f"lift_height_m: expected {expected}, got {spec.lift_height_m!r}")
    return float(body.thigh * np.sin(phi) - np.sqrt(body.shank**2 - drop**2))


def _hips(pelvis: FloatArray, hip_up: FloatArray, body: Body) -> FloatArray:
    """Hip joints (T, 2, 3) of a level pelvis at (T, 2) (forward, left) and height ``hip_up``."""
    hip = np.zeros((len(pelvis), 2, 3))
    for s, outward in ((0, 1.0), (1, -1.0)):
        hip[:, s, FWD] = pelvis[:, 0]
        hip[:, s, UP] = hip_up
        hip[:, s, LEFT] = pelvis[:, 1] + outward * body.hip_half
    return hip


def _reach(ankle: FloatArray, pelvis: FloatArray, outward: float, body: Body) -> FloatArray:
    """Highest hip (T,) a straight leg from ``ankle`` (T, 3) reaches under a pelvis at (forward, left)."""
    dx = pelvis[:, 0] - ankle[:, FWD]
    dz = pelvis[:, 1] + outward * body.hip_half - ankle[:, LEFT]
    return np.asarray(ankle[:, UP] + np.sqrt(np.clip(body.leg**2 - dx**2 - dz**2, 0.0, None)))


def soft_min(a: FloatArray, b: FloatArray) -> FloatArray:
    """Smooth lower bound of ``min(a, b)``: ``SOFT_MIN_M`` below it when equal, tending to it as they part.

    Notes
    -----
    With a hard minimum the leg that is not the shorter one would straighten
    and bend by 10° and more with every millimetre of sway (a knee near full
    extension shortens the leg with the square of its flexion).
    """
    return np.asarray(0.5 * (a + b) - np.sqrt(0.25 * (a - b) ** 2 + SOFT_MIN_M**2))


def _angles(sway: FloatArray, lifted: FloatArray, body: Body) -> tuple[FloatArray, FloatArray]:
    """Pendulum angles (ML lean, AP tilt) for centre-of-mass sway (T, 2), one leg hanging by ``lifted``."""
    height = pendulum_height(body) + lifted_gain(body) * lifted
    return sway[:, 0] / height, sway[:, 1] / height


def single_leg(t: FloatArray, spec: Balance, lay: BalanceLayout, sway: FloatArray, body: Body) -> Motion:
    """Plan single-leg stance (see the module docstring and :class:`Balance`)."""
    n, a = len(t), body.hip_half
    out = sign_of(spec.side) * -1.0  # the stance side
    stance = 0 if out > 0 else 1
    shift = a + support_offset(body) if spec.weight_shift_m is None else spec.weight_shift_m
    slide = out * spec.stance_move_m * _ramp(t, lay.move_start, SLIDE_S)
    stance_ankle, stance_heel, stance_toe = flat_foot(n, np.zeros(n), out * a + slide, np.zeros(n), body)
    on_one = _ramp(t, lay.shift_start, WEIGHT_SHIFT_S) - _ramp(t, lay.touch_down, WEIGHT_SHIFT_S)
    progress = min_jerk((t - lay.hold_start) / spec.lift_s) - _ramp(t, lay.lower_start, spec.lift_s)
    lean, tilt = _angles(sway, progress, body)
    pelvis = np.zeros((n, 2))
    pelvis[:, 1] = out * shift * on_one + slide + lean * body.leg
    pelvis[:, 0] = tilt * body.leg
    hip_up = _reach(stance_ankle, pelvis, out, body)
    rest = np.stack([np.zeros(n), -out * a + slide], axis=1)
    reach = lift_reach(spec, body, shift)
    under_hip = np.stack([pelvis[:, 0] + reach, pelvis[:, 1] - out * a], axis=1)
    feet = [(stance_ankle, stance_heel, stance_toe), _hanging_foot(progress, rest, under_hip, body, spec)]
    order = (feet[0], feet[1]) if stance == 0 else (feet[1], feet[0])
    ankle, heel, toe = (np.stack([order[0][j], order[1][j]], axis=1) for j in range(3))
    return Motion(ankle, heel, toe, _hips(pelvis, hip_up, body), lean, tilt, (0.0, out * a), shift)


def _step(t: FloatArray, begin: float | None, start: FloatArray, end: FloatArray, body: Body) -> tuple[FloatArray, ...]:
    """Place a level foot at ``start`` (forward, left), stepping to ``end`` over ``STEP_S`` from ``begin`` if set."""
    u = np.zeros(len(t)) if begin is None else np.clip((t - begin) / STEP_S, 0.0, 1.0)
    place = start + (end - start) * min_jerk(u)[:, None]
    return flat_foot(len(t), place[:, 0], place[:, 1], STEP_HEIGHT * np.sin(np.pi * u) ** 2, body)


def tandem(t: FloatArray, spec: Balance, lay: BalanceLayout, sway: FloatArray, body: Body) -> Motion:
    """Plan tandem stance and, unless censored, its ending step (see :class:`Balance`)."""
    n, a, half = len(t), body.hip_half, 0.5 * body.foot
    front_out = sign_of(spec.side)
    front = 0 if front_out > 0 else 1
    places = {front: np.array([half, 0.0]), 1 - front: np.array([-half, 0.0])}
    final = dict(places)
    stance = front
    if spec.ends_with == "touch-down":
        stance, final[front] = 1 - front, np.array([-half, front_out * 2.0 * a])
    elif spec.ends_with == "stance-move":
        final[1 - front] = np.array([-half, -front_out * spec.stance_move_m])
    stance_out = 1.0 if stance == 0 else -1.0
    over = np.array([places[stance][0], stance_out * support_offset(body)])
    middle = 0.5 * (final[0] + final[1])
    base = over[None] * _ramp(t, lay.shift_start, WEIGHT_SHIFT_S)[:, None]
    base = base + (middle - over)[None] * _ramp(t, lay.touch_down, WEIGHT_SHIFT_S)[:, None]
    lean, tilt = _angles(sway, np.zeros(n), body)
    pelvis = base + body.leg * np.stack([tilt, lean], axis=1)
    moving = [lay.move_start if np.any(final[s] != places[s]) else None for s in (0, 1)]
    feet = [_step(t, moving[s], places[s], final[s], body) for s in (0, 1)]
    ankle, heel, toe = (np.stack([feet[0][j], feet[1][j]], axis=1) for j in range(3))
    hip_up = soft_min(_reach(ankle[:, 0], pelvis, 1.0, body), _reach(ankle[:, 1], pelvis, -1.0, body))
    return Motion(ankle, heel, toe, _hips(pelvis, hip_up, body), lean, tilt, (0.0, 0.0), 0.0)
