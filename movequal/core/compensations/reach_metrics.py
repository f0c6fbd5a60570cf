"""Per-rep metrics of a reach: how high the arms go and how the trunk moves to get them there.

Measured for movements whose driver is the arms' elevation (:attr:`MovementProfile.arms_driven`);
NaN for the others and outside the views a metric can be read in.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import View
from movequal.core.compensations.series_stats import change_from_reference, peak_of, running_mean
from movequal.core.kinematics import Kinematics, compute_arm_elevation
from movequal.core.reps import RepWindow

FloatArray = NDArray[np.float64]
NAN = float("nan")
MEAN_FRAMES = 5
"""Frames averaged at the start and along the rep, so one frame's jitter is not read as a tilt."""


class ReachMetrics(NamedTuple):
    """What a reach rep is judged on (degrees; NaN = not measurable here)."""

    peak_arm_elevation: float
    """Highest upper arm against the shoulder→hip line over the rep, 3D (about 9 hanging, 180 straight overhead)."""
    trunk_extension: float
    """Largest backward tilt of the trunk against the rep's start (+ = back), side views only."""
    lateral_trunk_lean: float
    """Largest sideways lean of the trunk against the rep's start, either way, front view only."""


NOT_REACH = ReachMetrics(NAN, NAN, NAN)


def compute_backward_tilt(pitch: FloatArray, sl: slice, reference: int = 0) -> float:
    """Largest backward tilt over ``sl`` against its ``reference`` frame, as 5-frame means (NaN if unknown).

    Notes
    -----
    ``pitch`` is + forward; a trunk that only leans forward gives a negative
    value, which no threshold on backward tilt reads as a fault.
    """
    rep = pitch[sl]
    if rep.size < MEAN_FRAMES:
        return NAN
    means = running_mean(rep, MEAN_FRAMES)
    start = means[min(reference, means.size - 1)]
    if not np.isfinite(start) or not np.isfinite(means).any():
        return NAN
    return float(start - np.nanmin(means))


def compute_reach_metrics(kin: Kinematics, window: RepWindow, view: View) -> ReachMetrics:
    """Measure one reach rep: the arm's peak elevation, the trunk's backward tilt and its sideways lean."""
    sl = slice(window.start, window.end + 1)
    reference = window.standing - window.start
    extension = (
        compute_backward_tilt(kin.series["trunk_pitch"], sl, reference) if kin.valid("trunk_pitch", view) else NAN
    )
    lean = NAN
    if kin.valid("trunk_lateral_lean", view):
        lean = abs(change_from_reference(kin.series["trunk_lateral_lean"], sl, reference))
    return ReachMetrics(peak_of(compute_arm_elevation(kin, sl)), extension, lean)
