"""Frames not evenly spaced are filtered on an even clock: a dropped or repeated frame leaves the speed alone."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.filtering import filter_butterworth
from movequal.core.time_grid import find_uneven_step, make_grid, resample_rows
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
    assert find_uneven_step(T) is None and find_uneven_step(jittered) is None
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
    assert find_uneven_step(times) == pytest.approx(1.0 / FPS)
    repeated = _speed(times, ANGLE[order])
    assert np.nanmax(np.abs(repeated)) == pytest.approx(np.nanmax(np.abs(_speed(T, ANGLE))), rel=0.03)
    assert np.nanmax(np.abs(_speed(times, ANGLE[order], timed=False))) > 5 * np.nanmax(np.abs(repeated))


def test_resampling_keeps_gaps_and_takes_the_finite_side_at_their_edges() -> None:
    times = np.array([0.0, 0.1, 0.25, 0.3, 0.4])
    rows = np.array([[0.0, 1.0, np.nan, np.nan, 4.0]])
    grid = make_grid(times, 0.1)
    assert grid == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    out = resample_rows(rows, times, np.array([0.05, 0.2, 0.275, 0.35, 0.5]))
    assert out[0, 0] == pytest.approx(0.5) and out[0, 1] == 1.0 and np.isnan(out[0, 2])
    assert out[0, 3] == 4.0 and out[0, 4] == 4.0
