"""Camera projection, visibility, landmark noise and detection dropouts.

Conventions
-----------
The body frame is (forward, up, subject's left); see :mod:`.body`. The camera
is unmirrored and placed on the side named by the view: ``sagittal-left`` on
the subject's left, so the left landmarks are the near ones **and the subject
faces image-left** (seen from someone's left, their front is on the viewer's
left); ``sagittal-right`` mirrors it (facing image-right); ``frontal`` faces
the subject, whose left side appears on image-right; ``oblique`` looks from
45° between front and left (facing image-left-and-towards the camera).

World landmarks follow MediaPipe's camera-aligned axes: x towards image-right,
y down, z away from the camera, in metres from the hip mid-point. They are
therefore rotated with the camera's yaw but have no perspective and no scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import LANDMARK_NAMES, side_of
from movequal.synthetic.body import FWD, UP, Body
from movequal.synthetic.camera_spec import Camera

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
CAMERA_HEIGHT = 0.55
"""Camera height as a fraction of body height (about hip height), optical axis horizontal."""
MARGIN = 0.05
"""Fraction of the frame kept free on every side of the clip's bounding box."""
WORLD_NOISE_PER_PX = 0.003
"""World landmark noise (metres) per pixel of image noise."""

TOWARDS_CAMERA: dict[str, tuple[float, float]] = {
    "sagittal-left": (0.0, 1.0),
    "sagittal-right": (0.0, -1.0),
    "frontal": (1.0, 0.0),
    "oblique": (np.sqrt(0.5), np.sqrt(0.5)),
}
"""Horizontal unit vector from the subject to the camera as (forward, left) components."""
FACING: dict[str, str] = {
    "sagittal-left": "image-left",
    "sagittal-right": "image-right",
    "frontal": "camera",
    "oblique": "image-left, towards the camera",
}


@dataclass(frozen=True)
class Rendered:
    """Projected landmarks: ``image`` (T, 33, 3), ``world`` (T, 33, 3), ``visibility`` (T, 33), ``info``."""

    image: FloatArray
    world: FloatArray
    visibility: FloatArray
    info: dict[str, Any]


def _axes(view: str) -> tuple[FloatArray, FloatArray]:
    """Return unit vectors (body frame) towards the camera and towards image-right."""
    fwd, left = TOWARDS_CAMERA[view]
    towards = np.array([fwd, 0.0, left])
    # Image-right is the viewing direction crossed with up, written out for the left-handed body frame.
    right = np.array([-left, 0.0, fwd])
    return towards, right


def compute_pitch(camera: Camera, body: Body) -> float:
    """Return the camera's downward tilt in radians (negative: tilted up) to aim at 0.55 × body height."""
    if camera.height_m is None:
        return 0.0
    return float(np.arctan2(camera.height_m - CAMERA_HEIGHT * body.height, camera.distance_m))


def camera_basis(camera: Camera, body: Body) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return unit vectors (body frame) of the image's right and down and of the viewing direction.

    Notes
    -----
    Tilting the camera down by the pitch turns the viewing direction and the
    image's down about the image's right, which stays horizontal; with no
    tilt they are the horizontal direction away from the camera and straight
    down.
    """
    towards, right = _axes(camera.view)
    pitch = compute_pitch(camera, body)
    up = np.zeros(3)
    up[UP] = 1.0
    ahead = -towards
    if pitch == 0.0:
        return right, -up, ahead
    cos, sin = np.cos(pitch), np.sin(pitch)
    return right, -cos * up - sin * ahead, cos * ahead - sin * up


def _project(
    points: FloatArray, camera: Camera, body: Body, aim_fwd: float | None = None
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """Pixel offsets (T, 33, 2) from the principal point, depths (T, 33), hip depth (T,), px per metre at the hip."""
    towards, _ = _axes(camera.view)
    right, down, ahead = camera_basis(camera, body)
    hip_mid = 0.5 * (points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]])
    forward = float(np.nanmean(hip_mid[:, FWD])) if aim_fwd is None else aim_fwd
    aim = np.array([forward, CAMERA_HEIGHT * body.height, 0.0])
    centre = aim + camera.distance_m * towards
    if camera.height_m is not None:
        centre[UP] = camera.height_m
    rel = points - centre
    depth = rel @ ahead
    flat = np.stack([rel @ right, rel @ down], axis=-1)
    hip_depth = (hip_mid - centre) @ ahead
    if camera.orthographic:
        return flat * (camera.focal_px / camera.distance_m), depth, hip_depth, camera.focal_px / camera.distance_m
    return flat * (camera.focal_px / depth)[..., None], depth, hip_depth, camera.focal_px / camera.distance_m


def _fit(offsets: FloatArray, frame: tuple[int, int]) -> tuple[FloatArray, float]:
    """Centre the clip's bounding box in the frame, shrinking it if it would not fit; return pixels and scale."""
    size = np.asarray(frame, dtype=np.float64)
    low = np.nanmin(offsets.reshape(-1, 2), axis=0)  # NaN: a landmark not known (see film)
    high = np.nanmax(offsets.reshape(-1, 2), axis=0)
    span = np.maximum(high - low, 1e-9)
    scale = float(min(1.0, *((1.0 - 2.0 * MARGIN) * size / span)))
    return (offsets - 0.5 * (low + high)) * scale + 0.5 * size, scale


def visibility_of(view: str) -> FloatArray:
    """Per-landmark visibility (33,) for a view: near side ~0.98, frontal ~0.93, far side in profile ~0.45.

    Notes
    -----
    Exposure ``e`` in [-1, 1] is how squarely a landmark's side faces the
    camera (nose, eyes and mouth count the face's front too); visibility is ``0.93 + 0.05 e``
    for exposed points and ``0.93 + 0.48 e`` for hidden ones.
    """
    fwd, left = TOWARDS_CAMERA[view]
    out = np.empty(len(LANDMARK_NAMES))
    for i, name in enumerate(LANDMARK_NAMES):
        sign = {"left": 1.0, "right": -1.0, None: 0.0}[side_of(name)]
        facial = i <= IDX["mouth_right"] and "ear" not in name
        exposure = 0.4 * fwd + 0.6 * sign * left if facial else sign * left
        out[i] = 0.93 + (0.05 if exposure >= 0 else 0.48) * exposure
    return out


def render(points: FloatArray, camera: Camera, body: Body, aim_fwd: float | None = None) -> Rendered:
    """Project body-frame landmarks (T, 33, 3) to MediaPipe image, world and visibility arrays.

    ``aim_fwd`` is the forward (body-frame) position from which
    ``camera.distance_m`` is measured; ``None`` means the clip's mean hip
    position.

    Notes
    -----
    Image x and y are pixels over width and height; image z is the depth
    relative to the hip mid-point in pixels at the hip's distance over the
    width (MediaPipe's "same scale as x"), smaller = nearer the camera. The
    pixel scale is ``focal_px / distance_m`` unless the clip had to be shrunk
    to fit (``info["scale"]`` < 1).
    """
    offsets, depth, hip_depth, px_per_m = _project(points, camera, body, aim_fwd)
    pixels, scale = _fit(offsets, camera.frame_size)
    width, height = camera.frame_size
    z_scale = np.full((len(points), 1), px_per_m) if camera.orthographic else camera.focal_px / hip_depth[:, None]
    z = scale * (depth - hip_depth[:, None]) * z_scale / width
    image = np.concatenate([pixels / np.array([width, height], dtype=np.float64), z[..., None]], axis=-1)
    right, down, ahead = camera_basis(camera, body)
    hip_mid = 0.5 * (points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]])
    rel = points - hip_mid[:, None]
    world = np.stack([rel @ right, rel @ down, rel @ ahead], axis=-1)
    visibility = np.broadcast_to(visibility_of(camera.view), (len(points), len(LANDMARK_NAMES))).copy()
    info = {"scale": scale, "px_per_m": scale * camera.focal_px / camera.distance_m, "facing": FACING[camera.view]}
    return Rendered(image=image, world=world, visibility=visibility, info=info)


def dropout_mask(n: int, fraction: float, rng: np.random.Generator) -> BoolArray:
    """Mark about ``fraction`` of ``n`` frames as undetected, in separated runs of 2–8 frames (rarely 9)."""
    mask = np.zeros(n, dtype=bool)
    wanted = round(fraction * n)
    if wanted < 2:
        return mask
    runs = rng.integers(2, 9, size=wanted // 2 + 1)
    runs = runs[: int(np.searchsorted(np.cumsum(runs), wanted)) + 1]
    runs[-1] -= max(int(runs.sum()) - wanted, 0)
    if runs[-1] < 2 and len(runs) > 1:  # fold a 1-frame remainder into the previous run
        runs = np.concatenate([runs[:-2], [runs[-2] + runs[-1]]])
    runs = runs[runs > 0]
    free = n - int(runs.sum()) - (len(runs) - 1)
    if free < 0:
        return mask
    cuts = np.sort(rng.integers(0, free + 1, size=len(runs)))
    starts = cuts + np.concatenate([[0], np.cumsum(runs[:-1] + 1)])
    index = np.repeat(starts, runs) + np.arange(int(runs.sum())) - np.repeat(np.cumsum(runs) - runs, runs)
    mask[index] = True
    return mask


def add_noise(
    rendered: Rendered, frame_size: tuple[int, int], noise_px: float, dropout: float, rng: np.random.Generator
) -> Rendered:
    """Gaussian pixel noise on image x, y, z, proportional noise on world, then dropout rows (NaN, visibility 0).

    Notes
    -----
    The dropout mask is drawn first, then image noise, then world noise, so
    a given seed gives the same dropouts whatever ``noise_px`` is.
    """
    image, world, visibility = rendered.image.copy(), rendered.world.copy(), rendered.visibility.copy()
    mask = dropout_mask(len(image), dropout, rng)
    if noise_px > 0:
        width, height = frame_size
        image += rng.normal(0.0, noise_px, size=image.shape) / np.array([width, height, width], dtype=np.float64)
        world += rng.normal(0.0, WORLD_NOISE_PER_PX * noise_px, size=world.shape)
    image[mask], world[mask], visibility[mask] = np.nan, np.nan, 0.0
    return Rendered(image=image, world=world, visibility=visibility, info=rendered.info)
