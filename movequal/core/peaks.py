"""Prominent peaks of a long series, as ``scipy.signal.find_peaks`` finds them, in O(n log n).

``find_peaks`` measures each peak's prominence by walking from the peak, sample
by sample, to the nearest higher sample on either side. Over a long recording
whose peaks are alike (an hour of squats of one depth, the strides of a long
walk) each walk can span most of the recording, and the walks then cost more
than the rest of the analysis. :func:`find_prominent_peaks` returns the same
peaks, prominences and bases, to the last bit (the same comparisons and the
same subtraction), from range-maximum and range-minimum tables: two vectorised
binary searches per peak instead of the walks.
"""

from __future__ import annotations

from typing import TypedDict, cast

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


class PeakProperties(TypedDict):
    """The properties ``find_peaks`` returns when asked for a prominence."""

    prominences: FloatArray
    left_bases: IntArray
    right_bases: IntArray


def find_prominent_peaks(
    x: FloatArray, prominence: float, distance: float | None = None
) -> tuple[IntArray, PeakProperties]:
    """``find_peaks(x, prominence=prominence, distance=distance)``: the same peaks and properties.

    Parameters
    ----------
    x : ndarray, shape (T,)
        The series; one with a non-finite value is passed to ``find_peaks`` itself.
    prominence : float
        Smallest prominence kept.
    distance : float, optional
        Smallest distance between peaks in samples (the higher kept), as ``find_peaks``.

    Returns
    -------
    peaks : ndarray of int
        Indices of the peaks kept.
    properties : dict
        ``"prominences"``, ``"left_bases"`` and ``"right_bases"`` of the peaks kept.
    """
    signal = np.ascontiguousarray(x, dtype=np.float64)
    if signal.ndim != 1 or not np.isfinite(signal).all():
        found, properties = find_peaks(signal, prominence=prominence, distance=distance)
        return found, cast(PeakProperties, properties)
    peaks, _ = find_peaks(signal, distance=distance)  # the candidates find_peaks measures the prominence of
    prominences, left_bases, right_bases = peak_prominences(signal, peaks)
    keep = prominence <= prominences
    return peaks[keep], {
        "prominences": prominences[keep],
        "left_bases": left_bases[keep],
        "right_bases": right_bases[keep],
    }


def peak_prominences(x: FloatArray, peaks: IntArray) -> tuple[FloatArray, IntArray, IntArray]:
    """Prominence and bases of each peak of a finite series, as ``scipy.signal.peak_prominences`` gives them.

    Notes
    -----
    On each side, the peak's range runs up to (not including) the nearest
    sample higher than the peak, or to the end of the series; its base is the
    lowest sample in that range, the one nearest the peak among equals. The
    prominence is the peak's height minus the higher of its two bases.
    """
    if not peaks.size:
        return np.zeros(0), np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    highest, lowest = _range_table(x, np.maximum), _range_table(x, np.minimum)
    height = x[peaks]
    first = _reach(highest, peaks, height, -1, np.less_equal)
    last = _reach(highest, peaks + 1, height, +1, np.less_equal) - 1
    left_min, right_min = _range_min(lowest, first, peaks), _range_min(lowest, peaks, last)
    left_bases = _reach(lowest, peaks + 1, left_min, -1, np.greater) - 1  # the last lowest sample before the peak
    right_bases = _reach(lowest, peaks, right_min, +1, np.greater)  # the first after it
    return height - np.maximum(left_min, right_min), left_bases, right_bases


def _range_table(x: FloatArray, pick: np.ufunc) -> list[FloatArray]:
    """Level ``k`` holds ``pick`` (max or min) of ``x[i : i + 2**k]`` for every ``i`` where that fits."""
    table = [x]
    while 2 ** len(table) <= x.size:
        below, half = table[-1], 2 ** (len(table) - 1)
        table.append(pick(below[:-half], below[half:]))
    return table


def _reach(table: list[FloatArray], edge: IntArray, level: FloatArray, step: int, holds: np.ufunc) -> IntArray:
    """Walk from ``edge`` by ``step`` (-1 left, +1 right) while ``holds(sample, level)``; where the walk stops.

    Going left, ``edge`` is one past the run and the result its first index; going right, ``edge`` is its
    first index and the result one past its end. Binary lifting over a range table (``table[k][i]`` the max,
    or the min, of ``x[i : i + 2**k]``: the max where ``holds`` is ``<=``, the min where it is ``>``).
    """
    n = table[0].size
    pos = edge.copy()
    for k in range(len(table) - 1, -1, -1):
        span = 2**k
        start = pos - span if step < 0 else pos
        fits = np.flatnonzero((start >= 0) & (start + span <= n))
        move = fits[holds(table[k][start[fits]], level[fits])]
        pos[move] += step * span
    return pos


def _range_min(lowest: list[FloatArray], first: IntArray, last: IntArray) -> FloatArray:
    """Lowest value of each ``x[first : last + 1]``, from two overlapping blocks of the range-minimum table."""
    level = np.frexp(last - first + 1)[1].astype(np.intp) - 1  # floor(log2(length)), exactly
    out = np.empty(first.size)
    for k in np.unique(level).tolist():
        rows = np.flatnonzero(level == k)
        out[rows] = np.minimum(lowest[k][first[rows]], lowest[k][last[rows] - 2**k + 1])
    return out
