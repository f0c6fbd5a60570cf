"""Where repetitions leave rest, turn and come back, for many repetitions of one driver signal at once.

:mod:`movequal.core.reps` finds repetitions as peaks of a gap-free driver signal
and places each one's edges: where depth crosses a level on either side of the
peak (:func:`find_crossings`), where it stops falling towards rest
(:func:`find_rest_edges`) and where the bottom hold begins and ends
(:func:`find_hold_spans`). An hour of a set has thousands of repetitions; these
functions place all of them in a few numpy passes, with the comparisons of a
walk from each peak, so the frames are the ones such a walk finds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

_CHUNK = 64
"""Frames looked at per pass when searching for a crossing: a repetition's half is usually shorter."""


def find_crossings(signal: FloatArray, peaks: IntArray, levels: FloatArray, step: int) -> IntArray:
    """First frame from each peak, walking by ``step`` (-1 earlier, +1 later), where ``signal <= level``.

    Parameters
    ----------
    signal : ndarray, shape (T,)
        A gap-free signal.
    peaks : ndarray of int, shape (P,)
        Where each walk starts (the frame itself is looked at first).
    levels : ndarray, shape (P,)
        Each walk's level.
    step : {-1, +1}
        The direction of the walks.

    Returns
    -------
    ndarray of int, shape (P,)
        The frames; -1 where the signal never comes down to the level in that direction.
    """
    out = np.full(peaks.size, -1, dtype=np.intp)
    pending, offset = np.arange(peaks.size), 0
    while pending.size:
        frames = peaks[pending, np.newaxis] + step * (offset + np.arange(_CHUNK))
        inside = (frames >= 0) & (frames < signal.size)
        below = inside & (signal[np.clip(frames, 0, signal.size - 1)] <= levels[pending, np.newaxis])
        found = below.any(axis=1)
        out[pending[found]] = frames[found, np.argmax(below[found], axis=1)]
        pending = pending[~found & inside[:, -1]]  # not found, and the signal goes on past this chunk
        offset += _CHUNK
    return out


def find_rest_edges(signal: FloatArray, edges: IntArray, tolerances: FloatArray, step: int, lookahead: int) -> IntArray:
    """Walk from each edge by ``step`` while depth keeps falling; where each walk stops.

    Notes
    -----
    Depth "keeps falling" when the lowest value in the next ``lookahead``
    frames is more than the walk's tolerance below the current one; the walk
    then moves to that lowest frame (the nearest, among equals). All walks
    advance together, one move per pass.
    """
    n, pos = signal.size, edges.copy()
    offsets = step * (1 + np.arange(lookahead))  # the frames ahead of the current one, nearest first
    walking = np.flatnonzero((pos + step >= 0) & (pos + step < n))
    while walking.size:
        frames = pos[walking, np.newaxis] + offsets
        window = np.where((frames >= 0) & (frames < n), signal[np.clip(frames, 0, n - 1)], np.inf)
        falls = window.min(axis=1) < signal[pos[walking]] - tolerances[walking]
        walking = walking[falls]
        pos[walking] += step * (1 + np.argmin(window[falls], axis=1))
        walking = walking[(pos[walking] + step >= 0) & (pos[walking] + step < n)]
    return pos


def find_hold_spans(signal: FloatArray, starts: IntArray, ends: IntArray, fraction: float) -> tuple[IntArray, IntArray]:
    """First and last frame of each repetition's bottom hold: around its peak, depth within ``fraction`` of it.

    Parameters
    ----------
    signal : ndarray, shape (T,)
        A gap-free signal.
    starts, ends : ndarray of int, shape (W,)
        First and last frame of each repetition.
    fraction : float
        Frames at or above ``rest + fraction * (peak - rest)`` count as the hold, ``rest`` the lower of the
        repetition's first and last values and ``peak`` its highest (the first of equals).

    Returns
    -------
    first, last : ndarray of int, shape (W,)
        The run of hold frames around each peak.
    """
    if not starts.size:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    lengths = ends - starts + 1
    offsets = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(starts.size), lengths)
    frames = np.arange(int(lengths.sum())) - offsets[owner] + starts[owner]
    values = signal[frames]
    highest = np.maximum.reduceat(values, offsets)
    index = np.arange(values.size)
    peak = np.minimum.reduceat(np.where(values == highest[owner], index, values.size), offsets)
    rest = np.minimum(signal[starts], signal[ends])
    deep = values >= (rest + fraction * (highest - rest))[owner]
    shallow_before = np.maximum.accumulate(np.where(deep, -1, index))  # the last frame out of the hold, so far
    shallow_after = np.minimum.accumulate(np.where(deep, values.size, index)[::-1])[::-1]
    first = np.maximum(np.concatenate([[-1], shallow_before[:-1]])[peak] + 1, offsets)
    last = np.minimum(np.concatenate([shallow_after[1:], [values.size]])[peak] - 1, offsets + lengths - 1)
    return frames[first], frames[last]
