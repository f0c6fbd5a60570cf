"""Walking against exact synthetic truth: foot contacts, step time, cadence, planted faults, metres from height."""

from __future__ import annotations

import numpy as np
import pytest

from eval.evaluate_gait_synthetic import camera_for, step_time_errors, true_strikes
from movequal.core.assessment import Assessment
from movequal.core.compensations.gait import asymmetry_angle_pct
from movequal.core.scoring import assess
from movequal.synthetic import Faults, SyntheticSpec, generate
from movequal.synthetic.gait import Gait, GaitTruth


def _walk(view: str, gait: Gait | None = None, faults: Faults | None = None, seed: int = 1,
          height_m: float | None = None) -> tuple[Assessment, GaitTruth]:  # fmt: skip
    spec = SyntheticSpec(movement="walk", camera=camera_for(view), noise_px=2.0, seed=seed, gait=gait or Gait(),
                         faults=faults or Faults())  # fmt: skip
    pose, truth = generate(spec)
    assert truth.gait is not None
    return assess(pose, height_m=height_m).assessment, truth.gait


@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right", "frontal", "oblique"])
def test_every_contact_and_step_time_with_2px_noise(view: str) -> None:
    a, truth = _walk(view)
    assert a.movement == "walk" and a.gait is not None and a.findings == []
    strikes = np.array([e.time for e in a.gait.heel_strikes])
    expected = true_strikes(truth)
    assert len(strikes) == len(expected)
    errors = np.abs(step_time_errors(strikes, expected))
    assert len(errors) == len(expected) - 1 and errors.mean() <= 0.02 and errors.max() <= 0.04
    (walked,) = a.gait.passes
    assert walked.cadence_spm == pytest.approx(truth.cadence_spm, rel=0.02)
    sides = [e.side for e in a.gait.heel_strikes]
    assert sides == ["left", "right"] * (len(sides) // 2) + ["left"] * (len(sides) % 2), "truth starts on the left"


@pytest.mark.parametrize("view", ["sagittal-left", "frontal"])
def test_a_planted_limp_and_a_slouch_are_found(view: str) -> None:
    limp, _ = _walk(view, Gait(limp=0.3, limp_side="right"))
    assert [f.code for f in limp.findings] == ["step_asymmetry"]
    slouch, _ = _walk(view, faults=Faults(trunk_lean_deg=20.0))
    if view == "frontal":  # towards the camera the lean lies along the model's depth guess: not measurable
        assert slouch.findings == [] and slouch.gait is not None
        assert [p.trunk_flexion_deg for p in slouch.gait.passes] == [None]
        return
    (bent,) = slouch.findings
    assert bent.code == "flexed_trunk" and bent.evidence[0].value == pytest.approx(24.0, abs=4.0)


def test_height_turns_leg_lengths_into_metres_and_judges_speed() -> None:
    slow = Gait(cadence=80.0, step_length_m=0.45)
    a, truth = _walk("sagittal-left", slow, height_m=1.75)
    (walked,) = a.gait.passes if a.gait else []
    assert walked.speed_m_s == pytest.approx(truth.speed_m_s, rel=0.1)
    assert walked.sides[0].step_length_m == pytest.approx(0.45, rel=0.1)
    assert [f.code for f in a.findings] == ["slow_gait"]
    no_height, _ = _walk("sagittal-left", slow)
    assert no_height.findings == [] and no_height.gait is not None and no_height.gait.passes[0].speed_m_s is None


@pytest.mark.parametrize("view", ["frontal", "oblique"])
def test_a_planted_reduced_arm_swing_is_found_where_both_arms_are_seen(view: str) -> None:
    reduced, _ = _walk(view, Gait(arm_swing_left=0.4))
    (found,) = reduced.findings
    assert found.code == "reduced_arm_swing" and "left" in found.title
    assert found.evidence[0].value == pytest.approx(asymmetry_angle_pct(1 / 0.4), abs=3.0)  # 24 % planted
    clean, _ = _walk(view, Gait(arm_swing_left=0.8))  # 7 %: within healthy asymmetry
    assert clean.findings == []


def test_the_far_arm_from_the_side_is_not_measurable() -> None:
    reduced, _ = _walk("sagittal-left", Gait(arm_swing_right=0.4))  # the right arm is the far one
    assert reduced.gait is not None and reduced.findings == []
    near, far = reduced.gait.passes[0].sides
    assert near.arm_swing_deg is not None and far.arm_swing_deg is None


@pytest.mark.parametrize(
    ("gait", "code", "words"),
    [
        (Gait(lateral_lean_deg=8.0), "lateral_trunk_lean", "leans to the left"),
        (Gait(lean_sway_deg=6.0), "lateral_trunk_lean", "sways"),
        (Gait(circumduction_m=0.12, circumduction_side="left"), "circumduction", "left leg"),
        (Gait(step_length_m=0.35), "short_steps", "Short"),
    ],
)
def test_a_planted_lean_sway_arc_or_short_steps_is_found_from_the_front(gait: Gait, code: str, words: str) -> None:
    a, _ = _walk("frontal", gait)
    (found,) = a.findings
    assert found.code == code and words in found.title


@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right", "oblique"])
def test_sideways_lean_and_circumduction_are_not_measurable_off_the_front(view: str) -> None:
    for gait in (Gait(lateral_lean_deg=10.0, lean_sway_deg=6.0), Gait(circumduction_m=0.15)):
        a, _ = _walk(view, gait)
        assert a.findings == [] and a.gait is not None
        assert all(p.lateral_lean_deg is None for p in a.gait.passes)
    short, _ = _walk(view, Gait(step_length_m=0.35))
    assert [f.code for f in short.findings] == ["short_steps"], "step length is read in every view"


def test_short_steps_in_metres_with_the_height() -> None:
    a, truth = _walk("sagittal-left", Gait(step_length_m=0.35), height_m=1.75)
    found = next(f for f in a.findings if f.code == "short_steps")
    assert found.evidence[0].unit == "m" and found.evidence[0].value == pytest.approx(0.35, abs=0.04)
    assert found.evidence[0].threshold == pytest.approx(0.50 * 0.491 * 1.75, abs=0.01)
    assert truth.step_length_m.mean() == pytest.approx(0.35)
