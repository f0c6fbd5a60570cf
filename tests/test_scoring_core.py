"""The foundation's scoring core on data with known answers."""

from __future__ import annotations

import numpy as np

from movequal.compensations import SEVERITY_POINTS, RepMetrics, Thresholds, detect_compensations
from movequal.filtering import filter_butterworth, interpolate_gaps
from movequal.kinematics import compute_inclination, compute_joint_angle
from movequal.reps import detect_reps


def test_short_gaps_filled_long_gaps_kept() -> None:
    t = np.arange(30) / 30.0
    x = np.sin(t)
    x_gappy = x.copy()
    x_gappy[5:8] = np.nan  # 0.13 s gap
    x_gappy[15:25] = np.nan  # 0.37 s gap
    filled = interpolate_gaps(x_gappy, t, max_gap_s=0.2)
    np.testing.assert_allclose(filled[5:8], x[5:8], atol=2e-3)
    assert np.isnan(filled[15:25]).all()
    assert np.isnan(x_gappy[5:8]).all()  # input untouched


def test_butterworth_removes_noise_without_lag_and_guards_short_runs() -> None:
    fps = 60.0
    t = np.arange(600) / fps
    clean = np.sin(2 * np.pi * 0.5 * t)
    noisy = clean + np.random.default_rng(0).normal(0, 0.05, t.size)
    smooth = filter_butterworth(noisy, fps, 6.0)
    rms = lambda e: float(np.sqrt(np.mean(e[30:-30] ** 2)))  # noqa: E731
    assert rms(smooth - clean) < 0.5 * rms(noisy - clean)
    lag = int(np.argmax(np.correlate(smooth, clean, "full"))) - (t.size - 1)
    assert lag == 0  # zero-phase: no delay against the clean signal
    short = np.array([1.0, 5.0, 1.0, 5.0])
    np.testing.assert_array_equal(filter_butterworth(short, fps), short)


def test_angles_on_known_geometry() -> None:
    a, b, c = np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])
    assert compute_joint_angle(a, b, c)[0] == 90.0
    assert abs(compute_inclination(np.array([[0.0, 10.0]]), np.array([[10.0, 0.0]]))[0] - 45.0) < 1e-9


def test_reps_counted_and_half_reps_ignored() -> None:
    t = np.arange(0, 9, 1 / 30)
    depth = 0.5 - 0.5 * np.cos(2 * np.pi * 0.3 * t)  # bottoms at 1.67, 5.0, 8.33 s; the clip ends on the way up
    reps = detect_reps(depth, t)
    assert len(reps) == 2
    for rep in reps:
        assert rep.start < rep.bottom < rep.end
    np.testing.assert_allclose([t[r.bottom] for r in reps], [1 / 0.6, 3 / 0.6], atol=0.05)


def _rep(n: int, knee: float) -> RepMetrics:
    return RepMetrics(n, (0, 10), knee, 100.0, 20.0, 0.0, 0.2)


def test_points_lost_trace_to_findings() -> None:
    reps = [_rep(1, 120.0), _rep(2, 70.0)]
    findings = detect_compensations(reps, "sagittal-left", "squat", Thresholds())
    assert [f.code for f in findings] == ["shallow_depth"]
    finding = findings[0]
    assert finding.reps == [2] and finding.severity == "moderate"
    assert finding.points_lost == SEVERITY_POINTS["moderate"] / 2
    assert detect_compensations(reps, "frontal", "lift", Thresholds()) == []
