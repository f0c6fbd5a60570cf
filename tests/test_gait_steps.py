"""Per-step measures of a walking pass computed for all steps at once, against one-at-a-time definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from movequal.core.gait_steps import MIN_WINDOW_SAMPLES, compute_stance_times, compute_window_ranges


def _range_one_by_one(values: np.ndarray, first: int, last: int) -> float:
    part = values[max(first, 0) : last + 1]
    part = part[np.isfinite(part)]
    return float(part.max() - part.min()) if part.size >= MIN_WINDOW_SAMPLES else float("nan")


def _stance_one_by_one(t0: float, strikes: np.ndarray, offs: np.ndarray) -> float:
    later = strikes[strikes > t0]
    limit = later[0] if later.size else math.inf
    after = offs[offs > t0]
    if after.size and after[0] < limit and after[0] - t0 < 2.0:
        return float(after[0] - t0)
    return float("nan")


@pytest.mark.parametrize("seed", range(5))
def test_stride_windows_match_the_range_taken_one_window_at_a_time(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=3000)
    values[rng.random(3000) < 0.2] = np.nan
    values[1000:1040] = np.nan  # a stretch lost entirely: strides inside it have no value
    strikes = np.cumsum(rng.integers(1, 25, size=200))
    strikes = strikes[strikes < 3000]
    firsts, lasts = strikes[:-2], strikes[2:]
    got = compute_window_ranges(values, firsts, lasts)
    want = np.array([_range_one_by_one(values, a, b) for a, b in zip(firsts, lasts, strict=True)])
    np.testing.assert_array_equal(got, want)  # exact: a maximum and a minimum involve no rounding
    assert np.isnan(want).any() and np.isfinite(want).any()


def test_arbitrary_and_long_windows_match_too() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(size=500)
    values[rng.random(500) < 0.3] = np.nan
    firsts = rng.integers(-5, 500, size=300)
    lasts = firsts + rng.integers(-2, 200, size=300)  # overlapping, out of order, some empty or past the end
    got = compute_window_ranges(values, firsts, lasts)
    want = np.array([_range_one_by_one(values, a, min(b, 499)) for a, b in zip(firsts, lasts, strict=True)])
    np.testing.assert_array_equal(got, want)


def test_no_window_and_no_values_give_empty_or_nan() -> None:
    assert compute_window_ranges(np.arange(10.0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).size == 0
    assert np.isnan(compute_window_ranges(np.full(10, np.nan), np.array([0]), np.array([9]))).all()


def test_stance_times_match_the_one_strike_definition() -> None:
    rng = np.random.default_rng(3)
    strikes = np.cumsum(rng.uniform(0.6, 1.6, size=80))
    offs = np.sort(np.concatenate([strikes[rng.random(80) < 0.8] + rng.uniform(0.3, 2.5, size=1)[0], [0.1]]))
    got = compute_stance_times(strikes, strikes, offs)
    want = np.array([_stance_one_by_one(t, strikes, offs) for t in strikes])
    np.testing.assert_array_equal(got, want)
    assert np.isnan(want).any() and np.isfinite(want).any()
    assert np.isnan(compute_stance_times(strikes, strikes, np.zeros(0))).all()
