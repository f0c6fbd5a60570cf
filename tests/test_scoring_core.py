"""The scoring core on data with known answers: filtering, angles, reps, rules and scores."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from movequal.core.butterworth import filter_butterworth
from movequal.core.compensations import SEVERITY_POINTS, RepMetrics, detect_compensations
from movequal.core.compensations.config import DEFAULT_THRESHOLDS
from movequal.core.compensations.metrics import compute_hip_share
from movequal.core.filtering import interpolate_gaps
from movequal.core.kinematics import compute_inclination, compute_joint_angle
from movequal.core.rep_counter import RepCounter
from movequal.core.reps import compute_phases, detect_reps, segment_reps
from movequal.core.scoring import estimate_fms_deep_squat, score_reps
from movequal.core.spine import chord_table


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


def _cosine_depth(t: np.ndarray, hz: float = 0.3) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2 * np.pi * hz * t)


def test_reps_counted_and_half_reps_listed_as_partial() -> None:
    t = np.arange(0, 9, 1 / 30)
    depth = _cosine_depth(t)  # bottoms at 1.67, 5.0, 8.33 s; the clip ends on the way up
    seg = segment_reps(depth, t)
    assert len(seg.reps) == 2
    for rep in seg.reps:
        assert rep.start < rep.bottom < rep.end
    np.testing.assert_allclose([t[r.bottom] for r in seg.reps], [1 / 0.6, 3 / 0.6], atol=0.05)
    assert len(seg.partial_bottoms) == 1 and t[seg.partial_bottoms[0]] > 7.5


def test_shallow_dip_between_reps_is_partial() -> None:
    t = np.arange(0, 12, 1 / 30)
    depth = np.clip(_cosine_depth(t, 0.25), 0, None)
    depth[(t > 3.5) & (t < 4.5)] = 0.2 * np.sin(np.pi * (t[(t > 3.5) & (t < 4.5)] - 3.5))  # a 0.2 fidget
    seg = segment_reps(depth, t)
    assert len(seg.reps) == 3  # bottoms at 2, 6, 10 s
    assert any(abs(t[p] - 4.0) < 0.2 for p in seg.partial_bottoms)


def test_phases_split_descent_hold_ascent() -> None:
    t = np.arange(0, 6, 1 / 30)
    depth = np.interp(t, [0, 1, 2, 3, 4, 5, 6], [0, 0, 1, 1, 0, 0, 0])  # 1 s down, 1 s hold, 1 s up
    (rep,) = detect_reps(depth, t)
    phases = compute_phases(depth, t, rep)
    assert phases.hold_s == pytest.approx(1.2, abs=0.1)  # the hold plus the top 10 % of each ramp
    assert phases.descent_s == pytest.approx(phases.ascent_s, abs=0.1)


def test_live_counter_matches_offline_count() -> None:
    t = np.arange(0, 20, 1 / 30)
    depth = _cosine_depth(t, 0.25) + np.random.default_rng(1).normal(0, 0.01, t.size)
    counter = RepCounter()
    live = [w for d in depth if (w := counter.update(float(d))) is not None]
    offline = detect_reps(depth, t)
    assert len(live) == len(offline) == 5
    for a, b in zip(live, offline, strict=True):
        assert abs(a.bottom - b.bottom) <= 3
        assert a.end < b.end  # live reports as soon as the rep is back to rest


def _rep(n: int, **values: float) -> RepMetrics:
    flags = ("number", "used_3d", "range_seen")
    base = {name: float("nan") for name in RepMetrics.__dataclass_fields__ if name not in flags}
    base |= {"start": 0, "bottom": 5, "end": 10, "velocity_peaks": 1, "depth": 1.0, "duration_s": 2.0}
    return RepMetrics(number=n, **(base | values))  # type: ignore[arg-type]


def test_points_lost_trace_to_findings_per_rep_severity() -> None:
    thighs = (100.0, 68.0, 52.0)  # 85° is level less the margin: fine, 17° short (moderate), 33° short (severe)
    reps = [_rep(n, peak_thigh_inclination=t) for n, t in enumerate(thighs, start=1)]
    findings = detect_compensations(reps, "sagittal-left", "squat")
    assert [f.code for f in findings] == ["shallow_depth"]
    finding = findings[0]
    assert finding.reps == [2, 3] and finding.rep_severity == ["moderate", "severe"]
    scores = score_reps(reps, findings)
    assert scores == [100.0, 100.0 - SEVERITY_POINTS["moderate"], 100.0 - SEVERITY_POINTS["severe"]]
    assert np.mean(scores) == pytest.approx(100.0 - finding.points_lost, abs=0.01)


def test_rules_stay_silent_outside_their_views_and_movements() -> None:
    valgus = [_rep(1, peak_valgus=20.0)]
    assert [f.code for f in detect_compensations(valgus, "frontal", "squat")] == ["knee_valgus"]
    assert detect_compensations([_rep(1)], "frontal", "squat") == []  # NaN metrics: nothing to judge
    assert detect_compensations([_rep(1, peak_knee_flexion=60.0)], "frontal", "lift") == []


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("trunk_lean", {"trunk_minus_tibia": 30.0}),
        ("heel_lift", {"peak_heel_height": 0.2}),
        ("knee_dominant", {"peak_knee_flexion": 120.0, "peak_hip_flexion": 70.0}),
        ("hips_rise_first", {"hips_rise_first": 0.9}),
        ("lateral_shift", {"lateral_shift": -0.2}),
        ("asymmetry", {"knee_symmetry_index": 40.0, "knee_difference": 30.0}),
        ("stiffness", {"duration_s": 5.0, "sparc": -4.0}),
    ],
)
def test_each_rule_fires_on_its_fault(code: str, values: dict[str, float]) -> None:
    fine = _rep(1, peak_knee_flexion=110.0, peak_hip_flexion=110.0)
    faulty = replace(fine, number=2, **values)
    view = "frontal" if code in ("lateral_shift", "asymmetry") else "sagittal-left"
    codes = [f.code for f in detect_compensations([fine, faulty], view, "squat")]
    assert code in codes
    assert code not in [f.code for f in detect_compensations([fine], view, "squat")]


def test_hip_hinge_rule_needs_low_hip_share_and_little_hip_travel() -> None:
    th = DEFAULT_THRESHOLDS.hinge
    stoop = _rep(1, hip_share=0.2, peak_trunk_inclination=70.0, posterior_hip_shift=0.05)
    hinge = _rep(2, hip_share=0.7, peak_trunk_inclination=70.0, posterior_hip_shift=0.3)
    (finding,) = detect_compensations([stoop, hinge], "sagittal-right", "bend")
    assert finding.code == "hip_avoidant_bending" and finding.reps == [1]
    assert finding.evidence[0].value == pytest.approx(20.0) and finding.evidence[0].threshold == 100 * th.min_hip_share


def test_hip_share_from_trunk_chord() -> None:
    assert compute_hip_share(60.0, 1.0, 0.0) == pytest.approx(1.0)  # no shortening: all hips
    _, angle, length = chord_table()
    k = int(np.searchsorted(np.degrees(angle), 30.0))  # the lumbar bend that leans the chord 30°
    assert compute_hip_share(60.0, float(length[k] / length[0]), 0.0) == pytest.approx(0.5, abs=0.01)
    assert np.isnan(compute_hip_share(60.0, 0.5, 0.0))  # shorter than any bend explains


def test_fms_estimate() -> None:
    deep = [_rep(1, peak_knee_flexion=115.0, peak_thigh_inclination=95.0)]
    assert estimate_fms_deep_squat(deep, []).score == 3  # type: ignore[union-attr]
    shallow = [_rep(1, peak_knee_flexion=115.0, peak_thigh_inclination=70.0)]  # knees bent far, thighs above level
    assert estimate_fms_deep_squat(shallow, detect_compensations(shallow, "sagittal-left", "squat")).score == 1  # type: ignore[union-attr]


def test_lift_style_from_knee_flexion() -> None:
    from movequal.core.scoring import classify_lift_style

    assert classify_lift_style(_rep(1, peak_knee_flexion=15.0)) == "stoop"
    assert classify_lift_style(_rep(1, peak_knee_flexion=45.0)) == "semi-squat"
    assert classify_lift_style(_rep(1, peak_knee_flexion=95.0)) == "squat-lift"
    assert classify_lift_style(_rep(1)) is None
