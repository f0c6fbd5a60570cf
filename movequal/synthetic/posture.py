"""Assemble the 33 body-frame landmarks from a movement :class:`Plan`."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import (
    FWD,
    LEFT,
    UP,
    Body,
    JointCircle,
    empty_points,
    joint_circle,
    place_face,
    place_hands,
    trunk_chord,
    two_link,
    unit,
)
from movequal.synthetic.movements import Plan
from movequal.synthetic.truth import fppa

FloatArray = NDArray[np.float64]
SIDES = (("left", 0, 1.0), ("right", 1, -1.0))
"""Name, index on the plan's side axis, and sign of the subject's left axis pointing outwards."""
BISECTIONS = 30
ELBOW_SWING = np.radians(15.0)
"""Elbow flexion of a swinging arm hanging straight down; half the forward swing adds to it."""
DEFINED_DROP = 0.15
"""Valgus is solved where the knee is at least this many thigh lengths below the hip, held deeper."""


def _axis(n: int, column: int, sign: float = 1.0) -> FloatArray:
    v = np.zeros((n, 3))
    v[:, column] = sign
    return v


def _swivel_for(
    circle: JointCircle, hip: FloatArray, ankle: FloatArray, target: FloatArray, outward: float
) -> FloatArray:
    """Knee swivel (rad, towards medial) giving the frontal-plane angle ``target`` (deg), by bisection.

    Notes
    -----
    Turning the knee about the hip–ankle axis keeps both segment lengths and
    the 3D knee flexion, so valgus changes the frontal (and sagittal)
    projections only. A leg flexed less than the target cannot show it: the
    swivel stops at 90° (knee fully medial).
    """
    lo, hi = np.zeros(len(hip)), np.full(len(hip), np.pi / 2)
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        below = fppa(hip, circle.point(outward * mid), ankle, -outward) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def _knees(plan: Plan, body: Body) -> FloatArray:
    """Knees by inverse kinematics, turned medially to plant ``plan.fppa``.

    Notes
    -----
    When a knee rises to about hip height (squat past ~120°, sitting) the
    frontal projection of the thigh shrinks to a point and the FPPA jumps
    towards 180°: it no longer measures valgus. There the swivel is held at
    its value from the nearest frame where the angle is defined, so the knee
    keeps moving smoothly and the truth series shows what the definition
    gives.
    """
    knees = np.empty_like(plan.hip)
    fwd = np.array([1.0, 0.0, 0.0])
    for _, s, outward in SIDES:
        hip, ankle, target = plan.hip[:, s], plan.ankle[:, s], plan.fppa[:, s]
        circle = joint_circle(hip, ankle, body.thigh, body.shank, fwd)
        knees[:, s] = circle.point()
        todo = target > 1e-6
        if not todo.any():
            continue
        # The frontal angle only exists while the knee projects below the hip; deeper, hold the swivel.
        defined = todo & (hip[:, UP] - knees[:, s, UP] > DEFINED_DROP * body.thigh)
        swivel = np.zeros(len(hip))
        if defined.any():
            idx = np.flatnonzero(defined)
            part = JointCircle(circle.centre[idx], circle.radius[idx], circle.n0[idx], circle.m0[idx])
            swivel[idx] = _swivel_for(part, hip[idx], ankle[idx], target[idx], outward)
            swivel = np.where(todo, np.interp(np.arange(len(hip)), idx, swivel[idx]), 0.0)
        knees[:, s] = circle.point(outward * swivel)
    return knees


def _arm_targets(
    style: str, side: str, points: FloatArray, *, level: FloatArray, thorax: FloatArray, body: Body
) -> tuple[FloatArray, FloatArray]:
    """Return the wrist target and elbow pole of one arm (both (T, 3)) for an arm ``style``."""
    shoulder = points[:, IDX[f"{side}_shoulder"]]
    n, reach = len(shoulder), body.upper_arm + body.forearm
    outward = 1.0 if side == "left" else -1.0
    t_up = np.column_stack([np.sin(thorax), np.cos(thorax), np.zeros(n)])
    t_fwd = np.column_stack([np.cos(thorax), -np.sin(thorax), np.zeros(n)])
    if style == "forward":
        a = np.radians(85.0) * level
        direction = np.column_stack([np.sin(a), -np.cos(a), np.zeros(n)])
        return shoulder + 0.97 * reach * direction, np.column_stack([-np.cos(a), -np.sin(a), np.zeros(n)])
    if style == "load":
        target = shoulder + 0.96 * reach * _axis(n, UP, -1.0) + _axis(n, LEFT, -outward * 0.025 * body.height)
        return target, _axis(n, FWD, -1.0)
    if style == "crossed":
        other = points[:, IDX["right_shoulder" if side == "left" else "left_shoulder"]]
        target = other + body.height * (0.06 * t_fwd - 0.04 * t_up)
        return target, t_fwd - t_up
    if style == "hips":
        hip = points[:, IDX[f"{side}_hip"]]
        target = hip + body.height * (0.08 * t_up + _axis(n, LEFT, 0.02 * outward))
        return target, _axis(n, LEFT, outward) - 0.5 * t_fwd
    tilt = np.radians(4.0)
    return shoulder + 0.97 * reach * np.array([np.sin(tilt), -np.cos(tilt), 0.0]), _axis(n, FWD, -1.0)


def _swing_arms(points: FloatArray, angles: FloatArray, body: Body) -> None:
    """Arms swinging fore and aft: upper arms at ``angles`` (T, 2) from the vertical, elbows bent more when forward."""
    for side, s, _ in SIDES:
        shoulder = points[:, IDX[f"{side}_shoulder"]]
        upper = angles[:, s]
        fore = upper + ELBOW_SWING + 0.5 * np.clip(upper, 0.0, None)
        elbow = shoulder + body.upper_arm * np.column_stack([np.sin(upper), -np.cos(upper), np.zeros(len(upper))])
        wrist = elbow + body.forearm * np.column_stack([np.sin(fore), -np.cos(fore), np.zeros(len(fore))])
        place_hands(points, side, elbow, wrist, body)


def _place_arms(points: FloatArray, plan: Plan, thorax: FloatArray, body: Body) -> None:
    if plan.arm_swing is not None:
        _swing_arms(points, plan.arm_swing, body)
        return
    for side, _, _ in SIDES:
        shoulder = points[:, IDX[f"{side}_shoulder"]]
        target, pole = _arm_targets(plan.arms, side, points, level=plan.arm_level, thorax=thorax, body=body)
        elbow = two_link(shoulder, target, body.upper_arm, body.forearm, pole)
        wrist = elbow + body.forearm * unit(target - elbow)
        place_hands(points, side, elbow, wrist, body)


def assemble(plan: Plan, body: Body, chord: FloatArray | None = None) -> FloatArray:
    """Return the (T, 33, 3) body-frame landmarks (metres; forward, up, left) of a plan.

    ``chord`` (T, 2), the hip-mid → shoulder-mid vector as (forward, up)
    metres, replaces the one of ``plan.pelvis_tilt`` and ``plan.bend``
    (:func:`~movequal.synthetic.body.trunk_chord`, flexion only): the
    reach's arched back passes its own.

    Notes
    -----
    The trunk is upright in the frontal plane (unless ``plan.lean`` tilts
    it sideways, shoulders and all) and never twists: a pelvic obliquity or
    sideways shift is absorbed below the shoulders, which stay level. The
    head tips forward by ``plan.head_gain`` times the thorax angle and stays
    upright sideways.
    """
    n = len(plan.hip)
    points = empty_points(n)
    knees = _knees(plan, body)
    for side, s, _ in SIDES:
        for joint, values in (("hip", plan.hip), ("knee", knees), ("ankle", plan.ankle)):
            points[:, IDX[f"{side}_{joint}"]] = values[:, s]
        points[:, IDX[f"{side}_heel"]] = plan.heel[:, s]
        points[:, IDX[f"{side}_foot_index"]] = plan.toe[:, s]
    shoulder_mid = plan.hip.mean(axis=1)
    chord = trunk_chord(plan.pelvis_tilt, plan.bend, body) if chord is None else chord
    lean = np.zeros(n) if plan.lean is None else plan.lean
    shoulder_mid[:, FWD] += chord[:, 0]
    shoulder_mid[:, UP] += chord[:, 1] * np.cos(lean)
    shoulder_mid[:, LEFT] += chord[:, 1] * np.sin(lean)
    for side, _, outward in SIDES:
        shoulder = shoulder_mid.copy()
        shoulder[:, LEFT] += outward * body.shoulder_half * np.cos(lean)
        shoulder[:, UP] -= outward * body.shoulder_half * np.sin(lean)
        points[:, IDX[f"{side}_shoulder"]] = shoulder
    thorax = plan.pelvis_tilt + plan.bend
    place_face(points, shoulder_mid, plan.head_gain * thorax, body)
    _place_arms(points, plan, thorax, body)
    return points
