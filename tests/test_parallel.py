"""Chunk-parallel estimation matches the single-process result."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.pose.estimation import EstimatorConfig, estimate_video
from movequal.pose.parallel import WARMUP_S, plan_chunks
from tests.helpers import shared_clip


def test_plan_chunks_cover_the_clip() -> None:
    assert plan_chunks(10.0, 2) == [(0.0, 5.0), (5.0, None)]
    assert plan_chunks(9.0, 3) == [(0.0, 3.0), (3.0, 6.0), (6.0, None)]


@pytest.mark.slow
def test_two_workers_stitch_the_same_frames() -> None:
    clip = shared_clip("squat_side_good_ven.mp4")  # 3 reps, 346 frames
    config = EstimatorConfig(model="lite")
    single = estimate_video(clip, config)
    double = estimate_video(clip, config, workers=2)
    np.testing.assert_allclose(double.timestamps, single.timestamps, atol=1e-6)
    assert double.detected.mean() > 0.95
    both = single.detected & double.detected
    hips = [23, 24]
    diff = np.abs(double.image[both][:, hips, :2] - single.image[both][:, hips, :2])
    # After the warm-up the second worker's tracker agrees with the continuous run.
    assert float(np.median(diff)) < 0.01, float(np.median(diff))
    assert WARMUP_S > 0


def test_auto_workers_only_for_long_videos() -> None:
    from movequal.pipeline import AUTO_PARALLEL_MIN_S, auto_workers

    assert auto_workers(AUTO_PARALLEL_MIN_S - 1, cpus=8) == 1
    assert auto_workers(AUTO_PARALLEL_MIN_S, cpus=2) == 2
    assert auto_workers(600.0, cpus=16) == 4
