"""Per-repetition measures of a single-leg task or an arm raise, on landmark arrays of any dimension.

Every function reads landmarks of shape (T, 33, D): D = 3 for the motion
capture's joint centres (body frame, up = (0, 1, 0)) or the camera's world
landmarks (up = (0, -1, 0)), D = 2 for image pixels (up = (0, -1)). ``up``
is the unit upward direction in that space and ``forward`` the unit
direction the subject faces (horizontal); NaN landmarks give NaN values.

Angles are in degrees. A "range" is the largest minus the smallest value over
the recording (one repetition per UI-PRMD file); a "start" value is the median
of the first :data:`START_FRAMES` frames, when every file has the subject
standing still.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.kinematics import compute_joint_angle, compute_leg_length
from movequal.core.sides import compute_midpoint
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
START_FRAMES = 3
"""Frames at the start of a file taken as the standing reference (0.1 s at 30 fps)."""
SINGLE_LEG_RISE = 0.05
"""The moving ankle above its standing height by this many leg lengths: single-leg stance."""


def joint(points: FloatArray, name: str) -> FloatArray:
    """Landmark ``name`` over time, shape (T, D)."""
    return np.asarray(points[:, IDX[name]])


def _dot(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.asarray(np.sum(a * b, axis=-1))


def _unit(v: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(v / np.linalg.norm(v, axis=-1, keepdims=True))


def horizontal(v: FloatArray, up: FloatArray) -> FloatArray:
    """Component of vectors ``v`` (..., D) at a right angle to ``up``."""
    return np.asarray(v - _dot(v, up)[..., None] * up)


def start_value(values: FloatArray) -> float:
    """Median of the first :data:`START_FRAMES` finite values of a series (NaN when there are none)."""
    finite = values[np.isfinite(values)]
    return float(np.median(finite[:START_FRAMES])) if finite.size else float("nan")


def value_range(values: FloatArray) -> float:
    """Largest minus smallest finite value (NaN when there are none)."""
    finite = values[np.isfinite(values)]
    return float(finite.max() - finite.min()) if finite.size else float("nan")


def peak(values: FloatArray) -> float:
    """Largest finite value (NaN when there are none)."""
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else float("nan")


def flexion(points: FloatArray, side: str, at: str) -> FloatArray:
    """Hip (``at="hip"``) or knee (``at="knee"``) flexion of one leg: 180° minus the segment angle.

    Hip flexion is 180° minus the shoulder–hip–knee angle, knee flexion 180°
    minus the hip–knee–ankle angle, as :mod:`movequal.core.kinematics` defines them.
    """
    chain = ("shoulder", "hip", "knee") if at == "hip" else ("hip", "knee", "ankle")
    a, b, c = (joint(points, f"{side}_{j}") for j in chain)
    return np.asarray(180.0 - compute_joint_angle(a, b, c))


def tilt(points: FloatArray, left: str, right: str, up: FloatArray) -> FloatArray:
    """Angle of the right → left landmark line from horizontal, + when the left one is higher (pelvic obliquity)."""
    d = joint(points, left) - joint(points, right)
    return np.asarray(np.degrees(np.arctan2(_dot(d, up), np.linalg.norm(horizontal(d, up), axis=-1))))


def lateral_direction(points: FloatArray, up: FloatArray) -> FloatArray:
    """Return the unit horizontal direction (D,) to the subject's left: right hip → left hip, median over the file."""
    across = horizontal(joint(points, "left_hip") - joint(points, "right_hip"), up)
    return _unit(np.nanmedian(across, axis=0))


def trunk_vector(points: FloatArray, near_side: str | None = None) -> FloatArray:
    """Hip mid-point → shoulder mid-point (T, D); a side view passes its near side, as the core does."""
    hips = compute_midpoint(points, "left_hip", "right_hip", near_side)
    return np.asarray(compute_midpoint(points, "left_shoulder", "right_shoulder", near_side) - hips)


def lateral_lean(points: FloatArray, up: FloatArray) -> FloatArray:
    """Trunk from vertical in the frontal plane, + towards the subject's left (T,)."""
    trunk = trunk_vector(points)
    return np.asarray(np.degrees(np.arctan2(_dot(trunk, lateral_direction(points, up)), _dot(trunk, up))))


def sagittal_lean(points: FloatArray, up: FloatArray, forward: FloatArray, near_side: str | None = None) -> FloatArray:
    """Trunk from vertical in the sagittal plane, + forward, − backward (extension) (T,)."""
    trunk = trunk_vector(points, near_side)
    return np.asarray(np.degrees(np.arctan2(_dot(trunk, forward), _dot(trunk, up))))


def foot_forward(points: FloatArray, up: FloatArray, side: str = "left") -> FloatArray:
    """Return the unit horizontal direction (D,) the subject faces: one foot's heel → toe, median over the file."""
    along = horizontal(joint(points, f"{side}_foot_index") - joint(points, f"{side}_heel"), up)
    return _unit(np.nanmedian(along, axis=0))


def arm_elevation(points: FloatArray, side: str) -> FloatArray:
    """Humerothoracic elevation: angle between the upper arm (shoulder → elbow) and the trunk (shoulder → hip).

    0° with the arm hanging along the trunk, 90° at shoulder height, 180°
    straight overhead, in whatever plane the arm is raised (both of one side).
    """
    s = f"{side}_"
    return np.asarray(
        compute_joint_angle(joint(points, s + "elbow"), joint(points, s + "shoulder"), joint(points, s + "hip"))
    )


def trunk_extension_at_peak(
    elevation: FloatArray, points: FloatArray, up: FloatArray, forward: FloatArray, near_side: str | None = None
) -> float:
    """Backward trunk inclination at the frame of peak arm elevation, relative to the start (°, + = backward)."""
    if not np.isfinite(elevation).any():
        return float("nan")
    lean = sagittal_lean(points, up, forward, near_side)
    return float(start_value(lean) - lean[int(np.nanargmax(elevation))])


def shrug(points: FloatArray, side: str, up: FloatArray) -> float:
    """Peak rise of one shoulder above its hip, relative to the start, in standing trunk lengths."""
    rel = joint(points, f"{side}_shoulder") - joint(points, f"{side}_hip")
    length = start_value(np.linalg.norm(rel, axis=-1))
    height = _dot(rel, up)
    return float((peak(height) - start_value(height)) / length)


def single_leg_frames(points: FloatArray, moving: str, up: FloatArray, leg: float) -> NDArray[np.bool_]:
    """Frames where the moving leg's ankle is more than :data:`SINGLE_LEG_RISE` leg lengths above its start."""
    height = _dot(joint(points, f"{moving}_ankle"), up) / leg
    with np.errstate(invalid="ignore"):
        return np.asarray(height - start_value(height) > SINGLE_LEG_RISE)


def pelvis_sway(points: FloatArray, moving: str, stance: str, up: FloatArray, leg: float | None = None) -> float:
    """Sideways range of the hip mid-point over the stance ankle during single-leg stance, in leg lengths.

    ``leg`` is the leg length in the units of ``points`` (the median thigh +
    shank length of the file when omitted). NaN when the moving foot never
    leaves the floor.
    """
    leg = compute_leg_length(points) if leg is None else leg
    phase = single_leg_frames(points, moving, up, leg)
    if not phase.any():
        return float("nan")
    hips = compute_midpoint(points, "left_hip", "right_hip")
    offset = _dot(hips - joint(points, f"{stance}_ankle"), lateral_direction(points, up)) / leg
    return value_range(offset[phase])
