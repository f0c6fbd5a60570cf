"""Landmark names and skeleton edges of the 33-point MediaPipe / BlazePose topology.

The one place these constants live: every module that names a landmark or draws
a bone imports them from here.
"""

from __future__ import annotations

from typing import Final

LANDMARK_NAMES: Final[tuple[str, ...]] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
NUM_LANDMARKS: Final[int] = len(LANDMARK_NAMES)
LANDMARK_INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(LANDMARK_NAMES)}

SKELETON_EDGES: Final[tuple[tuple[int, int], ...]] = tuple(
    (LANDMARK_INDEX[a], LANDMARK_INDEX[b])
    for a, b in (
        ("left_shoulder", "right_shoulder"),
        ("left_shoulder", "left_elbow"),
        ("left_elbow", "left_wrist"),
        ("right_shoulder", "right_elbow"),
        ("right_elbow", "right_wrist"),
        ("left_shoulder", "left_hip"),
        ("right_shoulder", "right_hip"),
        ("left_hip", "right_hip"),
        ("left_hip", "left_knee"),
        ("left_knee", "left_ankle"),
        ("left_ankle", "left_heel"),
        ("left_heel", "left_foot_index"),
        ("left_ankle", "left_foot_index"),
        ("right_hip", "right_knee"),
        ("right_knee", "right_ankle"),
        ("right_ankle", "right_heel"),
        ("right_heel", "right_foot_index"),
        ("right_ankle", "right_foot_index"),
        ("nose", "left_eye"),
        ("nose", "right_eye"),
        ("left_eye", "left_ear"),
        ("right_eye", "right_ear"),
    )
)
"""Bones drawn by the annotator: trunk, limbs, feet and a simplified face."""

FACE_LANDMARKS: Final[tuple[int, ...]] = tuple(range(0, 11))
"""Indices of the face points (nose, eyes, ears, mouth): used to blur faces."""


def side_of(name: str) -> str | None:
    """Return ``"left"``, ``"right"`` or ``None`` for a landmark name."""
    for side in ("left", "right"):
        if name.startswith(side + "_"):
            return side
    return None
