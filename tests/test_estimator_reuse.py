"""A worker keeps one landmarker for many videos: after reset it sees a video as a fresh one does."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.pose.estimation import EstimatorConfig, PoseEstimator, estimate_video
from tests.helpers import SAMPLE, shared_clip

pytestmark = pytest.mark.slow  # the real pose model on three clips


def test_reused_estimator_matches_a_fresh_one() -> None:
    fresh = estimate_video(SAMPLE, EstimatorConfig())
    with PoseEstimator(EstimatorConfig()) as estimator:
        estimate_video(shared_clip("squat_front_good_lnewco7054.mov"), estimator=estimator)
        reused = estimate_video(SAMPLE, estimator=estimator)
        again = estimate_video(SAMPLE, estimator=estimator)
    assert len(reused) == len(fresh) == len(again)
    np.testing.assert_array_equal(reused.timestamps, fresh.timestamps)
    np.testing.assert_array_equal(reused.detected, fresh.detected)
    assert np.nanmax(np.abs(reused.image[..., :2] - fresh.image[..., :2])) < 0.005
    assert np.nanmax(np.abs(again.image[..., :2] - reused.image[..., :2])) < 0.005
