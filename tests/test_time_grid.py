"""Frames not evenly spaced are filtered on an even clock: a dropped or repeated frame leaves the speed alone."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.butterworth import filter_butterworth
from movequal.core.time_grid import find_step, resample_rows
from movequal.core.velocity import compute_velocity

FPS = 30.0
T = np.arange(0.0, 2.0, 1.0 / FPS)
ANGLE = 45.0 * (1.0 - np.cos(np.pi * T / 2.0))  # one smooth 2 s movement: a single bell of speed
INNER = (T > 0.3) & (T < 1.7)


def _speed(times: np.ndarray, angle: np.ndarray, *, timed: bool = True) -> np.ndarray:
    rate = (len(times) - 1) / (times[-1] - times[0])
    filtered = filter_butterworth(angle, rate, 6.0, timestamps=times if timed else None)
    return compute_velocity(filtered, times)


def test_evenly_spaced_frames_are_filtered_as_before_to_the_bit() -> None:
    jittered = T + np.where(np.arange(T.size) % 3 == 0, 0.0004, 0.0)  # a time base's rounding
    assert find_step(T) is None and find_step(jittered) is None
    assert np.array_equal(_speed(T, ANGLE), _speed(T, ANGLE, timed=False))


def test_a_dropped_frame_leaves_no_ripple_in_the_speed() -> None:
    keep = np.ones(T.size, dtype=bool)
    keep[30] = False
    full = _speed(T, ANGLE)
    dropped = _speed(T[keep], ANGLE[keep])
    untimed = _speed(T[keep], ANGLE[keep], timed=False)
    error = np.abs(dropped - full[keep])[INNER[keep]] / np.max(full)
    old_error = np.abs(untimed - full[keep])[INNER[keep]] / np.max(full)
    assert error.max() < 0.02 < 0.1 < old_error.max()


def test_a_repeated_frame_stamped_one_millisecond_later_makes_no_spike() -> None:
    order = np.insert(np.arange(T.size), 31, 30)
    times = T[order].copy()
    times[31] = T[30] + 0.001  # how a 1000 frames/s container's repeated frame is stamped
    assert find_step(times) == pytest.approx(1.0 / FPS)
    repeated = _speed(times, ANGLE[order])
    assert np.nanmax(np.abs(repeated)) == pytest.approx(np.nanmax(np.abs(_speed(T, ANGLE))), rel=0.03)
    assert np.nanmax(np.abs(_speed(times, ANGLE[order], timed=False))) > 5 * np.nanmax(np.abs(repeated))


def test_resampling_keeps_gaps_open() -> None:
    times = np.array([0.0, 0.1, 0.25, 0.3, 0.4])
    rows = np.array([[0.0, 1.0, np.nan, np.nan, 4.0]])
    out = resample_rows(rows, times, np.array([0.05, 0.1, 0.2, 0.35, 0.4, 0.5]))
    assert out[0, 0] == pytest.approx(0.5) and out[0, 1] == 1.0 and np.isnan(out[0, 2]) and np.isnan(out[0, 3])
    assert out[0, 4] == 4.0 and out[0, 5] == 4.0 and out.flags.c_contiguous


def _uneven_times() -> np.ndarray:
    keep = np.ones(T.size, dtype=bool)
    keep[30] = False  # one dropped frame
    return T[keep]


def test_a_column_with_gaps_of_its_own_is_filtered_too() -> None:
    times = _uneven_times()
    rng = np.random.default_rng(0)
    clean = 45.0 * (1.0 - np.cos(np.pi * times / 2.0))
    noisy = np.column_stack([clean, clean]) + rng.normal(0.0, 2.0, (times.size, 2))
    noisy[40:46, 1] = np.nan  # the second column alone loses six frames
    rate = (times.size - 1) / (times[-1] - times[0])
    out = filter_butterworth(noisy, rate, 6.0, timestamps=times)
    for column in range(2):
        seen = np.isfinite(noisy[:, column])
        assert np.std(out[seen, column] - clean[seen]) < 0.85 * np.std(noisy[seen, column] - clean[seen])
    assert np.isnan(out[40:46, 1]).all()


def test_a_short_first_interval_does_not_damp_the_rest() -> None:
    times = T.copy()
    times[0] = T[1] - 0.02  # a first interval of 20 ms, as six development clips have
    wave = np.sin(2 * np.pi * 2.0 * times)[:, None]
    timed = filter_butterworth(wave, FPS, 6.0, timestamps=times)
    as_even = filter_butterworth(wave, FPS, 6.0)
    assert np.max(np.abs(timed[5:-5] - as_even[5:-5])) < 0.01


def test_a_run_too_short_to_filter_keeps_its_values() -> None:
    times = _uneven_times()[:12]
    values = (np.arange(12.0) ** 2)[:, None]
    assert np.array_equal(filter_butterworth(values, FPS, 6.0, timestamps=times), values)


def test_a_corrupt_timestamp_jump_neither_stalls_nor_exhausts_memory() -> None:
    times = np.concatenate([T, T + 1e9])
    values = np.concatenate([ANGLE, ANGLE])[:, None]
    out = filter_butterworth(values, FPS, 6.0, timestamps=times)
    assert np.isfinite(out).all() and np.abs(out[: T.size, 0] - _speed_free(T)).max() < 1.0


def _speed_free(times: np.ndarray) -> np.ndarray:
    return np.asarray(filter_butterworth(ANGLE[:, None], FPS, 6.0)[:, 0])


def test_timestamps_that_step_back_are_refused() -> None:
    times = T.copy()
    times[10] = times[8]
    with pytest.raises(ValueError, match="step back"):
        filter_butterworth(ANGLE, FPS, 6.0, timestamps=times)
