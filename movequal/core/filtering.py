"""Landmark conditioning: visibility masking, gap filling and smoothing.

Offline, :func:`filter_pose` masks hidden landmarks, fills short gaps and
smooths with a zero-lag Butterworth filter. Live, the causal One-Euro filter
of :mod:`movequal.core.oneeuro` smooths one frame at a time with little lag,
since it cannot look ahead.

Public functions return new arrays and never modify their inputs. Inside, a
series is a private (C, T) copy, one row per coordinate, so each run of frames
is contiguous; the ``_*_inplace`` helpers work on such private copies. The
Butterworth machinery is :mod:`movequal.core.butterworth`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import median_filter

from movequal.core.butterworth import (
    DEFAULT_CUTOFF_HZ,
    DEFAULT_MAX_GAP_S,
    _ragged_positions,
    _smooth_at,
    _to_rows,
    _true_runs,
)
from movequal.core.frame_rate import compute_median_width
from movequal.core.time_grid import smooth_rows
from movequal.pose.sequence import PoseSequence

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

DEFAULT_VISIBILITY_THRESHOLD = 0.5


def filter_low_visibility(pose: PoseSequence, threshold: float = DEFAULT_VISIBILITY_THRESHOLD) -> PoseSequence:
    """Return a copy where landmarks with visibility below ``threshold`` are NaN."""
    hidden = pose.visibility < threshold
    image = pose.image.copy()
    world = pose.world.copy()
    image[hidden] = np.nan
    world[hidden] = np.nan
    return replace(pose, image=image, world=world)


def _interpolate_inplace(series: FloatArray, timestamps: FloatArray, max_gap_s: float) -> None:
    """Fill short interior NaN runs of each row of a private (C, T) array in place."""
    n = series.shape[1]
    starts, stops, rows = _true_runs(~np.isfinite(series))
    inner = (starts > 0) & (stops < n)
    inner[inner] = timestamps[stops[inner]] - timestamps[starts[inner] - 1] <= max_gap_s
    starts, stops, rows = starts[inner], stops[inner], rows[inner]
    lengths = stops - starts
    frames = _ragged_positions(starts, lengths)
    row_base = np.repeat(rows * n, lengths)
    before, after = np.repeat(starts - 1, lengths), np.repeat(stops, lengths)
    flat = series.reshape(-1)
    t0, t1 = timestamps[before], timestamps[after]
    v0, v1 = flat[row_base + before], flat[row_base + after]
    # Same operation order as np.interp: slope * (t - t0) + v0.
    flat[row_base + frames] = (v1 - v0) / (t1 - t0) * (timestamps[frames] - t0) + v0


def interpolate_gaps(values: FloatArray, timestamps: FloatArray, max_gap_s: float = DEFAULT_MAX_GAP_S) -> FloatArray:
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

    Returns
    -------
    ndarray, shape (T, ...)
        A new array; ``values`` is not modified.

    Notes
    -----
    Leading and trailing NaN runs are never extrapolated. All columns are
    handled at once: the NaN runs of every column are found in one pass and
    each filled sample is interpolated between the valid samples bounding its
    own run, in its own column. Any non-finite value (including inf) counts
    as missing.
    """
    series = _to_rows(values)
    _interpolate_inplace(series, np.asarray(timestamps, dtype=np.float64), max_gap_s)
    return np.ascontiguousarray(series.T).reshape(values.shape)


def _condition_landmarks(
    landmarks: FloatArray,
    hidden: BoolArray,
    chosen: IntArray | None,
    *,
    coords: Sequence[int] | None = None,
    timestamps: FloatArray,
    fps: float,
    max_gap_s: float,
    cutoff_hz: float,
) -> FloatArray:
    """Mask, gap-fill and smooth the ``chosen`` landmarks' ``coords`` (all if None) of (T, L, D) landmarks.

    Works on a private (L*D, T) copy; the rows not chosen keep their input values. The result is a
    read-only (T, L, D) view of those rows, so each coordinate's time series stays contiguous
    (Fortran-like strides, not C order): the values are the same, and the per-landmark kinematics
    read them faster that way.
    """
    dims = math.prod(landmarks.shape[2:])
    out = _to_rows(landmarks)
    picked = np.arange(landmarks.shape[1]) if chosen is None else chosen
    axes = np.arange(dims) if coords is None else np.asarray(coords, dtype=np.int64)
    everything = chosen is None and coords is None
    rows = slice(None) if everything else (picked[:, np.newaxis] * dims + axes).ravel()
    series = out if everything else out[rows]
    np.copyto(series, np.nan, where=np.repeat(hidden[:, picked].T, axes.size, axis=0))
    _interpolate_inplace(series, timestamps, max_gap_s)
    smooth_rows(series, timestamps, fps, partial(_smooth_at, cutoff_hz=cutoff_hz), max_gap_s=max_gap_s)
    if not everything:
        out[rows] = series
    # Frozen so that PoseSequence adopts the view without copying it.
    view = out.T.reshape(landmarks.shape)
    view.setflags(write=False)
    return view


def filter_running_median(values: FloatArray, width: int = 5) -> FloatArray:
    """Centred running median of a (T,) series over ``width`` frames; NaN frames stay NaN.

    Notes
    -----
    For per-frame measurements with occasional wild values (the back's
    outline when the mask briefly loses an arm or a bag): a median drops a
    single outlier that a low-pass filter would smear over its neighbours.
    """
    series = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(series)
    if series.size < width or not finite.any():
        return series.copy()
    # median_filter knows no NaN: each gap is bridged by its neighbours' values for the filter, then put back.
    index = np.arange(series.size)
    bridged = np.interp(index, index[finite], series[finite])
    return np.where(finite, median_filter(bridged, size=width, mode="nearest"), np.nan)


def filter_pose(
    pose: PoseSequence,
    *,
    visibility_threshold: float = DEFAULT_VISIBILITY_THRESHOLD,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    only: Sequence[int] | None = None,
    world_only: Sequence[int] | None = None,
    image_coords: Sequence[int] | None = None,
) -> PoseSequence:
    """Mask (image only), gap-fill and smooth image and world landmarks (offline, zero lag).

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks.
    visibility_threshold, max_gap_s, cutoff_hz : float
        See :func:`filter_low_visibility`, :func:`interpolate_gaps` and :func:`filter_butterworth`.
    only : sequence of int, optional
        Landmark indices to condition; the others are returned exactly as they came in (not even
        masked). None (the default) conditions all 33. The Butterworth recursions dominate the cost
        and scale with the number of landmarks: the 13 joints the kinematics use take about half the time.
    world_only : sequence of int, optional
        The same for the world landmarks; ``only`` when omitted.
    image_coords : sequence of int, optional
        Which image coordinates (0 = x, 1 = y, 2 = z) to condition; all when omitted. Image angles use only x and y.

    Returns
    -------
    PoseSequence
        A new sequence; ``visibility``, ``timestamps`` and metadata unchanged.

    Notes
    -----
    Equivalent to :func:`filter_low_visibility`, then :func:`interpolate_gaps` and
    :func:`filter_butterworth` on ``image`` and ``world``, without the intermediate copies, at the
    rate the clip was recorded at (frames over duration, not the nominal ``fps``).

    Only image landmarks are masked by visibility. The world landmarks are the model's 3D estimate
    of the whole body, occluded joints included; masking the far side of a side view would leave the
    hip and shoulder centres on the near side and tilt the 3D trunk line sideways by the
    shoulder-hip width difference (about 9°).
    """
    hidden = pose.visibility < visibility_threshold
    fps = compute_sampling_rate(pose)
    condition = partial(
        _condition_landmarks, timestamps=pose.timestamps, fps=fps, max_gap_s=max_gap_s, cutoff_hz=cutoff_hz
    )
    chosen = _validate_landmarks("only", only, hidden.shape[1])
    world_chosen = chosen if world_only is None else _validate_landmarks("world_only", world_only, hidden.shape[1])
    kept = np.zeros_like(hidden)  # world landmarks are never masked: see Notes
    bend = _filter_back_bend(pose, max_gap_s)
    return replace(
        pose,
        image=condition(pose.image, hidden, chosen, coords=image_coords),
        world=condition(pose.world, kept, world_chosen),
        back_bend=bend,
    )


def compute_sampling_rate(pose: PoseSequence) -> float:
    """Frames per second as recorded: frames over duration, the nominal ``fps`` only for a zero-length clip.

    Variable-frame-rate clips are thus filtered at the rate they were recorded at.
    """
    return float(len(pose) / pose.duration) if pose.duration > 0 else pose.fps


def _filter_back_bend(pose: PoseSequence, max_gap_s: float) -> FloatArray:
    """Fill short gaps in the back-outline bend, then drop single-frame outliers with a running median."""
    width = compute_median_width(compute_sampling_rate(pose))
    return filter_running_median(interpolate_gaps(pose.back_bend, pose.timestamps, max_gap_s), width)


def _validate_landmarks(name: str, indices: Sequence[int] | None, count: int) -> IntArray | None:
    chosen = None if indices is None else np.unique(np.asarray(indices, dtype=np.int64))
    if chosen is not None and chosen.size and not (chosen[0] >= 0 and chosen[-1] < count):
        raise ValueError(f"{name}: expected landmark indices in [0, {count}), got {list(chosen)}")
    return chosen
