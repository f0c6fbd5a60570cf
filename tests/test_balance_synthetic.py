"""Balance holds found through the camera on synthetic clips: events, side, end reason, sway, grading, recognition.

Tolerances come from ``eval/evaluate_balance_synthetic.py`` (4 seeds × 4 views × 3 endings × 0 px, 2 px and
2 px + 2 % dropped frames, lifts of 0.3–0.6 s to 0.08–0.25 m): foot-off is found 0.1–0.25 s late and a touch-down
as early (where the foot crosses the detector's 0.03 leg lengths), a stance move 0.15–0.25 s late (0.08 leg lengths
into a 0.3 s slide), a tandem release about 0.2 s late; the 95th percentiles of the absolute errors were 0.17–0.34 s
(0.37 s in one side-view cell with dropped frames). These tests use the generator's default lift (0.4 s to 0.15 m,
errors 0.09–0.22 s) and check every event against ``EVENT_S`` = 0.35 s and for its sign, which the thresholds fix.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from movequal.core.balance import _bent_stance, detect_single_leg_holds
from movequal.core.scoring import assess
from movequal.core.tandem import detect_tandem_holds
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.balance_spec import Balance
from movequal.synthetic.balance_truth import BalanceTruth
from movequal.synthetic.camera_spec import CameraView

VIEWS: list[CameraView] = ["frontal", "sagittal-left", "sagittal-right", "oblique"]
FRONT_AND_SIDE: list[CameraView] = ["frontal", "sagittal-left", "sagittal-right"]
EVENT_S = 0.35
AXIS = {"frontal": "pelvis_ml", "sagittal-left": "pelvis_ap", "sagittal-right": "pelvis_ap"}


def _clip(
    view: CameraView, balance: Balance, seed: int = 1, noise_px: float = 2.0, dropout: float = 0.0
) -> tuple[PoseSequence, BalanceTruth]:
    movement = "single-leg-stance" if balance.stance == "single-leg" else "tandem-stance"
    camera = Camera(view=view)
    spec = SyntheticSpec(
        movement=movement, camera=camera, noise_px=noise_px, dropout=dropout, seed=seed, balance=balance
    )
    pose, truth = generate(spec)
    assert truth.balance is not None
    return pose, truth.balance


@pytest.mark.parametrize("ends_with", ["touch-down", "stance-move", "clip-end"])
@pytest.mark.parametrize("view", VIEWS)
def test_single_leg_hold_events_side_and_end_reason(view: CameraView, ends_with: str) -> None:
    balance = Balance(side="left", hold_s=12.0, ends_with=ends_with)  # type: ignore[arg-type]
    pose, truth = _clip(view, balance)
    (hold,) = detect_single_leg_holds(pose, view).holds
    assert hold.side == "right" and hold.start_seen  # the stance foot, not the lifted one
    assert truth.foot_off is not None and 0.0 < hold.start - truth.foot_off <= EVENT_S
    unseen = ends_with == "stance-move" and view.startswith("sagittal")  # a sideways slide is depth from the side
    if ends_with == "clip-end":
        assert hold.end_reason == "clip-end" and hold.end == pytest.approx(truth.times[-1]) and hold.censored
    elif ends_with == "touch-down" or unseen:
        touch_down = balance.layout().touch_down
        assert touch_down is not None and hold.end_reason == "touch-down"
        assert -EVENT_S <= hold.end - touch_down < 0.0
    else:
        assert truth.hold_end is not None and hold.end_reason == "stance-move"
        assert 0.0 < hold.end - truth.hold_end <= EVENT_S


@pytest.mark.parametrize("view", FRONT_AND_SIDE)
def test_tandem_named_is_found_with_its_release(view: CameraView) -> None:
    balance = Balance(stance="tandem", side="right", hold_s=12.0, ends_with="touch-down")
    pose, truth = _clip(view, balance)
    holds = detect_tandem_holds(pose, view).holds
    assert len(holds) == 1
    hold = holds[0]
    assert truth.hold_end is not None and 0.0 < hold.end - truth.hold_end <= EVENT_S
    assert hold.start == 0.0 and not hold.start_seen and hold.censored  # the clip begins in position
    assert hold.end_reason == "stance-move" and hold.side == "right"  # any tandem release
    a = assess(pose, "tandem-stance").assessment
    assert a.balance is not None and a.balance.holds and not a.findings  # a censored hold is not graded


def test_tandem_from_an_oblique_view_is_not_judged() -> None:
    pose, _ = _clip("oblique", Balance(stance="tandem", hold_s=12.0))
    analysis = detect_tandem_holds(pose, "oblique")
    assert analysis.holds == () and analysis.reason is not None and "oblique" in analysis.reason
    a = assess(pose, "tandem-stance").assessment
    assert a.score is None and a.balance is not None and "oblique" in (a.message or "")


@pytest.mark.parametrize("view", FRONT_AND_SIDE)
def test_sway_matches_the_truth_without_noise(view: CameraView) -> None:
    """The pipeline's arithmetic (window, filter, leg-length scale): within 5 % (measured at most 4.7 %)."""
    pose, truth = _clip(view, Balance(hold_s=15.0), noise_px=0.0)
    (hold,) = detect_single_leg_holds(pose, view).holds
    assert hold.sway is not None
    lo, hi, leg = hold.sway.start, hold.sway.end, truth.leg_length_m
    assert hold.sway.pelvis_path == pytest.approx(truth.path_length(AXIS[view], lo, hi) / leg, rel=0.05)
    shoulders = AXIS[view].replace("pelvis", "shoulders")
    assert hold.sway.shoulders_path == pytest.approx(truth.path_length(shoulders, lo, hi) / leg, rel=0.05)
    inside = (truth.times >= lo) & (truth.times <= hi)
    true_range = np.ptp(getattr(truth, AXIS[view])[inside]) / leg
    assert hold.sway.pelvis_range == pytest.approx(true_range, rel=0.05)


@pytest.mark.parametrize("view", FRONT_AND_SIDE)
def test_sway_path_within_10_percent_at_2px(view: CameraView) -> None:
    """The issue's acceptance, after the jitter's share of the path is taken out (sway.compute_path_without_jitter)."""
    for seed in range(4):
        pose, truth = _clip(view, Balance(hold_s=15.0), seed=seed)
        (hold,) = detect_single_leg_holds(pose, view).holds
        assert hold.sway is not None
        true_path = truth.path_length(AXIS[view], hold.sway.start, hold.sway.end) / truth.leg_length_m
        assert hold.sway.pelvis_path == pytest.approx(true_path, rel=0.10), seed


@pytest.mark.parametrize(("hold_s", "expected"), [(3.5, "severe"), (15.0, "mild"), (35.0, None)])
@pytest.mark.parametrize("view", ["frontal", "sagittal-left"])
def test_short_single_leg_hold_is_graded(view: CameraView, hold_s: float, expected: str | None) -> None:
    """Holds 1.5 s or more from the grades' edges (5 and 30 s); hold times read at most 0.65 s short (p95, eval)."""
    pose, _ = _clip(view, Balance(hold_s=hold_s))
    findings = {f.code: f.severity for f in assess(pose, "single-leg-stance").assessment.findings}
    assert findings.get("short_single_leg_stance") == expected


def test_censored_short_holds_are_not_graded() -> None:
    pose, _ = _clip("frontal", Balance(hold_s=8.0, ends_with="clip-end"))
    a = assess(pose, "single-leg-stance").assessment
    assert a.balance is not None and a.balance.holds[0].end_reason == "clip-end" and not a.findings
    pose, _ = _clip("frontal", Balance(stance="tandem", hold_s=5.0, ends_with="clip-end"))
    a = assess(pose, "tandem-stance").assessment
    assert a.balance is not None and a.balance.holds[0].hold_s < 10.0 and not a.findings


@pytest.mark.parametrize("view", VIEWS)
def test_single_leg_stance_is_recognised_and_tandem_is_not_taken_for_it(view: CameraView) -> None:
    pose, _ = _clip(view, Balance(hold_s=12.0))
    a = assess(pose).assessment
    assert a.movement == "single-leg-stance" and a.movement_detected
    pose, _ = _clip(view, Balance(stance="tandem", hold_s=12.0))
    assert assess(pose).assessment.movement != "single-leg-stance"


def test_tandem_hold_is_not_split_by_dropped_frames() -> None:
    balance = Balance(stance="tandem", hold_s=15.0)
    pose, _ = _clip("frontal", balance, seed=2, dropout=0.02)
    holds = detect_tandem_holds(pose, "frontal").holds
    assert len(holds) == 1
    assert not assess(pose, "tandem-stance").assessment.findings  # the start is unseen: never graded


def test_tandem_stepped_into_is_found() -> None:
    pose, _ = _clip("frontal", Balance(stance="tandem", hold_s=8.0, after_s=2.0), noise_px=0.0)
    t, last = pose.timestamps, float(pose.timestamps[-1])
    stepped_in = replace(pose, image=pose.image[::-1], visibility=pose.visibility[::-1], world=pose.world[::-1],
                         back_bend=pose.back_bend[::-1], timestamps=last - t[::-1])  # fmt: skip
    # played backwards: feet apart, the front foot steps into tandem (landing at 2.5 s), held to the clip's end
    holds = detect_tandem_holds(stepped_in, "frontal").holds
    assert len(holds) == 1, "no tandem hold found"
    hold = holds[0]
    assert hold.start_seen and abs(hold.start - 2.5) <= EVENT_S and hold.end_reason == "clip-end"


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="core bug: a foot put down at another depth moves its floor level"
)
@pytest.mark.parametrize("move", [0.12, -0.12])
def test_side_view_stance_move_with_the_far_foot_lifted(move: float) -> None:
    balance = Balance(side="right", hold_s=8.0, ends_with="stance-move", stance_move_m=move, lift_height_m=0.10)
    pose, truth = _clip("sagittal-left", balance, noise_px=0.0)  # the right foot is the far one
    holds = detect_single_leg_holds(pose, "sagittal-left").holds
    assert len(holds) == 1
    hold = holds[0]
    assert truth.foot_off is not None and hold.start_seen and abs(hold.start - truth.foot_off) <= EVENT_S
    assert hold.end_reason == "touch-down"


def _unseen(pose: PoseSequence, start_s: float, end_s: float) -> PoseSequence:
    """Return ``pose`` with nobody detected between two times (the person out of the picture)."""
    gone = (pose.timestamps >= start_s) & (pose.timestamps < end_s)
    image = pose.image.copy()
    image[gone] = np.nan
    return replace(pose, image=image, visibility=np.where(gone[:, None], 0.0, pose.visibility))


def test_one_mistracked_frame_of_the_standing_foot_does_not_end_the_hold() -> None:
    pose, truth = _clip("frontal", Balance(side="left", hold_s=40.0))
    image = pose.image.copy()
    k = int(np.searchsorted(pose.timestamps, 12.0))
    for name in ("right_ankle", "right_heel", "right_foot_index"):
        image[k, LANDMARK_INDEX[name], 0] += 40.0 / pose.frame_size[0]  # the standing foot jumps 40 px for a frame
    holds = detect_single_leg_holds(replace(pose, image=image), "frontal").holds
    assert len(holds) == 1 and holds[0].end_reason == "touch-down"
    assert truth.hold_end is not None and abs(holds[0].end - truth.hold_end) <= EVENT_S


def test_a_hold_begun_out_of_view_is_at_least_its_time_and_not_graded() -> None:
    pose, truth = _clip("frontal", Balance(side="left", hold_s=20.0))
    assert truth.foot_off is not None
    hidden = _unseen(pose, truth.foot_off - 1.0, truth.foot_off + 3.0)  # foot-off happens out of view
    (hold,) = detect_single_leg_holds(hidden, "frontal").holds
    assert not hold.start_seen and hold.censored and hold.end_reason == "touch-down"
    assert not assess(hidden, "single-leg-stance").assessment.findings


def test_a_long_hold_with_a_moment_on_both_feet_at_each_end_is_found() -> None:
    balance = Balance(side="right", hold_s=45.0, quiet_before_s=0.5, after_s=0.5)
    pose, truth = _clip("frontal", balance)
    (hold,) = detect_single_leg_holds(pose, "frontal").holds
    assert truth.foot_off is not None and truth.hold_end is not None
    assert abs(hold.start - truth.foot_off) <= EVENT_S and abs(hold.end - truth.hold_end) <= EVENT_S


def _knee_bent(pose: PoseSequence, side: str, frames: np.ndarray, flexion: float) -> PoseSequence:
    """The same clip with ``side``'s knee read bent by ``flexion`` degrees (world landmarks) on ``frames``."""
    world = pose.world.copy()
    hip, knee, ankle = (world[frames, LANDMARK_INDEX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
    up = (hip - knee) / np.linalg.norm(hip - knee, axis=1, keepdims=True)
    across = np.cross(up, np.array([1.0, 0.0, 0.0]))
    across /= np.linalg.norm(across, axis=1, keepdims=True)
    shank = np.linalg.norm(ankle - knee, axis=1, keepdims=True)
    angle = np.radians(180.0 - flexion)
    world[frames, LANDMARK_INDEX[f"{side}_ankle"]] = knee + shank * (np.cos(angle) * up + np.sin(angle) * across)
    return replace(pose, world=world)


@pytest.mark.parametrize("view", ["sagittal-left", "frontal", "oblique"])
def test_a_hold_with_mistracked_knees_is_still_recognised_as_a_single_leg_stance(view: str) -> None:
    """A fifth of the standing knee's frames read bent to 150° (the model mistracking) leave the hold a hold."""
    pose, truth = generate(SyntheticSpec(movement="single-leg-stance", camera=Camera(view=view), noise_px=1.5, seed=1))
    assert truth.balance is not None and truth.balance.lifted_side in ("left", "right")
    stance = "right" if truth.balance.lifted_side == "left" else "left"
    assert assess(pose).assessment.movement == "single-leg-stance"
    rng = np.random.default_rng(0)
    frames = rng.choice(len(pose), len(pose) // 5, replace=False)
    assert assess(_knee_bent(pose, stance, frames, 150.0)).assessment.movement == "single-leg-stance"


def test_a_knee_held_deep_is_a_lunge_however_many_frames_are_lost_and_scattered_outliers_are_not() -> None:
    """A lunge's stance knee: straight, 80°, straight (median near 30°); a hold's: straight, some frames mistracked."""
    t = np.arange(90) / 30.0
    lunge = np.concatenate([np.full(30, 15.0), np.full(25, 80.0), np.full(35, 15.0)])
    rng = np.random.default_rng(4)
    for _ in range(20):
        lost = lunge.copy()
        lost[rng.random(90) < 0.25] = np.nan
        assert _bent_stance(lost, t), "the knee stays past 60° for most of a second"
        hold = np.full(90, 12.0)
        hold[rng.choice(90, 27, replace=False)] = 150.0  # a third of the frames mistracked, scattered
        assert not _bent_stance(hold, t)
    assert _bent_stance(np.full(90, 35.0), t) and not _bent_stance(np.full(90, np.nan), t)
