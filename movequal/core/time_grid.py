"""An even clock for filters: frames a camera dropped or repeated are put right before a series is filtered.

A Butterworth filter assumes one sample every 1/fs seconds. Phones drop frames when busy, and a container that
claims 1000 frames/s has a repeated frame stamped 1 ms after the one before (:mod:`movequal.io.video`). Filtered
as if evenly spaced, one dropped frame left an 18 % ripple in the speed of a smooth movement and one repeated frame
a twentyfold spike, enough to add a ``stiffness`` finding or flip a set's fatigue trend (docs/EVALUATION.md §52).

:func:`smooth_rows` puts the frames on the clip's own clock before filtering: where frames are missing it inserts
empty slots, filled on a straight line between their neighbours, and a frame that follows another by less than
half an interval is left out of the filter and read afterwards off the filtered series at its own time. The frames
themselves are never moved; a clip whose intervals all round to one median interval is filtered as it is, to the
bit, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

REPEAT_SHARE = 0.5
"""A frame that follows the one before by less than this share of the median interval repeats it."""
SLOT_LIMIT = 4
"""At most this many clock slots per frame; timestamps that would need more are filtered as they come."""
Smoother = Callable[[FloatArray, float], None]
"""Filters a C-contiguous (C, N) array in place at the given sampling rate."""


def find_step(timestamps: FloatArray) -> float | None:
    """Return the median frame interval (s) when some frame was dropped or repeated, else ``None``.

    A frame was dropped where an interval rounds to two or more median intervals, repeated where it is under
    :data:`REPEAT_SHARE` of one; a variable frame rate's jitter within those bounds is not either.

    Raises
    ------
    ValueError
        For timestamps that step back.
    """
    if timestamps.size < 3:
        return None
    intervals = np.diff(timestamps)
    if bool(np.any(intervals < 0)):
        raise ValueError("timestamps: expected non-decreasing times, got a step back")
    step = float(np.median(intervals))
    if not step > 0:
        return None
    ratio = intervals / step
    return step if bool(np.any((ratio < REPEAT_SHARE) | (ratio >= 1.5))) else None


def resample_rows(rows: FloatArray, times: FloatArray, at: FloatArray) -> FloatArray:
    """Read each row of a (C, T) array, sampled at ``times`` (non-decreasing), at the times ``at`` (linear).

    Returns a C-contiguous (C, len(at)) array. A time next to a missing sample is missing unless it falls on a
    present one, so a gap never closes; times outside ``times`` take the nearest end's value.
    """
    right = np.clip(np.searchsorted(times, at, side="right"), 1, times.size - 1)
    left = right - 1
    span = times[right] - times[left]
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.clip(np.where(span > 0, (at - times[left]) / span, 0.0), 0.0, 1.0)
    a, b = rows[:, left], rows[:, right]
    mixed = np.where(weight == 0.0, a, np.where(weight == 1.0, b, a + weight * (b - a)))
    return np.ascontiguousarray(mixed, dtype=np.float64)


def _pieces(timestamps: FloatArray, pause_s: float) -> Iterator[slice]:
    """Stretches of frames with no interval longer than ``pause_s`` between them."""
    cuts = np.flatnonzero(np.diff(timestamps) > pause_s) + 1
    for start, stop in zip(np.r_[0, cuts], np.r_[cuts, timestamps.size], strict=True):
        yield slice(int(start), int(stop))


def _smooth_piece(rows: FloatArray, timestamps: FloatArray, step: float, smooth: Smoother) -> None:
    """Filter a C-contiguous (C, N) stretch with no long pause in place, on the clock of interval ``step``."""
    if timestamps.size < 2:
        return
    kept = np.r_[True, np.diff(timestamps) >= REPEAT_SHARE * step]
    times = timestamps[kept]
    slots = np.maximum(np.rint(np.diff(times) / step), 1).astype(np.int64)
    places = np.r_[0, np.cumsum(slots)]
    if places[-1] + 1 > SLOT_LIMIT * timestamps.size:
        smooth(rows, (timestamps.size - 1) / max(float(timestamps[-1] - timestamps[0]), step))
        return
    # Empty slots lie on a straight line between the frames around them, as a gap in the landmarks is filled.
    clock = resample_rows(rows[:, kept], places.astype(np.float64), np.arange(places[-1] + 1, dtype=np.float64))
    smooth(clock, 1.0 / step)
    filtered = np.ascontiguousarray(clock[:, places])
    rows[:, kept] = filtered
    if not kept.all():  # a repeat is read off the filtered series; next to a gap it keeps its own value
        own = rows[:, ~kept]
        read = resample_rows(filtered, times, timestamps[~kept])
        rows[:, ~kept] = np.where(np.isnan(read), own, read)


def smooth_rows(rows: FloatArray, timestamps: FloatArray, fps: float, smooth: Smoother, *, max_gap_s: float) -> None:
    """Filter each row of a private C-contiguous (C, T) array in place, after putting dropped or repeated frames right.

    Parameters
    ----------
    rows : ndarray, shape (C, T)
        Series sampled at ``timestamps``; NaN where missing. Overwritten.
    timestamps : ndarray, shape (T,)
        Frame times (s), non-decreasing.
    fps : float
        The rate ``smooth`` is given when no frame was dropped or repeated (as before this module existed).
    smooth : callable
        Filters a C-contiguous (C, N) array in place at a given sampling rate.
    max_gap_s : float
        Stretches with no frame for longer than this are filtered apart, as a gap in the landmarks is.

    Notes
    -----
    The clock's interval is the median frame interval. A missing value stays missing; an empty slot next to one
    is missing too, so a gap never closes; a run too short for the filter keeps its values.
    """
    step = find_step(timestamps)
    if step is None:
        smooth(rows, fps)
        return
    for piece in _pieces(timestamps, max_gap_s):
        part = np.ascontiguousarray(rows[:, piece])
        _smooth_piece(part, timestamps[piece], step, smooth)
        rows[:, piece] = part
