"""Landmark conditioning: the vectorised filters against straightforward per-column loops, and the 1€ filter."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from movequal.core.butterworth import filter_butterworth
from movequal.core.filtering import (
    filter_low_visibility,
    filter_pose,
    filter_running_median,
    interpolate_gaps,
)
from movequal.core.frame_rate import compute_frame_rate, compute_frames, compute_median_width
from movequal.core.oneeuro import OneEuroFilter, filter_one_euro
from movequal.pose.sequence import PoseSequence


def reference_interpolate(values: np.ndarray, timestamps: np.ndarray, max_gap_s: float) -> np.ndarray:
    """One column at a time, one gap at a time."""
    flat = values.reshape(values.shape[0], -1).copy()
    for column in range(flat.shape[1]):
        series = flat[:, column]
        valid = np.flatnonzero(np.isfinite(series))
        if valid.size < 2:
            continue
        filled = np.interp(timestamps, timestamps[valid], series[valid])
        for a, b in itertools.pairwise(valid):
            if b - a > 1 and timestamps[b] - timestamps[a] <= max_gap_s:
                series[a + 1 : b] = filled[a + 1 : b]
    return flat.reshape(values.shape)


def reference_butterworth(values: np.ndarray, fps: float, cutoff_hz: float) -> np.ndarray:
    """One column at a time, one finite run at a time, with scipy's sosfiltfilt."""
    sos = butter(4, cutoff_hz, btype="low", fs=fps, output="sos")
    flat = values.reshape(values.shape[0], -1).copy()
    for column in range(flat.shape[1]):
        series = flat[:, column]
        start = None
        for i, ok in enumerate([*np.isfinite(series), False]):
            if ok and start is None:
                start = i
            elif not ok and start is not None:
                if i - start > 15:  # sosfiltfilt's default padding for 2 sections
                    series[start:i] = sosfiltfilt(sos, series[start:i])
                start = None
    return flat.reshape(values.shape)


def gappy(rng: np.random.Generator, frames: int, shape: tuple[int, ...]) -> np.ndarray:
    """Random walk with whole-frame dropouts, one empty column, and gaps of all lengths in half the columns.

    The other columns are missing only where every column is, so both paths of
    the Butterworth filter (shared runs, own runs) are exercised.
    """
    values = rng.normal(0.0, 0.01, (frames, *shape)).cumsum(axis=0)
    flat = values.reshape(frames, -1)
    for start in rng.integers(0, frames, 6):
        flat[start : start + rng.integers(1, 25)] = np.nan
    own_gaps = rng.permutation(flat.shape[1])[: flat.shape[1] // 2]
    for _ in range(8 * own_gaps.size):
        start, column = rng.integers(0, frames), rng.choice(own_gaps)
        flat[start : start + rng.integers(1, 40), column] = np.nan
    flat[:, rng.integers(0, flat.shape[1])] = np.nan
    flat[:3] = np.nan  # leading gap everywhere
    return values


def assert_same(actual: np.ndarray, expected: np.ndarray, atol: float = 0.0) -> None:
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual[np.isfinite(actual)], expected[np.isfinite(expected)], rtol=0, atol=atol)


@pytest.mark.parametrize("seed", range(5))
def test_interpolate_gaps_matches_per_column_loop(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = gappy(rng, 600, (7, 3))
    timestamps = np.cumsum(rng.uniform(0.02, 0.05, 600))  # irregular frame times
    before = values.copy()
    filled = interpolate_gaps(values, timestamps, max_gap_s=0.3)
    assert_same(filled, reference_interpolate(values, timestamps, 0.3))
    np.testing.assert_array_equal(values, before)  # input untouched
    assert np.isnan(filled[:3]).all()  # leading gap never extrapolated


@pytest.mark.parametrize("seed", range(5))
def test_butterworth_matches_per_run_sosfiltfilt(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = gappy(rng, 800, (11, 3))
    before = values.copy()
    smooth = filter_butterworth(values, 30.0, 6.0)
    assert_same(smooth, reference_butterworth(values, 30.0, 6.0), atol=1e-12)
    np.testing.assert_array_equal(values, before)


def test_butterworth_all_columns_sharing_dropouts_matches_reference() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(size=(500, 4, 3))
    values[100:120] = np.nan  # whole person missing
    values[490:] = np.nan
    values[200:205] = np.nan  # short gap: the 80-frame run between is filtered on its own
    assert_same(filter_butterworth(values, 30.0, 6.0), reference_butterworth(values, 30.0, 6.0), atol=1e-12)


def test_butterworth_keeps_gaps_from_leaking_and_short_runs_raw() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=(300, 2))
    values[100:150, 0] = np.nan
    values[200:210, 1] = np.nan
    values[40:50, 1] = np.nan
    values[50:60, 1] = 1e6  # a 10-frame run: too short to filter, kept raw
    values[60:61, 1] = np.nan
    smooth = filter_butterworth(values, 30.0, 6.0)
    sos = butter(4, 6.0, fs=30.0, output="sos")
    np.testing.assert_allclose(smooth[150:, 0], sosfiltfilt(sos, values[150:, 0]), atol=1e-12)
    np.testing.assert_array_equal(smooth[50:60, 1], values[50:60, 1])
    assert np.abs(smooth[61:200, 1]).max() < 10  # the spike did not leak across the gap


def test_butterworth_at_or_above_nyquist_returns_a_copy() -> None:
    values = np.random.default_rng(0).normal(size=(50, 3))
    out = filter_butterworth(values, 30.0, 15.0)
    np.testing.assert_array_equal(out, values)
    assert out is not values and not np.shares_memory(out, values)


def test_one_dimensional_and_empty_inputs() -> None:
    t = np.arange(100) / 30.0
    x = np.sin(t)
    x[10:12] = np.nan
    assert_same(interpolate_gaps(x, t), reference_interpolate(x, t, 0.2))
    filled = interpolate_gaps(x, t)
    assert_same(filter_butterworth(filled, 30.0), reference_butterworth(filled, 30.0, 6.0), atol=1e-12)
    assert interpolate_gaps(np.zeros((0, 33, 3)), np.zeros(0)).shape == (0, 33, 3)
    assert filter_butterworth(np.zeros((0, 33, 3)), 30.0).shape == (0, 33, 3)


def synthetic_pose(frames: int, seed: int = 0) -> PoseSequence:
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 30.0
    squat = 0.1 * np.sin(2 * np.pi * 0.5 * t)[:, None, None]
    image = 0.5 + squat + rng.uniform(-0.2, 0.2, (1, 33, 3)) + rng.normal(0, 0.003, (frames, 33, 3))
    visibility = np.full((frames, 33), 0.9)
    for start in rng.integers(0, frames, max(1, frames // 500)):  # nobody detected
        stop = start + rng.integers(1, 60)
        image[start:stop] = np.nan
        visibility[start:stop] = 0.0
    for start in rng.integers(0, frames, max(1, frames // 50)):  # one landmark hidden
        visibility[start : start + rng.integers(1, 30), rng.integers(0, 33)] = 0.2
    return PoseSequence(
        image=image, visibility=visibility, world=image - 0.5, timestamps=t, fps=30.0, frame_size=(480, 854)
    )


def test_filter_pose_equals_the_public_steps() -> None:
    pose = synthetic_pose(3000)
    filtered = filter_pose(pose)
    masked = filter_low_visibility(pose)
    fps = len(pose) / pose.duration
    expected = filter_butterworth(interpolate_gaps(masked.image, pose.timestamps), fps)
    assert_same(filtered.image, expected, atol=1e-12)
    # World landmarks are not masked by visibility (the 3D model estimates occluded joints too).
    expected_world = filter_butterworth(interpolate_gaps(pose.world, pose.timestamps), fps)
    assert_same(filtered.world, expected_world, atol=1e-12)
    np.testing.assert_array_equal(filtered.visibility, pose.visibility)
    assert len(filter_pose(PoseSequence.empty(30.0, (480, 854)))) == 0


def test_filter_pose_only_some_landmarks() -> None:
    pose = synthetic_pose(1000, seed=1)
    joints = [11, 12, 23, 24, 25, 26, 27, 28]
    full, some = filter_pose(pose), filter_pose(pose, only=joints)
    others = np.setdiff1d(np.arange(33), joints)
    for name in ("image", "world"):
        assert_same(getattr(some, name)[:, joints], getattr(full, name)[:, joints], atol=1e-12)
        assert_same(getattr(some, name)[:, others], getattr(pose, name)[:, others])  # untouched, not even masked
    assert_same(filter_pose(pose, only=[]).image, pose.image)
    split = filter_pose(pose, only=joints, world_only=joints[:2], image_coords=(0, 1))
    assert_same(split.image[:, joints, :2], full.image[:, joints, :2], atol=1e-12)
    assert_same(split.image[:, :, 2], pose.image[:, :, 2])  # z untouched
    assert_same(split.world[:, joints[:2]], full.world[:, joints[:2]], atol=1e-12)
    assert_same(split.world[:, joints[2:]], pose.world[:, joints[2:]])
    with pytest.raises(ValueError, match="only"):
        filter_pose(pose, only=[33])


def test_filter_pose_runs_on_an_hour_of_frames() -> None:
    pose = synthetic_pose(108_000)
    filtered = filter_pose(pose)
    assert filtered.image.shape == (108_000, 33, 3)
    detected = np.isfinite(pose.image).any(axis=(1, 2))
    assert np.isfinite(filtered.image[detected]).mean() > 0.95


# --- One-Euro filter -------------------------------------------------------------------------------------------------


def test_one_euro_reduces_jitter_on_a_still_landmark() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(1800) / 30.0
    noisy = 0.5 + rng.normal(0, 0.003, (t.size, 33, 3))
    smooth = filter_one_euro(noisy, t)
    assert np.std(noisy[60:]) / np.std(smooth[60:]) >= 5.0


def test_one_euro_halves_jitter_on_a_squat_with_small_lag() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(1800) / 30.0
    clean = 0.5 + 0.1 * np.sin(2 * np.pi * 0.5 * t)
    noise = rng.normal(0, 0.003, t.size)
    jitter = filter_one_euro(clean + noise, t) - filter_one_euro(clean, t)
    assert 0.003 / np.std(jitter[60:]) >= 2.0
    fastest = np.flatnonzero(np.abs(np.cos(2 * np.pi * 0.5 * t)) > 0.999)[4:]
    lag_s = np.abs(clean - filter_one_euro(clean, t))[fastest] / (2 * np.pi * 0.5 * 0.1)
    assert np.median(lag_s) < 0.1


def test_one_euro_tracks_a_ramp_with_bounded_lag() -> None:
    t = np.arange(300) / 30.0
    for speed in (0.05, 0.3, 1.0):
        ramp = 0.2 + speed * t
        lag_s = (ramp - filter_one_euro(ramp, t)) / speed
        assert (lag_s >= 0).all()
        assert lag_s[30:].max() < 0.2
        assert lag_s[-1] < 0.1 if speed >= 0.3 else lag_s[-1] < 0.2


def test_one_euro_is_causal_and_leaves_input_alone() -> None:
    rng = np.random.default_rng(2)
    t = np.arange(200) / 30.0
    values = rng.normal(0.5, 0.01, (200, 5, 2))
    before = values.copy()
    base = filter_one_euro(values, t)
    np.testing.assert_array_equal(values, before)
    changed = values.copy()
    changed[120:] += rng.normal(0, 0.2, changed[120:].shape)
    np.testing.assert_array_equal(filter_one_euro(changed, t)[:120], base[:120])


def test_one_euro_nan_leaves_element_alone_and_restarts() -> None:
    one_euro = OneEuroFilter()
    first = one_euro.update(np.array([0.5, 0.5]), 0.0)
    np.testing.assert_array_equal(first, [0.5, 0.5])
    one_euro.update(np.array([0.6, 0.6]), 1 / 30)
    missing = one_euro.update(np.array([np.nan, 0.6]), 2 / 30)
    assert np.isnan(missing[0]) and np.isfinite(missing[1])
    back = one_euro.update(np.array([0.9, 0.6]), 3 / 30)
    assert back[0] == 0.9  # restarted from the new value, no stale blend
    assert 0.5 < back[1] < 0.6  # the other element kept filtering
    after = one_euro.update(np.array([0.9, 0.6]), 4 / 30)
    assert after[0] == pytest.approx(0.9)


def test_one_euro_uses_the_time_steps() -> None:
    step = np.r_[np.zeros(10), np.ones(10)]
    regular = filter_one_euro(step, np.arange(20) / 30.0)
    slow = filter_one_euro(step, np.arange(20) / 10.0)  # same samples, 3x longer apart
    assert (slow[10:13] > regular[10:13]).all()  # more time passed, so it has moved further
    rng = np.random.default_rng(4)
    irregular = np.cumsum(rng.uniform(0.5, 1.5, 300)) / 30.0
    ramp = 0.2 + 0.3 * irregular
    lag_s = (ramp - filter_one_euro(ramp, irregular)) / 0.3
    assert lag_s[100:].max() < 0.1


def test_one_euro_rejects_bad_time_and_shape_and_resets() -> None:
    one_euro = OneEuroFilter()
    one_euro.update(np.zeros((33, 3)), 1.0)
    with pytest.raises(ValueError, match="t: expected"):
        one_euro.update(np.zeros((33, 3)), 1.0)
    with pytest.raises(ValueError, match="values: expected shape"):
        one_euro.update(np.zeros(3), 2.0)
    one_euro.reset()
    np.testing.assert_array_equal(one_euro.update(np.ones(3), 0.0), np.ones(3))
    with pytest.raises(ValueError):
        OneEuroFilter(min_cutoff_hz=0.0)
    with pytest.raises(ValueError, match="timestamps"):
        filter_one_euro(np.zeros((5, 2)), np.arange(4.0))


def test_the_outlier_median_spans_the_same_time_at_any_frame_rate() -> None:
    assert [compute_median_width(f) for f in (15.0, 24.0, 25.0, 30.0, 30.4, 60.0)] == [3, 5, 5, 5, 5, 9]
    # The same 2-frame spike at 30 frames/s is 4 frames at 60: the wider window still drops it.
    t60 = np.arange(120) / 60.0
    spike = np.where((t60 > 1.0) & (t60 < 1.07), 40.0, 5.0)
    assert np.nanmax(filter_running_median(spike, compute_median_width(60.0))) == 5.0
    assert np.nanmax(filter_running_median(spike, 5)) == 40.0, "five frames at 60 frames/s is too short"


def test_a_duration_in_frames_follows_the_recorded_rate() -> None:
    assert compute_frame_rate(np.arange(90) / 30.0) == pytest.approx(30.0)
    assert np.isnan(compute_frame_rate(np.zeros(1)))
    rates = (10.0, 14.9, 15.0, 24.0, 25.0, 29.97, 30.0, 30.8, 32.0, 60.0, 60.05)
    assert [compute_frames(0.1, r) for r in rates] == [1, 2, 2, 3, 3, 3, 3, 3, 3, 6, 6]
    assert compute_frames(0.1, float("nan")) == compute_frames(0.1, 0.0) == 1
