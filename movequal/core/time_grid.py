"""An even clock for filters: series whose frames are not evenly spaced are filtered on a regular grid.

A Butterworth filter assumes one sample every 1/fs seconds. Phones record at a variable frame rate and drop
frames, and a container that claims 1000 frames/s has a repeated frame stamped 1 ms after the one before
(:mod:`movequal.io.video`). Filtered as if evenly spaced, one dropped frame left an 18 % ripple in the speed of
a smooth movement and one repeated frame a twentyfold spike, enough to add a ``stiffness`` finding or flip a
set's fatigue trend (docs/EVALUATION.md §52). :func:`smooth_rows` moves such a series onto an even clock at the
median frame interval, filters it there and reads it back at the frames' own times; a clip whose frames are evenly
spaced is filtered as it is, to the bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

EVEN_TOLERANCE = 0.2
"""Frames count as evenly spaced when every interval is within this share of the median interval: a time base's
rounding (33.33 against 33.37 ms) is, a dropped frame (twice the interval) or a repeated one (1 ms) is not."""


def find_uneven_step(timestamps: FloatArray) -> float | None:
    """Return the median frame interval (s) when the frames are not evenly spaced, else ``None``.

    Notes
    -----
    Non-increasing timestamps count as uneven too; a clip of under three frames, or one whose median interval is
    not positive, is left as it is (``None``).
    """
    if timestamps.size < 3:
        return None
    intervals = np.diff(timestamps)
    step = float(np.median(intervals))
    if not step > 0:
        return None
    return step if bool(np.any(np.abs(intervals - step) > EVEN_TOLERANCE * step)) else None


def make_grid(timestamps: FloatArray, step: float) -> FloatArray:
    """Return times from the first frame's, ``step`` apart, up to the first at or after the last frame's."""
    count = int(np.ceil((timestamps[-1] - timestamps[0]) / step - 1e-9)) + 1
    return np.asarray(timestamps[0] + step * np.arange(count), dtype=np.float64)


def resample_rows(rows: FloatArray, times: FloatArray, at: FloatArray) -> FloatArray:
    """Read each row of a (C, T) array, sampled at ``times`` (increasing), at the times ``at`` (linear).

    Notes
    -----
    Between a finite sample and a missing one the finite one is taken, so a run's edges keep their values; a time
    between two missing samples stays NaN. Times outside ``times`` take the nearest end's value.
    """
    right = np.clip(np.searchsorted(times, at, side="right"), 1, times.size - 1)
    left = right - 1
    span = times[right] - times[left]
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.clip(np.where(span > 0, (at - times[left]) / span, 0.0), 0.0, 1.0)
    a, b = rows[:, left], rows[:, right]
    mixed = a + weight * (b - a)
    return np.asarray(np.where(np.isnan(a), b, np.where(np.isnan(b), a, mixed)), dtype=np.float64)


def smooth_rows(
    rows: FloatArray, timestamps: FloatArray, fps: float, smooth: Callable[[FloatArray, float], None]
) -> None:
    """Filter each row of a private (C, T) array in place with ``smooth(rows, fps)``, on an even clock if needed.

    Parameters
    ----------
    rows : ndarray, shape (C, T)
        Series sampled at ``timestamps``; NaN where missing. Overwritten.
    timestamps : ndarray, shape (T,)
        Frame times (s).
    fps : float
        The rate ``smooth`` is given when the frames are evenly spaced.
    smooth : callable
        Filters a (C, N) array in place at the given sampling rate.

    Notes
    -----
    With uneven frames the rows are read on a grid at the median interval (:func:`resample_rows`), filtered at
    its rate, and read back at ``timestamps``; a value missing before stays missing.
    """
    step = find_uneven_step(timestamps)
    if step is None:
        smooth(rows, fps)
        return
    grid = make_grid(timestamps, step)
    on_grid = resample_rows(rows, timestamps, grid)
    smooth(on_grid, 1.0 / step)
    rows[...] = np.where(np.isnan(rows), np.nan, resample_rows(on_grid, grid, timestamps))
