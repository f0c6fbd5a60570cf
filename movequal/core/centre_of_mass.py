"""Where the body's centre of mass lies over the feet, from image landmarks.

A person standing, squatting or lunging without support keeps the centre of
mass over the feet: at rest its projection on the floor must lie inside the
base of support (Winter 1995, Gait Posture 3(4):193-214). A person sitting on a
chair does not: the seat carries the body, whose centre of mass then lies
behind the heels. :func:`compute_support_offset` measures that, in foot lengths
along the direction the subject faces.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]

HAT_MASS, HAT_COM = 0.678, 0.626
"""Head, arms and trunk: share of body mass, and where its centre lies from the hips towards the shoulders."""
THIGH_MASS, THIGH_COM = 0.100, 0.433
"""Each thigh: share of body mass, and its centre's position from hip to knee."""
SHANK_MASS, SHANK_COM = 0.0465, 0.433
"""Each shank: share of body mass, and its centre's position from knee to ankle."""
FOOT_MASS = 0.0145
"""Each foot: share of body mass, its centre midway between heel and toe.

Segment parameters: Dempster (1955) as tabulated by Winter (2009), *Biomechanics and Motor Control of Human
Movement*, 4th ed., Table 4.1; a segment's centre is a fixed fraction of the way between its end joints."""
MIN_FOOT_LEGS = 0.15
"""Below this length in the image (leg lengths), the foot is seen too end-on to be a ruler: not measurable.

A foot is about 0.15 of body height and a leg (hip to ankle) about 0.49 (Winter 2009, Fig. 4.1), so side-on a
foot spans about 0.3 leg lengths; seen from 60° off the side it still spans half that."""


def _point(px: FloatArray, name: str) -> FloatArray:
    return px[:, IDX[name]]


def _both(px: FloatArray, name: str) -> FloatArray:
    """Return the mean of a left/right landmark pair, or the one side that is seen."""
    left, right = _point(px, f"left_{name}"), _point(px, f"right_{name}")
    return np.where(np.isnan(left), right, np.where(np.isnan(right), left, (left + right) / 2.0))


def compute_centre_of_mass(px: FloatArray) -> FloatArray:
    """Estimate the body's centre of mass in the image from landmarks, shape (T, 2).

    Parameters
    ----------
    px : ndarray, shape (T, 33, 2)
        Image landmarks in pixels.

    Returns
    -------
    ndarray, shape (T, 2)
        NaN on frames where a segment's end is not seen.

    Notes
    -----
    Head, arms and trunk are one segment from the hips' midpoint to the
    shoulders' midpoint, so raised arms move it less than they should; in
    a squat or a chair rise the arms hang or reach forward little. Each leg's
    segments use the mean of the two sides where a side is missing.
    """
    hip, shoulder = _both(px, "hip"), _both(px, "shoulder")
    knee, ankle = _both(px, "knee"), _both(px, "ankle")
    foot = (_both(px, "heel") + _both(px, "foot_index")) / 2.0
    weighted = (
        HAT_MASS * (hip + HAT_COM * (shoulder - hip))
        + 2 * THIGH_MASS * (hip + THIGH_COM * (knee - hip))
        + 2 * SHANK_MASS * (knee + SHANK_COM * (ankle - knee))
        + 2 * FOOT_MASS * foot
    )
    return weighted / (HAT_MASS + 2 * (THIGH_MASS + SHANK_MASS + FOOT_MASS))


def compute_support_offset(px: FloatArray, frames: NDArray[np.bool_]) -> float:
    """How far behind the heels the centre of mass lies over ``frames``, in foot lengths (median).

    Parameters
    ----------
    px : ndarray, shape (T, 33, 2)
        Image landmarks in pixels (a side or oblique view).
    frames : ndarray of bool, shape (T,)
        The frames to summarise (e.g. those with the hips low).

    Returns
    -------
    float
        0 at the heels, -1 at the toes (in front of the heels), positive
        behind them; NaN when the feet are seen too end-on to measure along
        (:data:`MIN_FOOT_LEGS`) or no frame has every landmark.

    Notes
    -----
    Read along the image's x axis, so only from a side or oblique camera: the
    foot's length is measured in the same projection as the offset, which
    cancels the foreshortening of an oblique view. The heel and toe are the
    mean of both feet, so feet placed side by side shift neither. The foot's
    and the leg's lengths are read over the same frames (the segments do not
    change length; seen from the side, their projections barely do).
    """
    px = px[frames]  # every reading below is of these frames only: a long clip's rest band is a small share
    heel, toe = _both(px, "heel")[:, 0], _both(px, "foot_index")[:, 0]
    centre = compute_centre_of_mass(px)[:, 0]
    leg = np.linalg.norm(_both(px, "hip") - _both(px, "knee"), axis=1)
    leg += np.linalg.norm(_both(px, "knee") - _both(px, "ankle"), axis=1)
    along = toe - heel
    if not np.isfinite(along).any() or not np.isfinite(leg).any():
        return float("nan")
    foot = abs(float(np.nanmedian(along)))
    if foot < MIN_FOOT_LEGS * float(np.nanmedian(leg)):
        return float("nan")
    behind = (heel - centre) * np.sign(np.nanmedian(along)) / foot
    behind = behind[np.isfinite(behind)]
    return float(np.median(behind)) if behind.size else float("nan")
