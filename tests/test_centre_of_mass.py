"""The centre of mass over the feet: in front of the heels when standing or squatting, behind them when seated."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.centre_of_mass import compute_centre_of_mass, compute_heel_offsets
from movequal.core.motion_features import _behind_heels_at_bottom
from movequal.core.movements import (
    STS_MIN_BEHIND_HEELS,
    MotionFeatures,
    choose_movement,
    compute_memberships,
    recognise_movement,
)
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import NUM_LANDMARKS


def _figure(points: dict[str, tuple[float, float]], mirror: bool = False) -> np.ndarray:
    """One frame of side-view landmarks (pixels), both sides at the same place; the rest NaN."""
    px = np.full((1, NUM_LANDMARKS, 2), np.nan)
    for name, (x, y) in points.items():
        for side in ("left", "right"):
            px[0, IDX[f"{side}_{name}"]] = (-x if mirror else x, y)
    return px


FEET = {"heel": (94.0, 510.0), "foot_index": (150.0, 510.0), "ankle": (105.0, 500.0)}
"""A foot of 56 px against a leg of 200 px: 25 cm against 90 cm."""
STANDING = {
    **FEET, "knee": (105.0, 400.0), "hip": (105.0, 300.0), "shoulder": (105.0, 150.0),
    "elbow": (105.0, 230.0), "wrist": (105.0, 300.0),
}  # fmt: skip
SQUAT_BOTTOM = {
    **FEET, "knee": (140.0, 420.0), "hip": (80.0, 440.0), "shoulder": (150.0, 300.0),
    "elbow": (200.0, 300.0), "wrist": (250.0, 300.0),
}  # fmt: skip
"""Knees forward over the toes, hips behind the heels, trunk leaning and arms reaching forward to keep the balance."""
SEATED = {
    **FEET, "knee": (105.0, 400.0), "hip": (5.0, 400.0), "shoulder": (5.0, 250.0),
    "elbow": (5.0, 330.0), "wrist": (50.0, 395.0),
}  # fmt: skip
"""Shins vertical, thighs level on a seat (100 px, like the shank), trunk upright, hands on the thighs."""


def compute_support_offset(px: np.ndarray, frames: np.ndarray) -> float:
    """The median reading over ``frames`` (NaN when none can be read)."""
    offsets = compute_heel_offsets(px[frames])
    return float(np.median(offsets[np.isfinite(offsets)])) if np.isfinite(offsets).any() else float("nan")


def _offset(points: dict[str, tuple[float, float]], mirror: bool = False) -> float:
    return compute_support_offset(_figure(points, mirror), np.array([True]))


def test_a_standing_or_squatting_body_keeps_its_centre_over_the_feet() -> None:
    for posture in (STANDING, SQUAT_BOTTOM):
        assert -1.0 < _offset(posture) < 0.0  # between heel (0) and toe (-1)


def test_a_seated_body_has_its_centre_behind_the_heels() -> None:
    # by hand (masses sum to 1): trunk 0.578·5 + upper arms 0.056·5 + forearms 0.032·(5 + 0.43·45) + hands 0.012·50
    # + thighs 0.2·(5 + 0.433·100) + shanks 0.093·105 + feet 0.029·122 = 27.51 px
    assert compute_centre_of_mass(_figure(SEATED))[0, 0] == pytest.approx(27.51, abs=0.01)
    assert _offset(SEATED) == pytest.approx((94.0 - 27.51) / 56.0, abs=0.001)
    assert _offset(SEATED) > STS_MIN_BEHIND_HEELS


def test_the_offset_does_not_depend_on_which_way_the_person_faces() -> None:
    for posture in (STANDING, SQUAT_BOTTOM, SEATED):
        assert _offset(posture, mirror=True) == pytest.approx(_offset(posture))


def test_one_missing_side_is_read_from_the_other() -> None:
    px = _figure(SEATED)
    px[:, [IDX[f"right_{n}"] for n in SEATED]] = np.nan
    assert compute_support_offset(px, np.array([True])) == pytest.approx(_offset(SEATED))


def test_feet_seen_end_on_are_not_a_ruler() -> None:
    end_on = {**SEATED, "foot_index": (95.0, 510.0)}  # a front view: the foot spans a pixel
    assert np.isnan(_offset(end_on))


def test_a_set_that_starts_standing_with_the_body_behind_the_heels_at_the_bottom_is_a_sit_to_stand() -> None:
    # stand → sit → stand: not low at the clip's ends, so the seated-start rule cannot name it
    standing_start = MotionFeatures(95.0, 25.0, 0.0, 1.0, 20.0, 0.05, 0.1, 0.9)
    assert choose_movement(standing_start) == "squat"
    seated = MotionFeatures(95.0, 25.0, 0.0, 1.0, 20.0, 0.05, 0.1, 0.9, behind_heels_at_bottom=0.6)
    assert choose_movement(seated) == "sit-to-stand"
    assert recognise_movement(seated).movement == "sit-to-stand"
    assert recognise_movement(seated).confidence == 1.0


def test_an_unmeasured_offset_leaves_a_squat_as_confident_as_before() -> None:
    # from the front the offset is NaN: it must neither support sitting nor cast doubt on the squat
    squat = MotionFeatures(120.0, 20.0, 0.0, 1.0, 20.0, 0.05, 0.1, 1.0)
    assert np.isnan(squat.behind_heels_at_bottom)
    assert compute_memberships(squat)["squat"] == 1.0
    near = MotionFeatures(120.0, 20.0, 0.0, 1.0, 20.0, 0.05, 0.1, 1.0, behind_heels_at_bottom=STS_MIN_BEHIND_HEELS)
    assert compute_memberships(near)["squat"] == pytest.approx(0.5)  # at the threshold: half seated


def test_no_frame_or_no_landmark_gives_not_measurable() -> None:
    assert np.isnan(compute_support_offset(_figure(SEATED), np.array([False])))
    assert np.isnan(compute_support_offset(np.full((3, NUM_LANDMARKS, 2), np.nan), np.ones(3, dtype=bool)))
    point = {name: (100.0, 400.0) for name in SEATED}  # a body collapsed to a point: no foot, no leg, no 0/0
    with np.errstate(all="raise"):
        assert np.isnan(_offset(point))


def _clip(dips: list[tuple[dict[str, tuple[float, float]], float]]) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks and hip heights of a clip: standing, then each (posture, hip height) dip of 5 frames, standing."""
    frames, heights = [_figure(STANDING)] * 5, [1.0] * 5
    for posture, height in dips:
        frames += [_figure(posture)] * 5 + [_figure(STANDING)] * 5
        heights += [height] * 5 + [1.0] * 5
    return np.concatenate(frames), np.array(heights)


def test_only_side_views_are_read() -> None:
    px, height = _clip([(SEATED, 0.5)])
    for view in ("sagittal-left", "sagittal-right"):
        assert _behind_heels_at_bottom(px, height, 1.0, view) == pytest.approx(_offset(SEATED))
    # across the feet (front, back, unknown), or with the foot foreshortened and a roll's error not (oblique)
    for view in ("frontal", "unknown", "oblique"):
        assert np.isnan(_behind_heels_at_bottom(px, height, 1.0, view))
    assert np.isnan(_behind_heels_at_bottom(px, np.full_like(height, np.nan), 1.0, "sagittal-left"))


def test_the_reading_is_at_each_dips_bottom_and_one_seat_does_not_outvote_the_squats() -> None:
    # the way down passes over the feet; only the bottom of each dip is read
    px, height = _clip([(SEATED, 0.5)])
    height[5:10] = [0.6, 0.5, 0.5, 0.5, 0.6]  # below half-way (0.75), above the bottom band (0.575)
    px[[5, 9]] = _figure(SQUAT_BOTTOM)[0]
    assert _behind_heels_at_bottom(px, height, 1.0, "sagittal-right") == pytest.approx(_offset(SEATED))
    # three shallow squats and one sit on a chair, lower than their bottoms: the clip reads as squats
    px, height = _clip([(SQUAT_BOTTOM, 0.62), (SQUAT_BOTTOM, 0.6), (SEATED, 0.5), (SQUAT_BOTTOM, 0.61)])
    assert _behind_heels_at_bottom(px, height, 1.0, "sagittal-left") == pytest.approx(_offset(SQUAT_BOTTOM))


def test_a_seated_start_keeps_its_sit_to_stand_when_the_offset_is_not_measurable() -> None:
    seated_start = MotionFeatures(95.0, 20.0, 0.0, 0.55, 20.0, 0.05, 0.1, 0.9)
    assert np.isnan(seated_start.behind_heels_at_bottom)
    assert choose_movement(seated_start) == "sit-to-stand"
    assert compute_memberships(seated_start)["sit-to-stand"] == 1.0


def test_a_gap_in_the_hip_height_does_not_cut_a_dip_in_two() -> None:
    # the way down (frame 6) and a gap (frame 7): read as one dip, whose bottom is the seat
    px, height = _clip([(SEATED, 0.5)])
    height[5:10] = [0.6, 0.6, np.nan, 0.5, 0.6]
    px[[5, 6]] = _figure(SQUAT_BOTTOM)[0]
    assert _behind_heels_at_bottom(px, height, 1.0, "sagittal-left") == pytest.approx(_offset(SEATED))


def test_a_tie_between_seated_and_unseated_dips_reads_as_unseated() -> None:
    px, height = _clip([(SQUAT_BOTTOM, 0.5), (SEATED, 0.5)])
    assert _behind_heels_at_bottom(px, height, 1.0, "sagittal-left") == pytest.approx(_offset(SQUAT_BOTTOM))
