"""The live hold timer against the synthetic generator's planted holds, and its place in the live engine."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from movequal.core.movement_registry import LIVE_FAMILIES, MOVEMENTS
from movequal.live.hold_timer import LiveHoldTimer
from movequal.live.session import LIVE_TRACKERS
from movequal.report.feedback import LiveHold
from movequal.synthetic import Balance, Camera, SyntheticSpec, generate

TIMING_S = 0.5
"""A hold is read between the foot crossing 0.03 leg lengths (2-3 cm) on the way up and on the way down, as offline:
a 0.4 s lift reaches that 0.1-0.2 s after foot-off, and the lowering as long before touch-down, so the hold reads up
to about 0.4 s short (the causal filter's lag delays both ends alike)."""


def _run(movement: str, view: str, balance: Balance) -> tuple[list[LiveHold], object]:
    pose, truth = generate(SyntheticSpec(movement=movement, camera=Camera(view=view), noise_px=2.0, balance=balance))
    timer = LiveHoldTimer(movement, pose.fps, pose.frame_size)  # type: ignore[arg-type]
    states = []
    for k in range(len(pose)):
        update = timer.update(pose.image[k], pose.visibility[k], pose.world[k], float(pose.timestamps[k]))
        assert update.hold is not None
        states.append(update.hold)
    return states, truth.balance


@pytest.mark.parametrize("view", ["frontal", "sagittal-left", "oblique"])
def test_a_single_leg_hold_is_timed_live_as_planted(view: str) -> None:
    states, truth = _run("single-leg-stance", view, Balance(side="left", hold_s=8.0, ends_with="touch-down"))
    ended = [s for s in states if s.ended_s is not None]
    assert len(ended) == 1 and ended[0].ended_by == "touch-down"
    assert abs(ended[0].ended_s - (truth.hold_end - truth.foot_off)) < TIMING_S
    assert ended[0].best_right_s == ended[0].ended_s and ended[0].best_left_s is None  # standing on the right
    assert any(s.side == "right" and s.elapsed_s > 7.0 for s in states)
    assert states[-1].side is None and states[-1].holds == 1


def test_a_hold_still_running_when_the_clip_ends_is_not_counted_yet() -> None:
    states, truth = _run("single-leg-stance", "frontal", Balance(side="right", hold_s=6.0, ends_with="clip-end"))
    assert all(s.ended_s is None for s in states) and states[-1].holds == 0
    assert states[-1].side == "left" and abs(states[-1].elapsed_s - (truth.times[-1] - truth.foot_off)) < TIMING_S


def test_a_tandem_hold_ends_when_a_foot_steps_out() -> None:
    states, truth = _run("tandem-stance", "frontal", Balance(stance="tandem", hold_s=6.0, ends_with="stance-move"))
    ended = [s for s in states if s.ended_s is not None]
    assert len(ended) == 1 and ended[0].ended_by == "stance-move"
    assert abs(ended[0].ended_s - (truth.hold_end - truth.hold_start)) < TIMING_S


def test_every_family_followed_live_has_an_engine() -> None:
    assert set(LIVE_TRACKERS) == set(LIVE_FAMILIES)
    live = {name for name, p in MOVEMENTS.items() if p.followed_live}
    assert {"squat", "single-leg-stance", "tandem-stance", "tug", "walk", "overhead-reach"} <= live


def _feed(pose, movement: str) -> list[LiveHold]:
    timer = LiveHoldTimer(movement, pose.fps, pose.frame_size)  # type: ignore[arg-type]
    out = []
    for k in range(len(pose)):
        update = timer.update(pose.image[k], pose.visibility[k], pose.world[k], float(pose.timestamps[k]))
        assert update.hold is not None
        out.append(update.hold)
    return out


def test_a_hold_that_goes_out_of_view_ends_lost_and_is_not_a_best() -> None:
    pose, truth = generate(SyntheticSpec(movement="single-leg-stance", camera=Camera(view="frontal"), noise_px=2.0,
                                         balance=Balance(side="left", hold_s=12.0)))  # fmt: skip
    gone = (pose.timestamps >= 6.0) & (pose.timestamps < 16.0)  # nobody in view from mid-hold until after touch-down
    image = pose.image.copy()
    image[gone] = np.nan
    states = _feed(replace(pose, image=image), "single-leg-stance")
    ended = [s for s in states if s.ended_s is not None]
    assert len(ended) == 1 and ended[0].ended_by == "lost" and ended[0].best_right_s is None
    assert abs(ended[0].ended_s - (6.0 - truth.balance.foot_off)) < TIMING_S
    assert max(s.elapsed_s for s in states if s.side is not None) < 6.0 - truth.balance.foot_off + TIMING_S


def test_a_standing_foot_move_ends_one_hold_and_the_foot_must_come_down_before_the_next() -> None:
    states, truth = _run("single-leg-stance", "frontal", Balance(side="left", hold_s=8.0, ends_with="stance-move"))
    ended = [s for s in states if s.ended_s is not None]
    assert len(ended) == 1 and ended[0].ended_by == "stance-move"
    assert abs(ended[0].ended_s - (truth.hold_end - truth.foot_off)) < TIMING_S


def test_a_tandem_stance_is_timed_from_the_side_and_not_from_an_oblique_view() -> None:
    states, truth = _run("tandem-stance", "sagittal-left", Balance(stance="tandem", hold_s=6.0, ends_with="clip-end"))
    assert states[-1].side is not None and abs(states[-1].elapsed_s - truth.times[-1]) < TIMING_S
    states, _ = _run("tandem-stance", "oblique", Balance(stance="tandem", hold_s=6.0, ends_with="clip-end"))
    assert all(s.side is None and s.holds == 0 for s in states)


def test_calibration_waits_for_both_feet_down_and_still() -> None:
    pose, truth = generate(SyntheticSpec(movement="single-leg-stance", camera=Camera(view="frontal"), noise_px=2.0,
                                         balance=Balance(side="left", hold_s=6.0, after_s=3.0)))  # fmt: skip
    begin = int(pose.timestamps.searchsorted(truth.balance.foot_off + 1.0))  # the session starts on one leg
    mid_hold = pose[begin:].with_timestamps(pose.timestamps[begin:] - pose.timestamps[begin])
    timer = LiveHoldTimer("single-leg-stance", mid_hold.fps, mid_hold.frame_size)
    landed = truth.balance.hold_end - pose.timestamps[begin]
    updates = [
        timer.update(mid_hold.image[k], mid_hold.visibility[k], mid_hold.world[k], float(mid_hold.timestamps[k]))
        for k in range(len(mid_hold))
    ]
    assert all(u.calibrating for u in updates if u.time < landed), "calibrated on one leg"
    assert not updates[-1].calibrating and updates[-1].hold is not None and updates[-1].hold.holds == 0
