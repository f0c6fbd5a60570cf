"""Breathing with effort (experimental): the rate on still holds, "not measurable" otherwise, planted breath holds.

Synthetic holds with breathing planted on the shoulders (:mod:`movequal.synthetic.breathing`); the acceptance
numbers of issue 14 §5 with the bounds the evaluation (``eval/evaluate_breathing_synthetic.py``) supports.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from movequal.core.breathing import BREATH_HOLD_S, detect_breath_hold, estimate_breathing
from movequal.core.scoring import assess
from movequal.core.task_results import BalanceHold
from movequal.pose.sequence import PoseSequence
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.balance_spec import Balance
from movequal.synthetic.breathing import Breathing
from movequal.synthetic.camera_spec import CameraView

VIEWS: tuple[CameraView, ...] = ("frontal", "sagittal-left", "sagittal-right", "oblique")
QUIET = {"sway_ml_m": 0.002, "sway_ap_m": 0.0025}
"""A quarter of the generator's sway: quiet standing (Prieto et al. 1996)."""


def still_hold(
    view: CameraView,
    breathing: Breathing | None,
    *,
    noise: float = 1.0,
    window_s: float = 60.0,
    seed: int = 0,
    **sway: float,
) -> tuple[PoseSequence, float, float]:
    """A tandem hold of ``window_s`` after a 1-s settling, filmed from ``view``; returns the pose and the window."""
    balance = Balance(
        stance="tandem", hold_s=window_s + 1.1, ends_with="clip-end", breathing=breathing, **(sway or QUIET)
    )
    spec = SyntheticSpec(movement="tandem-stance", balance=balance, camera=Camera(view=view), noise_px=noise, seed=seed)
    pose, _ = generate(spec)
    return pose, 1.0, 1.0 + window_s


def test_rate_within_two_breaths_per_minute_on_still_holds() -> None:
    errors, judged = [], 0
    for view, rate, noise in itertools.product(VIEWS, (6.0, 12.0, 20.0, 30.0), (0.0, 1.0)):
        breathing = Breathing(rate_per_min=rate, excursion_m=0.004)
        pose, start, end = still_hold(view, breathing, noise=noise)
        estimate = estimate_breathing(pose, start, end)
        judged += 1
        if estimate.measurable:
            assert estimate.rate_per_min is not None
            errors.append(abs(estimate.rate_per_min - breathing.true_rate(start, end)))
        else:
            assert estimate.rate_per_min is None and estimate.reason
    assert max(errors) <= 2.0
    assert len(errors) >= 0.75 * judged  # quiet stance, 0-1 px: most windows are measurable


def test_the_amplitude_is_the_planted_rise() -> None:
    breathing = Breathing(rate_per_min=15.0, excursion_m=0.004)
    pose, start, end = still_hold("sagittal-left", breathing, noise=0.0)
    estimate = estimate_breathing(pose, start, end, height_m=1.75)
    assert estimate.measurable and estimate.amplitude_mm is not None
    assert estimate.amplitude_mm == pytest.approx(4.0, rel=0.3)


def test_no_rate_without_breathing() -> None:
    for view, noise, scale in itertools.product(VIEWS, (0.0, 2.0), (0.25, 1.0)):
        sway = {"sway_ml_m": 0.008 * scale, "sway_ap_m": 0.010 * scale}
        pose, start, end = still_hold(view, None, noise=noise, seed=7, **sway)
        estimate = estimate_breathing(pose, start, end)
        assert not estimate.measurable and estimate.rate_per_min is None, (view, noise, scale, estimate)


def test_too_short_a_window_is_not_measurable() -> None:
    pose, start, _ = still_hold("frontal", Breathing(rate_per_min=15.0))
    estimate = estimate_breathing(pose, start, start + 5.0)
    assert not estimate.measurable and estimate.reason is not None and estimate.reason.startswith("too short")


@pytest.mark.parametrize("movement", ["squat", "sit-to-stand", "lift"])
def test_movement_is_not_measurable(movement: str) -> None:
    spec = SyntheticSpec(movement=movement, reps=8, camera=Camera(view="sagittal-left"), noise_px=1.0)  # type: ignore[arg-type]
    pose, _ = generate(spec)
    estimate = estimate_breathing(pose, 0.0, pose.duration)
    assert not estimate.measurable and estimate.reason is not None
    assert estimate.reason.startswith("the body moved")


def test_moving_arms_are_not_measurable() -> None:
    balance = Balance(stance="tandem", hold_s=40.0, ends_with="clip-end", arm_excursion_m=0.15, breathing=Breathing())
    pose, _ = generate(SyntheticSpec(movement="tandem-stance", balance=balance, camera=Camera(view="frontal")))
    estimate = estimate_breathing(pose, 1.0, pose.duration)
    assert not estimate.measurable and estimate.reason is not None and estimate.reason.startswith("the arms moved")


def test_a_planted_breath_hold_is_found_and_normal_breathing_is_not_one() -> None:
    held = Breathing(rate_per_min=30.0, excursion_m=0.005, holds=((30.0, 15.0),))
    pose, start, end = still_hold("sagittal-left", held, noise=0.0, window_s=70.0)
    judged = detect_breath_hold(pose, start, end)
    assert judged.possible_breath_hold is True
    longest = max(judged.pauses, key=lambda p: p[1] - p[0])
    assert longest[1] - longest[0] >= BREATH_HOLD_S
    assert longest[0] == pytest.approx(30.0, abs=3.0) and longest[1] == pytest.approx(45.0, abs=3.0)
    plain = Breathing(rate_per_min=30.0, excursion_m=0.005)
    pose, start, end = still_hold("sagittal-left", plain, noise=0.0, window_s=70.0)
    assert detect_breath_hold(pose, start, end).possible_breath_hold is False


def test_no_breath_hold_finding_without_evidence() -> None:
    pose, start, end = still_hold("frontal", None, noise=1.0, window_s=70.0)
    judged = detect_breath_hold(pose, start, end)
    assert judged.possible_breath_hold is None and judged.reason
    pose, _ = generate(SyntheticSpec(movement="squat", reps=8, noise_px=1.0))
    judged = detect_breath_hold(pose, 0.0, pose.duration)
    assert judged.possible_breath_hold is None and judged.reason is not None and "moved" in judged.reason


def test_planted_breathing_and_its_truth() -> None:
    breathing = Breathing(rate_per_min=12.0, excursion_m=0.004, holds=((10.0, 12.0),))
    t = np.arange(0.0, 60.0, 1.0 / 30.0)
    rise = breathing.rise(t)
    assert rise.min() >= 0.0 and rise.max() == pytest.approx(0.004, rel=1e-3)
    during = (t > 10.0) & (t < 22.0)
    assert np.ptp(rise[during]) == 0.0  # the breath stops where it was
    assert breathing.true_rate(0.0, 60.0) == pytest.approx(12.0)
    assert Breathing(rate_per_min=20.0, period_cv=0.2).true_rate(0.0, 60.0, seed=3) != pytest.approx(20.0, abs=1e-6)
    with pytest.raises(ValueError, match="holds"):
        Breathing(holds=((10.0, 5.0), (12.0, 5.0)))
    with pytest.raises(ValueError, match="rate_per_min"):
        Breathing(rate_per_min=2.0)


def test_balance_clips_without_breathing_are_unchanged() -> None:
    def clip(breathing: Breathing | None) -> PoseSequence:
        balance = Balance(stance="single-leg", hold_s=6.0, breathing=breathing)
        spec = SyntheticSpec(movement="single-leg-stance", balance=balance, noise_px=2.0, seed=4)
        return generate(spec)[0]

    plain, flat = clip(None), clip(Breathing(excursion_m=0.0))
    np.testing.assert_array_equal(plain.image, flat.image)
    np.testing.assert_array_equal(plain.world, flat.world)
    assert "breathing" not in plain.source["balance"]
    assert flat.source["balance"]["breathing"]["excursion_m"] == 0.0
    assert not np.array_equal(plain.image, clip(Breathing()).image)


@pytest.mark.parametrize("view", ["frontal", "sagittal-left"])
def test_a_balance_report_gives_each_hold_its_breathing_rate_or_why_not(view: str) -> None:
    def hold(sway_m: float) -> BalanceHold:
        balance = Balance(hold_s=60.0, sway_ml_m=sway_m, sway_ap_m=sway_m, breathing=Breathing(rate_per_min=15.0))
        spec = SyntheticSpec(movement="single-leg-stance", camera=Camera(view=view), noise_px=1.0, balance=balance)  # type: ignore[arg-type]
        report = assess(generate(spec)[0], "single-leg-stance").assessment.balance
        assert report is not None and len(report.holds) == 1
        return report.holds[0]

    quiet = hold(0.0025)
    assert quiet.breathing_rate_per_min is not None and abs(quiet.breathing_rate_per_min - 15.0) <= 2.0
    assert quiet.breathing_message is None
    swaying = hold(0.01)  # sway as large as a breath: the rate is not guessed
    assert swaying.breathing_rate_per_min is None and swaying.breathing_message
