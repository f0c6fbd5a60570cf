"""Tests of the synthetic overhead reach: exact arm elevation, planted trunk faults, timing, views, validation."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pytest

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, Reach, ReachTruth, SyntheticSpec, SyntheticTruth, generate
from movequal.synthetic.camera import TOWARDS_CAMERA

VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")
ARM_POINTS = ("shoulder", "elbow", "wrist")
TOL = 0.5


def _reach(reps: int = 2, view: str = "sagittal-left", seed: int = 0, **kw: Any) -> tuple[PoseSequence, SyntheticTruth]:
    camera = Camera(view=view)  # type: ignore[arg-type]
    return generate(SyntheticSpec(movement="overhead-reach", reps=reps, camera=camera, seed=seed, reach=Reach(**kw)))


def _body(pose: PoseSequence) -> np.ndarray:
    """World landmarks (camera axes: right, down, away) turned back to (forward, up, left) about the hip mid-point."""
    fwd, left = TOWARDS_CAMERA[str(pose.source["view"])]
    towards, right = np.array([fwd, 0.0, left]), np.array([-left, 0.0, fwd])
    w = pose.world
    out = w[..., :1] * right - w[..., 2:] * towards
    out[..., 1] = -w[..., 1]
    return out


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _elevation(p: np.ndarray, side: str) -> np.ndarray:
    sh, el, hip = (p[..., IDX[f"{side}_{j}"], :] for j in ("shoulder", "elbow", "hip"))
    return _angle(el - sh, hip - sh)


def _trunk(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sagittal (+ forward) and frontal (+ towards the left) tilt of the hip-mid → shoulder-mid line, degrees."""
    c = 0.5 * (p[..., IDX["left_shoulder"], :] + p[..., IDX["right_shoulder"], :])
    c = c - 0.5 * (p[..., IDX["left_hip"], :] + p[..., IDX["right_hip"], :])
    return np.degrees(np.arctan2(c[..., 0], c[..., 1])), np.degrees(np.arctan2(c[..., 2], c[..., 1]))


def _frames(pose: PoseSequence, times: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(times) * pose.fps).astype(int)


@pytest.mark.parametrize("view", ["sagittal-left", "frontal"])
@pytest.mark.parametrize(("peak", "plane"), [(170.0, 0.0), (150.0, 30.0), (120.0, 90.0)])
def test_peak_elevation_is_exact_in_world_landmarks(view: str, peak: float, plane: float) -> None:
    pose, truth = _reach(view=view, peak_elevation_deg=peak, plane_deg=plane)
    body = _body(pose)
    reach = truth.reach
    assert isinstance(reach, ReachTruth)
    tops = _frames(pose, reach.tops)
    for side in ("left", "right"):
        measured = _elevation(body[tops], side)
        assert np.allclose(measured, peak, atol=TOL)
        assert np.allclose(reach.peak_elevation(side), peak, atol=1e-6)
        # The top is the peak: no frame of the rep goes higher.
        for start, top, end in truth.rep_windows:
            assert _elevation(body[start : end + 1], side).max() <= measured[0] + 1e-6
            assert top in range(start, end + 1)


@pytest.mark.parametrize("plane", [0.0, 30.0, 90.0])
def test_plane_and_elbow_at_the_top(plane: float) -> None:
    pose, truth = _reach(reps=1, plane_deg=plane, elbow_flexion_deg=20.0)
    p = _body(pose)[truth.rep_bottoms[0]]
    for side, outward in (("left", 1.0), ("right", -1.0)):
        sh, el, wr, hip = (p[IDX[f"{side}_{j}"]] for j in ("shoulder", "elbow", "wrist", "hip"))
        down = (hip - sh) / np.linalg.norm(hip - sh)
        across = p[IDX["left_shoulder"]] - p[IDX["right_shoulder"]]
        lateral = across - (across @ down) * down
        lateral = outward * lateral / np.linalg.norm(lateral)
        upper = el - sh
        upper = upper - (upper @ down) * down
        forward = upper - (upper @ lateral) * lateral
        assert np.degrees(np.arctan2(upper @ lateral, np.sign(forward[0]) * np.linalg.norm(forward))) == pytest.approx(
            plane, abs=TOL
        )
        assert 180.0 - _angle(sh - el, wr - el) == pytest.approx(20.0, abs=TOL)


@pytest.mark.parametrize("arms", ["both", "left", "right"])
def test_back_arch_and_side_lean_are_recovered(arms: str) -> None:
    pose, truth = _reach(view="oblique", arms=arms, back_arch_deg=12.0, side_lean_deg=8.0)
    reach = truth.reach
    assert reach is not None
    pitch, lean = _trunk(_body(pose))
    starts, tops = _frames(pose, reach.starts), _frames(pose, reach.tops)
    toward_left = {"both": 1.0, "right": 1.0, "left": -1.0}[arms]
    assert np.allclose(pitch[starts], 0.0, atol=1e-6) and np.allclose(lean[starts], 0.0, atol=1e-6)
    assert np.allclose(pitch[starts] - pitch[tops], 12.0, atol=TOL)  # backward
    assert np.allclose(lean[tops] - lean[starts], 8.0 * toward_left, atol=TOL)
    assert np.allclose(reach.trunk_extension_deg, 12.0, atol=1e-6)
    assert np.allclose(reach.lateral_lean_deg, 8.0, atol=1e-6)
    # The raised arm still reaches its planted elevation against the tilted trunk.
    for side in ("left", "right") if arms == "both" else (arms,):
        assert np.allclose(_elevation(_body(pose)[tops], side), 170.0, atol=TOL)


def test_back_arch_slides_the_pelvis_forward_over_planted_feet() -> None:
    pose, truth = _reach(back_arch_deg=15.0)
    angles = truth.angles
    top = truth.rep_bottoms[0]
    assert angles["posterior_hip_shift"][top] < -0.03  # hips ahead of the ankles
    assert angles["trunk_pitch"][top] == pytest.approx(-15.0, abs=1e-6)
    assert angles["lumbar_flexion"][top] == pytest.approx(-15.0, abs=1e-6)  # signed: an extension
    for side in ("left", "right"):
        assert np.abs(angles[f"knee_flexion_{side}"]).max() < 0.01
        assert np.abs(angles[f"heel_height_{side}"]).max() < 1e-9
    pts = _body(pose)
    ankle = pts[:, IDX["left_ankle"]] - 0.5 * (pts[:, IDX["left_hip"]] + pts[:, IDX["right_hip"]])
    assert np.ptp(ankle[:, 0]) > 0.03  # the hips move over the still feet


def test_no_faults_keep_the_trunk_and_hips_still() -> None:
    pose, truth = _reach(reps=3, view="frontal", arms="right", plane_deg=90.0, peak_sd_deg=5.0)
    pitch, lean = _trunk(_body(pose))
    assert np.abs(pitch).max() < TOL and np.abs(lean).max() < TOL
    assert truth.reach is not None
    assert np.abs(truth.reach.trunk_extension_deg).max() < TOL and np.abs(truth.reach.lateral_lean_deg).max() < TOL
    assert np.ptp(truth.angles["lateral_hip_shift"]) < 1e-9 and np.ptp(truth.angles["posterior_hip_shift"]) < 1e-9


def test_rep_count_and_times_match_the_spec() -> None:
    reach = Reach(up_s=1.0, hold_s=0.6, down_s=1.4, rest_s=0.8)
    spec = SyntheticSpec(movement="overhead-reach", reps=4, reach=reach)
    pose, truth = generate(spec)
    rt = truth.reach
    assert rt is not None and rt.reps == rt.rep_count == 4 and len(truth.rep_windows) == 4
    period = 1.0 + 0.6 + 1.4 + 0.8
    k = np.arange(4)
    assert np.allclose(rt.starts, 0.8 + k * period)
    assert np.allclose(rt.arrivals, rt.starts + 1.0) and np.allclose(rt.departures, rt.arrivals + 0.6)
    assert np.allclose(rt.tops, 0.8 + 1.0 + 0.3 + k * period)
    assert np.allclose(rt.ends, rt.starts + 3.0)
    assert spec.total_seconds == pytest.approx(4 * 3.0 + 5 * 0.8)
    assert len(pose) == spec.n_frames == round(spec.total_seconds * 30) + 1
    assert list(truth.rep_bottoms) == [w[1] for w in truth.rep_windows] == list(np.rint(rt.tops * 30).astype(int))
    # The elevation is at rest outside the reps and peaks inside each hold.
    elevation = truth.angles["arm_elevation_left"]
    t = pose.timestamps
    resting = np.ones(len(t), dtype=bool)
    for start, arrive, leave, end in zip(rt.starts, rt.arrivals, rt.departures, rt.ends, strict=True):
        resting &= (t <= start) | (t >= end)
        hold = (t >= arrive) & (t <= leave)
        assert np.allclose(elevation[hold], 170.0)
    assert np.allclose(elevation[resting], rt.rest_elevation_deg) and 5.0 < rt.rest_elevation_deg < 15.0


def test_single_arm_leaves_the_other_hanging() -> None:
    pose, truth = _reach(reps=2, arms="left", back_arch_deg=10.0, side_lean_deg=10.0)
    body = _body(pose)
    assert _elevation(body, "right").max() < 20.0
    assert _elevation(body, "left").max() == pytest.approx(170.0, abs=TOL)
    assert truth.reach is not None
    assert np.isnan(truth.reach.peak_elevation_right_deg).all()
    assert np.allclose(truth.reach.peak_elevation_left_deg, 170.0)


def test_peak_variability_is_seeded_and_recovered() -> None:
    _, a = _reach(reps=5, seed=1, peak_sd_deg=4.0)
    _, b = _reach(reps=5, seed=1, peak_sd_deg=4.0)
    pose, c = _reach(reps=5, seed=2, peak_sd_deg=4.0)
    assert a.reach is not None and b.reach is not None and c.reach is not None
    assert np.array_equal(a.reach.peak_elevation_left_deg, b.reach.peak_elevation_left_deg)
    assert not np.allclose(a.reach.peak_elevation_left_deg, c.reach.peak_elevation_left_deg)
    assert np.ptp(c.reach.peak_elevation_left_deg) > 1.0
    measured = _elevation(_body(pose)[_frames(pose, c.reach.tops)], "right")
    assert np.allclose(measured, c.reach.peak_elevation_right_deg, atol=TOL)
    spec = SyntheticSpec(movement="overhead-reach", reps=5, seed=2, noise_px=2.0, reach=Reach(peak_sd_deg=4.0))
    noisy = generate(spec)[1].reach
    assert noisy is not None and np.array_equal(noisy.peak_elevation_left_deg, c.reach.peak_elevation_left_deg)


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_films_the_raised_arms(view: str) -> None:
    pose, truth = _reach(view=view, back_arch_deg=10.0, side_lean_deg=10.0)
    assert np.isfinite(pose.image).all() and np.isfinite(pose.world).all()
    assert (pose.image[..., :2] >= 0.0).all() and (pose.image[..., :2] <= 1.0).all()
    for top in truth.rep_bottoms:
        for side in ("left", "right"):
            for joint in ARM_POINTS:
                assert pose.visibility[top, IDX[f"{side}_{joint}"]] > 0.3
        # Wrists overhead: above the nose in the picture.
        assert pose.image[top, IDX["left_wrist"], 1] < pose.image[top, IDX["nose"], 1]
    assert pose.source["movement"] == "overhead-reach"
    assert pose.source["reach"] == asdict(Reach(back_arch_deg=10.0, side_lean_deg=10.0))


def test_noise_and_dropouts_work_as_for_the_other_movements() -> None:
    spec = SyntheticSpec(movement="overhead-reach", noise_px=2.0, dropout=0.1, seed=4)
    pose, truth = generate(spec)
    missing = np.isnan(pose.image).all(axis=(1, 2))
    assert 0.05 < missing.mean() < 0.15
    assert np.isfinite(pose.image[~missing]).all()
    clean, clean_truth = generate(SyntheticSpec(movement="overhead-reach"))
    assert np.allclose(truth.angles["arm_elevation_left"], clean_truth.angles["arm_elevation_left"])
    assert not np.allclose(pose.image[~missing], clean.image[~missing])


def test_defaults_and_other_movements() -> None:
    spec = SyntheticSpec(movement="overhead-reach")
    assert spec.reach is None and spec.resolved_reach == Reach()
    assert Reach().arms == "both" and Reach().plane_deg == 0.0 and Reach().peak_elevation_deg == 170.0
    squat, squat_truth = generate(SyntheticSpec())
    with_reach, with_truth = generate(SyntheticSpec(reach=Reach(back_arch_deg=20.0)))
    assert np.array_equal(squat.image, with_reach.image) and with_truth.reach is None and squat_truth.reach is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"peak_elevation_deg": 181.0},
        {"peak_elevation_deg": -1.0},
        {"arms": "both-ish"},
        {"plane_deg": 120.0},
        {"elbow_flexion_deg": -5.0},
        {"peak_sd_deg": -1.0},
        {"up_s": 0.0},
        {"down_s": 0.1},
        {"hold_s": -0.5},
        {"rest_s": -1.0},
        {"back_arch_deg": -5.0},
        {"back_arch_deg": 31.0},
        {"side_lean_deg": 45.0},
    ],
)
def test_bad_values_are_rejected(kwargs: dict[str, object]) -> None:
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        Reach(**kwargs)  # type: ignore[arg-type]


def test_spec_rejects_a_reach_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="reach"):
        SyntheticSpec(movement="overhead-reach", reach={"arms": "left"})  # type: ignore[arg-type]
