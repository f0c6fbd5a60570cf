"""Time-normalised rep curves on synthetic sets of known shape."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.rep_curves import CURVE_POINTS, compute_rep_curves, normalise_rep
from movequal.core.scoring import assess
from movequal.synthetic import Camera, SyntheticSpec, generate


def test_normalise_rep_resamples_and_bridges_gaps() -> None:
    values = np.array([0.0, 10.0, np.nan, 30.0, 40.0])
    curve = normalise_rep(values, points=9)
    assert curve[0] == 0.0 and curve[-1] == 40.0
    np.testing.assert_allclose(curve, np.linspace(0.0, 40.0, 9))
    assert np.isnan(normalise_rep(np.array([np.nan, 1.0, np.nan]))).all()


@pytest.mark.parametrize(("view", "method"), [("sagittal-left", "image"), ("oblique", "3d")])
def test_a_squat_set_gives_a_curve_per_angle_peaking_mid_rep(view: str, method: str) -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=5, camera=Camera(view=view)))
    result = assess(pose, "squat")
    curves = {c.angle: c for c in compute_rep_curves(result.kinematics, result.assessment.reps, result.assessment.view)}
    assert set(curves) == {"knee_flexion", "hip_flexion", "trunk_inclination"}
    knee = curves["knee_flexion"]
    assert knee.method == method and knee.reps == result.assessment.full_reps == 5
    assert len(knee.mean) == len(knee.sd) == CURVE_POINTS
    peak = int(np.argmax(knee.mean))
    assert 35 <= peak <= 65, peak  # the bottom of a symmetric rep is near its middle
    assert knee.mean[peak] > knee.mean[0] + 60 and knee.mean[peak] > knee.mean[-1] + 60
    assert max(knee.sd) < 10  # five identical planted reps: little spread


def test_no_full_rep_no_curves() -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=3))
    result = assess(pose, "squat")
    partial_only = [r.model_copy(update={"partial": True}) for r in result.assessment.reps]
    assert compute_rep_curves(result.kinematics, partial_only, result.assessment.view) == []
