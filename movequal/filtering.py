"""Landmark conditioning: visibility masking, gap filling and smoothing.

All functions return new arrays or sequences and never modify their inputs.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray
from scipy.signal import butter, sosfiltfilt

from movequal.pose import PoseSequence

DEFAULT_VISIBILITY_THRESHOLD = 0.5
DEFAULT_MAX_GAP_S = 0.2
DEFAULT_CUTOFF_HZ = 6.0
# 4th-order zero-lag Butterworth at ~6 Hz is the usual choice for human movement
# kinematics (Winter, Biomechanics and Motor Control of Human Movement, 4th ed., ch. 3).
_BUTTER_ORDER = 4


def filter_low_visibility(pose: PoseSequence, threshold: float = DEFAULT_VISIBILITY_THRESHOLD) -> PoseSequence:
    """Return a copy where landmarks with visibility below ``threshold`` are NaN."""
    hidden = pose.visibility < threshold
    image = pose.image.copy()
    world = pose.world.copy()
    image[hidden] = np.nan
    world[hidden] = np.nan
    return replace(pose, image=image, world=world)


def interpolate_gaps(
    values: NDArray[np.float64], timestamps: NDArray[np.float64], max_gap_s: float = DEFAULT_MAX_GAP_S
) -> NDArray[np.float64]:
    """Linearly fill NaN runs no longer than ``max_gap_s`` along axis 0.

    Parameters
    ----------
    values : ndarray, shape (T, ...)
        Series with NaN where missing.
    timestamps : ndarray, shape (T,)
        Frame times in seconds.
    max_gap_s : float
        Longest gap (time between the last valid frame before and the first
        after) that is filled. Longer gaps stay NaN.

    Notes
    -----
    Leading and trailing NaN runs are never extrapolated.
    """
    flat = values.reshape(values.shape[0], -1).copy()
    for column in range(flat.shape[1]):
        series = flat[:, column]
        valid = np.flatnonzero(np.isfinite(series))
        if valid.size < 2:
            continue
        filled = np.interp(timestamps, timestamps[valid], series[valid])
        gap_start = valid[:-1][np.diff(valid) > 1]
        gap_end = valid[1:][np.diff(valid) > 1]
        for a, b in zip(gap_start, gap_end, strict=True):
            if timestamps[b] - timestamps[a] <= max_gap_s:
                series[a + 1 : b] = filled[a + 1 : b]
    return flat.reshape(values.shape)


def filter_butterworth(
    values: NDArray[np.float64], fps: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ
) -> NDArray[np.float64]:
    """Zero-lag low-pass filter each finite run of a series along axis 0.

    Notes
    -----
    ``sosfiltfilt`` needs more samples than its padding; runs too short for it
    (or a cutoff at or above Nyquist) are returned unfiltered rather than
    distorted. NaN runs are left in place and each finite run is filtered on
    its own, so a gap never leaks into its neighbours.
    """
    if cutoff_hz >= 0.5 * fps:
        return values.copy()
    sos = butter(_BUTTER_ORDER, cutoff_hz, btype="low", fs=fps, output="sos")
    min_len = 3 * (2 * len(sos) + 1) + 1
    flat = values.reshape(values.shape[0], -1).copy()
    for column in range(flat.shape[1]):
        series = flat[:, column]
        finite = np.isfinite(series)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(np.int8), [0]])))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            if stop - start >= min_len:
                series[start:stop] = sosfiltfilt(sos, series[start:stop])
    return flat.reshape(values.shape)


def filter_pose(
    pose: PoseSequence,
    *,
    visibility_threshold: float = DEFAULT_VISIBILITY_THRESHOLD,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
) -> PoseSequence:
    """Mask, gap-fill and smooth image and world landmarks (offline, zero lag)."""
    masked = filter_low_visibility(pose, visibility_threshold)
    fps = float(len(pose) / pose.duration) if pose.duration > 0 else pose.fps
    image = filter_butterworth(interpolate_gaps(masked.image, pose.timestamps, max_gap_s), fps, cutoff_hz)
    world = filter_butterworth(interpolate_gaps(masked.world, pose.timestamps, max_gap_s), fps, cutoff_hz)
    return replace(pose, image=image, world=world)
