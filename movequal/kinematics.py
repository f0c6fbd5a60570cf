"""Joint angles and normalised positions computed from a filtered PoseSequence.

Image-plane angles are computed in pixels (normalised x and y multiplied by
frame width and height). Image y points down; "up" below means towards the top
of the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.assessment import View
from movequal.pose import PoseSequence
from movequal.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Kinematics:
    """Named per-frame series (T,) in degrees or normalised units.

    ``series`` maps a metric name to its values; ``units`` maps it to a unit.
    """

    timestamps: FloatArray
    series: dict[str, FloatArray]
    units: dict[str, str]


def _angle_between(u: FloatArray, v: FloatArray) -> FloatArray:
    dot = np.sum(u * v, axis=-1)
    norm = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.degrees(np.arccos(np.clip(dot / norm, -1.0, 1.0))))


def compute_joint_angle(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Angle ABC at ``b`` in degrees for (T, D) point arrays (180 = straight)."""
    return _angle_between(a - b, c - b)


def compute_inclination(lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Angle of the segment lower→upper from image vertical (0 = upright), pixels."""
    up = np.array([0.0, -1.0])
    return _angle_between(upper - lower, np.broadcast_to(up, upper.shape))


SIDE_PREFERENCE_MARGIN = 0.1
"""Mean-visibility lead above which one side of a pair is used alone."""


def compute_midpoint(px: FloatArray, a: str, b: str, visibility: FloatArray | None = None) -> FloatArray:
    """Point standing for a left/right pair of landmarks, shape (T, 2).

    Parameters
    ----------
    px : ndarray, shape (T, 33, 2)
        Landmarks in pixels, NaN where masked.
    a, b : str
        Names of the paired landmarks.
    visibility : ndarray, shape (T, 33), optional
        When given and one side is clearly more visible over the clip (by
        ``SIDE_PREFERENCE_MARGIN``), that side is used alone.

    Notes
    -----
    In a side view the far-side landmark is guessed by the model, often
    several centimetres off, and flickers around the visibility threshold.
    Averaging it in makes the mid-point jump whenever it is masked or
    unmasked, which creates false repetitions; the near side alone is steadier.
    Where the chosen side is missing the other is used, and vice versa.
    """
    pa, pb = px[:, IDX[a]], px[:, IDX[b]]
    if visibility is not None:
        va, vb = float(np.mean(visibility[:, IDX[a]])), float(np.mean(visibility[:, IDX[b]]))
        if abs(va - vb) > SIDE_PREFERENCE_MARGIN:
            near, far = (pa, pb) if va > vb else (pb, pa)
            return np.asarray(np.where(np.isfinite(near), near, far))
    pair = np.stack([pa, pb])
    count = np.isfinite(pair).sum(axis=0)
    total = np.nansum(pair, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(count > 0, total / np.maximum(count, 1), np.nan))


def compute_kinematics(pose: PoseSequence) -> Kinematics:
    """Compute the core angle and position series of a (filtered) sequence.

    Returns
    -------
    Kinematics
        ``trunk_inclination``, ``hip_flexion_{left,right}`` (180 minus the
        trunk-thigh angle), ``knee_flexion_{left,right}``, ``tibia_inclination_
        {left,right}`` in degrees, and ``hip_height`` (vertical hip-to-ankle
        distance over standing leg length, 1 = standing tall).
    """
    px = pose.image_pixels()
    vis = pose.visibility
    hips = compute_midpoint(px, "left_hip", "right_hip", vis)
    shoulders = compute_midpoint(px, "left_shoulder", "right_shoulder", vis)
    series: dict[str, FloatArray] = {"trunk_inclination": compute_inclination(hips, shoulders)}
    units = {"trunk_inclination": "deg"}
    for side in ("left", "right"):
        sh, hip = px[:, IDX[f"{side}_shoulder"]], px[:, IDX[f"{side}_hip"]]
        knee, ankle = px[:, IDX[f"{side}_knee"]], px[:, IDX[f"{side}_ankle"]]
        series[f"hip_flexion_{side}"] = 180.0 - compute_joint_angle(sh, hip, knee)
        series[f"knee_flexion_{side}"] = 180.0 - compute_joint_angle(hip, knee, ankle)
        series[f"tibia_inclination_{side}"] = compute_inclination(ankle, knee)
        units |= {f"hip_flexion_{side}": "deg", f"knee_flexion_{side}": "deg", f"tibia_inclination_{side}": "deg"}
    series["hip_height"] = _hip_height(px, vis)
    units["hip_height"] = "ratio"
    return Kinematics(pose.timestamps, series, units)


def _hip_height(px: FloatArray, vis: FloatArray) -> FloatArray:
    hips = compute_midpoint(px, "left_hip", "right_hip", vis)
    ankles = compute_midpoint(px, "left_ankle", "right_ankle", vis)
    thigh = np.linalg.norm(px[:, IDX["left_hip"]] - px[:, IDX["left_knee"]], axis=1)
    thigh_r = np.linalg.norm(px[:, IDX["right_hip"]] - px[:, IDX["right_knee"]], axis=1)
    shank = np.linalg.norm(px[:, IDX["left_knee"]] - px[:, IDX["left_ankle"]], axis=1)
    shank_r = np.linalg.norm(px[:, IDX["right_knee"]] - px[:, IDX["right_ankle"]], axis=1)
    legs = np.concatenate([thigh + shank, thigh_r + shank_r])
    leg = np.nanmedian(legs) if np.isfinite(legs).any() else np.nan
    return np.asarray((ankles[:, 1] - hips[:, 1]) / leg)


def classify_view(pose: PoseSequence) -> View:
    """Classify the camera view from shoulder and hip width relative to trunk length.

    Notes
    -----
    In a side view the two shoulders (and hips) overlap in the image, so their
    separation is small relative to trunk length; from the front it is about
    0.7–0.9 of it. The facing direction in a side view comes from which side
    of the shoulders the nose is on.
    """
    px = pose.image_pixels()
    if not np.isfinite(px).any():
        return "unknown"
    width = 0.5 * (
        np.linalg.norm(px[:, IDX["left_shoulder"]] - px[:, IDX["right_shoulder"]], axis=1)
        + np.linalg.norm(px[:, IDX["left_hip"]] - px[:, IDX["right_hip"]], axis=1)
    )
    shoulders = compute_midpoint(px, "left_shoulder", "right_shoulder")
    trunk = np.linalg.norm(shoulders - compute_midpoint(px, "left_hip", "right_hip"), axis=1)
    ratio = float(np.nanmedian(width / trunk))
    if ratio >= 0.55:
        return "frontal"
    if ratio >= 0.3:
        return "oblique"
    facing = float(np.nanmedian(px[:, IDX["nose"], 0] - shoulders[:, 0]))
    # Facing image-right shows the subject's left side to the camera (unmirrored video).
    return "sagittal-left" if facing > 0 else "sagittal-right"
