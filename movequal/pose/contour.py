"""The curve of the back, read from the pose model's body outline.

MediaPipe's landmarks put nothing on the spine, so a back that rounds while
the hips stay still looks, to the landmarks, much like a hip hinge. The
segmentation mask the same model outputs does show it: seen from the side, the
dorsal edge of the outline between shoulder and hip level is straight for a
neutral spine and bows outwards for a flexed one. :func:`compute_dorsal_bend`
turns that bow into an angle.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]

SAMPLES_ALONG = np.linspace(0.15, 0.85, 15)
"""Where along the hip→shoulder line the dorsal edge is looked for (fractions)."""
SEARCH_DEPTH = 0.6
"""How far out from the hip→shoulder line to look for the edge, in trunk lengths."""
MIN_TRUNK_PX = 24.0
MIN_EDGE_POINTS = 10
MAX_PLAUSIBLE_BEND = 90.0
"""An outline bent more than this is an artefact (an overlay, a bag, a second person), not a back."""
MIN_SPAN = 0.5
"""The edge must be found over at least half the trunk: the bend is scaled up from the span seen."""


def _back_normal(hip: FloatArray, shoulder: FloatArray, facing: float) -> tuple[FloatArray, float]:
    """Return the unit normal of the hip→shoulder line towards the back, and the line's length.

    Notes
    -----
    The back is where the trunk's axis points once turned a quarter turn
    against the way the person faces (image y points down): behind an
    upright trunk, above a trunk bent to horizontal, and still above it when
    the shoulders drop below the hips in a deep stoop. Choosing the side by
    the sign of the normal's x alone is right only while the shoulders are
    above the hips; past horizontal it picks the chest.
    """
    axis = shoulder - hip
    length = float(np.hypot(*axis))
    normal = np.sign(facing) * np.array([axis[1], -axis[0]]) / max(length, 1e-9)
    return normal, length


def _sample_bilinear(mask: NDArray[np.floating], x: FloatArray, y: FloatArray) -> FloatArray:
    """Mask values at fractional pixel positions (0 outside the frame)."""
    height, width = mask.shape
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    fx, fy = x - x0, y - y0
    out = np.zeros(x.shape)
    for dx, dy, weight in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        xi, yi = x0 + dx, y0 + dy
        inside = (xi >= 0) & (xi < width) & (yi >= 0) & (yi < height)
        out[inside] += weight[inside] * mask[yi[inside], xi[inside]]
    return out


def _edge_distances(
    mask: NDArray[np.floating], hip: FloatArray, shoulder: FloatArray, normal: FloatArray
) -> FloatArray:
    """Distance (px) from the hip→shoulder line to the outline's edge along ``normal`` at each sample.

    The edge is where the bilinearly sampled mask crosses 0.5, interpolated
    between samples, so it is found to a fraction of a pixel.
    """
    length = float(np.hypot(*(shoulder - hip)))
    radii = np.arange(0.0, SEARCH_DEPTH * length, 0.5)
    base = hip + SAMPLES_ALONG[:, None] * (shoulder - hip)
    points = base[:, None, :] + radii[None, :, None] * normal
    values = _sample_bilinear(mask, points[..., 0], points[..., 1])
    out = values <= 0.5
    first = np.argmax(out, axis=1)
    # Valid only if the line itself is inside the body and the edge is found within the search depth.
    valid = (values[:, 0] > 0.5) & out.any(axis=1)
    rows = np.arange(first.size)
    before, after = values[rows, np.maximum(first - 1, 0)], values[rows, first]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.clip((before - 0.5) / (before - after), 0.0, 1.0)
    distance = radii[np.maximum(first - 1, 0)] + 0.5 * fraction
    return np.where(valid, distance, np.nan)


def compute_dorsal_bend(
    mask: NDArray[np.floating], landmarks_px: FloatArray, visibility: FloatArray, facing: float
) -> float:
    """Bend of the back's outline between hip and shoulder level, in degrees (+ = rounded).

    Parameters
    ----------
    mask : ndarray, shape (H, W)
        The pose model's segmentation mask (1 = body), same size as the frame.
    landmarks_px : ndarray, shape (33, 2)
        Image landmarks of the frame in pixels.
    visibility : ndarray, shape (33,)
        Their visibility; the more visible side's hip and shoulder are used.
    facing : float
        +1 when the subject faces image-right, -1 image-left.

    Returns
    -------
    float
        NaN when the trunk is too small in the image or the edge is not found
        along most of it.

    Notes
    -----
    The edge's distance from the hip→shoulder line is fitted with a
    quadratic along the trunk (15–85 % of its length, least squares, so one
    noisy sample moves it little); the quadratic's curvature times the
    trunk's length is the angle an arc of that curvature turns through from
    hip to shoulder level. A straight back gives 0, a back
    arched the other way (lordosis) a negative angle. The outline includes
    clothing and soft tissue, so the angle is smaller than the spine's own
    flexion and is best read as a change, or against a threshold set on
    real clips. Only meaningful from the side.
    """
    side = "left" if visibility[IDX["left_hip"]] >= visibility[IDX["right_hip"]] else "right"
    hip, shoulder = landmarks_px[IDX[f"{side}_hip"]], landmarks_px[IDX[f"{side}_shoulder"]]
    if not (np.isfinite(hip).all() and np.isfinite(shoulder).all() and np.isfinite(facing) and facing != 0):
        return float("nan")
    normal, length = _back_normal(hip, shoulder, facing)
    if length < MIN_TRUNK_PX:
        return float("nan")
    distance = _edge_distances(mask, hip, shoulder, normal)
    ok = np.isfinite(distance)
    if ok.sum() < MIN_EDGE_POINTS or SAMPLES_ALONG[ok][-1] - SAMPLES_ALONG[ok][0] < MIN_SPAN:
        return float("nan")
    # Edge distance as a quadratic in the position along the trunk (px): d = a s² + b s + c.
    # Its curvature is 2a / (1 + b²)^1.5; over the trunk's length that bends the outline by
    # about -2 a L / (1 + b²) radians (negative a: the edge bulges backwards mid-trunk).
    along = SAMPLES_ALONG[ok] * length
    a, b, _ = np.polyfit(along - along.mean(), distance[ok], 2)
    bend = float(np.degrees(-2.0 * a * length / (1.0 + b * b)))
    return bend if abs(bend) <= MAX_PLAUSIBLE_BEND else float("nan")
