"""Alternating forward lunge: step forward, lower both knees to ~90°, push back to standing."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.motion import Timeline, half_phases, hesitation_warp, min_jerk
from movequal.synthetic.movements import DEFAULT_HIP_SHARE, Plan, _feet, _heel_pitch, _standing_toes, _trunk
from movequal.synthetic.spec import SyntheticSpec

FloatArray = NDArray[np.float64]

STEP = 0.47
"""Ankle-to-ankle distance along the facing direction at the bottom (× H), ~0.8 m for 1.75 m."""
SWING = 0.04
"""Toe clearance at mid-step (× H)."""
BACK_PITCH = np.radians(40.0)
"""The back foot ends on its toes, heel raised by this pitch."""
FRONT_KNEE = 90.0
"""Front knee flexion at the bottom (degrees), before ``depth_factor``."""
LANDING_KNEE = 15.0
"""The leading knee is at least this flexed (degrees) while the hips pass over the step."""
TRUNK = 8.0
"""Forward trunk inclination at the bottom (degrees)."""


def _reach(knee: FloatArray | float, body: Body) -> FloatArray:
    """Hip–ankle distance of a leg with ``knee`` flexion (radians)."""
    t, s = body.thigh, body.shank
    return np.asarray(np.sqrt(t**2 + s**2 + 2 * t * s * np.cos(knee)))


def _height_within(ankle: FloatArray, hip_xl: FloatArray, reach: FloatArray | float) -> FloatArray:
    """Highest hip above ``ankle`` (T, 3) at horizontal position ``hip_xl`` (T, 2: forward, left) within ``reach``."""
    dx = hip_xl[:, 0] - ankle[:, FWD]
    dl = hip_xl[:, 1] - ankle[:, LEFT]
    return np.asarray(ankle[:, UP] + np.sqrt(np.clip(np.asarray(reach) ** 2 - dx**2 - dl**2, 0.0, None)))


def lunge_plan(tl: Timeline, spec: SyntheticSpec, body: Body) -> Plan:
    """Forward lunge, left leg leading on even reps (0, 2, ...) and the right on odd ones.

    Notes
    -----
    In the first 45 % of the descent the leading foot steps ``STEP`` forward
    (lifted ``SWING`` on the way), the back foot rolls onto its toes and the
    hips travel forward, no higher than standing, a straight back leg and a
    leading leg flexed 15° allow (a smooth minimum of the three, so the knee
    velocities stay continuous). From 30 % of the descent the hips drop until the front knee
    reaches 90°;
    the back knee, found by inverse kinematics like the front one, ends near
    90° just above the floor. The ascent is the time reverse.
    ``asymmetry_deg`` lowers the front knee target of right-led reps,
    ``valgus_deg`` and ``heel_lift`` act on the front leg only.
    """
    f = spec.faults
    x, y = half_phases(tl.u, tl.rep)
    x = np.where(tl.u < 0.5, hesitation_warp(x, f.hesitations), 1.0 - hesitation_warp(y, f.hesitations))
    step, drop = min_jerk(x / 0.45), min_jerk((x - 0.3) / 0.7)
    left_leads = tl.rep % 2 == 0
    leads = np.stack([left_leads, ~left_leads], axis=1)
    toe = _standing_toes(len(tl.t), body)
    toe[:, :, FWD] += np.where(leads, (STEP * body.height * step)[:, None], 0.0)
    toe[:, :, UP] += np.where(leads, (SWING * body.height * np.sin(np.pi * step))[:, None], 0.0)
    front_pitch = _heel_pitch(f.heel_lift * drop, body)
    pitch = np.where(leads, front_pitch[:, None], (BACK_PITCH * step)[:, None])
    ankle, heel = _feet(toe, pitch, body)
    hip_x = step * (STEP * body.height - 0.8 * body.thigh)
    shift = f.lateral_shift * body.leg * drop
    hip_xl = [np.stack([hip_x, lateral + shift], axis=1) for lateral in (body.hip_half, -body.hip_half)]
    reach = np.where(leads, _reach(np.radians(LANDING_KNEE) * step, body)[:, None], body.leg)
    cap = np.minimum(*(_height_within(ankle[:, s], hip_xl[s], reach[:, s]) for s in (0, 1)))
    cap = np.minimum(cap, body.ankle_h + body.leg)
    knee = np.radians((FRONT_KNEE - np.where(left_leads, 0.0, f.asymmetry_deg)) * f.depth_factor)
    front = np.where(left_leads[:, None], ankle[:, 0], ankle[:, 1])
    front_xl = np.where(left_leads[:, None], hip_xl[0], hip_xl[1])
    bottom = _height_within(front, front_xl, _reach(knee, body))
    height = cap - drop * np.clip(cap - bottom, 0.0, None)
    hip = np.stack([np.column_stack([xl[:, 0], height, xl[:, 1]]) for xl in hip_xl], axis=1)
    tau = np.radians(TRUNK * f.depth_factor + f.trunk_lean_deg) * drop
    share = DEFAULT_HIP_SHARE["lunge"] if f.hip_share is None else f.hip_share
    tilt, bend, _ = _trunk(tau, share, body)
    fppa = np.where(leads, (f.valgus_deg * drop)[:, None], 0.0)
    return Plan(ankle, heel, toe, hip, fppa, tilt, bend, "hips", drop, 0.5)
