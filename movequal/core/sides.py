"""Left and right: which side a side view is read from, and the point standing for a pair of landmarks.

From the side the far limbs are guessed by the pose model, often several centimetres off, and flicker around the
visibility threshold; the side seen clearly better is read alone (:func:`choose_near_side`), and a pair's point
comes from it (:func:`compute_midpoint`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


SIDE_PREFERENCE_MARGIN = 0.1
"""Mean-visibility lead above which one side of a pair is used alone."""


def choose_near_side(visibility: FloatArray, frames: slice | BoolArray = slice(None)) -> str | None:
    """Return the clearly more visible side over a clip's ``frames``, or ``None`` when both are alike."""
    lefts = [IDX[f"left_{j}"] for j in ("shoulder", "hip", "knee", "ankle")]
    rights = [IDX[f"right_{j}"] for j in ("shoulder", "hip", "knee", "ankle")]
    left, right = visibility[:, lefts][frames], visibility[:, rights][frames]
    if left.size == 0:
        return None
    va, vb = float(np.mean(left)), float(np.mean(right))
    if abs(va - vb) <= SIDE_PREFERENCE_MARGIN:
        return None
    return "left" if va > vb else "right"


def compute_midpoint(px: FloatArray, a: str, b: str, near_side: str | None = None) -> FloatArray:
    """Point standing for a left/right pair of landmarks, shape (T, D).

    Parameters
    ----------
    px : ndarray, shape (T, 33, D)
        Landmarks, NaN where masked.
    a, b : str
        Names of the paired landmarks, left one first.
    near_side : {"left", "right", None}
        When given, that side is used alone (the other fills its gaps).

    Notes
    -----
    In a side view the far-side landmark is guessed by the model, often
    several centimetres off, and flickers around the visibility threshold.
    Averaging it in makes the mid-point jump whenever it is masked or
    unmasked, which creates false repetitions; the near side alone is steadier.
    """
    pa, pb = px[:, IDX[a]], px[:, IDX[b]]
    if near_side is not None:
        near, far = (pa, pb) if near_side == "left" else (pb, pa)
        return np.asarray(np.where(np.isfinite(near), near, far))
    pair = np.stack([pa, pb])
    count = np.isfinite(pair).sum(axis=0)
    total = np.nansum(pair, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(count > 0, total / np.maximum(count, 1), np.nan))
