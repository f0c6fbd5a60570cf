"""Walking findings on constructed passes, and walking kept out of the live engine (which counts reps)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from api.live_sessions import LiveStart
from movequal.cli import app as cli_app
from movequal.core.compensations.gait import GAIT_THRESHOLDS, asymmetry_angle_pct, compare_sides, detect_gait_findings
from movequal.core.gait import GaitPass, SideGait
from movequal.core.verdict import compute_rating
from movequal.live.incremental import IncrementalAssessor


def _side(times: list[float], lengths: list[float], stances: list[float]) -> SideGait:
    return SideGait(tuple(times), tuple(lengths), tuple(stances), arm_swings=(30.0, 31.0, 29.0))


def _pass(left: SideGait, right: SideGait, trunk: float = 3.0, speed: float = 1.4) -> GaitPass:
    steps = left.steps + right.steps
    return GaitPass(0.0, 5.0, "towards image right", steps, 110.0, speed, 3.0, trunk, float("nan"),
                    {"left": left, "right": right})  # fmt: skip


def _frames(p: GaitPass) -> tuple[int, int]:
    return int(p.start_time * 30), int(p.end_time * 30)


EVEN = _pass(_side([0.55, 0.56, 0.54], [0.70, 0.72, 0.69], [0.66, 0.65, 0.67]),
             _side([0.55, 0.54, 0.56], [0.71, 0.70, 0.72], [0.65, 0.66, 0.66]))  # fmt: skip
LIMP = _pass(_side([0.50, 0.52, 0.51], [0.70, 0.72, 0.71], [0.80, 0.82, 0.81]),
             _side([0.62, 0.60, 0.61], [0.20, 0.18, 0.22], [0.60, 0.62, 0.61]))  # fmt: skip


def test_compare_sides_gives_the_ratio_the_welch_p_and_the_shorter_side() -> None:
    ratio, p, shorter = compare_sides([0.7, 0.72, 0.71], [0.2, 0.18, 0.22])
    assert ratio == pytest.approx(0.71 / 0.2) and p < 1e-4 and shorter == "right"
    assert np.isnan(compare_sides([0.7], [0.2, 0.3])[0]), "one step a side is not a comparison"
    noisy = compare_sides([0.5, 1.0, 0.6], [0.6, 0.7, 0.5])
    assert noisy[0] > GAIT_THRESHOLDS.step_length_ratio[0] and noisy[1] > GAIT_THRESHOLDS.max_p
    assert compare_sides([0.5, 0.5], [0.6, 0.6])[1] == 0.0 and compare_sides([0.5, 0.5], [0.5, 0.5])[1] == 1.0


def test_the_welch_p_matches_scipys_test_and_asks_more_of_fewer_steps() -> None:
    """Two or three steps a side need a larger t than many: a fixed t of 2 let chance differences through."""
    rng = np.random.default_rng(3)
    for n_left, n_right in ((2, 2), (3, 4), (12, 9)):
        left, right = rng.normal(0.7, 0.05, n_left), rng.normal(0.62, 0.08, n_right)
        expected = stats.ttest_ind(left, right, equal_var=False).pvalue
        assert compare_sides(list(left), list(right))[1] == pytest.approx(expected, rel=1e-9)
    left, right = [0.70, 0.76], [0.60, 0.62]  # two steps a side, 20 % apart
    t = stats.ttest_ind(left, right, equal_var=False).statistic
    ratio, p_value, _ = compare_sides(left, right)
    assert t > 3.5 and ratio > GAIT_THRESHOLDS.stance_ratio[0]  # a fixed t of 2 would have flagged it
    assert p_value > GAIT_THRESHOLDS.max_p  # on about 1.2 degrees of freedom it is within chance


def test_a_limp_is_uneven_steps_on_the_short_side_and_even_walking_is_clean() -> None:
    assert detect_gait_findings([EVEN], _frames) == []
    (limp,) = detect_gait_findings([LIMP], _frames)
    assert limp.code == "step_asymmetry" and limp.severity == "severe" and "right" in limp.title
    assert limp.reps == [1] and limp.points_lost == 20.0
    (once,) = detect_gait_findings([EVEN, LIMP], _frames)
    assert once.reps == [2] and once.points_lost == 10.0, "seen in one pass of two"


def test_spread_between_steps_keeps_a_ratio_past_the_limit_from_firing() -> None:
    noisy = _pass(_side([0.55, 0.56, 0.54], [0.5, 1.0, 0.6], [0.66, 0.65, 0.67]),
                  _side([0.55, 0.54, 0.56], [0.6, 0.7, 0.5], [0.65, 0.66, 0.66]))  # fmt: skip
    assert compare_sides([0.5, 1.0, 0.6], [0.6, 0.7, 0.5])[0] > GAIT_THRESHOLDS.step_length_ratio[0]
    assert detect_gait_findings([noisy], _frames) == []


def test_flexed_trunk_grades_and_slow_gait_needs_the_height() -> None:
    bent = _pass(EVEN.sides["left"], EVEN.sides["right"], trunk=28.0, speed=0.7)
    codes = {f.code: f.severity for f in detect_gait_findings([bent], _frames)}
    assert codes == {"flexed_trunk": "moderate"}, "without a height the speed cannot be judged in m/s"
    with_height = {f.code: f.severity for f in detect_gait_findings([bent], _frames, height_m=1.70)}
    assert with_height == {"flexed_trunk": "moderate", "slow_gait": "moderate"}  # 0.7 legs/s = 0.58 m/s
    assert detect_gait_findings([EVEN], _frames, height_m=1.70) == []  # 1.4 legs/s = 1.17 m/s


def test_the_verdict_counts_passes() -> None:
    findings = detect_gait_findings([LIMP], _frames)
    rating = compute_rating(80.0, findings, 1, unit="pass")
    assert rating is not None and rating.reason is not None and "1 of 1 pass;" in rating.reason


def test_walking_is_followed_live_by_the_step_counter_not_the_rep_engine() -> None:
    assert LiveStart.model_validate({"type": "start", "movement": "walk"}).movement == "walk"
    assert LiveStart.model_validate({"type": "start", "movement": "squat"}).movement == "squat"
    with pytest.raises(ValueError, match="not followed live"):
        IncrementalAssessor("walk", 30.0, (640, 480))
    result = CliRunner().invoke(cli_app, ["live", "--movement", "walk", "--source", "missing.mp4", "--no-window"])
    assert "not followed live" not in result.output


def _armed(left: tuple[float, ...], right: tuple[float, ...]) -> GaitPass:
    sides = {
        side: SideGait(s.step_times, s.step_lengths, s.stance_times, arm_swings=arms)
        for (side, s), arms in zip(EVEN.sides.items(), (left, right), strict=True)
    }
    return GaitPass(0.0, 5.0, "towards the camera", EVEN.steps, 110.0, 1.4, 3.0, 3.0, 0.0, sides)


def test_one_arm_swinging_less_is_named_when_both_arms_are_seen() -> None:
    (found,) = detect_gait_findings([_armed((15.0, 16.0, 14.0), (30.0, 31.0, 29.0))], _frames)
    assert found.code == "reduced_arm_swing" and found.title == "Less arm swing on the left side"
    assert found.severity == "mild" and found.evidence[0].value == pytest.approx(20.5, abs=0.1)  # ratio 2: 20.5 %
    assert asymmetry_angle_pct(1.0) == 0.0 and asymmetry_angle_pct(2.0) == pytest.approx(20.48, abs=0.01)
    assert detect_gait_findings([_armed((27.0, 28.0, 26.0), (30.0, 31.0, 29.0))], _frames) == []  # 7 %: healthy
    assert detect_gait_findings([_armed((), (30.0, 31.0, 29.0))], _frames) == [], "an arm not seen is not judged"
    noisy = _armed((8.0, 30.0, 10.0, 28.0), (30.0, 31.0, 29.0, 30.0))  # 14 % on average, within the spread (t 1.9)
    assert detect_gait_findings([noisy], _frames) == []


def _frontal(
    lean: float = 0.0, swings: tuple[float, ...] = (), arcs: tuple[tuple[float, ...], ...] = ((), ())
) -> GaitPass:
    sides = {
        side: SideGait(s.step_times, s.step_lengths, s.stance_times, s.arm_swings, swing_arcs=a)
        for (side, s), a in zip(EVEN.sides.items(), arcs, strict=True)
    }
    return GaitPass(0.0, 5.0, "towards the camera", EVEN.steps, 110.0, 1.4, 3.0, 3.0, lean, sides, lean_swings=swings)


def test_a_sideways_lean_is_named_by_side_and_a_sway_is_graded_per_stride() -> None:
    assert detect_gait_findings([_frontal(2.0, (4.0, 5.0, 4.5))], _frames) == [], "healthy: 0 ± 1.3°, sway 3.3 ± 1.4°"
    (lean,) = detect_gait_findings([_frontal(-7.0, (5.0, 4.0))], _frames)
    assert lean.code == "lateral_trunk_lean" and lean.title == "Trunk leans to the right while walking"
    assert lean.severity == "mild" and lean.evidence[0].value == 7.0 and lean.evidence[0].threshold == 5.0
    (sway,) = detect_gait_findings([_frontal(1.0, (15.0, 16.0, 14.0))], _frames)
    assert sway.title == "Trunk sways sideways while walking" and sway.severity == "moderate"
    assert sway.evidence[1].value == 15.0 and sway.evidence[1].threshold == GAIT_THRESHOLDS.lean_swing_deg[0]
    (both,) = detect_gait_findings([_frontal(12.0, (21.0, 22.0))], _frames)
    assert both.severity == "severe" and "left" in both.title, "the worse of lean and sway grades the pass"


def test_lean_and_arc_not_measurable_from_the_side_say_nothing() -> None:
    side_on = _pass(EVEN.sides["left"], EVEN.sides["right"])  # NaN lean, no stride swings, no arcs
    assert np.isnan(side_on.lateral_lean_deg) and np.isnan(side_on.lean_swing_deg)
    assert np.isnan(side_on.sides["left"].swing_arc)
    assert detect_gait_findings([side_on], _frames) == []


def test_short_steps_use_the_longer_side_and_metres_with_the_height() -> None:
    short = _pass(
        _side([0.5, 0.5, 0.5], [0.38, 0.36, 0.37], [0.6] * 3), _side([0.5, 0.5, 0.5], [0.35, 0.36, 0.34], [0.6] * 3)
    )
    (found,) = detect_gait_findings([short], _frames)
    assert found.code == "short_steps" and found.severity == "moderate"
    assert found.evidence[0].value == 0.37 and found.evidence[0].unit == "leg lengths"
    with_height = detect_gait_findings([short], _frames, height_m=1.70)
    steps = next(f for f in with_height if f.code == "short_steps")
    assert steps.evidence[0].unit == "m" and steps.evidence[0].value == pytest.approx(0.37 * 0.491 * 1.70, abs=0.01)
    assert steps.evidence[0].threshold == pytest.approx(0.50 * 0.491 * 1.70, abs=0.01)
    assert "short_steps" not in {f.code for f in detect_gait_findings([LIMP], _frames)}, "a limp's one short step"
    one_step = _pass(_side([0.5], [0.3], [0.6]), _side([0.5, 0.5], [0.3, 0.3], [0.6, 0.6]))
    assert "short_steps" not in {f.code for f in detect_gait_findings([one_step], _frames)}, "too few steps a side"


def test_circumduction_names_the_leg_that_swings_out() -> None:
    (found,) = detect_gait_findings([_frontal(arcs=((0.01, 0.0, 0.02), (0.15, 0.14, 0.16)))], _frames)
    assert found.code == "circumduction" and found.title == "The right leg swings out to the side"
    assert found.severity == "mild" and found.evidence[0].value == 0.15
    assert detect_gait_findings([_frontal(arcs=((0.01, 0.02), (0.05, 0.06)))], _frames) == [], "within the noise"
    assert detect_gait_findings([_frontal(arcs=((), (0.25,)))], _frames) == [], "one swing is not enough"
