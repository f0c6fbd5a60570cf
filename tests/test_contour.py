"""The back's bend read from a body outline of known shape."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from movequal.pose.contour import compute_dorsal_bend
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import NUM_LANDMARKS

SIZE = 600
HIP, SHOULDER = np.array([300.0, 450.0]), np.array([300.0, 200.0])


def _trunk_mask(bend_deg: float, facing: float) -> np.ndarray:
    """A side-view trunk whose back outline is a circular arc bent by ``bend_deg`` (+ = bowing backwards).

    The dorsal edge runs 40 px behind the hip→shoulder line at hip and shoulder level; the front
    edge is straight, 60 px in front of it.
    """
    length = float(np.linalg.norm(SHOULDER - HIP))
    t = np.linspace(0.0, 1.0, 400)
    offset = np.zeros_like(t)
    if bend_deg:
        phi = np.radians(abs(bend_deg))
        radius = length / (2 * np.sin(phi / 2))
        x = (t - 0.5) * length
        offset = np.sign(bend_deg) * (np.sqrt(radius**2 - x**2) - radius * np.cos(phi / 2))
    y = HIP[1] + t * (SHOULDER[1] - HIP[1])
    back = HIP[0] - facing * (40.0 + offset)
    front = np.full_like(t, HIP[0] + facing * 60.0)
    outline = np.concatenate([np.stack([back, y], 1), np.stack([front, y], 1)[::-1]])
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mask, [np.round(outline).astype(np.int32)], 1)
    return mask.astype(np.float32)


def _landmarks(facing: float) -> tuple[np.ndarray, np.ndarray]:
    px = np.full((NUM_LANDMARKS, 2), np.nan)
    for side in ("left", "right"):
        px[IDX[f"{side}_hip"]], px[IDX[f"{side}_shoulder"]] = HIP, SHOULDER
    px[IDX["nose"]] = SHOULDER + np.array([facing * 40.0, -60.0])
    vis = np.full(NUM_LANDMARKS, 0.9)
    return px, vis


@pytest.mark.parametrize("facing", [1.0, -1.0])
@pytest.mark.parametrize("bend", [0.0, 15.0, 30.0, 45.0, -15.0])
def test_bend_of_a_drawn_back_is_recovered(bend: float, facing: float) -> None:
    px, vis = _landmarks(facing)
    measured = compute_dorsal_bend(_trunk_mask(bend, facing), px, vis, facing)
    assert measured == pytest.approx(bend, abs=3.0)


def test_no_outline_or_tiny_trunk_gives_nan() -> None:
    px, vis = _landmarks(1.0)
    assert np.isnan(compute_dorsal_bend(np.zeros((SIZE, SIZE), np.float32), px, vis, 1.0))
    small = px.copy()
    small[IDX["left_shoulder"]] = small[IDX["right_shoulder"]] = HIP + np.array([0.0, -10.0])
    assert np.isnan(compute_dorsal_bend(_trunk_mask(20.0, 1.0), small, vis, 1.0))


def _tilted(mask: np.ndarray, px: np.ndarray, inclination_deg: float, facing: float) -> tuple[np.ndarray, np.ndarray]:
    """Tilt the drawn trunk forward about the hip by ``inclination_deg`` (the way it faces)."""
    angle = facing * inclination_deg  # positive angle turns clockwise on screen (image y points down)
    rotation = cv2.getRotationMatrix2D((float(HIP[0]), float(HIP[1])), -angle, 1.0)
    tilted = cv2.warpAffine(mask, rotation, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    ones = np.ones((px.shape[0], 1))
    return tilted, np.hstack([px, ones]) @ rotation.T


@pytest.mark.parametrize("facing", [1.0, -1.0])
@pytest.mark.parametrize("inclination", [45.0, 85.0, 100.0, 120.0])
def test_bend_is_read_on_the_back_when_the_trunk_tilts_past_horizontal(inclination: float, facing: float) -> None:
    """A stoop takes the shoulders below the hips; the back is then still the upper edge, not the chest."""
    px, vis = _landmarks(facing)
    mask, tilted_px = _tilted(_trunk_mask(25.0, facing), px, inclination, facing)
    shoulder_below_hip = tilted_px[IDX["left_shoulder"], 1] > tilted_px[IDX["left_hip"], 1]
    assert shoulder_below_hip == (inclination > 90.0)
    assert compute_dorsal_bend(mask, tilted_px, vis, facing) == pytest.approx(25.0, abs=3.0)
