"""Measures of the UI-PRMD hurdle step, leg raise and scaption evaluation on bodies with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from eval import uiprmd_measures as mq
from eval.evaluate_uiprmd import file_path
from eval.evaluate_uiprmd_tasks import (
    TASKS,
    _cells,
    camera_sample,
    lateral_lean_range,
    mocap_sample,
    moving_side,
    peak_elevation,
    peak_hip_flexion,
    source_label,
)
from eval.uiprmd import Recording, load_recording
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import NUM_LANDMARKS
from tests.helpers import shared_dataset

UP = np.array([0.0, 1.0, 0.0])  # body frame: forward, up, left
FORWARD = np.array([1.0, 0.0, 0.0])
STANDING = {
    "left_hip": (0.0, 0.9, 0.1),
    "right_hip": (0.0, 0.9, -0.1),
    "left_shoulder": (0.0, 1.4, 0.1),
    "right_shoulder": (0.0, 1.4, -0.1),
    "left_elbow": (0.0, 1.1, 0.1),
    "right_elbow": (0.0, 1.1, -0.1),
    "left_knee": (0.0, 0.5, 0.1),
    "right_knee": (0.0, 0.5, -0.1),
    "left_ankle": (0.0, 0.1, 0.1),
    "right_ankle": (0.0, 0.1, -0.1),
    "left_heel": (-0.05, 0.05, 0.1),
    "left_foot_index": (0.15, 0.02, 0.1),
    "right_heel": (-0.05, 0.05, -0.1),
    "right_foot_index": (0.15, 0.02, -0.1),
}


def standing(frames: int = 21) -> np.ndarray:
    """A still upright body (T, 33, 3) in the body frame; landmarks not listed are NaN."""
    points = np.full((frames, NUM_LANDMARKS, 3), np.nan)
    for name, xyz in STANDING.items():
        points[:, IDX[name]] = xyz
    return points


def ramp(frames: int, peak: float) -> np.ndarray:
    """Still at 0 for the first and last fifth, up to ``peak`` at the middle frame and back (odd ``frames``)."""
    t = np.linspace(0.0, 1.0, frames)
    return np.asarray(peak * np.clip(1.0 - np.abs(t - 0.5) / 0.3, 0.0, 1.0))


def test_pelvis_dropping_5_degrees_gives_5_degrees_of_obliquity_range() -> None:
    points = standing()
    drop = np.radians(ramp(len(points), 5.0))
    points[:, IDX["right_hip"], 1] = 0.9 - 0.2 * np.sin(drop)  # rotate the hip line about the left hip
    points[:, IDX["right_hip"], 2] = 0.1 - 0.2 * np.cos(drop)
    tilt = mq.tilt(points, "left_hip", "right_hip", UP)
    assert mq.value_range(tilt) == pytest.approx(5.0, abs=1e-9)
    assert tilt.max() == pytest.approx(5.0)  # + when the left hip is higher


@pytest.mark.parametrize("angle", [30.0, 90.0, 150.0])
def test_arm_raised_to_an_angle_gives_that_elevation_in_3d_and_in_the_image(angle: float) -> None:
    points = standing()
    a = np.radians(ramp(len(points), angle))
    shoulder = np.array(STANDING["right_shoulder"])
    # Raised in the scapular plane: 30° forward of the frontal plane, outwards to the right (−left).
    direction = np.stack([np.sin(a) * 0.5, -np.cos(a), -np.sin(a) * np.sqrt(0.75)], axis=1)
    points[:, IDX["right_elbow"]] = shoulder + 0.3 * direction
    assert mq.peak(mq.arm_elevation(points, "right")) == pytest.approx(angle)
    assert mq.peak(mq.arm_elevation(points, "left")) == pytest.approx(0.0, abs=1e-6)
    # Image pixels (x right, y down) of a front view, the arm raised sideways in the image plane.
    image = np.full((len(points), NUM_LANDMARKS, 2), np.nan)
    image[:, IDX["right_hip"]], image[:, IDX["right_shoulder"]] = (300.0, 700.0), (290.0, 500.0)
    image[:, IDX["right_elbow"]] = np.array([290.0, 500.0]) + 120.0 * np.stack([-np.sin(a), np.cos(a)], axis=1)
    trunk_tilt = np.degrees(np.arctan2(10.0, 200.0))  # the hip → shoulder line leans 2.9° in the image
    assert mq.peak(mq.arm_elevation(image, "right")) == pytest.approx(angle + trunk_tilt)


def test_trunk_leaning_sideways_and_backwards_is_read_with_its_sign() -> None:
    points = standing()
    lean = np.radians(ramp(len(points), 10.0))
    for side in ("left", "right"):
        base = np.array(STANDING[f"{side}_shoulder"]) - np.array([0.0, 0.9, 0.0])
        points[:, IDX[f"{side}_shoulder"], 1] = 0.9 + base[1] * np.cos(lean)
        points[:, IDX[f"{side}_shoulder"], 2] = base[2] + base[1] * np.sin(lean)  # towards the left
    assert mq.peak(mq.lateral_lean(points, UP)) == pytest.approx(10.0)
    assert mq.value_range(mq.sagittal_lean(points, UP, FORWARD)) == pytest.approx(0.0, abs=1e-9)
    sample = mocap_sample(Recording("lean", points, 30.0, 1.7), "right")
    assert lateral_lean_range(sample) == pytest.approx(10.0)

    back = standing()
    tilt = np.radians(ramp(len(back), 8.0))
    for side in ("left", "right"):
        back[:, IDX[f"{side}_shoulder"], 0] = -0.5 * np.sin(tilt)
        back[:, IDX[f"{side}_shoulder"], 1] = 0.9 + 0.5 * np.cos(tilt)
    elevation = ramp(len(back), 120.0)  # the arm peaks when the trunk leans back the most
    assert mq.foot_forward(back, UP) == pytest.approx(FORWARD)
    assert mq.trunk_extension_at_peak(elevation, back, UP, FORWARD) == pytest.approx(8.0)


def test_shoulder_rising_a_tenth_of_the_trunk_is_a_shrug_of_0_1() -> None:
    points = standing()
    points[:, IDX["right_shoulder"], 1] += ramp(len(points), 0.05)  # trunk (hip → shoulder) 0.5 m
    assert mq.shrug(points, "right", UP) == pytest.approx(0.1)


def test_sway_is_the_sideways_hip_range_in_single_leg_stance_only() -> None:
    points = standing(30)
    points[10:20, IDX["right_ankle"], 1] += 0.3  # foot up for frames 10-19
    shift = np.zeros(30)
    shift[:10] = np.linspace(0.0, 0.06, 10)  # weight shift before the foot leaves the floor: not sway
    shift[10:20] = 0.06 + 0.016 * np.sin(np.linspace(0.0, np.pi, 10))
    shift[20:] = 0.06
    for side in ("left_hip", "right_hip"):
        points[:, IDX[side], 2] += shift
    leg = 0.8
    assert mq.single_leg_frames(points, "right", UP, leg).sum() == 10
    assert mq.pelvis_sway(points, "right", "left", UP, leg) == pytest.approx(0.016 * np.sin(np.pi * 4 / 9) / leg)
    assert np.isnan(mq.pelvis_sway(standing(), "right", "left", UP, leg))  # never on one leg


def test_thigh_raised_to_horizontal_is_90_degrees_of_hip_flexion() -> None:
    points = standing()
    points[:, IDX["right_knee"]] = np.array(STANDING["right_hip"]) + np.array([0.4, 0.0, 0.0])
    assert mq.peak(mq.flexion(points, "right", "hip")) == pytest.approx(90.0)
    assert mq.peak(mq.flexion(points, "left", "hip")) == pytest.approx(0.0, abs=1e-6)


def test_auc_keeps_the_declared_direction_and_is_not_flipped() -> None:
    measure = TASKS["m10"][1][0]  # peak shoulder elevation: smaller = incorrect
    key = ("m10", measure.label, "mocap", "0")
    values = {(*key, "correct"): [90.0, 100.0, 110.0], (*key, "incorrect"): [120.0, 130.0, np.nan]}
    cells = _cells(values, key, measure)
    assert cells[0] == "3 / 2" and cells[3] == "0.00 (< 0.5)"
    side = TASKS["m10"][1][3]  # lateral trunk lean: frontal plane
    assert _cells(values, ("m10", side.label, "side, near", "0"), side)[0] == "not measurable from the side"


def test_a_real_scaption_is_read_alike_by_the_mocap_and_the_cameras() -> None:
    path = file_path(shared_dataset("ui-prmd"), "m10", "s01", "e02", correct=True)
    recording = load_recording(path)
    assert moving_side("m10", [recording]) == "right"
    truth = peak_elevation(mocap_sample(recording, "right"))
    assert 80.0 < truth < 180.0
    front = camera_sample(recording, "right", "frontal", 0.0)
    assert peak_elevation(front) == pytest.approx(truth, abs=1.0)  # exact world landmarks
    assert lateral_lean_range(front) == pytest.approx(lateral_lean_range(mocap_sample(recording, "right")), abs=1.0)
    near = camera_sample(recording, "right", "sagittal-right", 3.0)
    assert source_label("sagittal-right", "right") == "side, near"
    assert abs(peak_elevation(near) - truth) < 15.0  # a side view sees the scapular plane's sagittal projection
    far = camera_sample(recording, "right", "sagittal-left", 0.0)
    assert np.isnan(peak_elevation(far))  # the raised arm is on the far side: masked
    assert np.isnan(peak_hip_flexion(far))  # so is the right leg
