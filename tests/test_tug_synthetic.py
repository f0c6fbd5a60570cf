"""The timed up-and-go detector on synthetic tests: every view, 2 px noise, against the generator's own signals."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.kinematics import Kinematics
from movequal.core.scoring import assess
from movequal.core.tug import detect_tug
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.camera_spec import CameraView
from movequal.synthetic.tug_spec import Tug

EVENTS = ("lean_onset", "seat_off", "upright", "lowering_onset", "seated")


def _camera(view: CameraView) -> Camera:
    return Camera(view=view, frame_size=(1280, 720)) if view.startswith("sagittal") else Camera(view=view)


@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right", "frontal", "oblique"])
def test_phases_through_the_camera_match_the_same_convention_on_the_true_signals(view: CameraView) -> None:
    pose, truth = generate(SyntheticSpec(movement="tug", camera=_camera(view), noise_px=2.0, seed=3))
    a = assess(pose).assessment
    assert a.movement == "tug" and a.movement_detected and a.tug is not None and a.tug.total_s is not None
    angles = truth.angles
    true_signals = {
        "knee_flexion_3d_left": angles["knee_flexion_left"],
        "knee_flexion_3d_right": angles["knee_flexion_right"],
        "trunk_inclination_3d": angles["trunk_inclination"],
        "hip_height": angles["hip_height"],
    }
    convention = detect_tug(Kinematics(pose.timestamps, true_signals, {})).phases
    assert convention is not None and truth.tug is not None
    for event in EVENTS:
        assert getattr(a.tug, event) == pytest.approx(getattr(convention, event), abs=0.15), event
    # the conventions sit near the motion's own events: starts found after they begin, ends before they finish
    assert 0.0 < convention.lean_onset - truth.tug.lean_onset < 0.3
    assert 0.0 < convention.seat_off - truth.tug.seat_off < 0.3
    assert 0.0 < truth.tug.seated - convention.seated < 0.3
    assert a.tug.total_s == pytest.approx(truth.tug.total_s, abs=0.5)


def test_a_test_cut_before_the_sit_down_is_not_timed_and_says_why() -> None:
    pose, truth = generate(SyntheticSpec(movement="tug", camera=_camera("oblique"), noise_px=2.0, seed=1))
    assert truth.tug is not None
    cut = pose[np.flatnonzero(pose.timestamps < truth.tug.lowering_onset)]
    a = assess(cut, "tug").assessment
    assert a.score is None and a.tug is not None and a.tug.total_s is None
    assert a.message is not None and "does not sit back down" in a.message


QUICK = Tug(stand_up_s=1.0, turn_s=1.2, sit_turn_s=1.2, sit_down_s=1.2)  # 12.0 s in all
SLOW = Tug(stand_up_s=9.0)  # 21.8 s in all


@pytest.mark.parametrize(("test", "expected"), [(QUICK, "mild"), (Tug(), "moderate"), (SLOW, "severe")])
def test_the_total_decides_the_slow_test_finding(test: Tug, expected: str) -> None:
    """Totals over a second clear of the grades' edges (10, 13.5, 20 s): the severity follows the true total."""
    pose, truth = generate(SyntheticSpec(movement="tug", camera=_camera("frontal"), seed=2, tug=test))
    assert truth.tug is not None
    a = assess(pose).assessment
    assert a.tug is not None and a.tug.total_s is not None
    assert abs(a.tug.total_s - truth.tug.total_s) < 1.3  # the 10 % convention ends a slow stand-up early
    (slow,) = [f for f in a.findings if f.code == "slow_tug"]
    assert slow.severity == expected, truth.tug.total_s
    assert a.score == 100 - slow.points_lost
