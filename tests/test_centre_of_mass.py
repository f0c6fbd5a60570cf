"""The centre of mass over the feet: in front of the heels when standing or squatting, behind them when seated."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.centre_of_mass import compute_centre_of_mass, compute_support_offset
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
STANDING = {**FEET, "knee": (105.0, 400.0), "hip": (105.0, 300.0), "shoulder": (105.0, 150.0)}
SQUAT_BOTTOM = {**FEET, "knee": (140.0, 420.0), "hip": (80.0, 440.0), "shoulder": (150.0, 300.0)}
"""Knees forward over the toes, hips behind the heels, trunk leaning forward to keep the balance."""
SEATED = {**FEET, "knee": (105.0, 400.0), "hip": (60.0, 400.0), "shoulder": (60.0, 250.0)}
"""Shins vertical, thighs level on a seat, trunk upright: the hips a thigh's length behind the knees."""


def _offset(points: dict[str, tuple[float, float]], mirror: bool = False) -> float:
    return compute_support_offset(_figure(points, mirror), np.array([True]))


def test_a_standing_or_squatting_body_keeps_its_centre_over_the_feet() -> None:
    for posture in (STANDING, SQUAT_BOTTOM):
        assert -1.0 < _offset(posture) < 0.0  # between heel (0) and toe (-1)


def test_a_seated_body_has_its_centre_behind_the_heels() -> None:
    # by hand: x = 0.678·(60 + 0.626·0) + 0.2·(60 + 0.433·45) + 0.093·105 + 0.029·122 = 69.88 px (masses sum to 1)
    assert compute_centre_of_mass(_figure(SEATED))[0, 0] == pytest.approx(69.88, abs=0.01)
    assert _offset(SEATED) == pytest.approx((94.0 - 69.88) / 56.0, abs=0.001)
    assert _offset(SEATED) > STS_MIN_BEHIND_HEELS


def test_the_offset_does_not_depend_on_which_way_the_person_faces() -> None:
    for posture in (STANDING, SQUAT_BOTTOM, SEATED):
        assert _offset(posture, mirror=True) == pytest.approx(_offset(posture))


def test_one_missing_side_is_read_from_the_other() -> None:
    px = _figure(SEATED)
    px[:, [IDX[f"right_{n}"] for n in ("hip", "knee", "ankle", "heel", "foot_index", "shoulder")]] = np.nan
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
