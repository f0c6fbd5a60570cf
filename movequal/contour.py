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

from movequal.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]

SAMPLES_ALONG = np.linspace(0.15, 0.85, 15)
"""Where along the hip→shoulder line the dorsal edge is looked for (fractions)."""
SEARCH_DEPTH = 0.6
"""How far out from the hip→shoulder line to look for the edge, in trunk lengths."""
MIN_TRUNK_PX = 24.0
MIN_EDGE_POINTS = 10


def _back_normal(hip: FloatArray, shoulder: FloatArray, facing: float) -> tuple[FloatArray, float]:
    """Unit normal of the hip→shoulder line pointing to the subject's back, and the line's length."""
    axis = shoulder - hip
    length = float(np.hypot(*axis))
    normal = np.array([-axis[1], axis[0]]) / max(length, 1e-9)
    if normal[0] * facing > 0:  # the back is on the side opposite the facing direction
        normal = -normal
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


def _edge_distances(mask: NDArray[np.floating], hip: FloatArray, shoulder: FloatArray, normal: FloatArray) -> FloatArray:
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
    The edge points are joined end to end by a chord; an arc of constant
    curvature bent by φ has a sagitta (greatest height over its chord) of
    about chord·φ/8, so φ = 8·sagitta/chord, scaled from the sampled span
    (15–85 % of the trunk) to the whole hip→shoulder length. A straight back gives 0, a back
    arched the other way (lordosis) a negative angle. The outline includes
    clothing and soft tissue, so the angle is smaller than the spine's own
    flexion and is best read as a change, or against a threshold set on
    real clips. Only meaningful from the side.
    """
    side = "left" if visibility[IDX["left_hip"]] >= visibility[IDX["right_hip"]] else "right"
    hip, shoulder = landmarks_px[IDX[f"{side}_hip"]], landmarks_px[IDX[f"{side}_shoulder"]]
    if not (np.isfinite(hip).all() and np.isfinite(shoulder).all() and facing != 0):
        return float("nan")
    normal, length = _back_normal(hip, shoulder, facing)
    if length < MIN_TRUNK_PX:
        return float("nan")
    distance = _edge_distances(mask, hip, shoulder, normal)
    ok = np.isfinite(distance)
    if ok.sum() < MIN_EDGE_POINTS:
        return float("nan")
    base = hip + SAMPLES_ALONG[ok, None] * (shoulder - hip)
    edge = base + distance[ok, None] * normal
    chord = edge[-1] - edge[0]
    chord_length = float(np.hypot(*chord))
    if chord_length < MIN_TRUNK_PX / 2:
        return float("nan")
    # Height of each edge point above the chord, towards the back.
    across = np.array([-chord[1], chord[0]]) / chord_length
    if across @ normal < 0:
        across = -across
    heights = (edge - edge[0]) @ across
    sagitta = float(heights[np.argmax(np.abs(heights))])
    # The samples cover only part of the trunk; at constant curvature the bend scales with the span.
    span = float(SAMPLES_ALONG[ok][-1] - SAMPLES_ALONG[ok][0])
    return float(np.degrees(8.0 * sagitta / chord_length) / span)
