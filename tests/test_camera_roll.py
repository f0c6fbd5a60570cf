"""The camera-roll transform of the invariance evaluation turns the picture as a rolled camera would; a lift's count
survives it."""

from __future__ import annotations

import numpy as np
import pytest

from eval.invariance import roll_pose
from movequal.core.kinematics import Kinematics, compute_forward_lean, compute_kinematics
from movequal.core.movements import compute_driver
from movequal.core.scoring import assess
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, SyntheticSpec, generate
from tests.helpers import SHARED_VIDEOS
from tests.helpers.clip_analyses import analyse_clip


def _squat():
    pose, _ = generate(SyntheticSpec(movement="squat", reps=1, camera=Camera(view="sagittal-left"), seed=5))
    return pose


def test_rolling_back_gives_the_same_landmarks() -> None:
    pose = _squat()
    back = roll_pose(roll_pose(pose, 7.0), -7.0)
    np.testing.assert_allclose(back.image[..., :2], pose.image[..., :2], atol=1e-9)
    np.testing.assert_allclose(back.world, pose.world, atol=1e-9)


@pytest.mark.parametrize("degrees", [5.0, -10.0])
def test_a_roll_keeps_pixel_distances_and_turns_every_segment_by_the_roll(degrees: float) -> None:
    pose = _squat()
    rolled = roll_pose(pose, degrees)
    before, after = pose.image_pixels(), rolled.image_pixels()
    hip, shoulder = IDX["left_hip"], IDX["left_shoulder"]
    d0, d1 = before[:, shoulder] - before[:, hip], after[:, shoulder] - after[:, hip]
    np.testing.assert_allclose(np.linalg.norm(d1, axis=1), np.linalg.norm(d0, axis=1), rtol=1e-9)
    turned = np.degrees(np.arctan2(d1[:, 1], d1[:, 0]) - np.arctan2(d0[:, 1], d0[:, 0]))
    np.testing.assert_allclose((turned + 180.0) % 360.0 - 180.0, degrees, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(rolled.world, axis=-1), np.linalg.norm(pose.world, axis=-1), rtol=1e-9)


def test_a_roll_moves_the_side_view_trunk_angle_by_the_roll() -> None:
    pose = _squat()
    trunk = compute_kinematics(pose).angle("trunk_inclination", "sagittal-left")
    rolled = compute_kinematics(roll_pose(pose, 5.0)).angle("trunk_inclination", "sagittal-left")
    deep = trunk > np.nanpercentile(trunk, 90)  # the bottom, leaning forward: away from the 0° fold of an inclination
    assert deep.sum() > 5 and float(np.nanmin(trunk[deep])) > 15.0
    assert float(np.nanmedian(np.abs(rolled[deep] - trunk[deep]))) == pytest.approx(5.0, abs=0.5)


def test_leaning_back_counts_as_upright_in_the_lift_driver_from_the_side_only() -> None:
    """The unsigned inclination rises again past vertical: a lean back at lockout made a small excursion."""
    t = np.arange(5) / 30.0
    series = {"trunk_pitch": np.array([60.0, 10.0, 0.0, -15.0, 5.0]), "trunk_inclination_3d": np.full(5, 15.0)}
    kin = Kinematics(t, series, {})
    np.testing.assert_array_equal(compute_forward_lean(kin, "sagittal-left"), [60.0, 10.0, 0.0, 0.0, 5.0])
    np.testing.assert_array_equal(compute_forward_lean(kin, "oblique"), np.full(5, 15.0))  # unsigned in 3D
    np.testing.assert_allclose(compute_driver(kin, "lift", "sagittal-right"), [60 / 90, 10 / 90, 0.0, 0.0, 5 / 90])


@pytest.mark.slow
def test_a_lift_set_filmed_by_a_camera_rolled_ten_degrees_keeps_its_count() -> None:
    """Each lockout of a rolled side view passed the trunk through vertical: ten lifts read as nineteen."""
    pose = analyse_clip(SHARED_VIDEOS / "deadlift_side_bad-roundedback_tbyr1.mp4").pose
    level, rolled = (assess(p).assessment for p in (pose, roll_pose(pose, 10.0)))
    assert level.full_reps == rolled.full_reps == 10
    assert [f.code for f in rolled.findings] == [f.code for f in level.findings] == ["hip_avoidant_bending"]
