"""Repetition segmentation from a movement's driver signal.

A repetition is a cycle from a resting position (standing) to a peak of
"depth" and back. Depth is a 0–1 driver signal chosen per movement: the drop of
the hips for squats, sit-to-stand and lunges, and the forward tilt of the trunk
for lifts and bends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from movequal.kinematics import Kinematics

FloatArray = NDArray[np.float64]

MIN_PROMINENCE = 0.15
"""Smallest depth excursion counted as a rep (fraction of the driver's scale)."""
MIN_RELATIVE_PROMINENCE = 0.4
"""A rep must reach this fraction of the clip's largest excursion (drops fidgets and set-up shifts)."""
MIN_REP_S = 0.5
RETURN_FRACTION = 0.35
"""A rep ends where depth has come back below this fraction of its excursion."""


@dataclass(frozen=True)
class RepWindow:
    """Frame indices of one repetition."""

    start: int
    bottom: int
    end: int


def compute_depth(kin: Kinematics, movement: str) -> FloatArray:
    """Return the 0–1 depth driver for ``movement`` (NaN where unmeasurable).

    Notes
    -----
    Hip-driven depth is ``1 - hip_height / standing_hip_height`` scaled so a
    hip drop of half the standing height is 1. Trunk-driven depth is trunk
    inclination over 90°. Standing height is the 95th percentile of the clip,
    so it assumes the subject stands upright at some point.
    """
    if movement in ("lift", "bend"):
        return np.asarray(kin.series["trunk_inclination"] / 90.0)
    height = kin.series["hip_height"]
    if not np.isfinite(height).any():
        return np.full_like(height, np.nan)
    standing = np.nanpercentile(height, 95)
    return np.asarray(np.clip((1.0 - height / standing) / 0.5, 0.0, None))


def detect_reps(depth: FloatArray, timestamps: FloatArray) -> list[RepWindow]:
    """Find repetitions as prominent peaks of ``depth``.

    Parameters
    ----------
    depth : ndarray, shape (T,)
        Driver signal, NaN where unknown (treated as gaps and bridged linearly).
    timestamps : ndarray, shape (T,)
        Frame times in seconds.

    Notes
    -----
    A peak counts only if depth falls back by ``RETURN_FRACTION`` of its
    prominence on both sides inside the clip, so a clip that starts or ends at
    the bottom (half a rep) does not count it. Peaks smaller than
    ``MIN_RELATIVE_PROMINENCE`` of the clip's largest are fidgets, not reps.
    """
    valid = np.isfinite(depth)
    if valid.sum() < 3:
        return []
    signal = np.interp(np.arange(depth.size), np.flatnonzero(valid), depth[valid])
    fps = (depth.size - 1) / max(timestamps[-1] - timestamps[0], 1e-9)
    peaks, props = find_peaks(signal, prominence=MIN_PROMINENCE, distance=max(1, int(MIN_REP_S * fps)))
    reps = []
    floor = MIN_RELATIVE_PROMINENCE * float(props["prominences"].max()) if peaks.size else 0.0
    for peak, prominence in zip(peaks, props["prominences"], strict=True):
        if prominence < floor:
            continue
        level = signal[peak] - (1.0 - RETURN_FRACTION) * prominence
        start = _crossing(signal, peak, level, -1)
        end = _crossing(signal, peak, level, +1)
        if start is not None and end is not None:
            reps.append(RepWindow(_rest_edge(signal, start, -1), int(peak), _rest_edge(signal, end, +1)))
    return _split_overlaps(reps, signal)


def _crossing(signal: FloatArray, peak: int, level: float, step: int) -> int | None:
    i = peak
    while 0 <= i < signal.size:
        if signal[i] <= level:
            return i
        i += step
    return None


def _rest_edge(signal: FloatArray, i: int, step: int) -> int:
    """Walk from a crossing towards rest while depth keeps decreasing."""
    while 0 <= i + step < signal.size and signal[i + step] < signal[i] - 1e-4:
        i += step
    return i


def _split_overlaps(reps: list[RepWindow], signal: FloatArray) -> list[RepWindow]:
    """Where consecutive reps overlap (no pause at the top), split at the shallowest frame."""
    out: list[RepWindow] = []
    for rep in reps:
        if out and rep.start < out[-1].end:
            prev = out[-1]
            boundary = prev.bottom + int(np.argmin(signal[prev.bottom : rep.bottom + 1]))
            out[-1] = RepWindow(prev.start, prev.bottom, boundary)
            out.append(RepWindow(boundary, rep.bottom, rep.end))
        else:
            out.append(rep)
    return out
