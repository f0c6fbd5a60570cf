"""The Functional Reach Test from forward-reach trials: centimetres from the height, cut-offs, the practice trial."""

from __future__ import annotations

from dataclasses import replace

import pytest

from movequal.core.compensations import DEFAULT_THRESHOLDS, RepMetrics, detect_compensations
from movequal.core.compensations.reach import to_reach_cm
from movequal.core.functional_reach import describe_functional_reach, summarise_functional_reach

NAN = float("nan")
HEIGHT = 1.70
LEG_CM = 0.491 * HEIGHT * 100.0  # Winter's hip-to-ankle share of the height


def _trial(number: int, reach_cm: float) -> RepMetrics:
    return RepMetrics(
        number=number, start=60 * number, bottom=60 * number + 30, end=60 * number + 59, depth=1.0,
        duration_s=6.0, descent_s=3.0, hold_s=1.0, ascent_s=2.0,
        peak_knee_flexion=5.0, peak_hip_flexion=40.0, peak_trunk_inclination=35.0, trunk_minus_tibia=NAN,
        posterior_hip_shift=NAN, hip_share=NAN, peak_heel_height=0.0, peak_valgus=NAN, lateral_shift=0.5,
        pelvic_obliquity=NAN, knee_symmetry_index=60.0, knee_difference=30.0, peak_speed=20.0, sparc=-6.0,
        velocity_peaks=6, relative_phase=NAN, hips_rise_first=NAN, reach_distance=reach_cm / LEG_CM,
    )  # fmt: skip


def _codes(trials: list[RepMetrics], height: float | None, view: str = "sagittal-left") -> dict[str, str]:
    found = detect_compensations(trials, view, "forward-reach", height_m=height)  # type: ignore[arg-type]
    return {f.code: f.severity for f in found}


def test_centimetres_come_from_the_height() -> None:
    assert to_reach_cm(0.5, HEIGHT) == pytest.approx(0.5 * LEG_CM)


def test_short_reaches_are_graded_against_the_fall_risk_cut_offs_only_with_the_height() -> None:
    th = DEFAULT_THRESHOLDS.reach
    assert _codes([_trial(1, 30.0), _trial(2, 32.0)], HEIGHT) == {}
    assert _codes([_trial(1, th.functional_reach_cm - 1.0), _trial(2, 20.0)], HEIGHT) == {
        "short_functional_reach": "moderate"
    }
    assert _codes([_trial(1, 12.0), _trial(2, 14.0)], HEIGHT) == {"short_functional_reach": "severe"}
    assert _codes([_trial(1, 12.0), _trial(2, 14.0)], None) == {}, "without the height nothing is judged"
    assert _codes([_trial(1, 12.0), _trial(2, 14.0)], HEIGHT, view="frontal") == {}, "the reach is along the depth"


def test_leg_rules_do_not_judge_a_reach() -> None:
    assert _codes([_trial(1, 30.0), _trial(2, 31.0)], HEIGHT, view="frontal") == {}


def test_the_result_is_the_mean_of_the_test_trials_after_a_practice_one() -> None:
    three = summarise_functional_reach(
        [_trial(1, 20.0), _trial(2, 30.0), _trial(3, 40.0)], HEIGHT, DEFAULT_THRESHOLDS.reach
    )
    assert three is not None and three.result_cm == pytest.approx(30.0, abs=0.1) and len(three.trials_leg) == 3
    four = summarise_functional_reach(
        [_trial(1, 10.0), _trial(2, 30.0), _trial(3, 32.0), _trial(4, 34.0)], HEIGHT, DEFAULT_THRESHOLDS.reach
    )
    assert four is not None and four.result_cm == pytest.approx(32.0, abs=0.1)  # the first was the practice trial
    assert "at or above the 25.4 cm" in describe_functional_reach(four)
    unknown = summarise_functional_reach([_trial(1, 20.0)], None, DEFAULT_THRESHOLDS.reach)
    assert unknown is not None and unknown.result_cm is None and unknown.note and "height" in unknown.note
    assert "leg lengths" in describe_functional_reach(unknown)
    unmeasured = [replace(_trial(1, 20.0), reach_distance=NAN)]
    assert summarise_functional_reach(unmeasured, HEIGHT, DEFAULT_THRESHOLDS.reach) is None
