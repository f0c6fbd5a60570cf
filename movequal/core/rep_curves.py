"""Time-normalised rep curves: each angle's mean and spread over a repetition, 0-100 % of the rep.

Two sessions of the same task are easier to compare as shapes than as peaks: a
patient who learned to hinge shows a trunk curve that rises earlier and a knee
curve that stays lower. Every full rep is resampled from its start (0 %) to its
end (100 %) on :data:`CURVE_POINTS` points, and the reps' mean and standard
deviation are kept per angle, read as the camera view allows
(:meth:`movequal.core.kinematics.Kinematics.angle`: the image in side views,
the 3D landmarks elsewhere).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np

from movequal.core.assessment import Rep, RepCurve
from movequal.core.kinematics import Kinematics
from movequal.core.views import SAGITTAL, View

CURVE_POINTS = 101
"""Samples per curve: every 1 % of the rep."""
CURVE_ANGLES: tuple[tuple[str, str], ...] = (
    ("knee_flexion", "Knee flexion"),
    ("hip_flexion", "Hip flexion"),
    ("trunk_inclination", "Trunk inclination"),
)
"""The sagittal angles drawn as curves (base name in :mod:`movequal.core.kinematics`, label)."""
MIN_REP_FRAMES = 5


def normalise_rep(values: np.ndarray, points: int = CURVE_POINTS) -> np.ndarray:
    """Resample one rep's values onto ``points`` evenly spaced fractions of the rep, bridging NaN gaps.

    Returns all-NaN when fewer than two values are finite.
    """
    finite = np.isfinite(values)
    if finite.sum() < 2:
        return np.full(points, np.nan)
    where = np.linspace(0.0, 1.0, len(values))
    return np.interp(np.linspace(0.0, 1.0, points), where[finite], values[finite])


def compute_rep_curves(
    kinematics: Kinematics,
    reps: Sequence[Rep],
    view: View,
    angles: Sequence[tuple[str, str]] = CURVE_ANGLES,
) -> list[RepCurve]:
    """Return the mean ± SD curve of each angle over the full reps (an angle with no usable rep is left out).

    Notes
    -----
    Partial reps are left out: a half rep stretched to 100 % would blur the shape. A rep shorter than
    :data:`MIN_REP_FRAMES` frames is left out too.
    """
    full = [r for r in reps if not r.partial and r.end_frame - r.start_frame + 1 >= MIN_REP_FRAMES]
    if not full:
        return []
    method: Literal["image", "3d"] = "image" if view in SAGITTAL else "3d"
    curves = []
    for base, label in angles:
        stacked = np.stack(
            [normalise_rep(kinematics.angle(base, view, slice(r.start_frame, r.end_frame + 1))) for r in full]
        )
        usable = stacked[np.isfinite(stacked).all(axis=1)]
        if len(usable) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sd = usable.std(axis=0, ddof=1) if len(usable) > 1 else np.zeros(CURVE_POINTS)
        curves.append(
            RepCurve(
                angle=base,
                label=label,
                method=method,
                reps=len(usable),
                mean=[round(float(v), 2) for v in usable.mean(axis=0)],
                sd=[round(float(v), 2) for v in sd],
            )
        )
    return curves
