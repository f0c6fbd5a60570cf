"""Movement smoothness and coordination measures.

Smoothness of a phase of movement: the spectral arc length of its speed
profile (:func:`compute_sparc`) and the number of speed peaks
(:func:`count_velocity_peaks`). Coordination between two segments: their
continuous relative phase (:func:`compute_relative_phase`). Left-right
balance: the symmetry index (:func:`compute_symmetry_index`).

All functions take numpy arrays, return new values and never modify their
inputs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.signal import hilbert

from movequal.core.filtering import DEFAULT_MAX_GAP_S, interpolate_gaps

FloatArray = NDArray[np.float64]

DEFAULT_MIN_PEAK_SEPARATION_S = 0.1
_MIN_SAMPLES = 4
# Denominators of the symmetry index below this count as "both sides zero".
_ZERO = 1e-12


def _fill_interior(values: ArrayLike, fs: float, max_gap_s: float) -> FloatArray | None:
    """Drop leading/trailing NaN and fill interior gaps up to ``max_gap_s``.

    Returns None if no finite value is left or a longer interior gap remains.
    """
    series = np.asarray(values, dtype=np.float64).ravel()
    finite = np.flatnonzero(np.isfinite(series))
    if finite.size == 0:
        return None
    trimmed = series[finite[0] : finite[-1] + 1]
    if finite.size == trimmed.size:  # no interior gap: nothing to fill
        return trimmed
    filled = interpolate_gaps(trimmed, np.arange(trimmed.size) / fs, max_gap_s)
    return None if np.isnan(filled).any() else filled


def compute_sparc(
    speed: FloatArray,
    fs: float,
    padlevel: int = 4,
    fc: float = 10.0,
    amp_th: float = 0.05,
    *,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
) -> float:
    """Spectral arc length (SPARC) of a speed profile.

    Parameters
    ----------
    speed : ndarray, shape (T,)
        Speed (non-negative magnitude of velocity) over one movement, any unit.
    fs : float
        Sampling rate in Hz.
    padlevel : int
        Zero padding: the FFT length is ``2 ** (ceil(log2(T)) + padlevel)``.
    fc : float
        Highest frequency considered, in Hz.
    amp_th : float
        Magnitude threshold (of the normalised spectrum) for the adaptive
        cut-off.
    max_gap_s : float
        Longest interior NaN gap that is linearly filled.

    Returns
    -------
    float
        A negative number; closer to 0 is smoother. NaN if fewer than 4
        samples remain, the speed is all zero, or an interior gap is longer
        than ``max_gap_s``.

    Notes
    -----
    Balasubramanian, Melendez-Calderon, Roby-Brami & Burdet (2015), "On the
    analysis of movement smoothness", J NeuroEng Rehabil 12:112. The
    magnitude spectrum is normalised by its peak and kept from 0 Hz up to the
    last frequency at or below ``fc`` whose magnitude is at least ``amp_th``;
    SPARC is minus the arc length of that curve with frequency normalised by
    the kept band. A Gaussian speed profile scores about -1.41; added
    sub-movements, hesitations or tremor make it more negative. Faint
    broadband noise (spectral magnitude below ``amp_th``) barely changes it,
    by design.

    Pass a speed, not a signed velocity or an angle: a profile that does not
    start and end near zero adds spectral ripple (as a truncated movement
    does). Leading and trailing NaN are dropped.
    """
    return float(compute_sparc_many([speed], fs, padlevel, fc, amp_th, max_gap_s=max_gap_s)[0])


def compute_sparc_many(
    speeds: Sequence[FloatArray],
    fs: float,
    padlevel: int = 4,
    fc: float = 10.0,
    amp_th: float = 0.05,
    *,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
) -> FloatArray:
    """:func:`compute_sparc` of many speed profiles at once (one FFT per length class).

    Notes
    -----
    Profiles are grouped by FFT length and transformed together, and the arc
    lengths are summed with masks instead of slicing row by row: scoring an
    hour of repetitions spends its time in per-call overhead otherwise.
    """
    if not fs > 0:
        raise ValueError(f"fs: expected a positive sampling rate, got {fs!r}")
    out = np.full(len(speeds), np.nan)
    groups: dict[int, list[tuple[int, FloatArray]]] = {}
    for i, profile in enumerate(_gap_free(speeds, fs, max_gap_s)):
        if profile is not None and profile.size >= _MIN_SAMPLES:
            nfft = 2 ** ((profile.size - 1).bit_length() + padlevel)  # 2 ** (ceil(log2(size)) + padlevel)
            groups.setdefault(nfft, []).append((i, profile))
    for nfft, items in groups.items():
        sizes = np.array([p.size for _, p in items])
        block = np.zeros((len(items), int(sizes.max())))
        rows = np.repeat(np.arange(len(items)), sizes)
        block[rows, np.arange(rows.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)] = np.concatenate(
            [p for _, p in items]
        )
        out[[i for i, _ in items]] = _spectral_arc_lengths(block, nfft, fs, fc, amp_th)
    return out


def _gap_free(speeds: Sequence[FloatArray], fs: float, max_gap_s: float) -> list[FloatArray | None]:
    """:func:`_fill_interior` of each profile; profiles with every value finite (the most) are taken as they are.

    Their finiteness is checked in one pass over all of them: a set of an hour has thousands of phases.
    """
    flat = [np.asarray(speed, dtype=np.float64).ravel() for speed in speeds]
    if not flat:
        return []
    sizes = np.array([f.size for f in flat])
    missing = np.concatenate([[0], np.cumsum(~np.isfinite(np.concatenate(flat)))])
    ends = np.cumsum(sizes)
    clean = ((missing[ends] - missing[ends - sizes]) == 0) & (sizes > 0)
    return [f if ok else _fill_interior(f, fs, max_gap_s) for f, ok in zip(flat, clean.tolist(), strict=True)]


def _spectral_arc_lengths(block: FloatArray, nfft: int, fs: float, fc: float, amp_th: float) -> FloatArray:
    """SPARC of each row of zero-padded, gap-free profiles (NaN where the spectrum is degenerate).

    Each row's magnitude spectrum is normalised by its peak and kept from 0 Hz up to ``fc``; within that, from the
    first to the last frequency whose magnitude reaches ``amp_th``. SPARC is minus the arc length of that curve
    with frequency normalised by the kept band.
    """
    magnitude = np.abs(np.fft.rfft(block, nfft, axis=1))
    peak = magnitude.max(axis=1)
    freqs = np.fft.rfftfreq(nfft, 1.0 / fs)
    in_band = freqs <= fc
    freqs = freqs[in_band]
    with np.errstate(invalid="ignore", divide="ignore"):
        magnitude = magnitude[:, in_band] / peak[:, None]
    above = magnitude >= amp_th
    first = np.argmax(above, axis=1)
    last = above.shape[1] - 1 - np.argmax(above[:, ::-1], axis=1)
    valid = above.any(axis=1) & (last > first) & (peak > 0) & np.isfinite(peak)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.diff(freqs)[None, :] / (freqs[last] - freqs[first])[:, None]
    steps = np.arange(freqs.size - 1)
    inside = (steps >= first[:, None]) & (steps < last[:, None])
    arc = np.where(inside, np.hypot(df, np.diff(magnitude, axis=1)), 0.0).sum(axis=1)
    return np.where(valid, -arc, np.nan)


def count_velocity_peaks(
    velocity: FloatArray,
    fs: float,
    min_prominence_frac: float = 0.1,
    *,
    min_separation_s: float = DEFAULT_MIN_PEAK_SEPARATION_S,
) -> int:
    """Count the distinct peaks of speed within one phase of a movement.

    Parameters
    ----------
    velocity : ndarray, shape (T,)
        Velocity (signed or not) over one phase, e.g. the descent of a squat.
    fs : float
        Sampling rate in Hz.
    min_prominence_frac : float
        A peak must rise this fraction of the phase's peak speed above the
        dips on either side of it.
    min_separation_s : float
        Peaks closer than this are counted once (the higher one), so frame
        jitter cannot split a peak.

    Returns
    -------
    int
        1 for a smooth, bell-shaped phase; more means the movement slowed and
        sped up again (hesitation); 0 if there is no movement or no data.

    Notes
    -----
    The phase is padded with zero speed at both ends, so a phase cut while
    still moving counts its edge as a peak. Leading and trailing NaN are
    dropped and interior NaN of any length are bridged linearly, which can
    hide a hesitation that happened inside a long gap.
    """
    if not fs > 0:
        raise ValueError(f"fs: expected a positive sampling rate, got {fs!r}")
    speeds = [abs(v) for v in np.asarray(velocity, dtype=np.float64).ravel().tolist()]
    if not all(map(math.isfinite, speeds)):  # gaps to bridge (rare): as numpy does it
        filled = _fill_interior(np.abs(np.asarray(velocity, dtype=np.float64)), fs, np.inf)
        speeds = [] if filled is None else filled.tolist()
    top = max(speeds, default=0.0)
    if not (top > 0 and math.isfinite(top)):
        return 0
    distance = max(1, round(min_separation_s * fs))
    return _count_prominent_peaks([0.0, *speeds, 0.0], min_prominence_frac * top, distance)


def _count_prominent_peaks(values: list[float], min_prominence: float, distance: int) -> int:
    """Count the peaks ``find_peaks(values, prominence=min_prominence, distance=distance)`` returns (a short series).

    Notes
    -----
    ``find_peaks`` spends more on checking its arguments than on a phase of a
    repetition (20-40 samples), and an hour's set has two phases per rep. This
    takes the same three steps in plain Python floats (IEEE doubles, as numpy's) with the same comparisons, so the
    count is the same: the local maxima, then the highest first removing lower
    ones closer than ``distance`` (in ``np.argsort``'s order, as ``find_peaks``),
    then each one's prominence: its height above the higher of the lowest
    points on either side before a higher sample.
    """
    peaks = _local_maxima(values)
    if len(peaks) > 1:
        peaks = _apart(peaks, np.argsort(np.array([values[p] for p in peaks])).tolist(), distance)
    return sum(min_prominence <= _prominence(values, peak) for peak in peaks)


def _prominence(values: list[float], peak: int) -> float:
    """Return a peak's height over the higher of its bases: the lowest values on either side before a higher one."""
    height, first, last = values[peak], peak, peak
    while first > 0 and values[first - 1] <= height:
        first -= 1
    while last < len(values) - 1 and values[last + 1] <= height:
        last += 1
    return height - max(min(values[first : peak + 1]), min(values[peak : last + 1]))


def _local_maxima(values: list[float]) -> list[int]:
    """Local maxima as ``find_peaks`` finds them: a rise, any run of equal values, a fall (the middle of the run)."""
    peaks, i, last = [], 1, len(values) - 1
    while i < last:
        if values[i - 1] < values[i]:
            ahead = i + 1
            while ahead < last and values[ahead] == values[i]:
                ahead += 1
            if values[ahead] < values[i]:
                peaks.append((i + ahead - 1) // 2)
                i = ahead
        i += 1
    return peaks


def _apart(peaks: list[int], by_height: list[int], distance: int) -> list[int]:
    """Keep peaks at least ``distance`` apart, the higher first (``by_height``: positions in ``peaks``, lowest first).

    As ``find_peaks``: the highest peak left removes its neighbours closer than ``distance``, then the next.
    """
    keep = [True] * len(peaks)
    for j in reversed(by_height):
        if not keep[j]:
            continue
        k = j - 1
        while k >= 0 and peaks[j] - peaks[k] < distance:
            keep[k], k = False, k - 1
        k = j + 1
        while k < len(peaks) and peaks[k] - peaks[j] < distance:
            keep[k], k = False, k + 1
    return [p for p, kept in zip(peaks, keep, strict=True) if kept]


def _hilbert_phase(series: FloatArray) -> NDArray[np.complex128] | None:
    """Return the unit analytic signal of a centred series, or None if it does not move."""
    centred = series - series.mean()
    scale = np.abs(centred).max()
    if not (scale > 0 and np.isfinite(scale)):
        return None
    analytic = np.asarray(hilbert(centred / scale))
    return np.asarray(analytic / np.maximum(np.abs(analytic), np.finfo(float).tiny))


def compute_relative_phase(a: FloatArray, b: FloatArray) -> FloatArray:
    """Continuous relative phase between two angle series, in degrees.

    Parameters
    ----------
    a, b : ndarray, shape (T,)
        Two series over the same frames, e.g. trunk and thigh inclination.

    Returns
    -------
    ndarray, shape (T,)
        Phase of ``a`` minus phase of ``b``, wrapped to [-180, 180];
        positive when ``a`` leads. NaN where either input is NaN, and
        everywhere if either series does not move or fewer than 4 frames are
        shared.

    Notes
    -----
    Each series is centred on its mean and scaled to a peak of 1, then its
    phase angle is taken from its analytic signal (Hilbert transform). The
    scaling does not change the phase; the centring does, so pass series
    that oscillate about their mean (whole repetitions).

    Near 0° the two segments move together, en bloc; larger magnitudes mean
    they move more independently (180° = opposite directions). Use
    ``np.abs`` for the magnitude. In people with low back pain, in-phase
    coordination of trunk and pelvis has been reported, a stiffer, "guarded"
    pattern (in walking: Lamoth et al. 2006, Eur Spine J 15:23-40; Seay,
    Van Emmerik & Hamill 2011, Clin Biomech 26:572-578). By analogy, a lower
    trunk-thigh relative phase than usual in a squat or lift may mark
    guarding; that reading is an extrapolation, not a validated cut-off.

    The FFT-based Hilbert transform treats the series as periodic: values
    within about half a cycle of either end are distorted unless the series
    covers whole cycles. Interior gaps (frames where either input is NaN)
    are bridged linearly for the transform and returned as NaN.
    """
    first, second = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if first.ndim != 1 or first.shape != second.shape:
        raise ValueError(f"a, b: expected two 1-D series of the same length, got {first.shape} and {second.shape}")
    out = np.full(first.shape, np.nan)
    valid = np.isfinite(first) & np.isfinite(second)
    index = np.flatnonzero(valid)
    if index.size < _MIN_SAMPLES:
        return out
    span = np.arange(index[0], index[-1] + 1)
    za = _hilbert_phase(np.interp(span, index, first[index]))
    zb = _hilbert_phase(np.interp(span, index, second[index]))
    if za is None or zb is None:
        return out
    out[span] = np.degrees(np.angle(za * np.conj(zb)))
    out[~valid] = np.nan
    return out


@overload
def compute_symmetry_index(left: float, right: float) -> float: ...


@overload
def compute_symmetry_index(left: FloatArray, right: float | FloatArray) -> FloatArray: ...


@overload
def compute_symmetry_index(left: float | FloatArray, right: FloatArray) -> FloatArray: ...


def compute_symmetry_index(left: float | FloatArray, right: float | FloatArray) -> float | FloatArray:
    """Symmetry index between a left and a right value, in percent.

    Parameters
    ----------
    left, right : float or ndarray
        Values of the same measure on each side (broadcast together).

    Returns
    -------
    float or ndarray
        ``|L - R| / (0.5 * (|L| + |R|)) * 100``: 0 = symmetric, up to 200.
        0 where both sides are (near) zero; NaN where either is NaN. A float
        when both inputs are scalars.

    Notes
    -----
    Robinson, Herzog & Nigg (1987), J Manipulative Physiol Ther 10:172-176,
    with absolute values so that the index is non-negative and defined for
    signed measures. It is relative: the same 2° difference is a large index
    for a 5° measure and a small one for a 90° measure, so compare indices
    of the same measure only.
    """
    lhs, rhs = np.asarray(left, dtype=np.float64), np.asarray(right, dtype=np.float64)
    mean_magnitude = 0.5 * (np.abs(lhs) + np.abs(rhs))
    moving = mean_magnitude > _ZERO
    with np.errstate(divide="ignore", invalid="ignore"):
        index = np.where(moving, np.abs(lhs - rhs) / np.where(moving, mean_magnitude, 1.0) * 100.0, 0.0)
    index = np.where(np.isnan(lhs) | np.isnan(rhs), np.nan, index)
    return float(index) if index.ndim == 0 else index
