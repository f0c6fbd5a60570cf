"""Smoothness and coordination measures on profiles with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.smoothness import (
    compute_relative_phase,
    compute_sparc,
    compute_symmetry_index,
    count_velocity_peaks,
)

FS = 100.0
T = np.arange(-1.0, 1.0, 1 / FS)


def bell(t: np.ndarray, centre: float = 0.0, sigma: float = 0.2) -> np.ndarray:
    return np.exp(-((t - centre) ** 2) / (2 * sigma**2))


@pytest.mark.parametrize(("fs", "sigma"), [(30.0, 0.15), (100.0, 0.2), (60.0, 0.3)])
def test_sparc_of_a_gaussian_speed_profile(fs: float, sigma: float) -> None:
    t = np.arange(-1.0, 1.0, 1 / fs)
    assert compute_sparc(bell(t, sigma=sigma), fs) == pytest.approx(-1.41, abs=0.05)


def test_sparc_falls_with_sub_movements_and_noise() -> None:
    one = compute_sparc(bell(T), FS)
    two = compute_sparc(bell(T, -0.3, 0.15) + bell(T, 0.3, 0.15), FS)
    assert two < one - 0.3
    noisy = np.abs(bell(T) + np.random.default_rng(0).normal(0, 0.2, T.size))
    assert compute_sparc(noisy, FS) < one - 0.3
    tremor = bell(T) * (1 + 0.2 * np.sin(2 * np.pi * 4 * T))
    assert compute_sparc(tremor, FS) < one - 0.2
    # The amplitude threshold makes it robust to faint measurement noise.
    faint = np.abs(bell(T) + np.random.default_rng(0).normal(0, 0.02, T.size))
    assert compute_sparc(faint, FS) == pytest.approx(one, abs=0.05)


def test_sparc_handles_nan() -> None:
    speed = bell(T)
    clean = compute_sparc(speed, FS)
    padded = np.concatenate([np.full(20, np.nan), speed, np.full(5, np.nan)])
    assert compute_sparc(padded, FS) == clean  # leading/trailing NaN dropped
    short_gap = speed.copy()
    short_gap[95:100] = np.nan  # 0.06 s: filled
    assert compute_sparc(short_gap, FS) == pytest.approx(clean, abs=0.01)
    long_gap = speed.copy()
    long_gap[60:120] = np.nan  # 0.6 s: not trusted
    assert np.isnan(compute_sparc(long_gap, FS))
    assert np.isnan(compute_sparc(np.array([np.nan, 1.0, 2.0, np.nan]), FS))  # too short
    assert np.isnan(compute_sparc(np.zeros(50), FS))  # no movement
    assert np.isnan(compute_sparc(np.full(50, np.nan), FS))
    np.testing.assert_array_equal(short_gap[95:100], np.nan)  # input untouched


def test_velocity_peaks_count_hesitations() -> None:
    assert count_velocity_peaks(bell(T), FS) == 1
    assert count_velocity_peaks(-bell(T), FS) == 1  # sign does not matter
    dips = 1 - 0.6 * bell(T, -0.25, 0.05) - 0.6 * bell(T, 0.25, 0.05)
    assert count_velocity_peaks(bell(T, sigma=0.4) * dips, FS) == 3
    jitter = np.random.default_rng(1).normal(0, 0.01, T.size)
    assert count_velocity_peaks(bell(T) + jitter, FS) == 1


def test_velocity_peaks_edges_and_missing_data() -> None:
    assert count_velocity_peaks(np.linspace(0.0, 1.0, 30), 30.0) == 1  # cut while still speeding up
    assert count_velocity_peaks(np.zeros(30), 30.0) == 0
    assert count_velocity_peaks(np.full(30, np.nan), 30.0) == 0
    speed = bell(T)
    speed[[0, 1, 100, 101, 150]] = np.nan
    assert count_velocity_peaks(speed, FS) == 1


def test_relative_phase_in_phase_and_quarter_cycle() -> None:
    t = np.arange(0, 3, 1 / 30)  # three whole cycles at 1 Hz
    trunk = 20 + 10 * np.sin(2 * np.pi * t)
    np.testing.assert_allclose(compute_relative_phase(trunk, 3 * trunk - 5), 0.0, atol=1e-6)
    quarter = compute_relative_phase(np.cos(2 * np.pi * t), np.sin(2 * np.pi * t))
    np.testing.assert_allclose(quarter, 90.0, atol=1e-6)  # cosine leads sine
    np.testing.assert_allclose(compute_relative_phase(np.sin(2 * np.pi * t), np.cos(2 * np.pi * t)), -90.0, atol=1e-6)
    opposite = compute_relative_phase(trunk, -trunk)
    np.testing.assert_allclose(np.abs(opposite), 180.0, atol=1e-6)


def test_relative_phase_partial_cycles_interior_and_nan() -> None:
    t = np.arange(0, 2.3, 1 / 30)  # not whole cycles: the ends are distorted, the middle is not
    phase = compute_relative_phase(np.sin(2 * np.pi * t + np.pi / 2), np.sin(2 * np.pi * t))
    middle = slice(20, -20)
    assert np.abs(phase[middle] - 90.0).max() < 15.0
    a, b = np.sin(2 * np.pi * t), np.sin(2 * np.pi * t - 0.3)
    a[30:33] = np.nan
    b[:2] = np.nan
    rp = compute_relative_phase(a, b)
    assert np.isnan(rp[30:33]).all() and np.isnan(rp[:2]).all()
    assert np.isfinite(rp[2:30]).all() and np.isfinite(rp[33:]).all()
    assert np.isnan(compute_relative_phase(np.ones(50), np.sin(np.arange(50.0)))).all()  # no movement
    with pytest.raises(ValueError, match="same length"):
        compute_relative_phase(np.ones(5), np.ones(6))


def test_symmetry_index_known_values() -> None:
    assert compute_symmetry_index(10.0, 10.0) == 0.0
    assert compute_symmetry_index(12.0, 8.0) == pytest.approx(40.0)
    assert compute_symmetry_index(8.0, 12.0) == pytest.approx(40.0)
    assert compute_symmetry_index(1.0, 0.0) == pytest.approx(200.0)
    assert compute_symmetry_index(-1.0, 1.0) == pytest.approx(200.0)
    assert compute_symmetry_index(0.0, 0.0) == 0.0
    assert compute_symmetry_index(1e-15, -1e-15) == 0.0
    assert np.isnan(compute_symmetry_index(np.nan, 3.0))
    assert isinstance(compute_symmetry_index(12.0, 8.0), float)
    left = np.array([10.0, 12.0, 0.0, np.nan])
    right = np.array([10.0, 8.0, 0.0, 1.0])
    np.testing.assert_allclose(compute_symmetry_index(left, right), [0.0, 40.0, 0.0, np.nan])
    np.testing.assert_allclose(compute_symmetry_index(left[:3], 10.0), [0.0, 2 / 11 * 100, 200.0])


def _reference_sparc(speed: np.ndarray, fs: float) -> float:
    """Balasubramanian et al. 2015 written out for one gap-free profile (padlevel 4, fc 10 Hz, amp_th 0.05)."""
    nfft = 2 ** (int(np.ceil(np.log2(speed.size))) + 4)
    magnitude = np.abs(np.fft.rfft(speed, nfft))
    if not magnitude.max() > 0:
        return float("nan")
    freqs = np.fft.rfftfreq(nfft, 1.0 / fs)
    keep = freqs <= 10.0
    freqs, magnitude = freqs[keep], magnitude[keep] / magnitude.max()
    above = np.flatnonzero(magnitude >= 0.05)
    if above.size == 0 or above[-1] == above[0]:
        return float("nan")
    freqs, magnitude = freqs[above[0] : above[-1] + 1], magnitude[above[0] : above[-1] + 1]
    return -float(np.sum(np.hypot(np.diff(freqs) / (freqs[-1] - freqs[0]), np.diff(magnitude))))


def test_sparc_many_equals_a_straightforward_reference() -> None:
    from movequal.core.smoothness import compute_sparc_many

    rng = np.random.default_rng(3)
    speeds = []
    for k in range(60):
        n = int(rng.integers(4, 120))
        t = np.linspace(-1, 1, n)
        speeds.append(np.abs(np.exp(-(t**2) * rng.uniform(2, 12)) + rng.normal(0, 0.05 * (k % 3), n)))
    speeds.append(np.zeros(30))  # no movement
    many = compute_sparc_many(speeds, 30.0)
    reference = np.array([_reference_sparc(s, 30.0) for s in speeds])
    np.testing.assert_allclose(many, reference, rtol=1e-9, atol=1e-12, equal_nan=True)
    assert np.isfinite(many).sum() > 50
    gappy = speeds[0].copy()
    gappy[1:-1] = np.nan  # an interior gap far longer than 0.2 s: not measured
    assert np.isnan(compute_sparc_many([gappy], 30.0)[0])
