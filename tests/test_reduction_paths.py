"""The scoring core's faster reductions give the very numbers the plain numpy forms give.

Three hot spots of ``assess`` sum over a short axis (2-3 coordinates, 3 foot points) component by component
instead of with one strided reduction (BENCHMARKS.md §2, 2026-12-06). Reports must not change by a bit, so each
is compared with the numpy form it replaces, on long arrays with missing points and on one live frame.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from movequal.core.feet import measure_feet
from movequal.core.kinematics import compute_joint_angle, compute_leg_length, compute_leg_series
from movequal.pose.skeleton import LANDMARK_INDEX as IDX


def _points(frames: int, dims: int, seed: int = 7, missing: float = 0.05) -> np.ndarray:
    rng = np.random.default_rng(seed)
    points = rng.uniform(0.0, 640.0, size=(frames, 33, dims))
    points[rng.random((frames, 33)) < missing] = np.nan
    return points


@pytest.mark.parametrize("frames", [1, 5000])
@pytest.mark.parametrize("dims", [2, 3])
def test_joint_angle_equals_the_reduce_form(frames: int, dims: int) -> None:
    a, b, c = (_points(frames, dims, seed)[:, 0] for seed in (1, 2, 3))
    u, v = a - b, c - b
    dot = np.add.reduce(u * v, axis=-1)
    norm = np.sqrt(np.add.reduce(u * u, axis=-1)) * np.sqrt(np.add.reduce(v * v, axis=-1))
    with np.errstate(invalid="ignore"):
        expected = np.degrees(np.arccos(np.clip(dot / norm, -1.0, 1.0)))
    np.testing.assert_array_equal(compute_joint_angle(a, b, c), expected)


@pytest.mark.parametrize("dims", [2, 3])
def test_leg_length_equals_the_norm_form(dims: int) -> None:
    points = _points(5000, dims)
    for side in ("left", "right"):
        hip, knee, ankle = (points[:, IDX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        expected = np.linalg.norm(hip - knee, axis=1) + np.linalg.norm(knee - ankle, axis=1)
        np.testing.assert_array_equal(compute_leg_series(points, side), expected)
    both = np.concatenate([compute_leg_series(points, s) for s in ("left", "right")])
    assert compute_leg_length(points) == float(np.nanmedian(both))


@pytest.mark.parametrize("frames", [1, 5000])
def test_feet_equal_the_nan_reduction_form(frames: int) -> None:
    px = _points(frames, 2, missing=0.3)
    rng = np.random.default_rng(4)
    px[rng.random((frames, 33)) < 0.2, 0] = np.nan  # x lost alone: the contact's mean counts only what is seen
    px[rng.random((frames, 33)) < 0.2, 1] = np.nan  # y lost alone
    if frames > 1:
        px[:50, [IDX["left_ankle"], IDX["left_heel"], IDX["left_foot_index"]]] = np.nan  # a foot never seen
    world = _points(frames, 3, seed=9) / 640.0
    feet = measure_feet(px, world)
    for side in ("left", "right"):
        points = px[:, [IDX[f"{side}_ankle"], IDX[f"{side}_heel"], IDX[f"{side}_foot_index"]]]
        seen = np.isfinite(points[:, :, 1]).any(axis=1)
        lowest = np.full(frames, np.nan)
        lowest[seen] = np.nanmax(points[seen, :, 1], axis=1)
        contact = np.full((frames, 2), np.nan)
        with warnings.catch_warnings():  # a seen foot with every x lost: its mean x is NaN, as it should be
            warnings.simplefilter("ignore", RuntimeWarning)
            contact[seen] = np.nanmean(points[seen], axis=1)
        np.testing.assert_array_equal(feet.lowest[side], lowest)
        np.testing.assert_array_equal(feet.contact[side], contact)
        assert np.isnan(feet.lowest[side][~seen]).all()
