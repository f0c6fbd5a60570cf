"""Movement recognition with a confidence, and the "unrecognised" answer through report, HTML, CLI and batch."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from eval.evaluate_walk_in import join_walk
from eval.invariance import hold_pose
from movequal.batch.score import ItemResult
from movequal.batch.summary import write_summary_html
from movequal.core.excursions import find_deep_frames, find_motion_span
from movequal.core.motion_features import task_frames
from movequal.core.movements import MAX_TRAVEL_LEGS, MotionFeatures, compute_memberships, recognise_movement
from movequal.core.rest import measure_held_edges
from movequal.core.scoring import AssessmentResult, assess
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX
from movequal.report.build import build_report
from movequal.report.sections import render_content
from movequal.synthetic import SyntheticSpec, generate
from movequal.synthetic.camera_spec import Camera
from movequal.synthetic.gait import Gait

MOVEMENTS = ("squat", "lift", "bend", "sit-to-stand", "lunge")


def _synthetic(movement: str = "squat", view: str = "sagittal-left") -> PoseSequence:
    pose, _ = generate(SyntheticSpec(movement=movement, reps=3, camera=Camera(view=view), noise_px=1.5, seed=1))
    return pose


def _walking_across(pose: PoseSequence, frame_widths: float = 0.8) -> PoseSequence:
    """The same body carried across the image at a steady pace (``frame_widths`` of the frame over the clip)."""
    image = pose.image.copy()
    image[:, :, 0] += np.linspace(-frame_widths / 2, frame_widths / 2, len(pose))[:, None]
    return replace(pose, image=image)


def _standing_still(pose: PoseSequence) -> PoseSequence:
    """Every frame replaced by the first (standing) one."""
    n = len(pose)
    return replace(
        pose,
        image=np.repeat(pose.image[:1], n, axis=0),
        world=np.repeat(pose.world[:1], n, axis=0),
        visibility=np.repeat(pose.visibility[:1], n, axis=0),
    )


def _report(result: AssessmentResult, pose: PoseSequence):
    return build_report(
        result, file="clip.mp4", duration_s=pose.duration, fps=pose.fps, frame_size=pose.frame_size, model="full"
    )


@pytest.mark.parametrize("view", ["sagittal-left", "frontal", "oblique"])
@pytest.mark.parametrize("movement", MOVEMENTS)
def test_every_synthetic_movement_is_recognised_confidently(movement: str, view: str) -> None:
    a = assess(_synthetic(movement, view)).assessment
    assert a.movement == movement and a.movement_detected
    assert a.movement_confidence is not None and a.movement_confidence >= 0.9
    assert a.message is None and a.reps


def test_confidence_falls_as_a_feature_nears_its_threshold() -> None:
    clear = MotionFeatures(120.0, 20.0, 0.0, 1.0, 20.0, 0.05, 0.1, 1.0)  # a deep squat in place
    near_lunge = replace(clear, foot_split=0.42)  # feet almost split front to back
    assert recognise_movement(clear).confidence == 1.0
    assert 0.5 <= recognise_movement(near_lunge).confidence < 0.7
    assert recognise_movement(near_lunge).movement == "squat"
    memberships = compute_memberships(near_lunge)
    assert max(memberships, key=lambda m: memberships[m]) == "squat" and memberships["lunge"] > 0.3


def test_a_hinge_with_split_looking_feet_is_a_lift_not_a_lunge() -> None:
    # Kettlebell deadlift seen obliquely: stance reads as a split, but the trunk is far forward with hands low.
    lift = MotionFeatures(100.0, 50.0, 1.0, 0.92, 48.0, 0.48, 0.2, 1.2)
    assert recognise_movement(lift).movement == "lift"


def test_a_forward_trunk_over_straight_knees_is_a_bend_wherever_the_hands_reach() -> None:
    # A stiff-legged hinge whose hands stop at the knees (a stiff back, or the top half of a stoop lift) cannot be a
    # squat: a squat lowers the hips by bending the knees.
    hinge = MotionFeatures(14.0, 50.0, 0.0, 0.97, float("nan"), 0.0, 0.2, 0.5)
    result = recognise_movement(hinge)
    assert result.movement == "bend" and result.confidence > 0.9
    assert compute_memberships(hinge)["squat"] == 0.0
    bent = replace(hinge, knee_at_deepest=70.0)  # knees bent, hands above them: still not a lift
    assert recognise_movement(bent).movement == "squat"


def test_travel_across_the_frame_or_towards_the_camera_is_walking() -> None:
    walker = MotionFeatures(40.0, 8.0, 0.0, 0.95, float("nan"), 0.2, 3.5, 0.3)
    result = recognise_movement(walker)
    assert result.movement == "walk" and result.nearest == "walk" and result.reason is None
    assert result.confidence >= 0.5
    assert recognise_movement(replace(walker, travel=MAX_TRAVEL_LEGS - 0.6)).movement == "squat"
    approaching = replace(walker, travel=0.2, approach=float(np.log(2.0)))  # twice as tall by the end of a pass
    assert recognise_movement(approaching).movement == "walk"
    assert recognise_movement(replace(approaching, approach=0.05)).movement == "squat"


def test_gliding_across_the_frame_without_a_step_is_walking_with_nothing_measured() -> None:
    pose = _walking_across(_synthetic("squat"))  # a squatting body carried sideways: travel, but no step
    a = assess(pose).assessment
    assert a.movement == "walk" and a.movement_detected
    assert a.reps == [] and a.findings == [] and a.score is None and a.rating is None
    assert a.gait is not None and a.gait.passes == []
    assert a.message is not None and a.message.startswith("No walking measured") and "step" in a.message


def test_standing_still_is_unrecognised() -> None:
    a = assess(_standing_still(_synthetic("squat"))).assessment
    assert a.movement == "unrecognised" and a.score is None
    assert a.message is not None and "up and down" in a.message


def test_an_explicit_movement_is_scored_without_recognition() -> None:
    a = assess(_walking_across(_synthetic("squat"), 0.6), "squat").assessment  # travels, but stays in the picture
    assert a.movement == "squat" and not a.movement_detected
    assert a.movement_confidence is None and a.message is None and a.score is not None


def test_an_explicit_movement_is_not_scored_when_the_body_leaves_the_picture() -> None:
    result = assess(_walking_across(_synthetic("squat"), 1.0), "squat")  # the hips cross the frame's edges
    a = result.assessment
    assert result.tracking.out_of_picture["hips"] > 0.1
    assert a.movement == "squat" and "hips" in a.cut_off and a.score is None and a.reps == []
    assert a.message is not None and a.message.startswith("Not measurable") and "hips" in a.message


def test_report_and_html_say_not_recognised() -> None:
    pose = _standing_still(_synthetic("squat"))
    report = _report(assess(pose), pose)
    data = report.model_dump(mode="json")["assessment"]
    assert data["movement"] == "unrecognised" and data["score"] is None and data["message"]
    page = render_content(report, None)
    assert "Movement not recognised" in page and "No complete repetition found" not in page


def test_batch_summary_counts_unrecognised(tmp_path: Path) -> None:
    rows = [
        ItemResult(path="a.mp4", key="a", patient=None, session_date=None, status="done", movement="squat", score=90.0),
        ItemResult(
            path="b.mp4", key="b", patient=None, session_date=None, status="done", movement="unrecognised", score=None
        ),
    ]
    cut = ItemResult(path="c.mp4", key="c", patient=None, session_date=None, status="done", movement="lift")
    write_summary_html([*rows, cut], tmp_path / "summary.html")  # the lift: done, but nothing measurable
    text = (tmp_path / "summary.html").read_text()
    assert "3 videos: 1 scored, 1 movement not recognised" in text and "unrecognised" in text
    assert "1 with nothing measurable" in text


def test_the_motion_span_leaves_out_postures_held_before_the_first_excursion_and_after_the_last() -> None:
    """A set-up held at the start and a crouch held at the end are not the reps' bottoms."""
    t = np.linspace(0.0, 3.0 * 2.0 * np.pi, 300)
    reps = 0.3 * (1.0 - np.cos(t)) / 2.0  # three dips of 0.3, resting at 0
    depth = np.concatenate(
        [np.full(120, 0.25), np.linspace(0.25, 0.0, 20), reps, np.linspace(0.0, 0.5, 20), np.full(200, 0.5)]
    )
    span = find_motion_span(depth)
    assert 120 <= span.start <= 140 + 5  # from the first dip's start (the held set-up is left out) ...
    assert 140 + 295 <= span.stop <= 140 + 300 + 1  # ... to the last dip's end (the held crouch is left out)
    depth[150] = np.nan  # a lost frame does not end the span
    assert find_motion_span(depth) == span


def test_a_clip_with_no_excursion_inside_it_is_read_whole() -> None:
    pull = np.concatenate([np.full(30, 0.8), np.linspace(0.8, 0.0, 30), np.zeros(40)])  # one pull to lockout, held
    assert find_motion_span(pull) == slice(0, pull.size)
    assert find_motion_span(np.full(10, np.nan)) == slice(0, 10)


def test_a_single_pulls_bottom_is_read_where_it_starts_to_move_not_over_a_set_up_held_before() -> None:
    """Four seconds settling at the bar used to be the whole deepest fifth of a clip with no excursion inside."""
    set_up = np.full(120, 0.93)
    pull = np.concatenate([set_up, np.linspace(0.9, 0.0, 30), np.zeros(60)])
    deep = find_deep_frames(pull, 30.0)
    assert deep.any() and np.flatnonzero(deep).min() >= 120 - 10  # the posture as the pull begins
    assert np.flatnonzero(deep).max() < 120 + 15


def test_a_small_re_bend_after_a_single_pull_is_not_the_clips_movement() -> None:
    """A pull from the floor starts deep at the clip's edge: that half excursion is the largest, not the re-bend."""
    pull = np.concatenate([np.full(20, 0.8), np.linspace(0.8, 0.0, 30), np.zeros(20)])
    bend = np.concatenate([np.linspace(0.0, 0.2, 10), np.linspace(0.2, 0.0, 10), np.zeros(20)])
    assert find_motion_span(np.concatenate([pull, bend])) == slice(0, pull.size + bend.size)


@pytest.mark.parametrize("view", ["sagittal-left", "oblique", "frontal"])
def test_a_lift_set_ending_in_a_held_crouch_is_still_a_lift(view: str) -> None:
    """Two seconds crouched (a squat's bottom) after the last rep used to fill the deepest fifth: a squat."""
    lift, _ = generate(SyntheticSpec(movement="lift", reps=3, camera=Camera(view=view), noise_px=1.5, seed=1))
    squat, _ = generate(SyntheticSpec(movement="squat", reps=1, camera=Camera(view=view), noise_px=1.5, seed=1))
    bottom = assess(squat, "squat").assessment.reps[0].bottom_frame
    crouch = squat[bottom : bottom + 1]
    step = float(np.median(np.diff(lift.timestamps)))
    crouch = crouch.with_timestamps(crouch.timestamps - crouch.timestamps[0] + lift.timestamps[-1] + step)
    plain = assess(lift).assessment
    held = assess(hold_pose(PoseSequence.concatenate([lift, crouch]), 2.0, "end")).assessment
    assert plain.movement == held.movement == "lift"
    assert held.full_reps == plain.full_reps == 3
    assert [f.code for f in held.findings] == [f.code for f in plain.findings]


@pytest.mark.parametrize(("movement", "where"), [("squat", "in"), ("lift", "in"), ("squat", "out")])
def test_a_set_with_a_walk_into_or_out_of_the_picture_is_still_the_set(movement: str, where: str) -> None:
    """Two seconds of walking carried the hips across the frame, and the whole clip was taken for walking."""
    camera = Camera(view="sagittal-left")
    task, _ = generate(SyntheticSpec(movement=movement, reps=4, camera=camera, noise_px=1.5, seed=1))
    walk, _ = generate(SyntheticSpec(movement="walk", camera=camera, noise_px=1.5, seed=1))
    joined = join_walk(task, walk, 2.0, where)
    assert len(joined) > len(task) + 50
    alone, with_walk = assess(task).assessment, assess(joined).assessment
    assert with_walk.movement == alone.movement == movement
    assert with_walk.full_reps == alone.full_reps == 4


def _hips_at(x: np.ndarray) -> np.ndarray:
    """Image landmarks (pixels, T x 33 x 2) of a standing body, one leg length (100 px) tall, its hips at ``x``."""
    px = np.zeros((x.size, 33, 2))
    for side in ("left", "right"):
        for joint, y in (("hip", 0.0), ("knee", 50.0), ("ankle", 100.0)):
            px[:, LANDMARK_INDEX[f"{side}_{joint}"]] = np.column_stack([x, np.full(x.size, y)])
    return px


def test_the_excursions_are_the_clips_task_only_when_the_hips_stood_still_over_them() -> None:
    """A walk keeps its pace, so its dips cannot make a short walk look in place; a set with a walk in can."""
    t = np.arange(200) / 30.0
    walk_then_set = _hips_at(np.concatenate([np.linspace(0.0, 400.0, 60), np.full(140, 400.0)]))
    assert task_frames(slice(60, 200), walk_then_set, t) == slice(60, 200)
    steady_walk = _hips_at(np.linspace(0.0, 400.0, 200))  # four leg lengths at one pace
    assert task_frames(slice(40, 160), steady_walk, t) == slice(0, 200)
    assert task_frames(slice(10, 70), walk_then_set, t) == slice(0, 200)  # under half the clip: read whole
    in_place = _hips_at(np.full(200, 400.0))  # nothing crosses the picture: the span stands
    assert task_frames(slice(60, 200), in_place, t) == slice(60, 200)
    # A set that drifts a leg length itself, after a walk that brings the clip just past a stride: still the set.
    drifting = _hips_at(np.concatenate([np.linspace(0.0, 60.0, 30), 60.0 + np.linspace(0.0, 100.0, 170)]))
    assert task_frames(slice(30, 200), drifting, t) == slice(30, 200)


@pytest.mark.parametrize(("steps", "step_m", "cadence"), [(6, 0.3, 100), (3, 0.6, 70), (4, 0.45, 100)])
def test_a_short_walk_seen_from_the_side_is_still_a_walk(steps: int, step_m: float, cadence: float) -> None:
    """From the side each step dips the hips; cut short, a walk's dips span most of it, and it still walks."""
    gait = Gait(steps=steps, step_length_m=step_m, cadence=cadence)
    camera = Camera(view="sagittal-left", frame_size=(1280, 720))
    walk, _ = generate(SyntheticSpec(movement="walk", gait=gait, camera=camera, noise_px=3.0, dropout=0.1, seed=3))
    a = assess(walk).assessment
    assert a.movement == "walk" and a.full_reps == 0


def _cut(pose: PoseSequence, *, start: float = 0.0, end: float | None = None) -> PoseSequence:
    """The frames from ``start`` to ``end`` seconds (to the last frame without ``end``)."""
    t = pose.timestamps - pose.timestamps[0]
    keep = (t >= start) & (t <= (t[-1] if end is None else end))
    return pose[np.flatnonzero(keep)]


def _hip_y(pose: PoseSequence) -> np.ndarray:
    return pose.image[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]], 1].mean(axis=1)


@pytest.mark.parametrize("view", ["frontal", "oblique"])
def test_a_chair_stand_clip_cut_as_the_patient_rises_is_still_a_sit_to_stand(view: str) -> None:
    # Read from where the clip begins or ends held: the rise cut into says nothing, the seated end does, however
    # little of the clip it is (the first and last tenths pooled read this clip as standing).
    pose = _synthetic("sit-to-stand", view)
    hips = _hip_y(pose)
    t = pose.timestamps - pose.timestamps[0]
    seated = hips > hips.max() - 0.05 * (hips.max() - hips.min())
    rising = int(np.argmax(hips < hips[0] - 0.3 * (hips[0] - hips.min())))  # a third of the way up
    sat = int(np.flatnonzero(~seated)[-1]) + 1  # the last sit-down done
    cut = _cut(pose, start=float(t[rising]), end=float(t[sat]) + 0.6)
    assert assess(cut).assessment.movement == "sit-to-stand"


@pytest.mark.parametrize("view", ["frontal", "oblique"])
def test_a_squat_set_cut_at_the_bottoms_of_reps_is_still_a_squat(view: str) -> None:
    # Low with an upright trunk at both of the clip's edges, but moving through them: no seated start.
    pose = _synthetic("squat", view)
    hips = _hip_y(pose)
    t = pose.timestamps - pose.timestamps[0]
    first_bottom = int(np.argmax(np.where(t < t[-1] * 0.3, hips, -np.inf)))
    last_bottom = int(np.argmax(np.where(t > t[-1] * 0.6, hips, -np.inf)))
    cut = _cut(pose, start=float(t[first_bottom]), end=float(t[last_bottom]))
    assert assess(cut).assessment.movement == "squat"


@pytest.mark.parametrize("view", ["frontal", "oblique"])
def test_a_chair_stand_clip_with_a_brief_seated_start_and_ending_on_its_last_stand_is_a_sit_to_stand(
    view: str,
) -> None:
    # A brisk five-times test sits for 0.3-0.5 s between stands; the clip may start just before the first rise and
    # end on the last stand (the test's end). The seated start is short but held, and a blip of two frames in it is
    # no movement.
    pose = _synthetic("sit-to-stand", view)
    hips = _hip_y(pose)
    t = pose.timestamps - pose.timestamps[0]
    seated = hips > hips.max() - 0.05 * (hips.max() - hips.min())
    rise = int(np.argmax(~seated))  # the first rise begins
    standing = np.flatnonzero(hips < hips.min() + 0.05 * (hips.max() - hips.min()))
    cut = _cut(pose, start=float(t[rise]) - 0.35, end=float(t[standing[-1]]))
    assert assess(cut).assessment.movement == "sit-to-stand"
    image = cut.image.copy()
    image[3:5, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]], 1] -= 0.3 * (hips.max() - hips.min())
    assert assess(replace(cut, image=image)).assessment.movement == "sit-to-stand"


def test_an_edge_is_held_only_while_hips_and_feet_stay_put_for_long_enough() -> None:
    t = np.arange(0, 6.0, 1 / 30)
    height = np.where(t < 1.0, 0.5, 1.0) + 0.002 * np.sin(7 * t)  # low for a second, then standing
    still = np.zeros((t.size, 2, 2))
    assert measure_held_edges(height, t, still) == pytest.approx(0.5, abs=0.01), "held low at the start"
    walking = still.copy()
    walking[:, 0, 0] = np.minimum(t, 1.0)  # one ankle walking (a leg length a second), then still
    assert measure_held_edges(height, t, walking) == pytest.approx(1.0, abs=0.01), "low, but the feet walk"
    brief = np.where((t < 0.2) | ((t > 3.0) & (t < 4.0)), 0.5, 1.0)  # low for 0.2 s at the start: a turn, not a rest
    assert measure_held_edges(brief, t, still) == pytest.approx(1.0, abs=0.01)
    late = height.copy()
    late[t < 0.5] = np.nan  # the hips first seen 0.5 s in: the clip's first moment is not seen
    assert measure_held_edges(late, t, still) == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("movement", ["squat", "lift"])
def test_a_short_set_after_a_long_still_wait_is_still_its_movement(movement: str) -> None:
    # Thirty seconds of getting ready, then two reps: the still frames outnumber the reps fifteen to one, and must
    # neither hide the up-down motion (unrecognised) nor fill the bottom of the reps with standing.
    pose, _ = generate(SyntheticSpec(movement=movement, reps=2, camera=Camera(view="sagittal-left"), seed=1))
    a = assess(hold_pose(pose, 30.0, "start")).assessment
    assert a.movement == movement and a.full_reps == 2


def test_single_lifts_with_rests_between_them_rest_standing() -> None:
    # Three single lifts, ten seconds standing between them: the recording's first tenth holds the whole first lift,
    # but its first second stands, so the set rests standing and each lift is a rep.
    pose, _ = generate(SyntheticSpec(movement="lift", reps=1, camera=Camera(view="sagittal-left"), seed=1))
    rested = hold_pose(pose, 10.0, "end")
    joined = PoseSequence.concatenate(
        [
            rested,
            rested.with_timestamps(rested.timestamps + rested.timestamps[-1] + 1 / 30),
            pose.with_timestamps(pose.timestamps + 2 * (rested.timestamps[-1] + 1 / 30)),
        ]
    )
    a = assess(joined).assessment
    assert a.movement == "lift" and a.full_reps == 3


@pytest.mark.parametrize("view", ["frontal", "oblique", "sagittal-left"])
def test_a_slow_squat_cut_at_its_bottom_is_lower_than_any_chair(view: str) -> None:
    # A three-second rehab squat turns slowly enough at the bottom to pass as held, but its hips are far below a
    # seat's height there: not sitting.
    spec = SyntheticSpec(movement="squat", reps=3, rep_duration_s=3.0, camera=Camera(view=view), noise_px=2.0, seed=1)
    pose, _ = generate(spec)
    hips = _hip_y(pose)
    t = pose.timestamps - pose.timestamps[0]
    last_bottom = int(np.argmax(np.where(t > t[-1] * 0.6, hips, -np.inf)))
    for after in (0.0, 0.1):
        assert assess(_cut(pose, end=float(t[last_bottom]) + after)).assessment.movement == "squat"
