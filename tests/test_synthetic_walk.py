"""Tests of the synthetic walk: gait events, feet on the floor, step parameters, planted faults, framing."""

from __future__ import annotations

import hashlib
import itertools
import json
from typing import Any

import numpy as np
import pytest

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, Faults, Gait, GaitTruth, SyntheticSpec, SyntheticTruth, generate
from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.posture import assemble
from movequal.synthetic.walk import walk_plan

VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")
LANDSCAPE = (1280, 720)
SIDES = ("left", "right")


def _walk(
    gait: Gait | None = None, view: Any = "sagittal-left", frame: tuple[int, int] = LANDSCAPE, **kwargs: Any
) -> tuple[PoseSequence, SyntheticTruth]:
    spec = SyntheticSpec(movement="walk", gait=gait or Gait(), camera=Camera(view=view, frame_size=frame), **kwargs)
    return generate(spec)


def _gait(truth: SyntheticTruth) -> GaitTruth:
    assert truth.gait is not None
    return truth.gait


def _next(times: np.ndarray, after: float) -> float:
    return float(times[times > after][0])


def _body_points(spec: SyntheticSpec, t: np.ndarray) -> np.ndarray:
    """Noise-free body-frame landmarks (T, 33, 3) of a walk at arbitrary times."""
    body = Body.of_height(spec.height_m)
    plan, _ = walk_plan(np.asarray(t, dtype=np.float64), spec, body)
    return assemble(plan, body)


def _frames(pose: PoseSequence, start: float, end: float) -> np.ndarray:
    return np.flatnonzero((pose.timestamps >= start) & (pose.timestamps <= end))


def test_walk_shapes_truth_and_source() -> None:
    pose, truth = _walk()
    spec = truth.spec
    assert len(pose) == spec.n_frames == round(11 * 60 / 110 * 30) + 1
    assert isinstance(truth.gait, GaitTruth)
    assert truth.rep_windows == [] and truth.rep_bottoms.size == 0
    assert {"shoulder_flexion_left", "shoulder_flexion_right", "trunk_lateral_lean", "knee_flexion_left"} <= set(
        truth.angles
    )
    assert all(v.shape == (len(pose),) for v in truth.angles.values())
    source = json.loads(json.dumps(pose.source))
    assert source["movement"] == "walk" and source["gait"]["cadence"] == 110.0


def test_deterministic_for_a_seed() -> None:
    a, ta = _walk(noise_px=2.0, dropout=0.1, seed=4)
    b, tb = _walk(noise_px=2.0, dropout=0.1, seed=4)
    c, _ = _walk(noise_px=2.0, dropout=0.1, seed=5)
    assert np.array_equal(a.image, b.image, equal_nan=True) and np.array_equal(a.world, b.world, equal_nan=True)
    assert np.array_equal(_gait(ta).step_time_s, _gait(tb).step_time_s)
    assert not np.array_equal(a.image, c.image, equal_nan=True)
    assert 0.05 < 1.0 - a.detected.mean() < 0.15


def test_heel_strikes_alternate_and_fall_between_frames() -> None:
    pose, truth = _walk()
    gait = _gait(truth)
    events = sorted([(t, side) for side in SIDES for t in gait.heel_strike_s[side]])
    assert len(events) == truth.spec.gait.steps + 1
    assert events[0][1] == "left" and events[0][0] == pytest.approx(0.5 * 60 / 110)
    assert all(a[1] != b[1] for a, b in itertools.pairwise(events))
    assert gait.step_side == tuple(side for _, side in events[1:])
    # Exact times, not frame times.
    frames = np.array([t for t, _ in events]) * pose.fps
    assert np.max(np.abs(frames - np.round(frames))) > 0.1
    # Each foot: heel strike < foot flat < heel off < toe off < next heel strike.
    for side in SIDES:
        hs, to = gait.heel_strike_s[side], gait.toe_off_s[side]
        for t in hs[:-1]:
            nxt = hs[hs > t][0]
            ff, ho, off = (arr[(arr > t) & (arr < nxt)] for arr in (gait.foot_flat_s[side], gait.heel_off_s[side], to))
            assert len(ff) == len(ho) == len(off) == 1 and ff[0] < ho[0] < off[0]


def test_cadence_speed_and_phases_equal_the_spec() -> None:
    spec_gait = Gait(cadence=96.0, step_length_m=0.62, steps=8)
    pose, truth = _walk(spec_gait)
    gait = _gait(truth)
    assert 60.0 / np.mean(gait.step_time_s) == pytest.approx(96.0, rel=1e-9)
    assert np.allclose(gait.step_length_m, 0.62) and gait.stride_length_m == pytest.approx(1.24)
    assert gait.speed_m_s == pytest.approx(0.62 * 96.0 / 60.0)
    stride = 2 * 60 / 96.0
    for side in SIDES:
        assert np.allclose(gait.stance_s[side] / stride, 0.6)
    # Double support: the trailing foot leaves 10 % of the stride after the leading one lands.
    left_hs, right_to = gait.heel_strike_s["left"], gait.toe_off_s["right"]
    lag = np.array([_next(right_to, t) - t for t in left_hs[:-1]])
    assert np.allclose(lag / stride, 0.1)
    # The hips cross the side view at the walking speed.
    px = pose.image_pixels()
    hip_x = 0.5 * (px[:, IDX["left_hip"], 0] + px[:, IDX["right_hip"], 0])
    speed = abs(hip_x[-1] - hip_x[0]) / pose.source["px_per_m"] / pose.timestamps[-1]
    assert speed == pytest.approx(gait.speed_m_s, rel=0.01)


@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right"])
def test_stance_heel_and_toe_stay_still_in_the_side_view(view: str) -> None:
    pose, truth = _walk(view=view)
    gait = _gait(truth)
    px = pose.image_pixels()
    checked = 0
    for side in SIDES:
        for hs in gait.heel_strike_s[side]:
            if hs >= gait.toe_off_s[side].max():
                continue
            flat, heel_off = _next(gait.foot_flat_s[side], hs), _next(gait.heel_off_s[side], hs)
            toe_off = _next(gait.toe_off_s[side], hs)
            heel = px[_frames(pose, hs, heel_off), IDX[f"{side}_heel"]]
            toe = px[_frames(pose, flat, toe_off), IDX[f"{side}_foot_index"]]
            assert np.ptp(heel, axis=0).max() < 1e-6 and np.ptp(toe, axis=0).max() < 1e-6
            checked += 1
    assert checked >= 8


def test_feet_touch_the_floor_at_the_events_only() -> None:
    spec = SyntheticSpec(movement="walk")
    gait = _gait(generate(spec)[1])
    eps = 0.02
    for side in SIDES:
        heel, toe = IDX[f"{side}_heel"], IDX[f"{side}_foot_index"]
        at_strike = _body_points(spec, gait.heel_strike_s[side])
        assert np.allclose(at_strike[:, heel, UP], 0.0, atol=1e-9) and np.all(at_strike[:, toe, UP] > 0.05)
        before = _body_points(spec, gait.heel_strike_s[side] - eps)
        assert np.all(before[:, heel, UP] > 1e-4)
        at_off = _body_points(spec, gait.toe_off_s[side])
        assert np.allclose(at_off[:, toe, UP], 0.0, atol=1e-9) and np.all(at_off[:, heel, UP] > 0.1)
        after = _body_points(spec, gait.toe_off_s[side] + eps)
        assert np.all(after[:, toe, UP] > 1e-4)
        # Heel off: the heel leaves the floor, the toe stays put.
        ho = gait.heel_off_s[side]
        a, b = _body_points(spec, ho), _body_points(spec, ho + eps)
        assert np.allclose(a[:, heel, UP], 0.0, atol=1e-9) and np.all(b[:, heel, UP] > 1e-4)
        assert np.allclose(a[:, toe], b[:, toe], atol=1e-9)
    # Nothing goes through the floor, and the segments keep their lengths.
    t = np.linspace(0.0, spec.total_seconds, 2000)
    points = _body_points(spec, t)
    assert points[..., UP].min() > -1e-9
    body = Body.of_height(spec.height_m)
    for side in SIDES:
        hip, knee, ankle = (points[:, IDX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        assert np.allclose(np.linalg.norm(knee - hip, axis=1), body.thigh)
        assert np.allclose(np.linalg.norm(ankle - knee, axis=1), body.shank)
        foot = points[:, IDX[f"{side}_foot_index"]] - points[:, IDX[f"{side}_heel"]]
        assert np.allclose(np.linalg.norm(foot, axis=1), body.foot)


def test_walking_kinematics() -> None:
    _, truth = _walk()
    angles, leg = truth.angles, truth.leg_length_m
    for side in SIDES:
        knee = angles[f"knee_flexion_{side}"]
        assert 55.0 < knee.max() < 70.0 and knee.min() < 10.0
    points = _body_points(truth.spec, np.linspace(0.5, 5.0, 500))
    bob = np.ptp(0.5 * (points[:, IDX["left_hip"], UP] + points[:, IDX["right_hip"], UP]))
    assert bob == pytest.approx(0.017 * truth.spec.height_m, rel=0.02)
    assert 0.5 * leg < points[:, IDX["left_hip"], UP].min() - Body.of_height(1.75).ankle_h < leg
    assert np.allclose(angles["trunk_inclination"], 4.0, atol=0.05)
    assert _gait(truth).trunk_flexion_deg == pytest.approx(4.0, abs=0.05)
    # Arms swing opposite to the legs: the left arm is furthest forward when the right foot lands.
    t = truth.spec.fps * _gait(truth).heel_strike_s["right"]
    frames = np.round(t).astype(int)
    frames = frames[frames < len(angles["shoulder_flexion_left"])]
    assert np.all(angles["shoulder_flexion_left"][frames] > angles["shoulder_flexion_right"][frames] + 30.0)


def test_planted_limp_shows_in_step_and_stance_times() -> None:
    _, truth = _walk(Gait(limp=0.3, limp_side="right", steps=12))
    gait = _gait(truth)
    sides = np.array(gait.step_side)
    ends_left = gait.step_time_s[sides == "left"]  # the sound foot lands after the affected stance
    ends_right = gait.step_time_s[sides == "right"]
    assert np.allclose(ends_left, 0.85 * 60 / 110) and np.allclose(ends_right, 1.15 * 60 / 110)
    mean = 0.5 * (ends_left.mean() + ends_right.mean())
    assert (ends_right.mean() - ends_left.mean()) / mean == pytest.approx(0.3)
    assert gait.step_length_m[sides == "left"].mean() < gait.step_length_m[sides == "right"].mean()
    assert gait.stance_s["right"].max() < gait.stance_s["left"].min()
    assert gait.speed_m_s == pytest.approx(0.7 * 110 / 60) and gait.limp == 0.3 and gait.limp_side == "right"


def test_reduced_arm_swing_slouch_and_lateral_lean() -> None:
    gait = Gait(arm_swing_left=0.25, lateral_lean_deg=6.0)
    _, truth = _walk(gait, faults=Faults(trunk_lean_deg=10.0))
    angles = truth.angles
    left, right = (np.ptp(angles[f"shoulder_flexion_{side}"]) for side in SIDES)
    assert _gait(truth).arm_swing_deg == {"left": 10.0, "right": 40.0}
    assert left == pytest.approx(10.0, abs=0.5) and right == pytest.approx(40.0, abs=1.0)
    assert np.allclose(angles["trunk_lateral_lean"], 6.0, atol=1e-9)
    assert _gait(truth).lateral_lean_deg == pytest.approx(6.0)
    assert _gait(truth).trunk_flexion_deg == pytest.approx(14.0, abs=0.2)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("frame", [LANDSCAPE, (720, 1280)])
def test_subject_stays_in_frame(view: str, frame: tuple[int, int]) -> None:
    pose, _ = _walk(view=view, frame=frame)
    assert np.isfinite(pose.image).all() and np.isfinite(pose.world).all() and pose.detected.all()
    px = pose.image_pixels()
    width, height = frame
    assert px[..., 0].min() >= 0 and px[..., 0].max() <= width
    assert px[..., 1].min() >= 0 and px[..., 1].max() <= height
    tall = px[:, IDX["left_heel"], 1] - px[:, IDX["nose"], 1]
    if frame == LANDSCAPE:
        assert tall.min() > 150.0


@pytest.mark.parametrize(("view", "sign"), [("sagittal-left", -1), ("sagittal-right", 1)])
def test_side_views_cross_the_picture(view: str, sign: int) -> None:
    pose, _ = _walk(view=view)
    px = pose.image_pixels()
    hip_x = px[:, IDX["left_hip"], 0]
    assert np.all(sign * np.diff(hip_x) > 0)
    assert abs(hip_x[-1] - hip_x[0]) > 0.7 * LANDSCAPE[0]
    assert pose.source["facing"] == ("image-left" if sign < 0 else "image-right")


def test_frontal_walk_comes_towards_the_camera() -> None:
    pose, _ = _walk(view="frontal")
    px = pose.image_pixels()
    heel_y = np.maximum(px[:, IDX["left_heel"], 1], px[:, IDX["right_heel"], 1])
    tall = heel_y - px[:, IDX["nose"], 1]
    assert heel_y[-1] > heel_y[0] + 100 and tall[-1] > 2.0 * tall[0]
    hip_gap = np.abs(px[:, IDX["left_hip"], 0] - px[:, IDX["right_hip"], 0])
    assert hip_gap[-1] > 2.0 * hip_gap[0]
    # The subject's left appears on image-right.
    assert np.all(px[:, IDX["left_hip"], 0] > px[:, IDX["right_hip"], 0])


def test_world_landmarks_are_hip_centred() -> None:
    pose, truth = _walk(view="frontal", noise_px=0.0)
    w = pose.world
    hip_mid = 0.5 * (w[:, IDX["left_hip"]] + w[:, IDX["right_hip"]])
    assert np.allclose(hip_mid, 0.0, atol=1e-12)
    assert np.all(w[:, IDX["nose"], 1] < 0)
    leg = np.linalg.norm(w[:, IDX["left_hip"]] - w[:, IDX["left_knee"]], axis=1)
    assert np.allclose(leg, 0.245 * truth.spec.height_m)


def test_gait_scales_with_height_and_rejects_bad_parameters() -> None:
    _, truth = _walk(height_m=1.5)
    assert _gait(truth).stride_length_m == pytest.approx(2 * 0.4 * 1.5)
    for bad in ({"cadence": 20.0}, {"limp": 0.8}, {"steps": 1}, {"arm_swing_right": 1.5}, {"limp_side": "up"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Gait(**bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="step_length_m"):
        generate(SyntheticSpec(movement="walk", height_m=1.0, gait=Gait(step_length_m=1.0)))


def test_walk_lateral_axis_sways_towards_the_stance_foot() -> None:
    spec = SyntheticSpec(movement="walk")
    gait = _gait(generate(spec)[1])
    left_hs, right_hs = gait.heel_strike_s["left"], gait.heel_strike_s["right"]
    mid_left_support = np.array([0.5 * (t + _next(right_hs, t)) for t in left_hs[:-1]])
    points = _body_points(spec, mid_left_support + 0.05)
    hip_mid = 0.5 * (points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]])
    assert np.all(hip_mid[:, LEFT] > 0.01)
    assert np.all(np.diff(hip_mid[:, FWD]) > 0)


SQUAT_IMAGE_SHA256 = "e67e1b33890c3ad82cc3d3bd31553026d83be4ac8487029a7e426e15cad6a597"
"""sha256 of ``np.round(pose.image, 9)`` for ``SyntheticSpec(movement="squat")``, recorded before walking was added."""


def test_existing_movements_are_unchanged() -> None:
    pose, truth = generate(SyntheticSpec(movement="squat"))
    assert hashlib.sha256(np.round(pose.image, 9).tobytes()).hexdigest() == SQUAT_IMAGE_SHA256
    assert truth.gait is None and len(truth.rep_windows) == 3
    assert "shoulder_flexion_left" not in truth.angles


WALK_IMAGE_SHA256 = "95800fb26ddf7421da4f13e1c75ddc4f35cb7447c77553db964167880e10e973"
"""sha256 of ``np.round(pose.image, 9)`` for ``SyntheticSpec(movement="walk")``, recorded before the sideways
sway and circumduction were added: with them at 0 the walk is the same to the bit."""


def test_new_walk_faults_at_zero_change_nothing() -> None:
    pose, truth = generate(SyntheticSpec(movement="walk"))
    assert hashlib.sha256(np.round(pose.image, 9).tobytes()).hexdigest() == WALK_IMAGE_SHA256
    gait = _gait(truth)
    assert gait.lean_sway_deg == 0.0 and gait.circumduction_m == 0.0


def test_planted_sideways_sway_leans_over_each_stance_foot() -> None:
    spec = SyntheticSpec(movement="walk", gait=Gait(lean_sway_deg=5.0, lateral_lean_deg=2.0))
    truth = generate(spec)[1]
    lean = truth.angles["trunk_lateral_lean"]
    assert np.ptp(lean) == pytest.approx(10.0, abs=0.3) and np.mean(lean) == pytest.approx(2.0, abs=0.5)
    gait = _gait(truth)
    left_hs, right_hs = gait.heel_strike_s["left"], gait.heel_strike_s["right"]
    mid_left = np.array([0.5 * (t + _next(right_hs, t)) for t in left_hs[:-1]]) + 0.05
    mid_right = np.array([0.5 * (t + _next(left_hs, t)) for t in right_hs if t < left_hs[-1]]) + 0.05
    for times, sign in ((mid_left, 1.0), (mid_right, -1.0)):
        points = _body_points(spec, times)
        trunk = 0.5 * (points[:, IDX["left_shoulder"]] + points[:, IDX["right_shoulder"]]) - 0.5 * (
            points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]]
        )
        degrees = np.degrees(np.arctan2(trunk[:, LEFT], trunk[:, UP]))
        assert np.all(sign * (degrees - 2.0) > 3.0), "the trunk leans over the supporting foot"


def test_planted_circumduction_arcs_one_foot_out_and_lands_it_on_its_line() -> None:
    spec = SyntheticSpec(movement="walk", gait=Gait(circumduction_m=0.10, circumduction_side="left"))
    truth = _gait(generate(spec)[1])
    width = 0.07 * spec.height_m
    off, strikes = truth.toe_off_s["left"], truth.heel_strike_s["left"]
    swings = [(t, _next(strikes, t)) for t in off if t < strikes[-1]]
    mid = np.array([0.5 * (a + b) for a, b in swings])
    ends = np.array([b for _, b in swings])
    mid_points, end_points = _body_points(spec, mid), _body_points(spec, ends)
    assert np.allclose(mid_points[:, IDX["left_ankle"], LEFT], width / 2 + 0.10, atol=0.01)
    assert np.allclose(end_points[:, IDX["left_heel"], LEFT], width / 2, atol=1e-9)
    assert np.allclose(mid_points[:, IDX["right_ankle"], LEFT], -width / 2, atol=1e-9), "the other foot stands"
    assert truth.circumduction_m == 0.10 and truth.circumduction_side == "left"


@pytest.mark.parametrize(
    "bad", [{"lean_sway_deg": -1.0}, {"lean_sway_deg": 20.0}, {"circumduction_m": 0.5}, {"circumduction_side": "up"}]
)
def test_new_walk_faults_reject_bad_values(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        Gait(**bad)
