"""Ground truth, framing and visibility of a synthetic timed up-and-go.

:func:`record_tug` plans a TUG (:mod:`.tug`), assembles its landmarks,
computes the truth series in the subject's turning frame and collects the
exact phase events (:class:`~movequal.synthetic.tug_spec.TugTruth`); the
caller films the room-frame landmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import LANDMARK_NAMES, side_of
from movequal.synthetic.body import FWD, Body
from movequal.synthetic.camera import TOWARDS_CAMERA
from movequal.synthetic.posture import assemble
from movequal.synthetic.spec import SyntheticSpec
from movequal.synthetic.truth import truth_angles
from movequal.synthetic.tug import LIFT_TURN, TugMotion, amplitudes, to_room, tug_motion
from movequal.synthetic.tug_spec import TugLayout, TugTruth
from movequal.synthetic.walk_truth import walk_angles

FloatArray = NDArray[np.float64]
SIDES = ("left", "right")


@dataclass(frozen=True)
class TugRecording:
    """A planned and assembled TUG: room-frame landmarks (T, 33, 3), truth series, events, heading (T,)."""

    points: FloatArray
    angles: dict[str, FloatArray]
    truth: TugTruth
    yaw: FloatArray


def heel_strikes(motion: TugMotion, lay: TugLayout) -> dict[str, FloatArray]:
    """Per side, the clip times of the walk's heel strikes whose swing is at least ``LIFT_TURN`` high.

    Notes
    -----
    The blended heel lands exactly when the walk's does (its height is
    ``lift`` times the walk's), so the walk's schedule gives the times; a
    landing counts while ``lift`` is at least ``LIFT_TURN``: in the walks,
    the speed ramps and the turns, not while the stepping dies out.
    """
    sch = motion.pelvis.sch
    times = sch.strike + lay.upright
    _, lift = amplitudes(times, lay)
    keep = (times >= lay.upright) & (times <= lay.lowering_onset) & (lift >= LIFT_TURN - 1e-9)
    return {side: np.asarray(times[keep & (sch.foot == s)], dtype=np.float64) for s, side in enumerate(SIDES)}


def tug_events(motion: TugMotion, lay: TugLayout, spec: SyntheticSpec) -> TugTruth:
    """Collect the exact phase events of a planned TUG (definitions in :class:`TugTruth`).

    Notes
    -----
    Every event is where the plan switches a smooth (minimum-jerk) profile
    on or off, so the movement starts or stops there with zero velocity and
    acceleration: a detector reading thresholds on velocity finds onsets a
    little after the truth and ends a little before it.
    """
    return TugTruth(
        lean_onset=lay.lean_onset,
        seat_off=motion.seat_off,
        upright=lay.upright,
        turn_start=lay.turn_start,
        turn_end=lay.turn_end,
        sit_turn_start=lay.sit_turn_start,
        sit_turn_end=lay.sit_turn_end,
        lowering_onset=lay.lowering_onset,
        seated=lay.seated,
        total_s=lay.seated - lay.lean_onset,
        heel_strike_s=heel_strikes(motion, lay),
        speed_m_s=lay.speed_m_s,
        walk_m=spec.tug.walk_m,
        turn_direction=spec.tug.turn_direction,
    )


def record_tug(spec: SyntheticSpec, body: Body) -> TugRecording:
    """Plan and assemble ``spec``'s TUG at its frame times; truth angles come from the local (turning) frame."""
    lay = spec.tug.layout(spec.height_m)
    t = np.arange(spec.n_frames, dtype=np.float64) / spec.fps
    motion = tug_motion(t, lay, spec, body)
    local = assemble(motion.plan, body)
    angles = truth_angles(local, motion.plan.pelvis_tilt, motion.plan.bend, body) | walk_angles(local)
    points = to_room(local, motion.yaw, motion.shift)
    return TugRecording(points=points, angles=angles, truth=tug_events(motion, lay, spec), yaw=motion.yaw)


def tug_aim(points: FloatArray, view: str) -> float:
    """Forward position the camera distance is measured from: mid-path for side views, the far turn otherwise."""
    forward = 0.5 * (points[:, IDX["left_hip"], FWD] + points[:, IDX["right_hip"], FWD])
    low, high = float(np.min(forward)), float(np.max(forward))
    return 0.5 * (low + high) if view.startswith("sagittal") else high


def turned_visibility(view: str, yaw: FloatArray) -> FloatArray:
    """Per-frame visibility (T, 33) of a subject turned ``yaw`` radians towards their initial left.

    Notes
    -----
    The rule of :func:`movequal.synthetic.camera.visibility_of` with the
    camera's direction expressed in the subject's turning frame: walking
    back, the side nearest a side camera and the face swap.
    """
    fwd, left = TOWARDS_CAMERA[view]
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    local_fwd, local_left = fwd * c + left * s, -fwd * s + left * c
    sign = np.array([{"left": 1.0, "right": -1.0, None: 0.0}[side_of(name)] for name in LANDMARK_NAMES])
    facial = np.array([i <= IDX["mouth_right"] and "ear" not in name for i, name in enumerate(LANDMARK_NAMES)])
    exposure = np.where(facial, 0.4 * local_fwd + 0.6 * sign * local_left, sign * local_left)
    return np.asarray(0.93 + np.where(exposure >= 0.0, 0.05, 0.48) * exposure)
