"""The feet in the picture: where each foot meets the floor, how far it is lifted, how much each leg bends.

A balance hold (:mod:`movequal.core.balance`, :mod:`movequal.core.tandem`) and the live hold timer read the same
per-frame signals: each foot's lowest point and contact point in the picture, its lift above its own floor level
and above the other foot, and each leg's bend in 3D.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import median_filter

from movequal.core.filtering import interpolate_gaps
from movequal.core.kinematics import compute_joint_angle, compute_leg_length
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
FEET = ("left", "right")
FLOOR_SUSTAIN_S = 0.25
"""A foot's floor level is the lowest place in the picture it keeps for this long."""
MAX_GAP_S = 0.5
"""A hold whose feet are not seen for longer than this ends as ``"lost"`` (out of view); the feet's signals are
bridged over gaps up to this long."""


@dataclass(frozen=True)
class FeetGeometry:
    """Per frame: each foot's lowest point and contact point in the picture, and each leg's bend (3D)."""

    lowest: dict[str, FloatArray]
    """Image y (pixels, pointing down) of the lowest of ankle, heel and toe; NaN unseen."""
    contact: dict[str, FloatArray]
    """Mean of heel, ankle and toe in the picture, pixels, shape (T, 2)."""
    bend: dict[str, FloatArray]
    """How much more the leg bends than the other at the hip or the knee (deg)."""
    knee: dict[str, FloatArray]
    """Knee flexion (deg)."""


@dataclass(frozen=True)
class FootSignals:
    """Per-foot signals a hold is read from, at the clip's frames."""

    lift: dict[str, FloatArray]
    """The foot's lift (:func:`compute_lift`), leg lengths, gaps up to MAX_GAP_S bridged (NaN unseen)."""
    feet: FeetGeometry
    """Each frame's feet and legs (:func:`measure_feet`)."""
    leg_px: float


def foot_points(px: FloatArray, side: str) -> FloatArray:
    """Return the ankle, heel and toe of one foot, shape (T, 3, 2)."""
    return px[:, [IDX[f"{side}_ankle"], IDX[f"{side}_heel"], IDX[f"{side}_foot_index"]]]


def compute_foot_signals(pose: PoseSequence) -> FootSignals:
    """Return each foot's lift above the floor and its contact point (see :class:`FootSignals`).

    Notes
    -----
    A foot's lift is the lower of two heights: above its own floor level
    (:func:`find_floor`, from its lowest point's image y, y pointing down: the
    camera must stay still and the foot must be on the floor for a moment, as
    it is before and after any hold), and above the other
    foot's lowest point. Each alone is fooled: the first by a foot mistracked
    low for part of the clip (a hidden far foot at the bottom of a lift), the
    second by perspective (a foot further from the camera looks higher, by
    about 0.06 leg lengths for a hip-wide stance seen from the side). A foot
    counts as lifted only when its leg also bends more than the standing leg
    (``bend``, :data:`LEG_BEND`): the foot cannot leave the floor with both
    legs straight, and the model's 3D angles do not depend on perspective.
    """
    px = pose.image_pixels()
    leg = compute_leg_length(px)
    t = pose.timestamps
    feet = measure_feet(px, pose.world)
    lowest = {side: interpolate_gaps(feet.lowest[side], t, MAX_GAP_S) for side in FEET}
    lift = {}
    for side, other in (("left", "right"), ("right", "left")):
        lift[side] = compute_lift(lowest[side], lowest[other], find_floor(lowest[side], t), leg)
    contact = {
        side: np.column_stack([interpolate_gaps(feet.contact[side][:, k], t, MAX_GAP_S) for k in (0, 1)])
        for side in FEET
    }
    return FootSignals(lift, replace(feet, contact=contact), leg)


def find_floor(lowest: FloatArray, t: FloatArray) -> float:
    """Return a foot's floor level: the lowest place in the picture (largest y) it keeps for :data:`FLOOR_SUSTAIN_S`.

    Notes
    -----
    The running median over :data:`FLOOR_SUSTAIN_S` keeps a few mistracked
    frames out; its maximum needs the foot on the floor for only that long, so
    a clip that is nearly all hold (a 45 s single-leg stance with half a
    second on both feet at each end) still has its floor. NaN when never seen.
    """
    seen = np.isfinite(lowest)
    if not seen.any():
        return float("nan")
    fps = (seen.sum() - 1) / max(float(np.ptp(t[seen])), 1e-9) if seen.sum() > 1 else 1.0
    width = max(1, round(FLOOR_SUSTAIN_S * fps))
    steady = median_filter(np.where(seen, lowest, np.nanmedian(lowest)), size=width, mode="nearest")
    return float(np.max(steady[seen]))


def _foot_lowest_and_contact(px: FloatArray, side: str) -> tuple[FloatArray, FloatArray]:
    """Return a foot's lowest image y (y down) and its seen points' mean, NaN where none is seen.

    Point by point, as ``np.nanmax``/``np.nanmean`` over the three points give them (in the same order), without
    their slow reduction over a short strided axis.
    """
    joints = [IDX[f"{side}_ankle"], IDX[f"{side}_heel"], IDX[f"{side}_foot_index"]]
    lowest = np.fmax(np.fmax(px[:, joints[0], 1], px[:, joints[1], 1]), px[:, joints[2], 1])
    contact = np.full((len(px), 2), np.nan)
    for axis in (0, 1):
        values = [px[:, j, axis] for j in joints]
        seen = [np.isfinite(v) for v in values]
        total = (
            np.where(seen[0], values[0], 0.0) + np.where(seen[1], values[1], 0.0) + np.where(seen[2], values[2], 0.0)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            contact[:, axis] = np.where(np.isfinite(lowest), total / (seen[0] + seen[1].astype(int) + seen[2]), np.nan)
    return np.asarray(lowest), contact


def measure_feet(px: FloatArray, world: FloatArray) -> FeetGeometry:
    """Measure the feet and legs of every frame of ``px`` (T, 33, 2 pixels) and ``world`` (T, 33, 3 metres).

    Frame by frame, so the live hold timer (one frame at a time) reads them as the offline analysis does.
    """
    lowest, contact, hips, knees = {}, {}, {}, {}
    for side in FEET:
        lowest[side], contact[side] = _foot_lowest_and_contact(px, side)
        shoulder, hip, knee, ankle = (world[:, IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee", "ankle"))
        hips[side] = 180.0 - compute_joint_angle(shoulder, hip, knee)
        knees[side] = 180.0 - compute_joint_angle(hip, knee, ankle)
    bend = {
        side: np.asarray(np.fmax(hips[side] - hips[other], knees[side] - knees[other]))
        for side, other in (("left", "right"), ("right", "left"))
    }
    return FeetGeometry(lowest, contact, bend, knees)


def compute_lift(lowest: FloatArray, other_lowest: FloatArray, floor: float, leg_px: float) -> FloatArray:
    """Return a foot's lift (leg lengths): the lower of its height above ``floor`` and above the other foot."""
    return np.asarray(np.fmin((floor - lowest) / leg_px, (other_lowest - lowest) / leg_px))
