"""Feet of a walk: heel rocker, flat foot, roll-off over the toe tip, swing to the next footprint.

Each stance runs heel strike → foot flat (the foot turns down about its
heel) → heel off (flat and still) → toe off (the foot turns up about its toe
tip); the swing carries the foot one stride forward. The foot is rigid, with
the heel, ankle and toe-tip geometry of :func:`movequal.synthetic.body.foot_points`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.motion import min_jerk
from movequal.synthetic.stride import STRIKE_PITCH, Pelvis, foot_offsets, reach

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

KNEE_TOE_OFF = np.radians(38.0)
"""Knee flexion at toe off; the roll-off over the toe is solved to reach it."""
KNEE_SWING = np.radians(62.0)
"""Peak knee flexion in swing."""
SWING_PEAK = 0.3
"""Fraction of the swing at which the knee is most flexed."""
LEVEL_AT = 0.5
"""Fraction of the swing at which the foot is level."""
KNEE_FLOOR = np.radians(3.0)
"""A knee extending at heel off turns before it is straighter than this."""
CLEARANCE = 0.012
"""Least height (× H) of the foot's lowest point in mid-swing, 2 cm for 1.75 m; earlier and later in
the swing it shrinks smoothly to 0 at toe off and heel strike. The knee-driven swing usually clears it."""
RAMP = 0.01
"""Width (× H) of the smooth ramp that lifts a foot which would swing too low."""
LANDING_SPEED = 0.5
"""Forward speed of the heel just before it lands, as a fraction of the walking speed (0.64 m/s by default)."""
RATE_STEP = 1e-4
"""Time step (s) of the finite differences that match knee and pitch rates across events."""


def _knee(hip: FloatArray, ankle: FloatArray, body: Body) -> FloatArray:
    """Knee flexion (rad) of a leg with (T, 3) hip and ankle."""
    t, s = body.thigh, body.shank
    d2 = np.sum((hip - ankle) ** 2, axis=-1)
    return np.asarray(np.pi - np.arccos(np.clip((t**2 + s**2 - d2) / (2.0 * t * s), -1.0, 1.0)))


def _point(forward: FloatArray, up: FloatArray | float, lateral: FloatArray | float) -> FloatArray:
    """Stack body-frame points (T, 3) ``lateral`` metres to the left (one value, or one per point)."""
    out = np.empty((len(forward), 3))
    out[:, FWD], out[:, UP], out[:, LEFT] = forward, up, lateral
    return out


def _lateral(pelvis: Pelvis, side: int) -> float:
    return (0.5 if side == 0 else -0.5) * pelvis.sch.step_width


def swing_out(s: FloatArray, pelvis: Pelvis, side: int) -> FloatArray | float:
    """Sideways offset (metres, + left) of a swinging foot at swing fractions ``s``: a planted circumduction.

    The foot swings ``pelvis.sch.swing_out[side]`` metres outwards at mid-swing along :func:`_bump`,
    leaving and landing on its line of progression; ``0.0`` (a float) when none is planted.
    """
    out = pelvis.sch.swing_out[side]
    if out == 0.0:
        return 0.0
    return (1.0 if side == 0 else -1.0) * out * _bump(s)


def _flat_knee(t: FloatArray, k: IntArray, pelvis: Pelvis, side: int, body: Body) -> FloatArray:
    """Knee flexion a flat foot on footprint ``k`` gives at times ``t``."""
    ankle_off, _ = foot_offsets(np.zeros(len(t)), body)
    ankle = _point(pelvis.sch.print_x[k] + ankle_off[:, 0], ankle_off[:, 1], _lateral(pelvis, side))
    return _knee(pelvis.hip(t, side), ankle, body)


def hermite(
    s: FloatArray, y0: FloatArray, m0: FloatArray, y1: FloatArray | float, m1: FloatArray | float = 0.0
) -> FloatArray:
    """Cubic on ``s`` in [0, 1] from value ``y0`` and slope ``m0`` to ``y1`` and ``m1`` (slopes per unit ``s``)."""
    s = np.clip(s, 0.0, 1.0)
    ease = s**2 * (3.0 - 2.0 * s)
    return np.asarray(y0 * (1.0 - ease) + y1 * ease + m0 * s * (1.0 - s) ** 2 - m1 * s**2 * (1.0 - s))


def roll_knee(t: FloatArray, k: IntArray, pelvis: Pelvis, side: int, body: Body) -> FloatArray:
    """Knee flexion (rad) prescribed between heel off and toe off of stance ``k``.

    From heel off the knee continues with the value and rate the flat foot
    had, then flexes quadratically to ``KNEE_TOE_OFF`` at toe off.
    """
    sch = pelvis.sch
    start, span = sch.heel_off[k], sch.toe_off[k] - sch.heel_off[k]
    knee0 = _flat_knee(start, k, pelvis, side, body)
    rate0 = (knee0 - _flat_knee(start - RATE_STEP, k, pelvis, side, body)) / RATE_STEP
    # A knee still extending at heel off keeps doing so only as long as it stays above KNEE_FLOOR.
    rate0 = np.maximum(rate0, -np.clip(knee0 - KNEE_FLOOR, 0.0, None) / span)
    lag = np.clip(t - start, 0.0, None)
    return np.asarray(knee0 + rate0 * lag + (KNEE_TOE_OFF - knee0 - rate0 * span) * (lag / span) ** 2)


def roll_pitch(t: FloatArray, k: IntArray, pelvis: Pelvis, side: int, body: Body) -> FloatArray:
    """Pitch (rad) of a foot rolling over its toe tip so that the knee follows :func:`roll_knee`.

    Notes
    -----
    The ankle turns on a circle about the toe tip and must lie at the leg's
    reach from the hip: two circles meeting give the pitch in closed form.
    """
    rel = pelvis.hip(t, side) - _point(pelvis.sch.print_x[k] + body.foot, 0.0, _lateral(pelvis, side))
    radius = np.hypot(body.foot - body.heel_back, body.ankle_h)
    rho = np.hypot(rel[:, FWD], rel[:, UP])
    q = (reach(roll_knee(t, k, pelvis, side, body), body) ** 2 - rel[:, LEFT] ** 2 - rho**2 - radius**2) / (2 * radius)
    gamma = np.arccos(np.clip(q / rho, -1.0, 1.0)) - np.arctan2(rel[:, UP], rel[:, FWD])
    # The heel never dips below the floor, even where the prescribed knee would want it.
    return np.asarray(np.maximum(gamma - np.arctan2(body.ankle_h, body.foot - body.heel_back), 0.0))


def _stance(t: FloatArray, k: IntArray, pelvis: Pelvis, side: int, body: Body) -> tuple[FloatArray, FloatArray]:
    """Heel (T, 2: forward, up) and pitch (T,) of a foot in stance ``k``."""
    sch = pelvis.sch
    loading = min_jerk((t - sch.strike[k]) / (sch.flat[k] - sch.strike[k]))
    on_toe = t >= sch.heel_off[k]
    pitch = np.where(on_toe, roll_pitch(t, k, pelvis, side, body), STRIKE_PITCH * (1.0 - loading))
    _, toe = foot_offsets(pitch, body)
    tip = np.stack([sch.print_x[k] + body.foot, np.zeros(len(t))], axis=-1)
    heel = np.stack([sch.print_x[k], np.zeros(len(t))], axis=-1)
    return np.where(on_toe[:, None], tip - toe, heel), pitch


def _toe_off_state(k: IntArray, pelvis: Pelvis, side: int, body: Body) -> tuple[FloatArray, ...]:
    """Knee, pitch and ankle forward position at toe off ``k``, and their rates (per second)."""
    sch = pelvis.sch
    values = []
    for t in (sch.toe_off[k], sch.toe_off[k] - RATE_STEP):
        pitch = roll_pitch(t, k, pelvis, side, body)
        ankle, toe = foot_offsets(pitch, body)
        values.append(
            (roll_knee(t, k, pelvis, side, body), pitch, sch.print_x[k] + body.foot + ankle[:, 0] - toe[:, 0])
        )
    now, before = values
    return (*now, *((a - b) / RATE_STEP for a, b in zip(now, before, strict=True)))


def swing_knee(s: FloatArray, knee0: FloatArray, slope0: FloatArray, landing: FloatArray) -> FloatArray:
    """Knee flexion (rad) over a swing: from toe off up to ``KNEE_SWING`` at ``SWING_PEAK``, down to ``landing``."""
    rise = hermite(s / SWING_PEAK, knee0, slope0 * SWING_PEAK, KNEE_SWING)
    fall = hermite((s - SWING_PEAK) / (1.0 - SWING_PEAK), np.full(len(s), KNEE_SWING), np.zeros(len(s)), landing)
    return np.where(s < SWING_PEAK, rise, fall)


def swing_pitch(s: FloatArray, pitch0: FloatArray, slope0: FloatArray) -> FloatArray:
    """Foot pitch (rad) over a swing: from toe off to level at ``LEVEL_AT``, then to the heel-strike pitch at rest."""
    slope = STRIKE_PITCH / (1.0 - LEVEL_AT)
    first = hermite(s / LEVEL_AT, pitch0, slope0 * LEVEL_AT, 0.0, slope * LEVEL_AT)
    second = hermite(
        (s - LEVEL_AT) / (1.0 - LEVEL_AT), np.zeros(len(s)), np.full(len(s), slope * (1.0 - LEVEL_AT)), STRIKE_PITCH
    )
    return np.where(s < LEVEL_AT, first, second)


def _swing(
    t: FloatArray, k: IntArray, land: IntArray, pelvis: Pelvis, *, side: int, body: Body
) -> tuple[FloatArray, FloatArray]:
    """Heel (T, 2) and pitch (T,) of a foot swinging from toe off ``k`` to heel strike ``land``.

    Notes
    -----
    The ankle moves along the walk and the foot turns by cubics that start
    with the roll-off's values and rates and end in the heel-strike pose:
    the foot has stopped turning, but the heel still moves forward at
    ``LANDING_SPEED`` and stops on impact, as a real heel nearly does. The
    knee follows :func:`swing_knee` to the flexion the leg has at heel
    strike, and the ankle's height is the one at which the leg has that
    knee flexion, so the foot lands exactly in the heel-strike pose. A foot
    that would swing lower than ``CLEARANCE`` is lifted smoothly.
    """
    sch = pelvis.sch
    duration = sch.strike[land] - sch.toe_off[k]
    s = np.clip((t - sch.toe_off[k]) / duration, 0.0, 1.0)
    knee0, pitch0, x0, knee_rate, pitch_rate, x_rate = _toe_off_state(k, pelvis, side, body)
    pitch = swing_pitch(s, pitch0, pitch_rate * duration)
    end_ankle, _ = foot_offsets(np.full(len(t), STRIKE_PITCH), body)
    landing_x = sch.print_x[land] + end_ankle[:, 0]
    ankle_x = hermite(s, x0, x_rate * duration, landing_x, LANDING_SPEED * sch.speed * duration)
    hip = pelvis.hip(t, side)
    landing_ankle = _point(landing_x, end_ankle[:, 1], _lateral(pelvis, side))
    landing = _knee(pelvis.hip(sch.strike[land], side), landing_ankle, body)
    knee = swing_knee(s, knee0, knee_rate * duration, landing)
    lateral = _lateral(pelvis, side) + swing_out(s, pelvis, side)
    room = reach(knee, body) ** 2 - (hip[:, FWD] - ankle_x) ** 2 - (hip[:, LEFT] - lateral) ** 2
    ankle_y = hip[:, UP] - np.sqrt(np.clip(room, 0.0, None))
    ankle, toe = foot_offsets(pitch, body)
    bump = _bump(s)
    clear = CLEARANCE * body.height * bump - (np.minimum(0.0, toe[:, 1]) - ankle[:, 1])
    ankle_y += _ramp(clear - ankle_y, RAMP * body.height * bump)
    return np.stack([ankle_x, ankle_y], axis=-1) - ankle, pitch


def _bump(s: FloatArray) -> FloatArray:
    """``16 s² (1 - s)²``: 0 with zero slope at both ends of [0, 1], 1 in the middle."""
    s = np.clip(s, 0.0, 1.0)
    return np.asarray(16.0 * s**2 * (1.0 - s) ** 2)


def _ramp(x: FloatArray, width: FloatArray) -> FloatArray:
    """Smooth ``max(x, 0)`` never below it: 0 up to ``-width / 2``, ``x`` from ``width / 2``, a parabola between."""
    z = x + 0.5 * width
    inside = (z > 0.0) & (z < width)
    bend = np.divide(z**2, 2.0 * width, out=np.zeros_like(z), where=inside)
    return np.asarray(np.where(z >= width, x, bend))


def foot_track(t: FloatArray, pelvis: Pelvis, side: int, body: Body) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Heel, ankle and toe tip (each (T, 3), body frame) of one foot at times ``t``.

    Parameters
    ----------
    t : ndarray, shape (T,)
        Times in seconds, within the schedule's simulated span.
    pelvis : Pelvis
        Hip trajectory and gait events.
    side : int
        0 left, 1 right.
    body : Body
        Foot and leg dimensions.

    Notes
    -----
    The heel stays exactly on its footprint from heel strike to heel off and
    the toe tip exactly on the floor from foot flat to toe off: the points
    bearing weight never slide.
    """
    sch = pelvis.sch
    own = np.flatnonzero(sch.foot == side)
    i = np.clip(np.searchsorted(sch.strike[own], t, side="right") - 1, 0, len(own) - 2)
    k, land = own[i], own[i + 1]
    swinging = t >= sch.toe_off[k]
    stance_heel, stance_pitch = _stance(t, k, pelvis, side, body)
    swing_heel, swing_pitch = _swing(t, k, land, pelvis, side=side, body=body)
    heel = np.where(swinging[:, None], swing_heel, stance_heel)
    pitch = np.where(swinging, swing_pitch, stance_pitch)
    ankle_off, toe_off = foot_offsets(pitch, body)
    lateral: FloatArray | float = _lateral(pelvis, side)
    if pelvis.sch.swing_out[side] != 0.0:  # a planted circumduction: the swinging foot arcs outwards
        s = np.clip((t - sch.toe_off[k]) / (sch.strike[land] - sch.toe_off[k]), 0.0, 1.0)
        lateral = lateral + np.where(swinging, swing_out(s, pelvis, side), 0.0)
    at_heel = _point(heel[:, 0], heel[:, 1], lateral)
    ankle = _point(heel[:, 0] + ankle_off[:, 0], heel[:, 1] + ankle_off[:, 1], lateral)
    toe = _point(heel[:, 0] + toe_off[:, 0], heel[:, 1] + toe_off[:, 1], lateral)
    return at_heel, ankle, toe
