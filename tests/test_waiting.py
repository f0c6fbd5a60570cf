"""Waiting before a set or after it changes nothing a clinician reads (real pose model, development clips).

A clinic's recording starts well before the first rep and stops well after the last: the patient waits, listens,
turns to the camera. ``eval/evaluate_invariance.py`` holds each clip's first or last posture 2 s longer; these are
the cases that ten or thirty seconds of it changed before the view, the near side and a timed up-and-go's seated
ends were read over the movement itself (docs/EVALUATION.md, section 59).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from eval.invariance import describe_change, hold_pose, summarise, turn_wait_pose
from movequal.core.assessment import Movement
from movequal.core.excursions import find_moving_frames
from movequal.core.kinematics import Kinematics
from movequal.core.runs import close_short_gaps
from movequal.core.scoring import assess
from movequal.core.view_frames import (
    compute_stance_sides,
    find_set_frames,
    measure_set_yaw,
)
from movequal.live.incremental import IncrementalAssessor
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate
from tests.helpers import SHARED_VIDEOS
from tests.helpers.clip_analyses import analyse_clip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "where", "seconds"),
    [
        ("lunge_front_unknown_ven.mp4", "start", 10.0),  # was a front view with a severe asymmetry
        ("lunge_side_unknown_rnh.mp4", "start", 10.0),  # the near side flipped: 3 reps became 4
        ("squat_side_bad-kneedominant_lnewco7032.mov", "start", 10.0),  # oblique became side-on
        ("deadlift_oblique_bad-roundedback_tbyr2.mp4", "start", 10.0),  # hips_rise_first on five reps
        ("sts_front-oblique_unknown_amtug1.mp4", "start", 30.0),  # a timed up-and-go became a walk
        # Single pulls from the floor, posture at the bottom read where the body moves (EVALUATION section 63).
        ("deadlift_side_bad-hipstoolow_bich010.mp4", "start", 2.0),  # set-up at the bar held: a squat, no score
        ("deadlift_side_bad-hipstoolow_bich010.mp4", "start", 10.0),
        ("deadlift_side_good_jeff.mp4", "end", 10.0),  # lowered and held at the floor: a squat, no score
    ],
)
def test_a_long_wait_before_or_after_the_set_reads_the_same(name: str, where: str, seconds: float) -> None:
    pose = analyse_clip(SHARED_VIDEOS / name).pose
    before = summarise(assess(pose).assessment)
    after = summarise(assess(hold_pose(pose, seconds, where)).assessment)
    assert describe_change(before, after) == ""


@pytest.mark.slow
def test_a_timed_up_and_go_filmed_from_well_before_go_is_still_the_test() -> None:
    """Ten seconds seated before "go" (the clip's last tenth then reached back into the walk)."""
    pose = analyse_clip(SHARED_VIDEOS / "sts_front-oblique_unknown_amtug4.mp4").pose
    before, after = (assess(p).assessment for p in (pose, hold_pose(pose, 10.0, "start")))
    assert before.movement == after.movement == "tug"
    assert before.tug is not None and after.tug is not None
    assert after.tug.total_s == pytest.approx(before.tug.total_s, abs=0.1)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "degrees"),
    [
        ("deadlift_oblique_bad-roundedback_tbyr2.mp4", -40.0),  # waited facing the camera: hips_rise_first on five reps
        ("deadlift_oblique_bad-roundedback_tbyr2.mp4", 40.0),
        ("sts_side_unknown_frail.mp4", -70.0),  # a side view read as oblique
        # Single pulls from the floor, no excursion proper: read over the pull since EVALUATION section 61.
        ("deadlift_oblique_good_bich001.mp4", 45.0),  # side-on, a severe hip_avoidant_bending
        ("deadlift_oblique_good_bich001.mp4", -45.0),  # frontal, asymmetry
        ("deadlift_oblique_good_bich002.mp4", 45.0),  # a sit-to-stand with stiffness
        ("deadlift_oblique_good_bich002.mp4", -45.0),  # frontal, a severe asymmetry
        ("deadlift_side_good_bich014.mp4", 45.0),  # oblique, a moderate knee_dominant
        ("deadlift_side_good_jeff.mp4", -45.0),  # oblique
    ],
)
def test_a_wait_turned_another_way_reads_the_same(name: str, degrees: float) -> None:
    pose = analyse_clip(SHARED_VIDEOS / name).pose
    before = summarise(assess(pose).assessment)
    assert describe_change(before, summarise(assess(turn_wait_pose(pose, 10.0, degrees)).assessment)) == ""


def _run_live(pose: PoseSequence, movement: Movement) -> tuple[IncrementalAssessor, set[str]]:
    live = IncrementalAssessor(movement, pose.fps, pose.frame_size)
    codes: set[str] = set()
    for i in range(len(pose)):
        update = live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]))
        codes |= {f.code for f in update.findings}
    live.flush()
    return live, codes


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "movement", "degrees"),
    [
        ("deadlift_oblique_bad-roundedback_tbyr2.mp4", "lift", -40.0),  # live read a side view and three findings
        ("deadlift_oblique_bad-roundedback_tbyr2.mp4", "lift", 40.0),  # live read a front view and asymmetry
        ("squat_side_good_ven.mp4", "squat", -70.0),  # oblique
        ("squat_front_good_aith.mp4", "squat", 60.0),  # side-on, and shallow_depth
        ("squat_side_bad-heelrise_kaia002.mp4", "squat", 45.0),  # one brisk squat: oblique, and shallow_depth
        ("squat_side_bad-heelrise_kaia002.mp4", "squat", -45.0),
    ],
)
def test_a_live_session_reads_the_view_of_the_first_rep_not_the_wait(
    name: str, movement: Movement, degrees: float
) -> None:
    pose = analyse_clip(SHARED_VIDEOS / name).pose
    plain, plain_codes = _run_live(pose, movement)
    waited, codes = _run_live(turn_wait_pose(pose, 10.0, degrees), movement)
    assert waited.view == plain.view == assess(pose, movement).assessment.view
    assert codes == plain_codes and len(waited.reps) == len(plain.reps)


def _standing_px(frames: int, travel_px: float = 0.0) -> np.ndarray:
    """Image landmarks of a body whose hips move ``travel_px`` across the picture; legs 100 px long."""
    px = np.full((frames, 33, 2), np.nan)
    x = np.linspace(200.0, 200.0 + travel_px, frames)
    for side in ("left", "right"):
        for joint, y in (("hip", 100.0), ("knee", 150.0), ("ankle", 200.0)):
            px[:, IDX[f"{side}_{joint}"], 0], px[:, IDX[f"{side}_{joint}"], 1] = x, y
    return px


def _wait_then_squats(height_nan: slice = slice(0)) -> Kinematics:
    """Ten seconds standing still, then three 2-s squats (30 frames/s), measured with the body's turn seen."""
    t = np.arange(0.0, 16.0, 1.0 / 30.0)
    height = 1.0 + 0.003 * np.random.default_rng(0).standard_normal(t.size)
    reps = t >= 10.0
    height[reps] = 1.0 - 0.2 * (1.0 - np.cos(2.0 * np.pi * (t[reps] - 10.0) / 2.0))
    height[height_nan] = np.nan
    series = {"hip_height": height, "trunk_inclination_3d": np.full(t.size, 5.0), "body_yaw": np.full(t.size, 80.0)}
    return Kinematics(t, series, {})


def test_the_view_is_read_over_the_reps_and_their_stance_and_the_near_side_over_the_reps() -> None:
    kin = _wait_then_squats()
    frames = find_set_frames(kin, _standing_px(kin.timestamps.size))
    assert frames is not None
    t, deep = kin.timestamps, kin.series["hip_height"] < 0.8
    assert not frames.before[t < 9.0].any() and frames.before[(t > 9.8) & (t < 10.0)].all()  # the wait's last 0.5 s
    assert not (frames.before | frames.after)[deep].any() and frames.after[t > 15.9].all()
    assert frames.moving[deep].all() and not frames.moving[t < 10.0].any()


def test_a_walk_a_clip_without_an_excursion_and_a_lost_set_are_read_whole() -> None:
    kin = _wait_then_squats()
    assert find_set_frames(kin, _standing_px(kin.timestamps.size, travel_px=600.0)) is None  # 6 leg lengths
    flat = replace(kin, series=kin.series | {"hip_height": np.full(kin.timestamps.size, 1.0)})
    assert find_set_frames(flat, _standing_px(kin.timestamps.size)) is None
    lost = _wait_then_squats(height_nan=slice(300, None))  # the body is lost through the set
    assert find_set_frames(lost, _standing_px(kin.timestamps.size)) is None


def _wait_then_pull(glitch: bool = False) -> Kinematics:
    """Ten seconds still at the bar (hips low, trunk bent), a 2-s pull to standing, half a second at lockout."""
    t = np.arange(0.0, 12.5, 1.0 / 30.0)
    rise = np.clip((t - 10.0) / 2.0, 0.0, 1.0)
    lift = 0.5 - 0.5 * np.cos(np.pi * rise)  # 0 at the bar, 1 at lockout
    noise = 0.003 * np.random.default_rng(1).standard_normal(t.size)
    height, trunk = 0.7 + 0.3 * lift + noise, 60.0 - 55.0 * lift
    if glitch:  # one mistracked frame in the wait
        height[100] = 0.2
    series = {"hip_height": height, "trunk_inclination_3d": trunk, "body_yaw": np.full(t.size, 80.0)}
    return Kinematics(t, series, {})


def test_a_single_pull_is_read_over_the_pull_not_the_wait_at_the_bar() -> None:
    """No excursion proper (the pull starts low and ends standing): the frames where the body moves decide."""
    for kin in (_wait_then_pull(), _wait_then_pull(glitch=True)):
        frames = find_set_frames(kin, _standing_px(kin.timestamps.size))
        assert frames is not None
        t = kin.timestamps
        assert not frames.moving[t < 10.0].any() and frames.moving.sum() >= 30  # a second of the pull, no wait
        assert frames.before[(t > 9.6) & (t < 10.1)].any() and not frames.before[t < 9.0].any()


def test_find_moving_frames_ignores_a_still_clip_and_takes_the_fast_part_of_a_ramp() -> None:
    still = np.full(300, 0.4) + 0.001 * np.random.default_rng(2).standard_normal(300)
    assert find_moving_frames(np.full(300, 0.4), 30.0).all()  # nothing moves at all: no frame is singled out
    ramp = np.concatenate([still[:150], np.linspace(0.4, 0.0, 60), np.zeros(90)])
    moving = find_moving_frames(ramp, 30.0)
    assert moving[155:205].all() and not moving[:145].any() and not moving[215:].any()


def test_a_moment_of_lost_tracking_inside_the_movement_is_part_of_it() -> None:
    """A run of frames whose speed cannot be read (a neighbour unseen) moves when a moving frame borders it."""
    ramp = np.concatenate([np.full(60, 0.9), np.linspace(0.9, 0.0, 30), np.zeros(60)])
    lost = ramp.copy()
    lost[62:72] = np.nan  # the hips lost for a third of a second as the pull starts
    moving = find_moving_frames(lost, 30.0)
    assert moving[54:94].all() and not moving[:40].any() and not moving[110:].any()  # was 81-93 only
    still = ramp.copy()
    still[10:20] = np.nan  # lost while standing still at the bar, well before the pull
    assert not find_moving_frames(still, 30.0)[:40].any()


def test_moving_frames_of_a_clip_shorter_than_the_speed_span_or_untracked_at_its_ends() -> None:
    assert find_moving_frames(np.linspace(0.4, 0.0, 5), 30.0).shape == (5,)  # under the 0.25 s span either side
    edges = np.concatenate([[np.nan], np.linspace(0.6, 0.0, 40), [np.nan]])
    moving = find_moving_frames(edges, 30.0)
    assert moving.shape == edges.shape and moving[10:30].all()
    assert find_moving_frames(np.full(50, np.nan), 30.0).all()  # nothing seen: nothing singled out
    t = np.arange(7) / 30.0
    height = np.linspace(0.6, 1.0, 7)
    height[-1] = np.nan
    series = {"hip_height": height, "trunk_inclination_3d": np.linspace(60.0, 5.0, 7), "body_yaw": np.full(7, 80.0)}
    assert find_set_frames(Kinematics(t, series, {}), _standing_px(7)) is None  # a fifth of a second decides nothing


def test_a_pause_at_the_bottom_belongs_to_the_movement_and_a_rest_between_pulls_does_not() -> None:
    """The slow turn at the bottom of a pull must not become the stance its view is read over (framing probe)."""
    mask = np.zeros(300, dtype=bool)
    mask[30:60] = mask[75:105] = True  # down, half a second turning at the bottom, up
    mask[165:195] = True  # the next pull after two seconds' rest
    closed = close_short_gaps(mask, 30)
    assert closed[30:105].all() and not closed[105:165].any() and closed[165:195].all()
    assert not closed[:30].any() and not closed[195:].any() and not mask[60:75].any()  # the input is unchanged


def test_the_stance_is_the_frames_before_and_after_each_run_of_moving_ones() -> None:
    moving = np.zeros(30, dtype=bool)
    moving[8:12] = moving[20:22] = True
    before, after = compute_stance_sides(moving, 2)
    assert np.flatnonzero(before).tolist() == [6, 7, 18, 19]
    assert np.flatnonzero(after).tolist() == [12, 13, 22, 23]
    assert not any(part.any() for part in compute_stance_sides(np.zeros(30, dtype=bool), 2))


def test_the_set_turn_is_the_median_of_three_readings_so_one_may_be_off() -> None:
    yaw = np.r_[np.full(10, 80.0), np.full(10, 5.0), np.full(10, 82.0)]  # a wait towards the camera, then the set
    groups = tuple(np.arange(30) // 10 == k for k in range(3))
    assert measure_set_yaw(yaw, groups) == pytest.approx(80.0)
    assert np.isnan(measure_set_yaw(np.full(30, np.nan), groups))


def test_a_front_view_squat_whose_pelvis_turns_at_the_bottom_is_still_a_front_view() -> None:
    """A patient loading one side turns 28° at the bottom of a paused squat: the camera did not move."""
    spec = SyntheticSpec(
        movement="squat",
        reps=5,
        pause_s=2.0,
        bottom_pause_s=1.5,
        faults=Faults(asymmetry_deg=15.0),
        camera=Camera(view="frontal"),
        noise_px=1.0,
        seed=3,
    )
    pose, _ = generate(spec)
    hips = 0.5 * (pose.image[:, IDX["left_hip"], 1] + pose.image[:, IDX["right_hip"], 1])
    turn = np.radians(28.0) * (hips - hips.min()) / (hips.max() - hips.min())  # image y grows downwards
    world = pose.world.copy()
    x, z = world[..., 0].copy(), world[..., 2].copy()
    cos, sin = np.cos(turn)[:, None], np.sin(turn)[:, None]
    world[..., 0], world[..., 2] = cos * x - sin * z, sin * x + cos * z
    assessment = assess(replace(pose, world=world)).assessment
    assert assessment.view == "frontal"
    assert "asymmetry" in {f.code for f in assessment.findings}
