"""Walking as a :class:`~movequal.synthetic.movements.Plan`: feet, hips, trunk and swinging arms.

The gait events and the pelvis come from :mod:`.stride`, the feet from
:mod:`.feet`; the knees follow by inverse kinematics in
:func:`movequal.synthetic.posture.assemble`. The arms swing opposite to the
legs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.body import FWD, UP, Body
from movequal.synthetic.feet import foot_track
from movequal.synthetic.gait import Gait
from movequal.synthetic.movements import DEFAULT_HIP_SHARE, Plan, _trunk
from movequal.synthetic.spec import SyntheticSpec
from movequal.synthetic.stride import Pelvis, Schedule, pelvis_for, schedule, step_phase

FloatArray = NDArray[np.float64]

HEAD_GAIN = 0.5
"""The head tips forward by this fraction of the thorax angle."""


def arm_angles(t: FloatArray, sch: Schedule, spec: SyntheticSpec) -> FloatArray:
    """Upper-arm angles from the vertical (T, 2), radians, + forward: each arm is furthest back when its foot lands."""
    gait = spec.gait
    swing = np.cos(np.pi * step_phase(t, sch))
    amplitude = np.radians(gait.arm_swing_deg) * np.array([gait.arm_swing_left, gait.arm_swing_right])
    return np.stack([-amplitude[0] * swing, amplitude[1] * swing], axis=1)


def trunk_lean(t: FloatArray, pelvis: Pelvis, gait: Gait) -> FloatArray:
    """Sideways trunk lean per frame (rad, + left): the constant lean plus any sway towards the supporting foot.

    The sway follows the pelvis's own sideways sway (:meth:`Pelvis.centre`): furthest over each foot
    half a step after that foot's lowest point, once per stride.
    """
    lean = np.full(len(t), np.radians(gait.lateral_lean_deg))
    if gait.lean_sway_deg == 0.0:
        return lean
    phase = step_phase(t, pelvis.sch)
    return np.asarray(lean + np.radians(gait.lean_sway_deg) * np.sin(np.pi * (phase - pelvis.lowest)))


def _legs(t: FloatArray, pelvis: Pelvis, body: Body) -> tuple[FloatArray, ...]:
    """Heels, ankles, toe tips and hips, each (T, 2, 3) with side 0 left."""
    tracks = [foot_track(t, pelvis, side, body) for side in (0, 1)]
    heel, ankle, toe = (np.stack([track[j] for track in tracks], axis=1) for j in range(3))
    hip = np.stack([pelvis.hip(t, side) for side in (0, 1)], axis=1)
    # A last guard: no leg is stretched past its length (binding only for extreme step lengths).
    room = body.leg**2 - np.sum((hip - ankle)[..., [0, 2]] ** 2, axis=-1)
    ceiling = np.min(ankle[..., UP] + np.sqrt(np.clip(room, 0.0, None)), axis=1)
    hip[..., UP] = np.minimum(hip[..., UP], ceiling[:, None])
    return heel, ankle, toe, hip


def walk_plan(t: FloatArray, spec: SyntheticSpec, body: Body) -> tuple[Plan, Pelvis]:
    """Plan a straight walk along the body frame's forward axis at frame times ``t``.

    Returns
    -------
    plan : Plan
        Feet, hips, trunk, arm-swing angles and sideways lean per frame.
    pelvis : Pelvis
        The pelvis and, in ``pelvis.sch``, the gait events (the ground truth's source).

    Notes
    -----
    The trunk keeps a constant forward inclination ``gait.trunk_flexion_deg
    + faults.trunk_lean_deg``, split between pelvis tilt and lumbar flexion
    by ``hip_share`` (default 0.5), and a sideways lean (:func:`trunk_lean`).
    """
    sch = schedule(spec.gait, body.height)
    pelvis = pelvis_for(spec.gait, sch, body)
    heel, ankle, toe, hip = _legs(t, pelvis, body)
    f = spec.faults
    tau = np.full(len(t), np.radians(spec.gait.trunk_flexion_deg + f.trunk_lean_deg))
    tilt, bend, _ = _trunk(tau, DEFAULT_HIP_SHARE["walk"] if f.hip_share is None else f.hip_share, body)
    plan = Plan(
        ankle=ankle,
        heel=heel,
        toe=toe,
        hip=hip,
        fppa=np.zeros((len(t), 2)),
        pelvis_tilt=tilt,
        bend=bend,
        arms="swing",
        arm_level=np.zeros(len(t)),
        head_gain=HEAD_GAIN,
        arm_swing=arm_angles(t, sch, spec),
        lean=trunk_lean(t, pelvis, spec.gait),
    )
    return plan, pelvis


def camera_aim(plan: Plan, view: str) -> float:
    """Forward position the camera distance is measured from: mid-walk for side views, the walk's end otherwise."""
    forward = plan.hip[:, :, FWD].mean(axis=1)
    return float(forward.mean() if view.startswith("sagittal") else forward[-1])
