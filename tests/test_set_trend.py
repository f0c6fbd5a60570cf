"""The set's trend (first third against last third) with readings missing in one third."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

from movequal.core.scoring import assess
from movequal.core.set_outcomes import compute_trend
from movequal.synthetic import Camera, SyntheticSpec, generate


def test_a_third_without_readings_gives_no_change_and_no_warning() -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=6, camera=Camera(view="sagittal-left"), noise_px=1.0))
    metrics = list(assess(pose, movement="squat").rep_metrics)
    scores = [100.0] * len(metrics)
    assert len(metrics) == 6
    measured = compute_trend(metrics, scores)
    assert measured is not None and math.isfinite(measured.depth_change_pct)
    blind_end = [replace(m, depth=math.nan) if m.number > 4 else m for m in metrics]
    shallower_end = [replace(m, depth=0.5 * m.depth) if m.number > 4 else m for m in metrics]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Mean of empty slice"
        trend = compute_trend(blind_end, scores)
    assert trend is not None and trend.depth_change_pct == 0.0
    shallower = compute_trend(shallower_end, scores)
    assert shallower is not None and shallower.depth_change_pct < -40 and shallower.fatigue
