"""Timed up-and-go: the sit-to-stand and walk plans blended, turned on the spot and carried across the room.

The subject is planned in a *local* body frame that turns with them: the
stand-up and sit-down come from :func:`~movequal.synthetic.movements.sit_to_stand_plan`
(standing still in between), the walking from
:func:`~movequal.synthetic.walk.walk_plan` with its forward progression taken
out. Two amplitudes blend them: ``travel`` (fore-aft and sideways excursions
of the feet and hips relative to the pelvis; the local frame moves forward at
``travel`` times the walking speed) and ``lift`` (heights, foot pitch, trunk
posture, arm swing). At a turn ``travel`` is 0 and ``lift`` ``LIFT_TURN``:
the subject steps on the spot while the local frame yaws 180°.

The *room* frame is the local frame at the first frame (forward = the
initial facing); the chair is at its origin (the seated hip mid-point over
the origin). The generator films room-frame landmarks; ground-truth angles
are computed in the local frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.motion import Timeline, hesitation_warp, min_jerk
from movequal.synthetic.movements import Plan, sit_to_stand_plan
from movequal.synthetic.spec import SyntheticSpec
from movequal.synthetic.stride import Pelvis, foot_offsets
from movequal.synthetic.tug_spec import TugLayout
from movequal.synthetic.walk import HEAD_GAIN, walk_plan

FloatArray = NDArray[np.float64]

SEAT_OFF = 0.35
"""Rise progress at which :func:`sit_to_stand_plan` lifts the hips off the seat (its trunk lean peaks there)."""
DWELL = 0.08
"""Half of the standing turning point of a sit-to-stand rep, as a fraction of the rep (``seated_progress``)."""
SEAT_KNEE_DEG = 95.0
"""Seated knee flexion of :func:`sit_to_stand_plan` at ``depth_factor`` 1."""
SEAT_SHANK = np.radians(10.0)
"""Seated shank inclination of :func:`sit_to_stand_plan`."""
HIP_ABOVE_SEAT = 0.05
"""Hip joint centre above the seat surface (× H), about 9 cm for 1.75 m (ischial tuberosities and soft tissue)."""
SEAT_KNEE_RANGE = (70.0, 120.0)
"""Seated knee flexions (degrees) a chair may ask for; outside it the feet would dangle or the knees jam."""
LIFT_TURN = 0.5
"""Step height while turning on the spot, as a fraction of the steady walk's."""
WARP_SAMPLES = 20001
"""Samples on which the hesitation warp is inverted (exact to ~1e-5 of a phase)."""


@dataclass(frozen=True)
class TugMotion:
    """A planned TUG: the local-frame plan and what carries it across the room, per frame.

    ``yaw`` (rad, + towards the initial left) turns the local frame about the
    vertical through its origin (between the standing feet) and ``shift``
    (T, 3) moves that origin in the room. ``pelvis`` is the walk's, on the
    walk clock ``t - layout.upright``.
    """

    plan: Plan
    yaw: FloatArray
    shift: FloatArray
    travel: FloatArray
    lift: FloatArray
    pelvis: Pelvis
    seat_off: float


def warp_inverse(level: float, count: int) -> float:
    """Phase ``x`` in [0, 1] at which :func:`hesitation_warp` reaches ``level`` (it is increasing)."""
    x = np.linspace(0.0, 1.0, WARP_SAMPLES)
    return float(np.interp(level, hesitation_warp(x, count), x))


def seat_depth(chair_height: float, body: Body) -> float:
    """``depth_factor`` that makes :func:`sit_to_stand_plan` sit with the hips ``HIP_ABOVE_SEAT`` over the seat.

    Raises
    ------
    ValueError
        If that needs a seated knee flexion outside ``SEAT_KNEE_RANGE``.

    Notes
    -----
    With the seated shank at ``SEAT_SHANK`` the hip height is ``ankle height
    + shank cos θ + thigh cos(θ - κ)``, solved here for the knee flexion κ.
    """
    hip = chair_height + HIP_ABOVE_SEAT * body.height
    ratio = (hip - body.ankle_h - body.shank * np.cos(SEAT_SHANK)) / body.thigh
    knee = np.degrees(SEAT_SHANK + np.arccos(np.clip(ratio, -1.0, 1.0)))
    low, high = SEAT_KNEE_RANGE
    expected = f"a seat that gives a knee flexion in [{low:.0f}, {high:.0f}]° for a {body.height} m body"
    if not (abs(ratio) < 1.0 and low <= knee <= high):
        raise ValueError(f"chair_height_m: expected {expected}, got {chair_height!r} ({knee:.0f}°)")
    return float(knee / SEAT_KNEE_DEG)


def rise_timeline(t: FloatArray, lay: TugLayout, spec: SyntheticSpec) -> Timeline:
    """One sit-to-stand rep stretched over the whole clip: up at ``lean_onset``, down from ``lowering_onset``.

    Notes
    -----
    The rep's rise runs over ``[0, 0.5 - DWELL]`` of its phase and its
    descent over ``[0.5 + DWELL, 1]``; in between the subject stands. The
    stand-up maps ``stand_up_s`` onto the whole rise; the sit-down maps
    ``sit_down_s`` onto the descent up to the hips touching the seat, so the
    trunk's return to its seated lean continues afterwards.
    """
    tug, half = spec.tug, 0.5 - DWELL
    up = np.clip((t - lay.lean_onset) / tug.stand_up_s, 0.0, 1.0)
    lowering = tug.sit_down_s / warp_inverse(1.0 - SEAT_OFF, spec.faults.hesitations)
    down = np.clip((t - lay.lowering_onset) / lowering, 0.0, 1.0)
    u = np.where(t < lay.lowering_onset, half * up, 0.5 + DWELL + half * down)
    return Timeline(t=t, rep=np.zeros(len(t), dtype=np.int64), u=u, windows=[])


def static_plan(t: FloatArray, lay: TugLayout, spec: SyntheticSpec, body: Body) -> Plan:
    """Seated → stand-up → standing → sit-down → seated, feet fixed (ankles' mid-point at the local origin)."""
    depth = seat_depth(spec.tug.chair_height_m, body)
    sts = replace(spec, movement="sit-to-stand", faults=replace(spec.faults, depth_factor=depth))
    return sit_to_stand_plan(rise_timeline(t, lay, sts), sts, body)


def _ramp(t: FloatArray, start: float, span: float) -> FloatArray:
    return min_jerk((t - start) / span)


def amplitudes(t: FloatArray, lay: TugLayout) -> tuple[FloatArray, FloatArray]:
    """``travel`` and ``lift`` (T,), each 0 at rest and 1 in the steady walk (see the module docstring).

    Notes
    -----
    Both rise together after ``upright`` and fall before each turn over
    ``ramp_s`` (``travel`` to 0, ``lift`` to ``LIFT_TURN``); after the
    second turn ``lift`` dies out over ``STOP_STEPS`` step times, ending
    at ``lowering_onset``.
    """
    r, drop = lay.ramp_s, 1.0 - LIFT_TURN
    up1, down1 = _ramp(t, lay.upright, r), _ramp(t, lay.turn_start - r, r)
    up2, down2 = _ramp(t, lay.turn_end, r), _ramp(t, lay.sit_turn_start - r, r)
    stop = _ramp(t, lay.sit_turn_end, lay.lowering_onset - lay.sit_turn_end)
    travel = up1 - down1 + up2 - down2
    lift = up1 - drop * (down1 - up2 + down2) - LIFT_TURN * stop
    return np.asarray(travel), np.asarray(lift)


def _ramp_integral(t: FloatArray, start: float, span: float) -> FloatArray:
    """Integral of ``min_jerk((s - start) / span)`` over ``s`` up to ``t``."""
    x = (t - start) / span
    inside = np.clip(x, 0.0, 1.0)
    return np.asarray(span * np.where(x > 1.0, x - 0.5, inside**4 * (2.5 - 3.0 * inside + inside**2)))


def room_shift(t: FloatArray, lay: TugLayout, seat_x: float) -> FloatArray:
    """Room position (T, 3) of the local origin: out along +forward, back along -forward, in closed form.

    Notes
    -----
    ``travel`` is 0 during the turns, so the origin moves only along the
    room's forward axis; both walks integrate the same ramps and steady
    span, so the subject ends exactly where they started, ``-seat_x``
    ahead of the chair.
    """
    r = lay.ramp_s
    out = _ramp_integral(t, lay.upright, r) - _ramp_integral(t, lay.turn_start - r, r)
    back = _ramp_integral(t, lay.turn_end, r) - _ramp_integral(t, lay.sit_turn_start - r, r)
    shift = np.zeros((len(t), 3))
    shift[:, FWD] = -seat_x + lay.speed_m_s * (out - back)
    return shift


def yaw_angle(t: FloatArray, lay: TugLayout, spec: SyntheticSpec) -> FloatArray:
    """Heading of the local frame (rad, + towards the initial left): 0, then π after the turn, 2π after the second."""
    tug = spec.tug
    sign = 1.0 if tug.turn_direction == "left" else -1.0
    turns = _ramp(t, lay.turn_start, tug.turn_s) + _ramp(t, lay.sit_turn_start, tug.sit_turn_s)
    return np.asarray(sign * np.pi * turns)


def walk_part(t: FloatArray, lay: TugLayout, spec: SyntheticSpec, body: Body, hip_x: float) -> tuple[Plan, Pelvis]:
    """Plan the walk on the clock ``t - upright`` (held outside the walking span), hips held at forward ``hip_x``.

    Notes
    -----
    The walk's own forward progression is subtracted from every point, so
    a stance foot slides backwards at the walking speed in the local frame;
    :func:`room_shift` moves the frame forward at the same speed.
    """
    clock = np.clip(t - lay.upright, 0.0, lay.lowering_onset - lay.upright)
    walk_spec = replace(spec, movement="walk", gait=replace(spec.tug.gait, steps=lay.steps))
    plan, pelvis = walk_plan(clock, walk_spec, body)
    offset = plan.hip[:, :, FWD].mean(axis=1) - hip_x
    moved = {}
    for name in ("ankle", "heel", "toe", "hip"):
        points = getattr(plan, name).copy()
        points[..., FWD] -= offset[:, None]
        moved[name] = points
    return replace(plan, **moved), pelvis


def _mix(a: FloatArray, b: FloatArray, w: FloatArray) -> FloatArray:
    """Return ``a + (b - a) w``, ``w`` (T,) broadcast over the trailing axes."""
    weight = w.reshape(w.shape + (1,) * (a.ndim - 1))
    return np.asarray(a + (b - a) * weight)


def _mix_points(a: FloatArray, b: FloatArray, travel: FloatArray, lift: FloatArray) -> FloatArray:
    """Blend (T, 2, 3) points: forward and sideways by ``travel``, height by ``lift``."""
    out = _mix(a, b, travel)
    out[..., UP] = _mix(a[..., UP], b[..., UP], lift)
    return out


def within_reach(hip: FloatArray, ankle: FloatArray, body: Body) -> FloatArray:
    """Lower the hips (T, 2, 3) where a blended leg would be longer than thigh + shank."""
    room = body.leg**2 - np.sum((hip - ankle)[..., [FWD, LEFT]] ** 2, axis=-1)
    ceiling = np.min(ankle[..., UP] + np.sqrt(np.clip(room, 0.0, None)), axis=1)
    out = hip.copy()
    out[..., UP] = np.minimum(hip[..., UP], ceiling[:, None])
    return out


def blend(static: Plan, walk: Plan, travel: FloatArray, lift: FloatArray, body: Body) -> Plan:
    """Blend the static and walk plans by ``travel`` and ``lift`` (both (T,); see the module docstring).

    Notes
    -----
    The feet stay rigid: heel and toe-tip heights are blended (by ``lift``;
    both are above the floor in both plans, so they stay so), the pitch
    follows from their difference, and ankle and toe tip are rebuilt from
    the blended heel. The arms swing by ``lift`` times the walk's angles and
    hang straight down at rest, the walk's ``arms`` style throughout, so the
    arms never switch style.
    """
    heel = _mix_points(static.heel, walk.heel, travel, lift)
    rise = _mix(static.heel[..., UP] - static.toe[..., UP], walk.heel[..., UP] - walk.toe[..., UP], lift)
    pitch = np.arcsin(np.clip(rise / body.foot, -1.0, 1.0))
    ankle_off, toe_off = foot_offsets(pitch, body)
    ankle, toe = heel.copy(), heel.copy()
    ankle[..., [FWD, UP]] += ankle_off
    toe[..., [FWD, UP]] += toe_off
    hip = within_reach(_mix_points(static.hip, walk.hip, travel, lift), ankle, body)
    assert walk.arm_swing is not None and walk.lean is not None
    return Plan(
        ankle=ankle,
        heel=heel,
        toe=toe,
        hip=hip,
        fppa=_mix(static.fppa, np.zeros_like(static.fppa), lift),
        pelvis_tilt=_mix(static.pelvis_tilt, walk.pelvis_tilt, lift),
        bend=_mix(static.bend, walk.bend, lift),
        arms="swing",
        arm_level=np.zeros(len(hip)),
        head_gain=HEAD_GAIN,
        arm_swing=walk.arm_swing * lift[:, None],
        lean=walk.lean * lift,
    )


def tug_motion(t: FloatArray, lay: TugLayout, spec: SyntheticSpec, body: Body) -> TugMotion:
    """Plan a TUG at frame times ``t`` (see the module docstring)."""
    static = static_plan(t, lay, spec, body)
    standing = static_plan(np.array([lay.upright]), lay, spec, body)
    walk, pelvis = walk_part(t, lay, spec, body, float(standing.hip[0, :, FWD].mean()))
    travel, lift = amplitudes(t, lay)
    seated = static_plan(np.array([0.0]), lay, spec, body)
    seat_x = float(seated.hip[0, :, FWD].mean())
    hesitation = warp_inverse(SEAT_OFF, spec.faults.hesitations)
    return TugMotion(
        plan=blend(static, walk, travel, lift, body),
        yaw=yaw_angle(t, lay, spec),
        shift=room_shift(t, lay, seat_x),
        travel=travel,
        lift=lift,
        pelvis=pelvis,
        seat_off=lay.lean_onset + spec.tug.stand_up_s * hesitation,
    )


def to_room(points: FloatArray, yaw: FloatArray, shift: FloatArray) -> FloatArray:
    """Turn local-frame points (T, N, 3) by ``yaw`` about the vertical and move them by ``shift`` (T, 3).

    Notes
    -----
    The frames are left-handed (forward, up, left): turning towards the
    left by ψ maps local forward to ``(cos ψ, 0, sin ψ)`` and local left to
    ``(-sin ψ, 0, cos ψ)``.
    """
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    out = np.empty_like(points)
    out[..., FWD] = c * points[..., FWD] - s * points[..., LEFT]
    out[..., LEFT] = s * points[..., FWD] + c * points[..., LEFT]
    out[..., UP] = points[..., UP]
    return np.asarray(out + shift[:, None, :])
