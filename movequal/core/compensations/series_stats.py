"""Small statistics of a per-frame series over a rep, robust to NaN and to single-frame jitter."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
NAN = float("nan")


def peak_of(values: FloatArray) -> float:
    """Largest value ignoring NaN (NaN when all are NaN or there are none)."""
    return float(np.fmax.reduce(values)) if values.size else NAN


def change_from_reference(values: FloatArray, sl: slice, reference: int = 0) -> float:
    """Largest change from the standing reference over the rep, both sides as 5-frame means.

    Notes
    -----
    The maximum of a noisy series is biased upwards; averaging 5 frames at the
    reference (``reference`` frames into the rep: 0, its start, unless it
    starts on the floor) and along the rep keeps single-frame jitter out. NaN
    frames are left out of each mean.
    """
    rep = values[sl]
    if rep.size < 5:
        return NAN
    finite = np.isfinite(rep)
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, rep, 0.0))])
    counts = np.concatenate([[0], np.cumsum(finite)])
    n = counts[5:] - counts[:-5]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (sums[5:] - sums[:-5]) / n
    at = min(reference, means.size - 1)
    means = means[n > 0] if reference == 0 else np.where(n > 0, means, NAN)
    if means.size == 0 or not np.isfinite(means[at]):
        return NAN
    change = means - means[at]
    return float(change[np.nanargmax(np.abs(change))])


def running_mean(values: FloatArray, frames: int, mode: Literal["valid", "same"] = "valid") -> FloatArray:
    """Return the running mean over ``frames`` frames, NaN left out of each mean (NaN where a window has none).

    ``mode`` is :func:`numpy.convolve`'s: ``"valid"`` gives full windows only, ``"same"`` one mean per frame
    (shorter windows at the edges), also for a series shorter than the window (where ``numpy.convolve``
    would return one value per kernel sample instead).
    """
    finite = np.isfinite(values)
    kernel = np.ones(frames)
    how = "full" if mode == "same" else mode
    with np.errstate(invalid="ignore", divide="ignore"):
        sums = np.convolve(np.where(finite, values, 0.0), kernel, how)
        means = sums / np.convolve(finite.astype(float), kernel, how)
    if mode == "same":  # numpy's "same" is this centred part of "full" whenever the series is the longer
        means = means[(frames - 1) // 2 : (frames - 1) // 2 + values.size]
    return np.asarray(means)


def median_around(values: FloatArray, at: int, half: int = 3) -> float:
    """Median of the finite values within ``half`` frames of ``at`` (NaN if none)."""
    near = values[max(at - half, 0) : at + half + 1]
    near = near[np.isfinite(near)]
    return float(np.median(near)) if near.size else NAN
