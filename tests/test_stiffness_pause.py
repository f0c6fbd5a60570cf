"""A deliberate pause at the turning point is not slowness (issue 12, point 3: stiffness and pauses)."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.movement_registry import Movement
from movequal.core.rep_phases import compute_pause, compute_turn_share
from movequal.core.reps import HOLD_FRACTION
from movequal.core.scoring import assess
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate
from movequal.synthetic.motion import min_jerk

VIEWS = ("sagittal-left", "frontal")


def _stiff(spec: SyntheticSpec) -> bool:
    pose, _ = generate(spec)
    return any(f.code == "stiffness" for f in assess(pose, spec.movement).assessment.findings)


def test_turn_share_is_where_the_minimum_jerk_profile_crosses_the_hold_band() -> None:
    share = compute_turn_share()
    crossing = 1.0 - share
    assert float(min_jerk(np.array([crossing]))[0]) == pytest.approx(HOLD_FRACTION, abs=1e-9)
    assert 0.2 < share < 0.3
    assert compute_turn_share(0.5) == pytest.approx(0.5, abs=1e-9)  # the profile is symmetric about its middle


def test_a_continuous_turn_has_no_pause_and_a_held_one_keeps_what_lies_beyond() -> None:
    ratio = compute_turn_share() / (1.0 - compute_turn_share())
    assert compute_pause(0.8, ratio * 1.6, 0.8) == pytest.approx(0.0, abs=1e-12)
    assert compute_pause(0.8, 0.1, 0.8) == 0.0
    assert compute_pause(0.8, ratio * 1.6 + 2.0, 0.8) == pytest.approx(2.0)
    assert compute_pause(float("nan"), 3.0, 0.8) == 0.0


@pytest.mark.parametrize("movement", ["squat", "lift", "lunge", "sit-to-stand"])
def test_the_measured_pause_of_a_synthetic_rep_is_the_planted_one(movement: Movement) -> None:
    pose, _ = generate(SyntheticSpec(movement=movement, reps=2, bottom_pause_s=1.5, noise_px=1.0))
    plain, _ = generate(SyntheticSpec(movement=movement, reps=2, noise_px=1.0))
    held = assess(pose, movement).rep_metrics
    continuous = assess(plain, movement).rep_metrics
    assert len(held) == len(continuous) == 2
    for with_pause, without in zip(held, continuous, strict=True):
        extra = compute_pause(with_pause.descent_s, with_pause.hold_s, with_pause.ascent_s) - compute_pause(
            without.descent_s, without.hold_s, without.ascent_s
        )
        assert extra == pytest.approx(1.5, abs=0.15)


@pytest.mark.parametrize("movement", ["squat", "lift", "lunge", "sit-to-stand", "bend"])
@pytest.mark.parametrize("view", VIEWS)
def test_clean_reps_with_a_long_pause_at_the_turning_point_show_no_stiffness(movement: Movement, view: str) -> None:
    # Before the pause was left out, the paused lift seen from the side and the paused lunges read as guarded.
    for pause in (1.0, 2.0):
        spec = SyntheticSpec(movement=movement, reps=3, bottom_pause_s=pause, camera=Camera(view=view), noise_px=2.0)
        assert not _stiff(spec), (movement, view, pause)


@pytest.mark.parametrize("seed", range(3))
def test_slow_shallow_reps_stay_guarded_with_or_without_a_pause(seed: int) -> None:
    faults = Faults(slow_factor=1.6, depth_factor=0.75)
    for pause in (0.0, 2.0):
        spec = SyntheticSpec(reps=3, bottom_pause_s=pause, faults=faults, noise_px=2.0, seed=seed)
        assert _stiff(spec), (seed, pause)


def test_a_bottom_pause_lengthens_the_clip_and_keeps_the_bottom_in_the_pause() -> None:
    plain = SyntheticSpec(reps=3, noise_px=1.0)
    held = SyntheticSpec(reps=3, bottom_pause_s=1.2, noise_px=1.0)
    assert held.total_seconds == pytest.approx(plain.total_seconds + 3 * 1.2)
    pose, truth = generate(held)
    bottoms = pose.timestamps[truth.rep_bottoms]
    reps = assess(pose, "squat").assessment.reps
    assert len(reps) == 3
    for rep, bottom in zip(reps, bottoms, strict=True):
        assert abs(rep.bottom_time - bottom) <= 0.6  # inside the 1.2 s pause, whose middle is the planted bottom
