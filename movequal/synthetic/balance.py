"""Static balance holds (single-leg and tandem stance): landmarks, arms and ground truth.

:func:`record_balance` lays out the clip (:meth:`Balance.layout`), draws the
sway and arm bursts (:mod:`.balance_sway`), plans the feet and pelvis
(:mod:`.balance_motion`), assembles the 33 landmarks
(:func:`~movequal.synthetic.posture.assemble`) with the arms abducted by
the bursts, and measures the truth (:class:`BalanceTruth`) on the result;
the caller films the body-frame landmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.balance_motion import Motion, single_leg, tandem
from movequal.synthetic.balance_spec import Balance, BalanceLayout
from movequal.synthetic.balance_sway import arm_bursts, draw_sway
from movequal.synthetic.balance_truth import BalanceTruth
from movequal.synthetic.body import (
    C_HAT,
    C_LIMB,
    FWD,
    LEFT,
    M_FOOT,
    M_HAT,
    M_SHANK,
    M_THIGH,
    Body,
    place_hands,
    two_link,
    unit,
)
from movequal.synthetic.breathing import lift_shoulders
from movequal.synthetic.movements import Plan
from movequal.synthetic.posture import assemble
from movequal.synthetic.spec import SyntheticSpec
from movequal.synthetic.truth import truth_angles
from movequal.synthetic.walk import HEAD_GAIN

FloatArray = NDArray[np.float64]
SIDES = (("left", 0, 1.0), ("right", 1, -1.0))
"""Name, index on the plan's side axis, and sign of the subject's left axis pointing outwards."""
ARM_TILT = np.radians(4.0)
"""Forward tilt of an arm hanging at the side (the ``hang`` arm style of :mod:`.posture`)."""
ARM_REACH = 0.97
"""Shoulder → wrist distance of the hanging arm, as a fraction of upper arm + forearm (elbow slightly bent)."""


@dataclass(frozen=True)
class BalanceRecording:
    """A planned and assembled balance hold: body-frame landmarks (T, 33, 3), truth series and truth."""

    points: FloatArray
    angles: dict[str, FloatArray]
    truth: BalanceTruth


def arm_radius(body: Body) -> float:
    """Shoulder → wrist distance of the arm (constant while it abducts)."""
    return ARM_REACH * (body.upper_arm + body.forearm)


def rest_wrist(body: Body) -> FloatArray:
    """Resting wrist relative to its shoulder (3,), forward, up, left."""
    return arm_radius(body) * np.array([np.sin(ARM_TILT), -np.cos(ARM_TILT), 0.0])


def check_arm_reach(balance: Balance, body: Body) -> None:
    """Raise ``ValueError`` if ``balance.arm_excursion_m`` needs more than 90° of arm abduction for ``body``."""
    most = np.sqrt(2.0) * arm_radius(body) * np.cos(ARM_TILT)
    if balance.arm_excursion_m > most:
        expected = f"at most {most:.2f} m (90° of abduction) for a {body.height} m body"
        raise ValueError(f"arm_excursion_m: expected {expected}, got {balance.arm_excursion_m!r}")


def abduct_arms(points: FloatArray, excursion: FloatArray, body: Body) -> None:
    """Rewrite both arms of ``points`` (T, 33, 3), each abducted so its wrist moves ``excursion`` (T, 2) metres.

    Notes
    -----
    The arm turns about the forward axis through its shoulder, keeping its
    shoulder → wrist distance, so the wrist moves along a chord of
    ``2 r sin(α / 2)`` (``r`` its distance from that axis); with no
    excursion the arm hangs exactly as the ``hang`` style places it. An
    excursion longer than the arm can give is cut to the largest (180°).
    """
    radius = arm_radius(body) * np.cos(ARM_TILT)
    for side, s, outward in SIDES:
        alpha = 2.0 * np.arcsin(np.clip(excursion[:, s] / (2.0 * radius), 0.0, 1.0))
        c, s_ = np.cos(ARM_TILT), np.sin(ARM_TILT)
        direction = np.column_stack([np.full(len(alpha), s_), -c * np.cos(alpha), outward * c * np.sin(alpha)])
        shoulder = points[:, IDX[f"{side}_shoulder"]]
        target = shoulder + arm_radius(body) * direction
        elbow = two_link(shoulder, target, body.upper_arm, body.forearm, np.array([-1.0, 0.0, 0.0]))
        place_hands(points, side, elbow, elbow + body.forearm * unit(target - elbow), body)


def centre_of_mass(points: FloatArray) -> FloatArray:
    """Whole-body centre of mass (T, 3) from Winter's segment masses; arms lumped into the trunk, feet at mid-sole."""

    def at(name: str) -> FloatArray:
        return points[:, IDX[name]]

    hip_mid = 0.5 * (at("left_hip") + at("right_hip"))
    shoulder_mid = 0.5 * (at("left_shoulder") + at("right_shoulder"))
    total = M_HAT * (hip_mid + C_HAT * (shoulder_mid - hip_mid))
    for side in ("left", "right"):
        hip, knee, ankle = at(f"{side}_hip"), at(f"{side}_knee"), at(f"{side}_ankle")
        total = total + M_THIGH * (hip + C_LIMB * (knee - hip)) + M_SHANK * (knee + C_LIMB * (ankle - knee))
        total = total + M_FOOT * 0.5 * (at(f"{side}_heel") + at(f"{side}_foot_index"))
    return np.asarray(total / (M_HAT + 2.0 * (M_THIGH + M_SHANK + M_FOOT)))


def wrist_excursion(points: FloatArray, body: Body) -> FloatArray:
    """Per frame (T,), the larger of the two wrists' distances from their resting place relative to the shoulder."""
    rest = rest_wrist(body)
    gaps = [
        np.linalg.norm(points[:, IDX[f"{side}_wrist"]] - points[:, IDX[f"{side}_shoulder"]] - rest, axis=1)
        for side, _, _ in SIDES
    ]
    return np.asarray(np.maximum(*gaps))


def plan_of(motion: Motion) -> Plan:
    """Return the :class:`Plan` of a balance motion: upright trunk swaying with the pendulum, arms hanging."""
    n = len(motion.lean)
    return Plan(
        ankle=motion.ankle,
        heel=motion.heel,
        toe=motion.toe,
        hip=motion.hip,
        fppa=np.zeros((n, 2)),
        pelvis_tilt=motion.tilt,
        bend=np.zeros(n),
        arms="hang",
        arm_level=np.zeros(n),
        head_gain=HEAD_GAIN,
        lean=motion.lean,
    )


def hold_truth(
    points: FloatArray, t: FloatArray, balance: Balance, lay: BalanceLayout, *, motion: Motion, body: Body
) -> BalanceTruth:
    """Measure the truth of an assembled hold (definitions in :class:`BalanceTruth`)."""
    fwd0, left0 = motion.origin

    def mid(joint: str) -> FloatArray:
        return np.asarray(0.5 * (points[:, IDX[f"left_{joint}"]] + points[:, IDX[f"right_{joint}"]]))

    pelvis, shoulders, com = mid("hip"), mid("shoulder"), centre_of_mass(points)
    single = balance.stance == "single-leg"
    return BalanceTruth(
        stance=balance.stance,
        foot_off=lay.hold_start if single else None,
        hold_start=lay.hold_start,
        hold_end=None if lay.censored else lay.hold_end,
        end_reason=balance.ends_with,
        lifted_side=balance.side if single else None,
        front_side=None if single else balance.side,
        sway_window=(lay.hold_start, lay.sway_end),
        weight_shift_m=motion.weight_shift,
        times=t,
        pelvis_ml=pelvis[:, LEFT] - left0,
        pelvis_ap=pelvis[:, FWD] - fwd0,
        shoulders_ml=shoulders[:, LEFT] - left0,
        shoulders_ap=shoulders[:, FWD] - fwd0,
        com_ml=com[:, LEFT] - left0,
        com_ap=com[:, FWD] - fwd0,
        wrist_excursion=wrist_excursion(points, body),
        leg_length_m=body.leg,
    )


def record_balance(spec: SyntheticSpec, body: Body) -> BalanceRecording:
    """Plan, assemble and measure ``spec``'s balance hold at its frame times.

    Raises
    ------
    ValueError
        If the body cannot reach the lift height or the arm excursion.
    """
    balance = spec.resolved_balance
    check_arm_reach(balance, body)
    lay = balance.layout()
    t = np.arange(spec.n_frames, dtype=np.float64) / spec.fps
    sway = draw_sway(spec.seed, balance, lay).value(t)
    plan_motion = single_leg if balance.stance == "single-leg" else tandem
    motion = plan_motion(t, balance, lay, sway, body)
    plan = plan_of(motion)
    points = assemble(plan, body)
    abduct_arms(points, arm_bursts(spec.seed, balance, lay, t), body)
    if balance.breathing is not None:
        lift_shoulders(points, balance.breathing.rise(t, spec.seed))
    angles = truth_angles(points, plan.pelvis_tilt, plan.bend, body)
    truth = hold_truth(points, t, balance, lay, motion=motion, body=body)
    return BalanceRecording(points=points, angles=angles, truth=truth)
