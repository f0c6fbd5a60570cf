"""Tests of the synthetic forward reach (Functional Reach Test): exact reach, horizontal arm, planted feet, faults."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pytest

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, ForwardReach, ForwardReachTruth, SyntheticSpec, SyntheticTruth, generate
from movequal.synthetic.camera import TOWARDS_CAMERA

VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")
FEET = ("ankle", "heel", "foot_index")
SIDES = ("left", "right")


def _fr(
    reps: int = 2, view: str = "sagittal-left", seed: int = 0, noise_px: float = 0.0, **kw: Any
) -> tuple[PoseSequence, SyntheticTruth, ForwardReachTruth]:
    camera = Camera(view=view)  # type: ignore[arg-type]
    spec = SyntheticSpec(
        movement="forward-reach",
        reps=reps,
        camera=camera,
        seed=seed,
        noise_px=noise_px,
        forward_reach=ForwardReach(**kw),
    )
    pose, truth = generate(spec)
    assert isinstance(truth.forward_reach, ForwardReachTruth)
    return pose, truth, truth.forward_reach


def _body(pose: PoseSequence) -> np.ndarray:
    """World landmarks (camera axes: right, down, away) turned back to (forward, up, left) about the hip mid-point."""
    fwd, left = TOWARDS_CAMERA[str(pose.source["view"])]
    towards, right = np.array([fwd, 0.0, left]), np.array([-left, 0.0, fwd])
    w = pose.world
    out = w[..., :1] * right - w[..., 2:] * towards
    out[..., 1] = -w[..., 1]
    return out


def _fixed(pose: PoseSequence) -> np.ndarray:
    """(forward, up) metres in the room from an orthographic side view (``sagittal-left``: facing image-left)."""
    assert pose.source["orthographic"] and pose.source["view"] == "sagittal-left"
    width, height = pose.frame_size
    scale = float(pose.source["px_per_m"])
    return np.stack([-pose.image[..., 0] * width / scale, -pose.image[..., 1] * height / scale], axis=-1)


def _frames(pose: PoseSequence, times: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(times) * pose.fps).astype(int)


def _start_frames(pose: PoseSequence, fr: ForwardReachTruth) -> np.ndarray:
    """A frame in the middle of each pause at the start position."""
    return _frames(pose, 0.5 * (fr.arm_ups + fr.reach_starts))


def _raised(arms: str) -> tuple[str, ...]:
    return SIDES if arms == "both" else (arms,)


def _hand(p: np.ndarray, arms: str, joint: str = "wrist") -> np.ndarray:
    """Position of the reaching hand's ``joint`` (both arms: the two hands' mid-point)."""
    return np.mean([p[..., IDX[f"{side}_{joint}"], :] for side in _raised(arms)], axis=0)


def _measured_reach(
    pose: PoseSequence, fr: ForwardReachTruth, joint: str = "wrist", average: bool = False
) -> np.ndarray:
    """Forward travel of the hand from the start position to the furthest point, against the planted toe."""
    p = _body(pose)
    toe = "left" if fr.step_side == "right" else "right"  # the foot that never steps
    rel = _hand(p, fr.arms, joint) - p[:, IDX[f"{toe}_foot_index"]]
    if not average:
        return rel[_frames(pose, fr.furthest), 0] - rel[_start_frames(pose, fr), 0]
    hold = [
        rel[a + 1 : b, 0].mean() for a, b in zip(_frames(pose, fr.arrivals), _frames(pose, fr.departures), strict=True)
    ]
    ready = [
        rel[a + 1 : b, 0].mean() for a, b in zip(_frames(pose, fr.arm_ups), _frames(pose, fr.reach_starts), strict=True)
    ]
    return np.asarray(hold) - np.asarray(ready)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    ("arms", "reach", "share"), [("right", 0.30, 0.6), ("left", 0.15, 0.0), ("both", 0.45, 1.0), ("right", 0.6, 0.3)]
)
def test_planted_reach_is_recovered_from_the_3d_landmarks(view: str, arms: str, reach: float, share: float) -> None:
    pose, _, fr = _fr(view=view, arms=arms, reach_m=reach, hip_share=share)
    assert np.allclose(fr.reach_m, reach, atol=1e-9)
    assert np.allclose(fr.reach_leg * fr.leg_length_m, fr.reach_m)
    for joint in ("wrist", "index"):
        assert np.allclose(_measured_reach(pose, fr, joint), reach, atol=0.005)
    # The truth's wrist positions agree (both arms: each hand travels the reach, no rotation planted).
    for side in _raised(arms):
        s = SIDES.index(side)
        assert np.allclose(fr.furthest_wrist_m[:, s, 0] - fr.start_wrist_m[:, s, 0], reach, atol=1e-9)
        assert np.allclose(fr.furthest_wrist_m[:, s, 1], fr.furthest_wrist_m[:, s, 1][0])
    for side in set(SIDES) - set(_raised(arms)):
        assert np.isnan(fr.start_wrist_m[:, SIDES.index(side)]).all()


@pytest.mark.parametrize(
    "faults",
    [
        {"heel_rise_m": 0.05},
        {"trunk_rotation_deg": 20.0},
        {"trunk_rotation_deg": -15.0, "arms": "left"},
        {"step_m": 0.3, "step_rep": 1},
        {"heel_rise_m": 0.03, "trunk_rotation_deg": 25.0, "step_m": 0.2, "arms": "both", "hip_share": 0.2},
    ],
)
def test_reach_stays_exact_with_faults(faults: dict[str, Any]) -> None:
    pose, _, fr = _fr(view="oblique", reach_m=0.25, **faults)
    assert np.allclose(fr.reach_m, 0.25, atol=1e-9)
    assert np.allclose(_measured_reach(pose, fr), 0.25, atol=0.005)


def test_reach_survives_noise_when_averaged_over_the_pauses() -> None:
    pose, _, fr = _fr(reps=3, view="sagittal-right", seed=7, noise_px=1.0, reach_m=0.35)
    assert np.allclose(_measured_reach(pose, fr, average=True), 0.35, atol=0.005)


def test_reach_variability_is_seeded_and_recovered() -> None:
    _, _, a = _fr(reps=5, seed=1, reach_sd_m=0.04)
    _, _, b = _fr(reps=5, seed=1, reach_sd_m=0.04)
    pose, _, c = _fr(reps=5, seed=2, reach_sd_m=0.04)
    assert np.array_equal(a.reach_m, b.reach_m) and not np.allclose(a.reach_m, c.reach_m)
    assert np.ptp(c.reach_m) > 0.01 and np.all((c.reach_m >= 0.0) & (c.reach_m <= 0.6))
    assert np.allclose(_measured_reach(pose, c), c.reach_m, atol=0.005)
    _, _, noisy = _fr(reps=5, seed=2, noise_px=2.0, reach_sd_m=0.04)
    assert np.array_equal(noisy.reach_m, c.reach_m)  # the noise does not change the draw


@pytest.mark.parametrize("arms", ["right", "left", "both"])
def test_arm_is_horizontal_at_the_start_position_and_all_through_the_reach(arms: str) -> None:
    pose, truth, fr = _fr(arms=arms, view="frontal", heel_rise_m=0.03, trunk_rotation_deg=10.0, step_m=0.2)
    p = _body(pose)
    t = pose.timestamps
    up = np.zeros(len(t), dtype=bool)
    for rise, fall in zip(fr.arm_ups, fr.returns, strict=True):
        up |= (t >= rise + 1e-9) & (t <= fall - 1e-9)
    for side in SIDES:
        drop = p[:, IDX[f"{side}_shoulder"], 1] - p[:, IDX[f"{side}_wrist"], 1]
        if side in _raised(arms):
            for frames in (_start_frames(pose, fr), _frames(pose, fr.furthest)):
                assert np.abs(drop[frames]).max() < 0.02
            assert np.abs(drop[up]).max() < 0.02
            assert np.abs(truth.angles[f"arm_inclination_{side}"][up]).max() < 1e-6
        else:
            assert drop.min() > 0.5  # the other arm hangs
    # The start position has the trunk upright and the arm ahead at shoulder height; at rest the arms hang.
    start = _start_frames(pose, fr)
    assert np.abs(truth.angles["trunk_pitch"][start]).max() < 1e-9
    for side in _raised(arms):
        s = SIDES.index(side)
        assert np.all(fr.furthest_wrist_m[:, s, 0] > fr.start_wrist_m[:, s, 0])
        assert np.allclose(fr.start_wrist_m[:, s, 1], fr.start_wrist_m[0, s, 1])
    rest = _frames(pose, fr.starts) - 5
    assert np.all(p[rest, IDX["right_wrist"], 1] < p[rest, IDX["right_hip"], 1] + 0.1)


def test_feet_stay_planted_without_faults() -> None:
    spec = SyntheticSpec(
        movement="forward-reach",
        reps=3,
        camera=Camera(orthographic=True),
        forward_reach=ForwardReach(reach_m=0.4, hip_share=0.5, reach_sd_m=0.05),
    )
    pose, truth = generate(spec)
    room = _fixed(pose)
    for side in SIDES:
        for joint in FEET:
            track = room[:, IDX[f"{side}_{joint}"]]
            assert np.ptp(track, axis=0).max() < 0.002
        assert np.abs(truth.angles[f"heel_height_{side}"]).max() < 1e-9
        assert np.abs(truth.angles[f"knee_flexion_{side}"]).max() < 0.01  # straight legs
    fr = truth.forward_reach
    assert fr is not None
    assert not fr.stepped.any() and np.all(fr.valid) and np.abs(fr.step_m).max() < 1e-9
    assert np.abs(fr.heel_rise_m).max() < 1e-9 and np.abs(fr.trunk_rotation_deg).max() < 1e-6
    assert np.abs(truth.angles["trunk_rotation"]).max() < 1e-6
    # The hips move while the feet stay: the hip strategy pushes them back.
    assert np.all(fr.hip_shift_m > 0.03)


def test_heel_rise_is_present_exactly_when_planted() -> None:
    spec = SyntheticSpec(
        movement="forward-reach",
        reps=2,
        camera=Camera(orthographic=True),
        forward_reach=ForwardReach(heel_rise_m=0.04),
    )
    pose, truth = generate(spec)
    fr = truth.forward_reach
    assert fr is not None
    room = _fixed(pose)
    furthest = _frames(pose, fr.furthest)
    for side in SIDES:
        heel = room[:, IDX[f"{side}_heel"], 1] - room[0, IDX[f"{side}_heel"], 1]
        assert np.allclose(heel[furthest], 0.04, atol=0.002)
        assert np.abs(heel[_start_frames(pose, fr)]).max() < 0.002  # down at the start position
        assert np.ptp(room[:, IDX[f"{side}_foot_index"]], axis=0).max() < 0.002  # the toes stay down
        assert np.allclose(truth.angles[f"heel_height_{side}"][furthest] * fr.leg_length_m, 0.04)
    assert np.allclose(fr.heel_rise_m, 0.04)
    assert not fr.stepped.any() and np.abs(fr.trunk_rotation_deg).max() < 1e-6


@pytest.mark.parametrize("arms", ["right", "left", "both"])
def test_step_is_present_exactly_when_planted(arms: str) -> None:
    spec = SyntheticSpec(
        movement="forward-reach",
        reps=3,
        camera=Camera(orthographic=True),
        forward_reach=ForwardReach(arms=arms, step_m=0.25, step_rep=1, heel_rise_m=0.02),  # type: ignore[arg-type]
    )
    pose, truth = generate(spec)
    fr = truth.forward_reach
    assert fr is not None
    stepper = "left" if arms == "left" else "right"
    stance = "right" if stepper == "left" else "left"
    assert fr.step_side == stepper
    assert list(fr.stepped) == [False, True, False] and list(fr.valid) == [True, False, True]
    assert np.allclose(fr.step_m, [0.0, 0.25, 0.0], atol=1e-9)
    room = _fixed(pose)
    toe = room[:, IDX[f"{stepper}_foot_index"], 0] - room[0, IDX[f"{stepper}_foot_index"], 0]
    furthest = _frames(pose, fr.furthest)
    assert np.allclose(toe[furthest], [0.0, 0.25, 0.0], atol=0.002)
    assert np.abs(toe[_frames(pose, fr.starts[2]) :]).max() < 0.002  # back in place after the stepping trial
    assert np.ptp(room[:, IDX[f"{stance}_foot_index"]], axis=0).max() < 0.002  # the other foot stays
    # The stepping foot lands flat; the stance heel still rises.
    assert fr.heel_rise_m[1, SIDES.index(stepper)] < 1e-9 and fr.heel_rise_m[1, SIDES.index(stance)] > 0.019
    # The legs keep their lengths (the pelvis lowers so the stepping leg reaches its foot).
    p = _body(pose)
    for side in SIDES:
        thigh = np.linalg.norm(p[:, IDX[f"{side}_hip"]] - p[:, IDX[f"{side}_knee"]], axis=1)
        shank = np.linalg.norm(p[:, IDX[f"{side}_knee"]] - p[:, IDX[f"{side}_ankle"]], axis=1)
        assert np.ptp(thigh) < 1e-9 and np.ptp(shank) < 1e-9
    # Without a step both feet stay put in every trial.
    _, _, no_step = _fr(reps=3, heel_rise_m=0.02)
    assert not no_step.stepped.any()
    assert np.abs(no_step.step_m).max() < 1e-9


@pytest.mark.parametrize(("arms", "rotation"), [("right", 20.0), ("left", 15.0), ("both", -10.0), ("right", 0.0)])
def test_trunk_rotation_is_present_exactly_when_planted(arms: str, rotation: float) -> None:
    pose, truth, fr = _fr(view="oblique", arms=arms, trunk_rotation_deg=rotation)
    p = _body(pose)
    d = p[:, IDX["left_shoulder"]] - p[:, IDX["right_shoulder"]]
    h = p[:, IDX["left_hip"]] - p[:, IDX["right_hip"]]
    yaw = np.degrees(np.arctan2(-d[:, 0], d[:, 2]) - np.arctan2(-h[:, 0], h[:, 2]))  # + right shoulder ahead
    sign = -1.0 if arms == "left" else 1.0
    furthest = _frames(pose, fr.furthest)
    assert np.allclose(sign * yaw[furthest], rotation, atol=0.05)
    assert np.allclose(fr.trunk_rotation_deg, rotation, atol=1e-6)
    assert np.abs(yaw[_start_frames(pose, fr)]).max() < 1e-6  # square at the start position
    if rotation > 0 and arms != "both":  # the reaching shoulder is the one ahead
        s = IDX[f"{arms}_shoulder"]
        o = IDX[f"{'left' if arms == 'right' else 'right'}_shoulder"]
        assert np.all(p[furthest, s, 0] > p[furthest, o, 0])
    assert np.allclose(truth.angles["trunk_rotation"][furthest], rotation, atol=1e-6)


@pytest.mark.parametrize("share", [0.0, 0.6, 1.0])
def test_strategy_mix(share: float) -> None:
    _, truth, fr = _fr(reach_m=0.2, hip_share=share)
    assert np.allclose(fr.hip_reach_m, share * 0.2, atol=1e-4)
    furthest = truth.rep_bottoms
    hip_flexion = truth.angles["hip_flexion_left"][furthest]
    if share == 0.0:  # a straight body tipping at the ankles: the hips carried forward, no hip flexion
        assert np.all(fr.hip_shift_m < -0.05) and np.abs(hip_flexion).max() < 0.5
        assert np.allclose(fr.trunk_inclination_deg, fr.ankle_tilt_deg, atol=1e-6)
    elif share == 1.0:  # all hip strategy: hips back, no ankle tilt
        assert np.all(fr.hip_shift_m > 0.05) and np.abs(fr.ankle_tilt_deg).max() < 1e-6
    assert np.all(fr.trunk_inclination_deg > 5.0)


def test_more_hip_strategy_flexes_the_trunk_more() -> None:
    incl = [_fr(reach_m=0.3, hip_share=s)[2].trunk_inclination_deg[0] for s in (0.0, 0.5, 1.0)]
    shift = [_fr(reach_m=0.3, hip_share=s)[2].hip_shift_m[0] for s in (0.0, 0.5, 1.0)]
    assert incl[0] < incl[1] < incl[2] and shift[0] < shift[1] < shift[2]


def test_rep_count_and_times_match_the_spec() -> None:
    fr_spec = ForwardReach(raise_s=0.8, ready_s=0.4, reach_s=1.6, hold_s=1.2, return_s=1.0, lower_s=0.6, rest_s=2.0)
    spec = SyntheticSpec(movement="forward-reach", reps=4, forward_reach=fr_spec)
    pose, truth = generate(spec)
    fr = truth.forward_reach
    assert fr is not None and fr.reps == fr.rep_count == 4 and len(truth.rep_windows) == 4
    period, k = 0.8 + 0.4 + 1.6 + 1.2 + 1.0 + 0.6 + 2.0, np.arange(4)
    assert np.allclose(fr.starts, 2.0 + k * period)
    assert np.allclose(fr.arm_ups, fr.starts + 0.8) and np.allclose(fr.reach_starts, fr.arm_ups + 0.4)
    assert np.allclose(fr.arrivals, fr.reach_starts + 1.6) and np.allclose(fr.furthest, fr.arrivals + 0.6)
    assert np.allclose(fr.departures, fr.arrivals + 1.2) and np.allclose(fr.returns, fr.departures + 1.0)
    assert np.allclose(fr.ends, fr.returns + 0.6)
    assert spec.total_seconds == pytest.approx(4 * 5.6 + 5 * 2.0)
    assert len(pose) == spec.n_frames == round(spec.total_seconds * 30) + 1
    assert list(truth.rep_bottoms) == [w[1] for w in truth.rep_windows] == list(_frames(pose, fr.furthest))
    assert [w[0] for w in truth.rep_windows] == list(_frames(pose, fr.starts))
    assert [w[2] for w in truth.rep_windows] == list(_frames(pose, fr.ends))
    # The hand is at its furthest all through each hold, and nowhere further.
    reach = truth.angles["hand_reach_right"] * fr.leg_length_m
    t = pose.timestamps
    for (start, _, end), arrive, leave in zip(truth.rep_windows, fr.arrivals, fr.departures, strict=True):
        hold = (t >= arrive) & (t <= leave)
        assert np.allclose(reach[hold], 0.3) and reach[start : end + 1].max() <= 0.3 + 1e-9
    # Outside the trials the arms hang and the trunk is upright.
    resting = np.ones(len(t), dtype=bool)
    for start, end in zip(fr.starts, fr.ends, strict=True):
        resting &= (t <= start) | (t >= end)
    assert np.all(truth.angles["arm_inclination_right"][resting] < -80.0)
    assert np.abs(truth.angles["trunk_pitch"][resting]).max() < 1e-9


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_films_the_whole_reach(view: str) -> None:
    pose, truth, _ = _fr(view=view, arms="both", reach_m=0.5, hip_share=0.3, step_m=0.3, heel_rise_m=0.03)
    assert np.isfinite(pose.image).all() and np.isfinite(pose.world).all()
    assert (pose.image[..., :2] >= 0.0).all() and (pose.image[..., :2] <= 1.0).all()
    for frame in truth.rep_bottoms:
        for side in SIDES:
            assert pose.visibility[frame, IDX[f"{side}_wrist"]] > 0.3
    assert pose.source["movement"] == "forward-reach"
    expected = asdict(ForwardReach(arms="both", reach_m=0.5, hip_share=0.3, step_m=0.3, heel_rise_m=0.03))
    assert pose.source["forward_reach"] == expected


def test_noise_and_dropouts_work_as_for_the_other_movements() -> None:
    spec = SyntheticSpec(movement="forward-reach", noise_px=2.0, dropout=0.1, seed=4)
    pose, truth = generate(spec)
    missing = np.isnan(pose.image).all(axis=(1, 2))
    assert 0.05 < missing.mean() < 0.15
    assert np.isfinite(pose.image[~missing]).all()
    clean, clean_truth = generate(SyntheticSpec(movement="forward-reach"))
    assert np.allclose(truth.angles["hand_reach_right"], clean_truth.angles["hand_reach_right"])
    assert not np.allclose(pose.image[~missing], clean.image[~missing])


def test_defaults_and_other_movements() -> None:
    spec = SyntheticSpec(movement="forward-reach")
    assert spec.forward_reach is None and spec.resolved_forward_reach == ForwardReach()
    default = ForwardReach()
    assert (default.arms, default.reach_m, default.hip_share, default.reach_sd_m) == ("right", 0.30, 0.6, 0.0)
    assert default.heel_rise_m == default.step_m == default.trunk_rotation_deg == 0.0
    squat, squat_truth = generate(SyntheticSpec())
    other, other_truth = generate(SyntheticSpec(forward_reach=ForwardReach(reach_m=0.5, step_m=0.2)))
    assert np.array_equal(squat.image, other.image) and other_truth.forward_reach is None
    assert squat_truth.forward_reach is None and "forward_reach" not in squat.source


@pytest.mark.parametrize(
    "kwargs",
    [
        {"arms": "both-ish"},
        {"reach_m": -0.01},
        {"reach_m": 0.61},
        {"reach_sd_m": -0.01},
        {"reach_sd_m": 0.2},
        {"hip_share": 1.1},
        {"hip_share": -0.1},
        {"raise_s": 0.1},
        {"reach_s": 0.0},
        {"return_s": 100.0},
        {"lower_s": 0.0},
        {"ready_s": -0.1},
        {"hold_s": -1.0},
        {"rest_s": -1.0},
        {"heel_rise_m": -0.01},
        {"heel_rise_m": 0.1},
        {"step_m": -0.1},
        {"step_m": 0.5},
        {"step_rep": -1},
        {"step_rep": 1.5},
        {"trunk_rotation_deg": 31.0},
        {"trunk_rotation_deg": -45.0},
    ],
)
def test_bad_values_are_rejected(kwargs: dict[str, object]) -> None:
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        ForwardReach(**kwargs)  # type: ignore[arg-type]


def test_spec_rejects_a_bad_forward_reach() -> None:
    with pytest.raises(ValueError, match="forward_reach"):
        SyntheticSpec(movement="forward-reach", forward_reach={"arms": "left"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="step_rep"):
        SyntheticSpec(movement="forward-reach", reps=2, forward_reach=ForwardReach(step_m=0.2, step_rep=2))
    SyntheticSpec(movement="squat", reps=2, forward_reach=ForwardReach(step_rep=2))  # ignored elsewhere
