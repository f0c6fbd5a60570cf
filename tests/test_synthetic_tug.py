"""Tests of the synthetic timed up-and-go: phase events, posture at them, continuity, framing, determinism."""

from __future__ import annotations

import itertools
from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, Faults, Gait, SyntheticSpec, SyntheticTruth, Tug, TugTruth, generate
from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.posture import assemble
from movequal.synthetic.tug import to_room, tug_motion
from movequal.synthetic.tug_truth import record_tug
from movequal.synthetic.walk import walk_plan

VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")
EVENTS = (
    "lean_onset",
    "seat_off",
    "upright",
    "turn_start",
    "turn_end",
    "sit_turn_start",
    "sit_turn_end",
    "lowering_onset",
    "seated",
)


def _tug(tug: Tug | None = None, view: Any = "sagittal-left", **kwargs: Any) -> tuple[PoseSequence, SyntheticTruth]:
    return generate(SyntheticSpec(movement="tug", tug=tug or Tug(), camera=Camera(view=view), **kwargs))


def _events(truth: SyntheticTruth) -> TugTruth:
    assert truth.tug is not None
    return truth.tug


def _frame(truth: SyntheticTruth, time: float) -> int:
    return min(round(time * truth.spec.fps), truth.spec.n_frames - 1)


def _hip_mid(points: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]]))


@pytest.fixture(scope="module")
def default() -> tuple[PoseSequence, SyntheticTruth]:
    return _tug()


def test_shapes_truth_and_source(default: tuple[PoseSequence, SyntheticTruth]) -> None:
    pose, truth = default
    spec, events = truth.spec, _events(truth)
    assert len(pose) == spec.n_frames == round(spec.total_seconds * spec.fps) + 1
    assert spec.total_seconds == pytest.approx(events.seated + spec.tug.seated_after_s)
    assert truth.rep_windows == [] and truth.rep_bottoms.size == 0 and truth.gait is None
    assert all(len(series) == len(pose) for series in truth.angles.values())
    assert pose.source["movement"] == "tug" and pose.source["tug"]["walk_m"] == 3.0
    assert events.speed_m_s == pytest.approx(0.7 / (60 / 110))


def test_events_are_ordered_and_total_is_consistent(default: tuple[PoseSequence, SyntheticTruth]) -> None:
    _, truth = default
    events = _events(truth)
    times = [getattr(events, name) for name in EVENTS]
    assert times[0] > 0.0 and np.all(np.diff(times) > 0.0)
    assert times[-1] < truth.spec.total_seconds
    assert events.total_s == pytest.approx(events.seated - events.lean_onset)
    tug = truth.spec.tug
    assert events.upright - events.lean_onset == pytest.approx(tug.stand_up_s)
    assert events.turn_end - events.turn_start == pytest.approx(tug.turn_s)
    assert events.sit_turn_end - events.sit_turn_start == pytest.approx(tug.sit_turn_s)
    assert events.seated - events.lowering_onset == pytest.approx(tug.sit_down_s)
    assert events.seat_off - events.lean_onset == pytest.approx(0.35 * tug.stand_up_s)
    assert 10.0 < events.total_s < 20.0


def test_posture_at_the_events(default: tuple[PoseSequence, SyntheticTruth]) -> None:
    _, truth = default
    a, events = truth.angles, _events(truth)
    for time in (0.0, events.lean_onset, events.seated, truth.spec.total_seconds):
        i = _frame(truth, time)
        for side in ("left", "right"):
            assert a[f"knee_flexion_{side}"][i] == pytest.approx(90.0, abs=6.0)
            assert 80.0 <= a[f"hip_flexion_{side}"][i] <= 125.0
    for time in (0.0, events.lean_onset, truth.spec.total_seconds):
        i = _frame(truth, time)
        assert 8.0 <= a["trunk_inclination"][i] <= 20.0
        assert 80.0 <= a["hip_flexion_left"][i] <= 95.0
    assert 35.0 <= a["trunk_inclination"][_frame(truth, events.seat_off)] <= 45.0
    for time in (events.upright, events.lowering_onset):
        i = _frame(truth, time)
        for side in ("left", "right"):
            assert 0.0 <= a[f"knee_flexion_{side}"][i] <= 15.0 and a[f"hip_flexion_{side}"][i] <= 15.0
    rising = slice(_frame(truth, events.lean_onset), _frame(truth, events.upright) + 1)
    peak = np.argmax(a["trunk_inclination"][rising]) + rising.start
    assert abs(peak / truth.spec.fps - events.seat_off) <= 1.5 / truth.spec.fps


def test_hips_leave_and_reach_the_seat_at_the_events() -> None:
    spec = SyntheticSpec(movement="tug", faults=Faults(hesitations=2))
    body = Body.of_height(spec.height_m)
    lay = spec.tug.layout(spec.height_m)
    rec = record_tug(spec, body)
    events = rec.truth
    assert events.seat_off - events.lean_onset != pytest.approx(0.35 * spec.tug.stand_up_s)  # hesitations shift it
    eps = 1e-3
    t = np.array([0.0, events.seat_off - eps, events.seat_off + 0.3, events.seated - 0.3, events.seated + eps])
    hip = _hip_mid(assemble(tug_motion(t, lay, spec, body).plan, body))[:, UP]
    seat = hip[0]
    assert hip[1] == pytest.approx(seat, abs=1e-6) and hip[4] == pytest.approx(seat, abs=1e-6)
    assert hip[2] > seat + 1e-3 and hip[3] > seat + 1e-3
    assert seat == pytest.approx(spec.tug.chair_height_m + 0.05 * spec.height_m, abs=0.01)


def test_path_closes_on_the_chair_and_turns_on_the_spot() -> None:
    spec = SyntheticSpec(movement="tug")
    rec = record_tug(spec, Body.of_height(spec.height_m))
    hip, events = _hip_mid(rec.points), rec.truth
    assert np.allclose(hip[0], hip[-1], atol=1e-9) and hip[0, FWD] == pytest.approx(0.0, abs=1e-9)
    feet = 0.5 * (rec.points[0, IDX["left_ankle"]] + rec.points[0, IDX["right_ankle"]])
    assert np.max(hip[:, FWD]) - feet[FWD] == pytest.approx(spec.tug.walk_m, abs=0.1)
    assert np.max(np.abs(hip[:, LEFT])) < 0.05
    times = np.arange(len(hip)) / spec.fps
    turning = (times > events.turn_start) & (times < events.turn_end)
    assert np.ptp(hip[turning, FWD]) < 0.1
    assert rec.yaw[-1] == pytest.approx(2.0 * np.pi)


def test_no_landmark_jumps(default: tuple[PoseSequence, SyntheticTruth]) -> None:
    pose, truth = default
    body = Body.of_height(truth.spec.height_m)
    room = record_tug(truth.spec, body).points
    walk_spec = SyntheticSpec(movement="walk")
    walk = assemble(walk_plan(np.arange(walk_spec.n_frames) / walk_spec.fps, walk_spec, body)[0], body)
    walk_pose, _ = generate(walk_spec)
    for tug_points, walk_points in ((room, walk), (pose.world, walk_pose.world)):
        steps = np.linalg.norm(np.diff(tug_points, axis=0), axis=-1)
        assert steps.max() <= np.linalg.norm(np.diff(walk_points, axis=0), axis=-1).max() + 1e-3
        assert steps.max() < 0.17
    assert np.all(room[..., UP] > -1e-9), "nothing below the floor"
    acceleration = np.linalg.norm(np.diff(room, 2, axis=0), axis=-1) * truth.spec.fps**2
    walk_acceleration = np.linalg.norm(np.diff(walk, 2, axis=0), axis=-1) * walk_spec.fps**2
    assert acceleration.max() <= 1.05 * walk_acceleration.max()


def test_body_keeps_its_shape() -> None:
    spec = SyntheticSpec(movement="tug")
    body = Body.of_height(spec.height_m)
    points = record_tug(spec, body).points
    for side in ("left", "right"):
        for a, b, length in (("hip", "knee", body.thigh), ("knee", "ankle", body.shank)):
            bone = np.linalg.norm(points[:, IDX[f"{side}_{a}"]] - points[:, IDX[f"{side}_{b}"]], axis=-1)
            assert np.allclose(bone, length, atol=1e-6)
        foot = np.linalg.norm(points[:, IDX[f"{side}_heel"]] - points[:, IDX[f"{side}_foot_index"]], axis=-1)
        assert np.allclose(foot, body.foot, atol=1e-9)


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_keeps_the_whole_clip_in_frame(view: str) -> None:
    pose, truth = _tug(view=view)
    assert np.all(np.isfinite(pose.image))
    assert np.all((pose.image[..., :2] >= 0.0) & (pose.image[..., :2] <= 1.0))
    events = _events(truth)
    hip_x = _hip_mid(pose.image)[:, 0]
    out = slice(_frame(truth, events.upright), _frame(truth, events.turn_start))
    back = slice(_frame(truth, events.turn_end), _frame(truth, events.sit_turn_start))
    if view.startswith("sagittal"):
        direction = -1.0 if view == "sagittal-left" else 1.0  # sagittal-left: facing image-left
        assert direction * (hip_x[out.stop] - hip_x[out.start]) > 0.4
        assert direction * (hip_x[back.stop] - hip_x[back.start]) < -0.4
    if view == "frontal":
        shoulders = np.abs(pose.image[:, IDX["left_shoulder"], 0] - pose.image[:, IDX["right_shoulder"], 0])
        assert shoulders[out.stop] > 1.4 * shoulders[out.start]  # coming towards the camera
        assert shoulders[back.stop] < shoulders[back.start] / 1.4
        # Walking back the subject shows the camera their back: the visibility of the face drops.
        assert pose.visibility[back.start + 5, IDX["nose"]] < pose.visibility[out.start, IDX["nose"]]


def test_noise_dropout_and_seed_are_deterministic() -> None:
    kwargs: dict[str, Any] = {"noise_px": 2.0, "dropout": 0.1}
    first, _ = _tug(seed=3, **kwargs)
    again, _ = _tug(seed=3, **kwargs)
    other, _ = _tug(seed=4, **kwargs)
    assert np.array_equal(first.image, again.image, equal_nan=True)
    assert np.array_equal(first.visibility, again.visibility)
    assert not np.array_equal(first.image, other.image, equal_nan=True)
    dropped = np.isnan(first.image[:, 0, 0])
    assert 0.05 < dropped.mean() < 0.15 and np.all(first.visibility[dropped] == 0.0)


def test_gait_faults_carry_through_and_steps_alternate() -> None:
    gait = Gait(limp=0.3, limp_side="right")
    _, truth = _tug(Tug(gait=gait), faults=Faults(trunk_lean_deg=15.0))
    events = _events(truth)
    strikes = sorted((time, side) for side, times in events.heel_strike_s.items() for time in times)
    assert len(strikes) >= 12 and all(a[1] != b[1] for a, b in itertools.pairwise(strikes))
    times = np.array([time for time, _ in strikes])
    assert times[0] > events.upright and times[-1] < events.lowering_onset
    diffs = np.diff(times[times < events.turn_start])  # the limp: alternate step times differ by limp steps
    assert np.ptp(diffs) == pytest.approx(0.3 * 60 / 110, rel=1e-6)
    steady = (events.upright + events.turn_start) / 2.0
    assert truth.angles["trunk_inclination"][_frame(truth, steady)] == pytest.approx(4.0 + 15.0, abs=0.5)


def test_chair_height_sets_the_seated_knees_and_bad_values_fail() -> None:
    _, low = _tug(Tug(chair_height_m=0.38))
    _, high = _tug(Tug(chair_height_m=0.55))
    assert low.angles["knee_flexion_left"][0] > high.angles["knee_flexion_left"][0] + 10.0
    with pytest.raises(ValueError, match="chair_height_m"):
        _tug(Tug(chair_height_m=0.7))
    with pytest.raises(ValueError, match="turn_s"):
        Tug(turn_s=0.1)
    with pytest.raises(ValueError, match="turn_direction"):
        Tug(turn_direction="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="walk_m"):
        SyntheticSpec(movement="tug", tug=Tug(walk_m=20.0, gait=Gait(cadence=40.0, step_length_m=0.15)))


def test_right_turns_and_truth_is_independent_of_the_view() -> None:
    _, left = _tug(view="frontal")
    _, right = _tug(Tug(turn_direction="right"), view="oblique")
    assert _events(right).turn_direction == "right"
    for name in (f.name for f in fields(TugTruth) if f.name in EVENTS):
        assert getattr(_events(left), name) == getattr(_events(right), name)
    for name in ("knee_flexion_left", "trunk_inclination", "hip_height"):
        assert np.allclose(left.angles[name], right.angles[name])


def test_rooms_points_rotate_rigidly() -> None:
    points = np.random.default_rng(0).normal(size=(4, 33, 3))
    yaw = np.array([0.0, 0.5, np.pi, 2.0])
    moved = to_room(points, yaw, np.zeros((4, 3)))
    assert np.allclose(np.linalg.norm(moved, axis=-1), np.linalg.norm(points, axis=-1))
    assert np.allclose(moved[2][:, [FWD, LEFT]], -points[2][:, [FWD, LEFT]])
    turned_left = to_room(np.array([[[1.0, 0.0, 0.0]]]), np.array([np.pi / 2]), np.zeros((1, 3)))
    assert np.allclose(turned_left[0, 0], [0.0, 0.0, 1.0])
