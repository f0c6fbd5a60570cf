"""Tests of the synthetic motion generator: geometry, conventions, planted faults, noise."""

from __future__ import annotations

import json

import numpy as np
import pytest

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import LANDMARK_NAMES
from movequal.synthetic import Camera, Faults, SyntheticSpec, SyntheticTruth, generate

MOVEMENTS = ("squat", "lift", "bend", "sit-to-stand", "lunge")
VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")

PARALLEL = 0.76
"""Depth factor of a parallel squat (knees about 110°), where a front view still reads the knee's projection angle."""


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _inclination_px(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    d = upper - lower
    return np.degrees(np.arccos(np.clip(-d[:, 1] / np.linalg.norm(d, axis=1), -1.0, 1.0)))


def _image_sagittal(pose: PoseSequence, side: str) -> dict[str, np.ndarray]:
    """Sagittal angles from one side's image landmarks in pixels (the way kinematics.py reads them)."""
    px = pose.image_pixels()
    sh, hip, knee, ankle = (px[:, IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee", "ankle"))
    return {
        f"knee_flexion_{side}": 180.0 - _angle(hip, knee, ankle),
        f"hip_flexion_{side}": 180.0 - _angle(sh, hip, knee),
        f"tibia_inclination_{side}": _inclination_px(ankle, knee),
        "trunk_inclination": _inclination_px(hip, sh),
    }


def test_shapes_types_and_source() -> None:
    spec = SyntheticSpec(reps=2)
    pose, truth = generate(spec)
    n = spec.n_frames
    assert isinstance(pose, PoseSequence) and isinstance(truth, SyntheticTruth)
    assert len(pose) == n == round(spec.total_seconds * spec.fps) + 1
    assert pose.image.shape == (n, 33, 3) and pose.world.shape == (n, 33, 3) and pose.visibility.shape == (n, 33)
    assert pose.fps == 30.0 and pose.frame_size == (720, 1280)
    assert np.allclose(np.diff(pose.timestamps), 1 / 30)
    assert np.isfinite(pose.image).all() and np.isfinite(pose.world).all()
    assert ((pose.visibility > 0) & (pose.visibility <= 1)).all()
    expected = {"trunk_inclination", "pelvic_obliquity", "lateral_hip_shift", "posterior_hip_shift", "hip_height"}
    expected |= {"lumbar_flexion", "pelvis_tilt", "hip_share"}
    for side in ("left", "right"):
        expected |= {f"{m}_{side}" for m in ("hip_flexion", "knee_flexion", "tibia_inclination", "knee_fppa")}
        expected.add(f"heel_height_{side}")
    assert expected <= set(truth.angles)
    assert all(v.shape == (n,) and v.dtype == np.float64 for v in truth.angles.values())
    assert truth.rep_bottoms.dtype.kind == "i" and len(truth.rep_windows) == spec.reps
    assert truth.spec is spec
    source = json.loads(json.dumps(pose.source))
    assert source["synthetic"] is True and source["movement"] == "squat" and source["view"] == "sagittal-left"
    assert source["file"] == "synthetic"


def test_world_frame_is_metres_from_the_hips_y_down() -> None:
    pose, truth = generate(SyntheticSpec(height_m=1.8))
    w = pose.world[0]
    hip_mid = 0.5 * (w[IDX["left_hip"]] + w[IDX["right_hip"]])
    assert np.allclose(hip_mid, 0.0, atol=1e-12)
    assert w[IDX["nose"], 1] < 0 < w[IDX["left_ankle"], 1]  # y points down
    leg = np.linalg.norm(w[IDX["left_hip"]] - w[IDX["left_knee"]]) + np.linalg.norm(
        w[IDX["left_knee"]] - w[IDX["left_ankle"]]
    )
    assert leg == pytest.approx(truth.leg_length_m) and leg == pytest.approx(0.491 * 1.8)
    # Standing: straight legs, upright trunk.
    assert truth.angles["hip_height"][0] == pytest.approx(1.0)
    assert truth.angles["trunk_inclination"][0] == pytest.approx(0.0, abs=1e-9)
    assert truth.angles["knee_flexion_left"][0] == pytest.approx(0.0, abs=1e-6)


def test_deterministic_per_seed_and_different_across_seeds() -> None:
    spec = SyntheticSpec(noise_px=2.0, dropout=0.05, seed=7)
    a, _ = generate(spec)
    b, _ = generate(spec)
    c, _ = generate(SyntheticSpec(noise_px=2.0, dropout=0.05, seed=8))
    assert np.array_equal(a.image, b.image, equal_nan=True) and np.array_equal(a.world, b.world, equal_nan=True)
    assert np.array_equal(a.visibility, b.visibility)
    assert not np.array_equal(a.image, c.image, equal_nan=True)
    assert not np.array_equal(a.detected, c.detected)


@pytest.mark.parametrize("movement", MOVEMENTS)
@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right"])
def test_orthographic_side_view_angles_equal_truth(movement: str, view: str) -> None:
    camera = Camera(view=view, orthographic=True)
    faults = Faults(hip_share=0.3, heel_lift=0.02, hesitations=1, trunk_lean_deg=5.0)
    pose, truth = generate(SyntheticSpec(movement=movement, camera=camera, faults=faults))
    near = view.removeprefix("sagittal-")
    for name, values in _image_sagittal(pose, near).items():
        err = np.max(np.abs(values - truth.angles[name]))
        assert err < 0.5, (name, err)


@pytest.mark.parametrize("movement", ["squat", "lift", "bend"])
def test_perspective_side_view_near_side_angles_equal_truth(movement: str) -> None:
    # The near leg lies in one plane parallel to the image, which a pinhole only scales. The trunk line joins
    # the mid-points of both hips and both shoulders, which perspective shifts a little: up to 0.8° at the
    # bottom of the deep squat, whose trunk sits far below the camera.
    pose, truth = generate(SyntheticSpec(movement=movement, camera=Camera(view="sagittal-left")))
    for name, values in _image_sagittal(pose, "left").items():
        assert np.max(np.abs(values - truth.angles[name])) < 1.0, name


def test_frontal_fppa_equals_truth() -> None:
    camera = Camera(view="frontal", orthographic=True)
    # A parallel squat: past level the thighs point at a front camera and the projection angle is undefined.
    pose, truth = generate(SyntheticSpec(camera=camera, faults=Faults(valgus_deg=12.0, depth_factor=PARALLEL)))
    px = pose.image_pixels()
    for side in ("left", "right"):
        hip, knee, ankle = (px[:, IDX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        fppa = 180.0 - _angle(hip, knee, ankle)
        assert np.max(np.abs(fppa - np.abs(truth.angles[f"knee_fppa_{side}"]))) < 0.5
        assert truth.angles[f"knee_fppa_{side}"][truth.rep_bottoms] == pytest.approx(12.0, abs=0.05)
        # Valgus means the knees move towards the midline: closer together than the ankles.
    b = truth.rep_bottoms[0]
    knee_gap = abs(px[b, IDX["left_knee"], 0] - px[b, IDX["right_knee"], 0])
    ankle_gap = abs(px[b, IDX["left_ankle"], 0] - px[b, IDX["right_ankle"], 0])
    assert knee_gap < ankle_gap


def test_clean_movement_has_no_valgus() -> None:
    _, truth = generate(SyntheticSpec(faults=Faults(lateral_shift=0.05, depth_factor=PARALLEL)))
    assert np.max(np.abs(truth.angles["knee_fppa_left"])) < 1e-4


@pytest.mark.parametrize("view", VIEWS)
def test_world_knee_angle_equals_truth_in_every_view(view: str) -> None:
    faults = Faults(valgus_deg=10.0, lateral_shift=0.04, asymmetry_deg=8.0)
    pose, truth = generate(SyntheticSpec(camera=Camera(view=view), faults=faults))
    w = pose.world
    for side in ("left", "right"):
        knee = 180.0 - _angle(*(w[:, IDX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle")))
        assert np.max(np.abs(knee - truth.angles[f"knee_flexion_{side}"])) < 0.5


@pytest.mark.parametrize("movement", MOVEMENTS)
def test_rep_windows_and_bottoms(movement: str) -> None:
    spec = SyntheticSpec(movement=movement, reps=4)
    _, truth = generate(spec)
    assert len(truth.rep_windows) == spec.reps
    height, trunk = truth.angles["hip_height"], truth.angles["trunk_inclination"]
    previous_end = -1
    for (start, bottom, end), b in zip(truth.rep_windows, truth.rep_bottoms, strict=True):
        assert previous_end <= start < bottom < end and bottom == b
        if movement == "bend":
            # Trunk-driven (as in reps.py): past ~80° the trunk's mass swings back over the feet and
            # the balance rule lets the hips rise by 0.3 % of leg length, so the hips are not lowest here.
            assert trunk[bottom] >= trunk[start : end + 1].max() - 1e-9
        elif movement == "sit-to-stand":
            # Rests seated; the turning point is the stand (REPS.md: a rep is sit → stand → sit).
            assert height[bottom] == pytest.approx(1.0, abs=1e-3)
            assert height[start] < 0.7 and height[end] < 0.7
            continue
        else:
            assert height[bottom] <= height[start : end + 1].min() + 1e-9
        assert height[start] == pytest.approx(1.0, abs=1e-6) and height[end] == pytest.approx(1.0, abs=1e-3)
        previous_end = end


def test_movement_depths_are_as_documented() -> None:
    bottoms = {}
    for movement in MOVEMENTS:
        _, truth = generate(SyntheticSpec(movement=movement, reps=2))
        bottoms[movement] = {k: v[truth.rep_bottoms] for k, v in truth.angles.items()}
    assert bottoms["squat"]["knee_flexion_left"] == pytest.approx([145, 145], abs=0.01)  # FMS depth: thighs past level
    squat = bottoms["squat"]
    assert abs(squat["trunk_inclination"][0] - squat["tibia_inclination_left"][0]) < 10  # trunk ~ parallel to tibia
    assert 90 <= bottoms["lift"]["knee_flexion_left"][0] <= 100
    assert 45 <= bottoms["lift"]["trunk_inclination"][0] <= 60
    assert bottoms["bend"]["knee_flexion_left"][0] < 15 and 90 <= bottoms["bend"]["trunk_inclination"][0] <= 110
    _, sts_truth = generate(SyntheticSpec(movement="sit-to-stand", reps=2))
    seated = sts_truth.rep_windows[0][0]  # the rep starts seated
    assert sts_truth.angles["knee_flexion_left"][seated] == pytest.approx(95, abs=0.5)
    assert sts_truth.angles["hip_flexion_left"][seated] == pytest.approx(95, abs=3)
    lunge = bottoms["lunge"]  # left leg leads rep 1, right leg rep 2
    assert lunge["knee_flexion_left"][0] == pytest.approx(90, abs=0.5)
    assert lunge["knee_flexion_right"][1] == pytest.approx(90, abs=0.5)
    assert 80 <= lunge["knee_flexion_right"][0] <= 110


def test_sit_to_stand_leans_forward_before_seat_off() -> None:
    _, truth = generate(SyntheticSpec(movement="sit-to-stand", reps=1))
    start, _, _ = truth.rep_windows[0]
    trunk, height = truth.angles["trunk_inclination"], truth.angles["hip_height"]
    seat_off = start + int(np.argmax(height[start:] > height[start] + 0.01))
    assert trunk[seat_off] == pytest.approx(40.0, abs=3.0)
    assert trunk[start] == pytest.approx(10.0, abs=0.5)


def test_planted_heel_lift_and_lateral_shift_have_their_size() -> None:
    _, truth = generate(SyntheticSpec(faults=Faults(heel_lift=0.03, lateral_shift=0.05)))
    leg, b = truth.leg_length_m, truth.rep_bottoms
    for side in ("left", "right"):
        heel = truth.angles[f"heel_height_{side}"]
        assert heel.max() == pytest.approx(0.03 / leg, rel=1e-6)
        assert heel[b] == pytest.approx(np.full(len(b), 0.03 / leg), rel=1e-6)
        assert heel[0] == pytest.approx(0.0, abs=1e-12)
    assert truth.angles["lateral_hip_shift"][b] == pytest.approx(np.full(len(b), 0.05), abs=1e-9)
    assert truth.angles["lateral_hip_shift"][0] == pytest.approx(0.0, abs=1e-12)


def test_asymmetry_flexes_right_knee_less_and_tilts_pelvis() -> None:
    _, truth = generate(SyntheticSpec(faults=Faults(asymmetry_deg=10.0)))
    b = truth.rep_bottoms
    diff = truth.angles["knee_flexion_left"][b] - truth.angles["knee_flexion_right"][b]
    assert diff == pytest.approx(np.full(len(b), 10.0), abs=0.01)
    assert np.all(truth.angles["pelvic_obliquity"][b] < -2.0)  # the straighter right leg lifts the right hip


def test_hip_share_splits_trunk_inclination() -> None:
    for share in (0.2, 0.8):
        _, truth = generate(SyntheticSpec(movement="bend", faults=Faults(hip_share=share)))
        a = truth.angles
        assert np.nanmax(np.abs(a["hip_share"] - share)) < 0.01
        assert np.allclose(a["pelvis_tilt"] + a["lumbar_flexion"], a["trunk_inclination"])
        assert np.isnan(a["hip_share"][0])
    # With less hip share the back rounds: the lumbar arc bends more and the trunk chord shortens.
    _, hinge = generate(SyntheticSpec(movement="bend", faults=Faults(hip_share=0.9)))
    _, rounded = generate(SyntheticSpec(movement="bend", faults=Faults(hip_share=0.1)))
    b = hinge.rep_bottoms[0]
    assert rounded.angles["lumbar_bend"][b] > rounded.angles["lumbar_flexion"][b] > hinge.angles["lumbar_flexion"][b]
    assert rounded.angles["trunk_length"][b] < hinge.angles["trunk_length"][b] < 1.0


def test_depth_factor_and_trunk_lean_scale_the_bottom() -> None:
    _, shallow = generate(SyntheticSpec(faults=Faults(depth_factor=0.7, trunk_lean_deg=10.0)))
    b = shallow.rep_bottoms
    assert shallow.angles["knee_flexion_left"][b] == pytest.approx(np.full(len(b), 0.7 * 145), abs=0.01)
    assert shallow.angles["trunk_inclination"][b] == pytest.approx(np.full(len(b), 0.7 * 36 + 10), abs=0.05)


def test_slow_factor_lengthens_reps() -> None:
    spec = SyntheticSpec(reps=2, faults=Faults(slow_factor=2.0))
    _, truth = generate(spec)
    start, bottom, end = truth.rep_windows[0]
    assert (end - start) == pytest.approx(2 * 2.4 * 30, abs=1)
    assert (bottom - start) == pytest.approx(2.4 * 30, abs=1)


def _speed_dips(signal: np.ndarray) -> int:
    """Count interior local minima of |velocity| that fall below 30 % of its peak."""
    speed = np.abs(np.diff(signal))
    inner = speed[1:-1]
    minima = (inner < speed[:-2]) & (inner <= speed[2:]) & (inner < 0.3 * speed.max())
    return int(minima.sum())


def test_hesitations_insert_velocity_dips() -> None:
    spec = SyntheticSpec(reps=1, fps=60.0, faults=Faults(hesitations=2))
    _, truth = generate(spec)
    _, clean = generate(SyntheticSpec(reps=1, fps=60.0))
    start, bottom, end = truth.rep_windows[0]
    knee = truth.angles["knee_flexion_left"]
    assert _speed_dips(knee[start + 2 : bottom - 2]) == 2
    assert _speed_dips(knee[bottom + 2 : end - 2]) == 2
    clean_knee = clean.angles["knee_flexion_left"]
    assert _speed_dips(clean_knee[start + 2 : bottom - 2]) == 0


def test_hips_rise_first_makes_knees_lead_the_trunk() -> None:
    _, truth = generate(SyntheticSpec(reps=1, movement="lift", faults=Faults(hips_rise_first=0.4)))
    _, bottom, end = truth.rep_windows[0]
    knee = truth.angles["knee_flexion_left"][bottom : end + 1]
    trunk = truth.angles["trunk_inclination"][bottom : end + 1]
    knee_half = int(np.argmax(knee < 0.5 * knee[0]))
    trunk_half = int(np.argmax(trunk < 0.5 * trunk[0]))
    assert trunk_half - knee_half > 0.25 * len(knee)
    assert truth.angles["posterior_hip_shift"][bottom + knee_half] > truth.angles["posterior_hip_shift"][bottom]


def test_dropout_fraction_and_runs() -> None:
    pose, _ = generate(SyntheticSpec(reps=20, dropout=0.1, seed=3))
    missing = ~pose.detected
    assert missing.mean() == pytest.approx(0.1, abs=0.01)
    assert np.isnan(pose.image[missing]).all() and np.isnan(pose.world[missing]).all()
    assert (pose.visibility[missing] == 0).all() and (pose.visibility[~missing] > 0).all()
    edges = np.diff(np.concatenate([[0], missing.astype(int), [0]]))
    runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    assert runs.min() >= 2 and runs.max() <= 9


def test_noise_has_the_requested_size() -> None:
    spec = SyntheticSpec(reps=10, noise_px=3.0, seed=1)
    noisy, _ = generate(spec)
    clean, _ = generate(SyntheticSpec(reps=10))
    err = noisy.image_pixels() - clean.image_pixels()
    assert np.std(err) == pytest.approx(3.0, rel=0.05)
    assert np.std(noisy.world - clean.world) == pytest.approx(0.009, rel=0.05)


def test_visibility_follows_the_view() -> None:
    left = [IDX[n] for n in LANDMARK_NAMES if n.startswith("left_") and "eye" not in n and "mouth" not in n]
    right = [IDX[n] for n in LANDMARK_NAMES if n.startswith("right_") and "eye" not in n and "mouth" not in n]
    pose, _ = generate(SyntheticSpec(camera=Camera(view="sagittal-left")))
    assert pose.visibility[:, left].min() >= 0.95 and pose.visibility[:, right].max() <= 0.6
    pose, _ = generate(SyntheticSpec(camera=Camera(view="sagittal-right")))
    assert pose.visibility[:, right].min() >= 0.95 and pose.visibility[:, left].max() <= 0.6
    pose, _ = generate(SyntheticSpec(camera=Camera(view="frontal")))
    assert pose.visibility.min() >= 0.9
    pose, _ = generate(SyntheticSpec(camera=Camera(view="oblique")))
    assert pose.visibility[:, left].mean() > pose.visibility[:, right].mean()


def test_side_view_conventions() -> None:
    # Seen from the subject's left, a subject facing forward faces image-left, left landmarks nearer.
    pose, _ = generate(SyntheticSpec(camera=Camera(view="sagittal-left")))
    px, z = pose.image_pixels()[0], pose.image[0, :, 2]
    assert px[IDX["nose"], 0] < px[IDX["left_shoulder"], 0] and px[IDX["left_foot_index"], 0] < px[IDX["left_heel"], 0]
    assert z[IDX["left_hip"]] < 0 < z[IDX["right_hip"]] and pose.source["facing"] == "image-left"
    pose, _ = generate(SyntheticSpec(camera=Camera(view="sagittal-right")))
    assert pose.image_pixels()[0, IDX["nose"], 0] > pose.image_pixels()[0, IDX["right_shoulder"], 0]
    # From the front (unmirrored) the subject's left appears on image-right.
    pose, _ = generate(SyntheticSpec(camera=Camera(view="frontal")))
    assert pose.image[0, IDX["left_shoulder"], 0] > pose.image[0, IDX["right_shoulder"], 0]


@pytest.mark.parametrize("movement", MOVEMENTS)
@pytest.mark.parametrize("view", VIEWS)
def test_whole_body_stays_in_frame(movement: str, view: str) -> None:
    pose, _ = generate(SyntheticSpec(movement=movement, camera=Camera(view=view)))
    xy = pose.image[:, :, :2]
    assert xy.min() >= 0.04 and xy.max() <= 0.96
    spread = xy.reshape(-1, 2)
    centre = 0.5 * (spread.min(axis=0) + spread.max(axis=0))
    assert centre == pytest.approx([0.5, 0.5], abs=1e-9)


def test_small_frame_zooms_out_to_fit() -> None:
    pose, _ = generate(SyntheticSpec(camera=Camera(frame_size=(320, 240))))
    assert pose.image[:, :, :2].min() >= 0.04 and pose.image[:, :, :2].max() <= 0.96
    assert pose.source["px_per_m"] < 1400 / 4


def test_invalid_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="hip_share"):
        Faults(hip_share=1.5)
    with pytest.raises(ValueError, match="view"):
        Camera(view="top")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dropout"):
        SyntheticSpec(dropout=0.95)


def test_one_hour_at_30_fps() -> None:
    spec = SyntheticSpec(reps=1500, pause_s=0.0, noise_px=1.0, dropout=0.02, faults=Faults(valgus_deg=5.0))
    pose, truth = generate(spec)
    assert len(pose) == spec.n_frames == 108_001
    assert len(truth.rep_windows) == 1500 and truth.angles["knee_flexion_left"].shape == (108_001,)


def test_film_of_the_generated_body_equals_generate() -> None:
    from movequal.synthetic import _plan, film
    from movequal.synthetic.body import Body
    from movequal.synthetic.posture import assemble

    spec = SyntheticSpec(movement="squat", reps=2, camera=Camera(view="sagittal-right"))
    pose, _ = generate(spec)
    body = Body.of_height(spec.height_m)
    points = assemble(_plan(spec, body)[0], body)
    filmed = film(points, spec.camera, spec.fps, spec.height_m)
    np.testing.assert_array_equal(filmed.image, pose.image)
    np.testing.assert_array_equal(filmed.world, pose.world)
    np.testing.assert_array_equal(filmed.visibility, pose.visibility)
    assert filmed.source["facing"] == pose.source["facing"] == "image-right"
    points[5:8, IDX["left_knee"]] = np.nan  # a landmark not known: NaN, invisible, the rest unchanged
    gappy = film(points, spec.camera, spec.fps, spec.height_m)
    assert np.isnan(gappy.image[5:8, IDX["left_knee"]]).all() and (gappy.visibility[5:8, IDX["left_knee"]] == 0).all()
    np.testing.assert_array_equal(gappy.image[:, IDX["left_hip"]], pose.image[:, IDX["left_hip"]])
