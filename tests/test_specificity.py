"""Specificity on clean movement: measurement-error margins, the near foot's heel, a squat's normal pelvic tilt."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from movequal.core.assessment import Movement, View
from movequal.core.compensations import RepMetrics, detect_compensations
from movequal.core.compensations.base import RuleContext
from movequal.core.compensations.config import DEFAULT_THRESHOLDS
from movequal.core.compensations.metrics import select_near_series
from movequal.core.compensations.sagittal import detect_knee_dominant, detect_shallow_depth
from movequal.core.compensations.stiffness import SLOW_SIGN, stiffness_signs
from movequal.core.kinematics import BodyReference, Kinematics
from movequal.core.metric_registry import get_metric
from movequal.core.movement_registry import get_profile


def _rep(n: int = 1, **values: float) -> RepMetrics:
    flags = ("number", "used_3d", "range_seen")
    base: dict[str, Any] = {name: float("nan") for name in RepMetrics.__dataclass_fields__ if name not in flags}
    base |= {"start": 0, "bottom": 5, "end": 10, "velocity_peaks": 1, "depth": 1.0, "duration_s": 2.0}
    merged = base | values
    return RepMetrics(number=n, **merged)


def _codes(reps: list[RepMetrics], view: View, movement: Movement) -> list[str]:
    return [f.code for f in detect_compensations(reps, view, movement)]


def test_margin_is_k_times_the_registry_sem() -> None:
    ctx = RuleContext("sagittal-left", "squat", DEFAULT_THRESHOLDS)
    assert ctx.margin("peak_knee_flexion") == pytest.approx(get_metric("peak_knee_flexion").sem)
    assert ctx.margin(None) == 0.0
    assert ctx.margin("speed_peaks_per_phase") == 0.0  # no SEM registered
    assert RuleContext("sagittal-left", "squat", DEFAULT_THRESHOLDS, sem_margin=2.0).margin("score") == 10.0


def test_shallow_depth_needs_the_thigh_to_miss_level_by_its_sem() -> None:
    th = DEFAULT_THRESHOLDS.squat.shallow_thigh_deg
    assert th == 90.0  # FMS: femur below horizontal
    sem = get_metric("peak_thigh_inclination").sem
    assert sem is not None
    ctx = RuleContext("sagittal-left", "squat", DEFAULT_THRESHOLDS)
    within = [_rep(1, peak_thigh_inclination=th - 0.5 * sem)]
    assert detect_shallow_depth(within, ctx) is None
    strict = RuleContext("sagittal-left", "squat", DEFAULT_THRESHOLDS, sem_margin=0.0)
    assert detect_shallow_depth(within, strict) is not None
    finding = detect_shallow_depth([_rep(1, peak_thigh_inclination=th - 1.5 * sem)], ctx)
    assert finding is not None and finding.evidence[0].threshold == pytest.approx(th - sem)


def test_shallow_depth_is_judged_on_the_thigh_not_the_knee() -> None:
    """A deep knee bend with the hips still above the knees is shallow; a level thigh is not, whatever the knee."""
    ctx = RuleContext("sagittal-left", "squat", DEFAULT_THRESHOLDS)
    assert detect_shallow_depth([_rep(1, peak_knee_flexion=120.0, peak_thigh_inclination=70.0)], ctx) is not None
    assert detect_shallow_depth([_rep(1, peak_knee_flexion=85.0, peak_thigh_inclination=95.0)], ctx) is None


def test_trunk_lean_is_the_fms_criterion_past_its_sem() -> None:
    """FMS: torso parallel to the tibia or more upright; flagged past the SEM of trunk minus tibia."""
    sem = get_metric("trunk_minus_tibia_at_bottom").sem
    assert sem is not None and DEFAULT_THRESHOLDS.squat.trunk_lean_excess_deg == 0.0
    assert _codes([_rep(1, trunk_minus_tibia=0.9 * sem)], "sagittal-left", "squat") == []
    assert _codes([_rep(1, trunk_minus_tibia=1.2 * sem)], "sagittal-left", "squat") == ["trunk_lean"]
    assert _codes([_rep(1, trunk_minus_tibia=-20.0)], "sagittal-left", "squat") == []  # more upright than the shins


def test_lift_knee_flexion_just_past_100_is_not_a_squat_lift() -> None:
    ctx = RuleContext("oblique", "lift", DEFAULT_THRESHOLDS)
    assert detect_knee_dominant([_rep(1, peak_knee_flexion=104.0)], ctx) is None
    assert detect_knee_dominant([_rep(1, peak_knee_flexion=112.0)], ctx) is not None


@pytest.mark.parametrize(
    ("movement", "tilt", "flagged"),
    [("squat", 12.0, False), ("squat", 19.0, False), ("squat", 21.0, True), ("sit-to-stand", 9.0, True)],
)
def test_pelvic_tilt_alone_judged_against_the_movements_normal_range(
    movement: Movement, tilt: float, flagged: bool
) -> None:
    rep = _rep(1, pelvic_obliquity=tilt, knee_symmetry_index=3.0, knee_difference=4.0)
    assert ("asymmetry" in _codes([rep], "frontal", movement)) is flagged


def test_knee_asymmetry_still_flagged_in_a_squat() -> None:
    rep = _rep(1, pelvic_obliquity=4.0, knee_symmetry_index=35.0, knee_difference=28.0)
    assert "asymmetry" in _codes([rep], "frontal", "squat")


def test_side_view_heel_read_from_the_near_foot_only() -> None:
    t = np.arange(10) / 30.0
    near = np.full(10, 0.02)
    hidden = np.full(10, 0.15)
    series = {"heel_height_left": near, "heel_height_right": hidden}
    seen = Kinematics(t, series, {}, BodyReference(leg_length_px=100.0, near_side="left"))
    np.testing.assert_allclose(select_near_series(seen, "heel_height", slice(0, 10)), near)
    both = Kinematics(t, series, {}, BodyReference(leg_length_px=100.0, near_side=None))
    np.testing.assert_allclose(select_near_series(both, "heel_height", slice(0, 10)), hidden)


def test_slow_rep_sign_needs_the_duration_past_its_sem() -> None:
    ctx = RuleContext("sagittal-left", "squat", DEFAULT_THRESHOLDS)
    slow = DEFAULT_THRESHOLDS.stiffness.slow_rep_s
    assert SLOW_SIGN not in stiffness_signs(_rep(1, duration_s=slow + 0.1), ctx)
    assert SLOW_SIGN in stiffness_signs(_rep(1, duration_s=slow + 0.3), ctx)


def test_sparc_and_speed_peaks_are_one_sign_of_guarding() -> None:
    """Both read the smoothness of the speed profile, and jitter moves both at once: together they count once."""
    th = DEFAULT_THRESHOLDS.stiffness
    jittery = _rep(1, sparc=th.sparc_max - 1.0, velocity_peaks=th.max_velocity_peaks + 2, duration_s=1.5)
    assert _codes([jittery], "sagittal-left", "sit-to-stand") == []
    slow_and_jittery = _rep(1, sparc=th.sparc_max - 1.0, velocity_peaks=th.max_velocity_peaks + 2, duration_s=4.0)
    assert _codes([slow_and_jittery], "sagittal-left", "sit-to-stand") == ["stiffness"]
    (finding,) = detect_compensations([slow_and_jittery], "sagittal-left", "sit-to-stand")
    assert finding.evidence[0].value == 2.0 and finding.rep_severity == ["mild"]  # two signs, not three


def test_a_rep_the_recording_began_in_the_middle_of_has_no_range_sign() -> None:
    """A clip that begins mid-pull shows the range from where it started: not measurable, not reduced."""
    ctx = RuleContext("sagittal-right", "bend", DEFAULT_THRESHOLDS)
    th = DEFAULT_THRESHOLDS.stiffness
    short = 0.5 * th.min_rom_fraction * get_profile("bend").expected_depth  # half the range that counts as full
    jerky = th.max_velocity_peaks + 1
    seen = _rep(1, depth=short, velocity_peaks=jerky)
    cut = _rep(1, depth=short, velocity_peaks=jerky, range_seen=False)
    assert "range (% of full)" in stiffness_signs(seen, ctx)
    assert "range (% of full)" not in stiffness_signs(cut, ctx)
    assert _codes([seen], "sagittal-right", "bend") == ["stiffness"]
    assert _codes([cut], "sagittal-right", "bend") == []
