"""Shoulders and arms of the synthetic forward reach: the shoulder line's yaw, and arms hanging or held ahead.

The arms move in the sagittal plane through their shoulders, in room
(body-frame) angles rather than against the trunk: a hanging arm hangs
plumb, a raised one points straight ahead, horizontal, whatever the trunk
does, so the hand is carried with its shoulder during the reach.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import FWD, LEFT, Body, place_hands

FloatArray = NDArray[np.float64]
SIDES = (("left", 0, 1.0), ("right", 1, -1.0))
"""Name, index on the plan's side axis, and sign of the subject's left axis pointing outwards."""
HANG_TILT, HANG_REACH = np.radians(4.0), 0.97
"""A hanging arm's wrist: 4° ahead of straight down, at 0.97 of the arm's length (the posture's ``hang``)."""


def turn_shoulders(points: FloatArray, yaw: FloatArray, body: Body) -> None:
    """Turn the shoulder line about the vertical through its mid-point by ``yaw`` (rad, + right shoulder forward)."""
    mid = 0.5 * (points[:, IDX["left_shoulder"]] + points[:, IDX["right_shoulder"]])
    for side, _, outward in SIDES:
        shoulder = mid.copy()
        shoulder[:, FWD] -= outward * body.shoulder_half * np.sin(yaw)
        shoulder[:, LEFT] += outward * body.shoulder_half * np.cos(yaw)
        points[:, IDX[f"{side}_shoulder"]] = shoulder


def hang_angles(body: Body) -> tuple[float, float]:
    """Upper-arm and forearm angles (rad from straight down, + forward) of a hanging arm, elbow behind."""
    upper, fore = body.upper_arm, body.forearm
    span = HANG_REACH * (upper + fore)
    at_shoulder = np.arccos((upper**2 + span**2 - fore**2) / (2.0 * upper * span))
    at_wrist = np.arccos((fore**2 + span**2 - upper**2) / (2.0 * fore * span))
    return float(HANG_TILT - at_shoulder), float(HANG_TILT + at_wrist)


def place_arm(points: FloatArray, side: str, level: FloatArray, body: Body) -> None:
    """Write one arm in the sagittal plane through its shoulder: hanging at ``level`` 0, straight ahead at 1.

    Both segments turn linearly in ``level`` from their hanging angles
    (:func:`hang_angles`) to horizontal, so at ``level == 1`` the arm is
    straight, horizontal and pointing forward whatever the trunk does.
    """
    upper_0, fore_0 = hang_angles(body)
    upper = upper_0 + (np.pi / 2 - upper_0) * level
    fore = fore_0 + (np.pi / 2 - fore_0) * level
    shoulder = points[:, IDX[f"{side}_shoulder"]]
    zero = np.zeros_like(level)
    elbow = shoulder + body.upper_arm * np.stack([np.sin(upper), -np.cos(upper), zero], axis=1)
    wrist = elbow + body.forearm * np.stack([np.sin(fore), -np.cos(fore), zero], axis=1)
    place_hands(points, side, elbow, wrist, body)
