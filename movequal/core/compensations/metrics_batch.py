"""Per-rep values measured for all reps of a set at once, for :func:`~.metrics.compute_rep_metrics`.

Measuring an hour's set rep by rep spends most of its time in the overhead of
small calls: thousands of speed-peak counts over phases of 20-40 samples, and
a handful of tiny reductions per rep. Here each is done once over every rep,
with the same comparisons and float operations, so the values are the same
as :mod:`.metrics` computes for one rep.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, View
from movequal.core.compensations.metrics import HIPS_MARK, PEAK_PROMINENCE, RepReadings, mean_of_sides
from movequal.core.compensations.phase_speeds import PhaseSpeeds, compute_phase_speeds_many
from movequal.core.kinematics import Kinematics
from movequal.core.reps import RepWindow
from movequal.core.smoothness import DEFAULT_MIN_PEAK_SEPARATION_S, compute_sparc_many, count_velocity_peaks

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _strict_peaks(block: FloatArray, sizes: IntArray) -> tuple[IntArray, IntArray, NDArray[np.bool_]]:
    """Rows and columns of the strict local maxima of padded phases, and which rows have two equal neighbours.

    ``block`` holds one phase a row as ``[0, speeds..., 0, inf...]``. Where no two neighbouring samples are equal,
    the local maxima ``find_peaks`` finds (a run of equal values counts once) are the strict ones.
    """
    cols = np.arange(1, block.shape[1] - 1)
    inside = cols[None, :] <= sizes[:, None]
    mid = block[:, 1:-1]
    is_peak = inside & (block[:, :-2] < mid) & (mid > block[:, 2:])
    flat = np.arange(block.shape[1] - 1)[None, :] <= sizes[:, None]  # pairs within the padded phase
    plateau = ((block[:, :-1] == block[:, 1:]) & flat).any(axis=1)
    rows, at = np.nonzero(is_peak)
    return rows, at + 1, plateau


def _prominences(block: FloatArray, rows: IntArray, cols: IntArray) -> FloatArray:
    """Each peak's height over the higher of its bases, as ``smoothness._prominence`` reads it.

    A base is the lowest value on one side before a higher sample (or the phase's end; the ``inf`` padding
    stops the right-hand scan at the phase's end as the end of its list does).
    """
    rowvals = block[rows]
    height = rowvals[np.arange(rows.size), cols][:, None]
    index = np.arange(block.shape[1])[None, :]
    higher = rowvals > height
    first = np.where(higher & (index < cols[:, None]), index, -1).max(axis=1) + 1
    last = np.where(higher & (index > cols[:, None]), index, block.shape[1]).min(axis=1) - 1
    left = np.where((index >= first[:, None]) & (index <= cols[:, None]), rowvals, np.inf).min(axis=1)
    right = np.where((index >= cols[:, None]) & (index <= last[:, None]), rowvals, np.inf).min(axis=1)
    return np.asarray(height[:, 0] - np.maximum(left, right))


def _count_block(flat: FloatArray, starts: IntArray, sizes: IntArray, distances: IntArray, fraction: float) -> IntArray:
    """Peak counts of gap-free phases of similar length (``flat[start:start + size]``); -1 for the general path.

    The general path is needed where two neighbouring samples are equal (a plateau) or two peaks are closer
    than ``distance`` (the lower one is dropped): elsewhere every strict local maximum is a candidate.
    """
    n = sizes.size
    block = np.full((n, int(sizes.max()) + 3), np.inf)
    block[:, 0] = 0.0
    rows = np.repeat(np.arange(n), sizes)
    offset = np.arange(rows.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    block[rows, offset + 1] = flat[np.repeat(starts, sizes) + offset]
    block[np.arange(n), sizes + 1] = 0.0
    top = np.where(np.isfinite(block), block, 0.0).max(axis=1)
    rows, cols, plateau = _strict_peaks(block, sizes)
    crowded = np.zeros(n, dtype=bool)
    close = (rows[1:] == rows[:-1]) & (np.diff(cols) < distances[rows[1:]])
    crowded[rows[1:][close]] = True
    counted = fraction * top[rows] <= _prominences(block, rows, cols)
    counts = np.bincount(rows, weights=counted, minlength=n).astype(np.int64)
    counts[top <= 0] = 0
    counts[(plateau | crowded) & (top > 0)] = -1
    return counts


def count_velocity_peaks_many(
    velocities: Sequence[FloatArray], fs: Sequence[float], min_prominence_frac: float = 0.1
) -> list[int]:
    """:func:`~movequal.core.smoothness.count_velocity_peaks` of many phases, each at its own sampling rate.

    Parameters
    ----------
    velocities : sequence of ndarray
        Velocity (signed or not) over each phase.
    fs : sequence of float
        Each phase's sampling rate in Hz.
    min_prominence_frac : float
        As :func:`~movequal.core.smoothness.count_velocity_peaks`.

    Returns
    -------
    list of int
        The same counts as one call per phase. Phases with gaps, plateaus or peaks closer than the minimum
        separation (rare) are counted by that function; the rest in blocks of similar length.
    """
    if not velocities:
        return []
    parts = [np.ravel(v) for v in velocities]
    sizes = np.array([p.size for p in parts])
    flat = np.abs(np.concatenate(parts).astype(np.float64, copy=False))
    missing = np.concatenate([[0], np.cumsum(~np.isfinite(flat))])
    ends = np.cumsum(sizes)
    starts = ends - sizes
    clean = ((missing[ends] - missing[starts]) == 0) & (sizes > 0) & (np.asarray(fs, dtype=np.float64) > 0)
    counts = np.full(sizes.size, -1, dtype=np.int64)
    buckets = np.array([size.bit_length() for size in sizes.tolist()])
    for bucket in np.unique(buckets[clean]).tolist():
        members = np.flatnonzero(clean & (buckets == bucket))
        distances = np.array([max(1, round(DEFAULT_MIN_PEAK_SEPARATION_S * fs[i])) for i in members.tolist()])
        counts[members] = _count_block(flat, starts[members], sizes[members], distances, min_prominence_frac)
    pairs = zip(counts.tolist(), velocities, fs, strict=True)
    return [c if c >= 0 else count_velocity_peaks(v, r, min_prominence_frac) for c, v, r in pairs]


def _peaks_over(series: FloatArray, bounds: IntArray) -> FloatArray:
    """:func:`~.series_stats.peak_of` of ``series`` over each ``[start, stop)`` pair of ``bounds`` (flat, non-empty)."""
    return np.asarray(np.fmax.reduceat(np.append(series, np.nan), bounds)[::2])


def recovery_lags(kin: Kinematics, windows: Sequence[RepWindow], view: View) -> FloatArray:
    """Return every rep's recovery lag (``hips_rise_first``), as :mod:`.metrics` reads it for one rep.

    Each rep's hip rise from the bottom is read over one array of all reps' ascents; the first frame past
    :data:`~.metrics.HIPS_MARK` of each is found with one search.
    """
    height, trunk = kin.series["hip_height"], kin.angle("trunk_inclination", view)
    s, b, e = (np.array([getattr(w, k) for w in windows], dtype=np.int64) for k in ("standing", "bottom", "ascent_end"))
    rise, straighten = height[s] - height[b], trunk[b] - trunk[s]
    measured = np.flatnonzero((rise > 0) & (straighten > 10.0))
    sizes = np.maximum(e[measured] - b[measured] + 1, 0)
    rep = np.repeat(np.arange(measured.size), sizes)
    offset = np.arange(rep.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    frame = b[measured][rep] + offset
    past = np.flatnonzero((height[frame] - height[b[measured]][rep]) / rise[measured][rep] >= HIPS_MARK)
    hit_reps, first = np.unique(rep[past], return_index=True)
    at, halfway = measured[hit_reps], offset[past[first]]
    out = np.full(len(windows), np.nan)
    out[at] = HIPS_MARK - (trunk[b[at]] - trunk[b[at] + halfway]) / straighten[at]
    return out


def read_reps(
    kin: Kinematics, windows: Sequence[RepWindow], view: View, speeds: Sequence[PhaseSpeeds]
) -> list[RepReadings]:
    """Peaks of every rep's series and its recovery lag, as :func:`~.metrics.compute_rep_metrics` reads one rep."""
    bounds = np.array([[w.start, w.end + 1] for w in windows], dtype=np.int64).ravel()
    knee = _peaks_over(kin.angle("knee_flexion", view), bounds)
    hip = _peaks_over(kin.angle("hip_flexion", view), bounds)
    trunk = _peaks_over(kin.angle("trunk_inclination", view), bounds)
    thigh = _peaks_over(mean_of_sides(kin, "thigh_inclination", view, slice(None)), bounds)
    phases = [phase for descent, ascent, _ in speeds for phase in (descent, ascent)]
    sizes = np.array([p.size for p in phases])
    starts = np.cumsum(sizes) - sizes
    flat = np.abs(np.concatenate(phases))
    tops = np.where(sizes > 0, np.fmax.reduceat(np.append(flat, np.nan), np.minimum(starts, flat.size)), np.nan)
    descent, ascent = tops[0::2], tops[1::2]
    speed = np.where(ascent > descent, ascent, descent)  # max(descent, ascent), NaN first as Python's max
    columns = (speed, knee, hip, trunk, thigh, recovery_lags(kin, windows, view))
    return [RepReadings(*values) for values in zip(*(c.tolist() for c in columns), strict=True)]


class Precomputed(NamedTuple):
    """What :func:`~.metrics.compute_rep_metrics` may be given for one rep."""

    speeds: PhaseSpeeds
    sparc: float
    velocity_peaks: int
    readings: RepReadings


def precompute_reps(kin: Kinematics, windows: Sequence[RepWindow], view: View, movement: Movement) -> list[Precomputed]:
    """Phase speeds, SPARC, speed-peak counts and readings (:func:`read_reps`) of every rep, each for all at once.

    Notes
    -----
    SPARC is computed at the median frame rate of the reps
    (:func:`~movequal.core.smoothness.compute_sparc_many`), speed peaks at
    each rep's own (:func:`count_velocity_peaks_many`).
    """
    speeds = compute_phase_speeds_many(kin, movement, view, windows)
    if not speeds:
        return []
    phases = [phase for descent, ascent, _ in speeds for phase in (descent, ascent)]
    sparc = compute_sparc_many([np.abs(p) for p in phases], float(np.median([fs for _, _, fs in speeds])))
    rates = [fs for _, _, fs in speeds for _ in range(2)]
    counts = count_velocity_peaks_many(phases, rates, PEAK_PROMINENCE)
    readings = read_reps(kin, windows, view, speeds)
    return [
        Precomputed(s, p, max(counts[2 * i], counts[2 * i + 1]), k)
        for i, (s, p, k) in enumerate(zip(speeds, np.fmin(sparc[0::2], sparc[1::2]).tolist(), readings, strict=True))
    ]
