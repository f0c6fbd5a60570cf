"""Camera views: which way the camera looks at the subject, and which metrics it can measure.

A 2D angle is only a faithful copy of the joint angle when the joint moves in a
plane parallel to the image: sagittal angles (trunk, hip and knee flexion) need
a side view, frontal angles (knee valgus, pelvic obliquity, lateral shift) a
front view. The 3D angles from the model's world landmarks are valid from any
view, but noisier.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

View = Literal["sagittal-left", "sagittal-right", "frontal", "oblique", "unknown"]
"""Camera view of the body: side on (which side faces the camera), front on, in between, or not known."""

SAGITTAL: Final[frozenset[View]] = frozenset({"sagittal-left", "sagittal-right"})
FRONTAL: Final[frozenset[View]] = frozenset({"frontal"})
OBLIQUE: Final[frozenset[View]] = frozenset({"oblique"})
ANY_VIEW: Final[frozenset[View]] = frozenset({"sagittal-left", "sagittal-right", "frontal", "oblique"})
VERTICAL_ONLY: Final[frozenset[View]] = ANY_VIEW
"""Metrics built from vertical image distances only (hip height) survive any yaw."""

FRONTAL_MAX_YAW_DEG: Final[float] = 25.0
SAGITTAL_MIN_YAW_DEG: Final[float] = 60.0
"""Yaw of the body (0 = facing the camera, 90 = side on) separating the views.

Between the two the view is oblique: a 45° view foreshortens a 60° sagittal
angle to about 51° (tan θ' = tan θ · cos 45°), too much for a clinical reading.
"""

SQUARE_ON_MAX_YAW_DEG: Final[float] = 10.0
"""Largest body yaw at which the front view's frontal-plane readings of a rep are trusted: the knee's frontal
plane projection angle and the sideways hip shift. The yaw is read as the patient stands at the rep's start
(:func:`movequal.core.compensations.frontal_metrics.compute_rep_yaw`).

A body turned from the camera lets a bent knee's sagittal flexion and the hips' forward or backward travel leak into
the picture's horizontal, and more so the deeper the knee bends (Englander et al. 2019, Orthop J Sports Med
7(1):2325967118819831, for the projected knee angle). Chosen on data: the UI-PRMD squats and sit-to-stands of
subjects 1–5 filmed from the front with the body turned 0–20°, the share of correct reps read past either rule's
threshold stays within 10 points of the square-on share up to 10° and climbs from there (docs/EVALUATION.md §42,
with a leave-one-subject-out check). The view itself is still frontal up to :data:`FRONTAL_MAX_YAW_DEG`: the
pelvis's tilt, the trunk's sideways lean and the knees' 3D symmetry survive a turn.
"""


def describe_views(views: frozenset[View]) -> str:
    """Name a set of views for a reader: "a side view", "a side or oblique view", "a front view".

    ``"unknown"`` is left out; a set with no known view is "no camera view".
    """
    names = [
        name for name, members in (("side", SAGITTAL), ("oblique", OBLIQUE), ("front", FRONTAL)) if members <= views
    ]
    if not names:
        return "no camera view"
    return "a " + " or ".join(names) + " view"


def compute_body_yaw(pose: PoseSequence) -> FloatArray:
    """Per-frame yaw of the body relative to the camera in degrees, 0–90.

    Notes
    -----
    MediaPipe's world landmarks share the camera's orientation (x right, y
    down, z away from the camera), so the angle of the hip and shoulder lines
    in the x–z plane tells how far the body is turned: 0° when the left-right
    axis is parallel to the image (front or back view), 90° when it points at
    the camera (side view). Hips and shoulders are averaged as unit vectors;
    the sign (which way the subject turned) is dropped.
    """
    return compute_world_yaw(pose.world)


def compute_world_yaw(world: FloatArray) -> FloatArray:
    """Per-frame body yaw in degrees, 0–90, from world landmarks of shape (T, 33, 3) (see :func:`compute_body_yaw`)."""
    lines = [
        world[:, IDX["left_hip"]] - world[:, IDX["right_hip"]],
        world[:, IDX["left_shoulder"]] - world[:, IDX["right_shoulder"]],
    ]
    total = np.zeros((world.shape[0], 2))
    for line in lines:
        flat = np.abs(line[:, [0, 2]])  # |x|, |z|: fold the four quadrants onto one
        with np.errstate(invalid="ignore", divide="ignore"):
            total += flat / np.linalg.norm(flat, axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.degrees(np.arctan2(total[:, 1], total[:, 0])))


def compute_facing(px: FloatArray, frames: slice | BoolArray = slice(None)) -> float:
    """Return +1 when the subject faces image-right, -1 when image-left, over a clip's ``frames``.

    Parameters
    ----------
    px : ndarray, shape (T, 33, 2)
        Image landmarks in pixels, NaN where masked.
    frames : slice or ndarray of bool
        The frames that vote (all of them by default).

    Notes
    -----
    Votes with the nose against the trunk centre and the toes against the
    heels on every frame, and takes the sign of the median; +1 when unknown.
    """
    corners = px[:, [IDX["left_hip"], IDX["right_hip"], IDX["left_shoulder"], IDX["right_shoulder"]], 0]
    seen = np.isfinite(corners)
    with np.errstate(invalid="ignore", divide="ignore"):
        trunk = np.where(seen, corners, 0.0).sum(axis=1) / seen.sum(axis=1)
    votes = [(px[:, IDX["nose"], 0] - trunk)[frames]]
    for side in ("left", "right"):
        votes.append((px[:, IDX[f"{side}_foot_index"], 0] - px[:, IDX[f"{side}_heel"], 0])[frames])
    stacked = np.concatenate(votes)
    stacked = stacked[np.isfinite(stacked)]
    return float(np.sign(np.median(stacked))) if stacked.size and np.median(stacked) != 0 else 1.0


def classify_view(pose: PoseSequence) -> View:
    """Classify the camera view of a clip from the body's yaw.

    Returns
    -------
    View
        ``"frontal"`` (front or back), ``"oblique"``, ``"sagittal-left"`` (the
        subject's left side towards the camera: a camera on the subject's left
        sees them facing image-left in an unmirrored video), ``"sagittal-right"``
        (facing image-right), or ``"unknown"`` without landmarks.

    Notes
    -----
    The median yaw over frames where the body is found is used, so turning
    briefly does not change the view (a set's view is read again over the
    stance it is done in, :func:`~movequal.core.view_frames.read_over_movement`).
    When the world landmarks are missing the older image rule is used:
    shoulder and hip widths over trunk length.
    """
    yaw = compute_body_yaw(pose)
    if np.isfinite(yaw).any():
        median = float(np.nanmedian(yaw))
    else:
        ratio = _image_width_ratio(pose)
        if not np.isfinite(ratio):
            return "unknown"
        median = float(np.degrees(np.arccos(np.clip(ratio / 0.8, 0.0, 1.0))))
    return classify_turn(median, pose.image_pixels())


def classify_turn(median: float, px: FloatArray, frames: slice | BoolArray = slice(None)) -> View:
    """Classify the view from the body's typical yaw (deg, 0–90); a side view's side from ``px`` over ``frames``."""
    if median <= FRONTAL_MAX_YAW_DEG:
        return "frontal"
    if median < SAGITTAL_MIN_YAW_DEG:
        return "oblique"
    return "sagittal-right" if compute_facing(px, frames) > 0 else "sagittal-left"


def _image_width_ratio(pose: PoseSequence) -> float:
    """Median shoulder-and-hip width over trunk length in the image (≈ 0.8 from the front, ≈ 0 side on)."""
    px = pose.image_pixels()
    width = 0.5 * (
        np.linalg.norm(px[:, IDX["left_shoulder"]] - px[:, IDX["right_shoulder"]], axis=1)
        + np.linalg.norm(px[:, IDX["left_hip"]] - px[:, IDX["right_hip"]], axis=1)
    )
    shoulders = 0.5 * (px[:, IDX["left_shoulder"]] + px[:, IDX["right_shoulder"]])
    hips = 0.5 * (px[:, IDX["left_hip"]] + px[:, IDX["right_hip"]])
    trunk = np.linalg.norm(shoulders - hips, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = width / trunk
    return float(np.nanmedian(ratio)) if np.isfinite(ratio).any() else float("nan")
