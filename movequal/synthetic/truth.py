"""Ground-truth angle series computed from the noise-free body-frame landmarks.

Definitions (degrees unless noted; L = thigh + shank):

- ``trunk_inclination``: hip-mid → shoulder-mid line from vertical, sagittal plane.
- ``hip_flexion_{side}``: 180 − angle(shoulder, hip, knee) of that side, sagittal plane.
- ``knee_flexion_{side}``: 180 − angle(hip, knee, ankle) in 3D.
- ``tibia_inclination_{side}``: ankle → knee line from vertical, sagittal plane.
- ``knee_fppa_{side}``: 180 − angle(hip, knee, ankle) in the frontal plane, + when
  the knee is medial of the hip–ankle line (valgus). Near 180 when the knee is at
  or above hip height (deep squat, seated, the back leg of a lunge), where the
  frontal angle stops meaning valgus.
- ``pelvic_obliquity``: left hip → right hip line from horizontal, frontal plane, +
  when the left hip is higher.
- ``lateral_hip_shift``: hip-mid minus ankle-mid towards the subject's left, / L.
- ``posterior_hip_shift``: hip-mid behind ankle-mid (against the facing direction), / L.
- ``heel_height_{side}``: heel landmark above the floor (its flat-foot level), / L.
- ``hip_height``: hip-mid above ankle-mid, / L (1 standing straight).
- ``pelvis_tilt``: planted forward inclination of the pelvis.
- ``lumbar_flexion``: ``trunk_inclination - pelvis_tilt``, the part of the trunk's
  inclination produced by the lumbar spine (so the two add up exactly).
- ``lumbar_bend``: angle of the thorax relative to the pelvis (the arc's bend),
  larger than ``lumbar_flexion`` because the chord turns less than the thorax.
- ``hip_share``: ``pelvis_tilt / trunk_inclination`` where the trunk leans more
  than 5°, NaN elsewhere.
- ``trunk_length``: hip-mid → shoulder-mid distance over its upright length.

The sagittal plane is spanned by the facing direction and the vertical; the
frontal plane by the subject's left and the vertical.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.spine import LUMBAR as LUMBAR_LEN
from movequal.core.spine import PELVIS, THORAX
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import FWD, LEFT, UP, Body

FloatArray = NDArray[np.float64]
SAGITTAL = [FWD, UP]
FRONTAL = [LEFT, UP]
SIDES = ("left", "right")


def angle_between(u: FloatArray, v: FloatArray) -> FloatArray:
    """Angle between row vectors in degrees."""
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def inclination(lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Angle of ``lower → upper`` (2D, second coordinate up) from vertical in degrees."""
    return angle_between(upper - lower, np.broadcast_to(np.array([0.0, 1.0]), upper.shape))


def fppa(hip: FloatArray, knee: FloatArray, ankle: FloatArray, medial: float) -> FloatArray:
    """Signed frontal-plane projection angle of 3D body-frame points (T, 3).

    ``medial`` is the sign of the medial direction along the subject's left
    axis: -1 for the left leg, +1 for the right.
    """
    h, k, a = hip[:, FRONTAL], knee[:, FRONTAL], ankle[:, FRONTAL]
    deviation = 180.0 - angle_between(h - k, a - k)
    along = a - h
    t = np.sum((k - h) * along, axis=1) / np.sum(along * along, axis=1)
    offset = (k - (h + t[:, None] * along))[:, 0] * medial
    return np.asarray(np.where(offset >= 0.0, deviation, -deviation))


def _pair(points: FloatArray, joint: str) -> tuple[FloatArray, FloatArray]:
    return points[:, IDX[f"left_{joint}"]], points[:, IDX[f"right_{joint}"]]


def truth_angles(points: FloatArray, pelvis_tilt: FloatArray, bend: FloatArray, body: Body) -> dict[str, FloatArray]:
    """Compute every ground-truth series from body-frame landmarks (T, 33, 3).

    ``pelvis_tilt`` and ``bend`` are the planted pelvis inclination and
    lumbar arc bend in radians.
    """
    leg = body.leg
    hip_mid = np.mean(_pair(points, "hip"), axis=0)
    shoulder_mid = np.mean(_pair(points, "shoulder"), axis=0)
    ankle_mid = np.mean(_pair(points, "ankle"), axis=0)
    trunk = inclination(hip_mid[:, SAGITTAL], shoulder_mid[:, SAGITTAL])
    left_hip, right_hip = _pair(points, "hip")
    d = left_hip - right_hip
    out = {
        "trunk_inclination": trunk,
        "pelvic_obliquity": np.degrees(np.arctan2(d[:, UP], d[:, LEFT])),
        "lateral_hip_shift": (hip_mid[:, LEFT] - ankle_mid[:, LEFT]) / leg,
        "posterior_hip_shift": (ankle_mid[:, FWD] - hip_mid[:, FWD]) / leg,
        "hip_height": (hip_mid[:, UP] - ankle_mid[:, UP]) / leg,
        "trunk_length": np.linalg.norm(shoulder_mid - hip_mid, axis=1) / ((PELVIS + LUMBAR_LEN + THORAX) * body.height),
    }
    for side, medial in zip(SIDES, (-1.0, 1.0), strict=True):
        sh, hip, knee, ankle, heel = (
            points[:, IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee", "ankle", "heel")
        )
        hip_2d = hip[:, SAGITTAL]
        out[f"hip_flexion_{side}"] = 180.0 - angle_between(sh[:, SAGITTAL] - hip_2d, knee[:, SAGITTAL] - hip_2d)
        out[f"knee_flexion_{side}"] = 180.0 - angle_between(hip - knee, ankle - knee)
        out[f"tibia_inclination_{side}"] = inclination(ankle[:, SAGITTAL], knee[:, SAGITTAL])
        out[f"knee_fppa_{side}"] = fppa(hip, knee, ankle, medial)
        out[f"heel_height_{side}"] = heel[:, UP] / leg
    tilt = np.degrees(pelvis_tilt)
    out["pelvis_tilt"] = tilt
    out["lumbar_flexion"] = trunk - tilt
    out["lumbar_bend"] = np.degrees(bend)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["hip_share"] = np.where(trunk > 5.0, tilt / trunk, np.nan)
    return {name: np.asarray(values, dtype=np.float64) for name, values in out.items()}
