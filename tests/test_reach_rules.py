"""Overhead reach: its rules, metrics and driver on hand-made numbers, where the right answer is known."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from movequal.core.compensations import DEFAULT_THRESHOLDS, RepMetrics, detect_compensations
from movequal.core.compensations.reach_metrics import compute_backward_tilt
from movequal.core.metric_registry import get_metric, select_summarised
from movequal.core.movement_registry import get_profile

NAN = float("nan")


def _rep(number: int, elevation: float, extension: float = NAN, lean: float = NAN) -> RepMetrics:
    """A reach rep whose leg and trunk-bend metrics would fire every leg rule, so only the reach rules may speak."""
    return RepMetrics(
        number=number, start=30 * number, bottom=30 * number + 15, end=30 * number + 29, depth=elevation / 180.0,
        duration_s=6.0, descent_s=3.0, hold_s=0.5, ascent_s=2.5,
        peak_knee_flexion=NAN, peak_hip_flexion=NAN, peak_trunk_inclination=NAN, trunk_minus_tibia=NAN,
        posterior_hip_shift=NAN, hip_share=NAN, peak_heel_height=NAN, peak_valgus=NAN, lateral_shift=0.5,
        pelvic_obliquity=NAN, knee_symmetry_index=60.0, knee_difference=30.0, peak_speed=20.0, sparc=-6.0,
        velocity_peaks=6, relative_phase=NAN, hips_rise_first=NAN,
        peak_arm_elevation=elevation, trunk_extension=extension, lateral_trunk_lean=lean,
    )  # fmt: skip


def _codes(reps: list[RepMetrics], view: str) -> dict[str, str]:
    return {f.code: f.severity for f in detect_compensations(reps, view, "overhead-reach")}  # type: ignore[arg-type]


def test_arms_short_of_overhead_are_graded_against_the_shoulder_norms() -> None:
    margin = get_metric("peak_arm_elevation").sem
    assert margin is not None
    limit = DEFAULT_THRESHOLDS.reach.min_elevation_deg - margin
    assert _codes([_rep(1, limit + 1.0), _rep(2, 175.0)], "sagittal-left") == {}
    assert _codes([_rep(1, limit - 1.0), _rep(2, limit - 2.0)], "sagittal-left") == {
        "incomplete_overhead_reach": "mild"
    }
    assert _codes([_rep(1, 110.0), _rep(2, 112.0)], "frontal")["incomplete_overhead_reach"] == "moderate"
    assert _codes([_rep(1, 70.0), _rep(2, 80.0)], "oblique")["incomplete_overhead_reach"] == "severe"


def test_back_arching_is_judged_from_the_side_only_and_from_the_detectable_change() -> None:
    limit = DEFAULT_THRESHOLDS.reach.max_extension_deg
    arched = [_rep(1, 170.0, extension=limit + 2.0), _rep(2, 170.0, extension=limit + 12.0)]
    assert _codes(arched, "sagittal-right") == {"back_arching": "moderate"}  # mild and moderate tie: the worse
    assert _codes([_rep(1, 170.0, extension=limit + 25.0)], "sagittal-left") == {"back_arching": "severe"}
    assert _codes([_rep(1, 170.0, extension=limit - 0.5)], "sagittal-left") == {}
    assert "back_arching" not in _codes(arched, "frontal"), "a backward tilt is along the front camera's depth"


def test_sideways_lean_is_judged_from_the_front_only() -> None:
    margin = get_metric("lateral_trunk_lean").sem
    assert margin is not None
    limit = DEFAULT_THRESHOLDS.reach.max_lateral_lean_deg + margin
    leaning = [_rep(1, 170.0, lean=limit + 1.0), _rep(2, 170.0, lean=limit + 1.5)]
    assert _codes(leaning, "frontal") == {"lateral_trunk_lean": "mild"}
    assert _codes([_rep(1, 170.0, lean=limit - 0.5)], "frontal") == {}
    assert _codes(leaning, "sagittal-left") == {}


def test_leg_rules_do_not_judge_a_reach() -> None:
    reps = [_rep(1, 170.0), _rep(2, 171.0)]
    for view in ("frontal", "sagittal-left", "oblique"):
        assert _codes(reps, view) == {}, view  # slow, jerky, asymmetric knees: not a reach's business
    squat = [replace(r, peak_knee_flexion=100.0) for r in reps]
    fired = {f.code for f in detect_compensations(squat, "frontal", "squat")}
    assert {"stiffness", "asymmetry", "lateral_shift"} <= fired


def test_backward_tilt_reads_the_largest_backward_mean_and_ignores_forward_lean() -> None:
    t = np.linspace(0.0, 1.0, 61)
    pitch = 2.0 - 14.0 * np.sin(np.pi * t) ** 2  # + forward; tips 14° back at the top, still at both ends
    assert compute_backward_tilt(pitch, slice(0, 61)) == pytest.approx(14.0, abs=0.5)  # 5-frame means: -0.3°
    assert compute_backward_tilt(2.0 + 10.0 * np.sin(np.pi * t), slice(0, 61)) <= 0.0
    jitter = pitch.copy()
    jitter[30] = -60.0  # one wild frame moves a 5-frame mean by a fifth of its size
    assert compute_backward_tilt(jitter, slice(0, 61)) < 14.0 + 0.25 * 60.0
    assert np.isnan(compute_backward_tilt(np.full(61, np.nan), slice(0, 61)))
    assert np.isnan(compute_backward_tilt(pitch, slice(0, 3)))


def test_reach_summaries_belong_to_reaches_only() -> None:
    reach_keys = {"peak_arm_elevation", "trunk_extension", "lateral_trunk_lean"}
    assert reach_keys <= {m.key for m in select_summarised("overhead-reach")}
    for movement in ("squat", "lift", "sit-to-stand", None):
        assert not reach_keys & {m.key for m in select_summarised(movement)}, movement  # type: ignore[arg-type]
    profile = get_profile("overhead-reach")
    assert profile.arms_driven and profile.angle_driven and not profile.trunk_driven and not profile.loaded
