"""Movement smoothness and coordination measures (provisional; being completed)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks, hilbert

FloatArray = NDArray[np.float64]


def compute_sparc(speed: FloatArray, fs: float, padlevel: int = 4, fc: float = 10.0, amp_th: float = 0.05) -> float:
    """Spectral arc length of a speed profile (Balasubramanian et al. 2015); closer to 0 is smoother."""
    speed = np.asarray(speed, dtype=np.float64)
    speed = speed[np.isfinite(speed)]
    if speed.size < 4:
        return float("nan")
    nfft = int(2 ** (np.ceil(np.log2(speed.size)) + padlevel))
    freq = np.arange(nfft) * fs / nfft
    mag = np.abs(np.fft.fft(speed, nfft))
    if mag.max() == 0:
        return float("nan")
    mag = mag / mag.max()
    keep = freq <= fc
    freq, mag = freq[keep], mag[keep]
    above = np.flatnonzero(mag >= amp_th)
    stop = above[-1] + 1 if above.size else mag.size
    freq, mag = freq[:stop], mag[:stop]
    dfreq = np.diff(freq) / (freq[-1] - freq[0]) if freq[-1] > freq[0] else np.diff(freq)
    return float(-np.sum(np.sqrt(dfreq**2 + np.diff(mag) ** 2)))


def count_velocity_peaks(velocity: FloatArray, fs: float, min_prominence_frac: float = 0.1) -> int:
    """Number of distinct peaks of |velocity| (hesitations show as more than one)."""
    speed = np.abs(np.asarray(velocity, dtype=np.float64))
    speed = speed[np.isfinite(speed)]
    if speed.size < 3 or speed.max() == 0:
        return 0
    peaks, _ = find_peaks(np.concatenate([[0.0], speed, [0.0]]), prominence=min_prominence_frac * speed.max())
    return int(peaks.size)


def compute_relative_phase(a: FloatArray, b: FloatArray) -> FloatArray:
    """Continuous relative phase in degrees between two angle series (Hilbert transform)."""
    out = np.full(np.shape(a), np.nan)
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 4:
        return out
    phases = []
    for x in (np.asarray(a)[ok], np.asarray(b)[ok]):
        centred = x - x.mean()
        scale = np.abs(centred).max() or 1.0
        phases.append(np.angle(hilbert(centred / scale)))
    out[ok] = np.degrees(np.angle(np.exp(1j * (phases[0] - phases[1]))))
    return out


def compute_symmetry_index(left: float | FloatArray, right: float | FloatArray) -> float | FloatArray:
    """Symmetry index |L-R| / (0.5(|L|+|R|)) x 100 (Robinson et al. 1987)."""
    l_arr, r_arr = np.asarray(left, dtype=np.float64), np.asarray(right, dtype=np.float64)
    mean = 0.5 * (np.abs(l_arr) + np.abs(r_arr))
    with np.errstate(invalid="ignore", divide="ignore"):
        si = np.where(mean > 1e-9, 100.0 * np.abs(l_arr - r_arr) / mean, 0.0)
    return float(si) if si.ndim == 0 else si
