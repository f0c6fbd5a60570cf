"""Where the body's centre of mass lies over the feet, from image landmarks.

A person standing, squatting or lunging without support keeps the centre of
mass over the feet: at rest its projection on the floor must lie inside the
base of support (Winter 1995, Gait Posture 3(4):193-214). A person sitting on a
chair does not: the seat carries the body, whose centre of mass then lies
behind the heels. :func:`compute_heel_offsets` measures that on each frame, in
foot lengths along the direction the subject faces.

The segment masses and centre positions are Dempster's (1955), as tabulated by
Winter (2009), *Biomechanics and Motor Control of Human Movement*, 4th ed.,
Table 4.1: each segment's centre lies a fixed fraction of the way between its
end joints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.kinematics import compute_leg_length
from movequal.core.sides import compute_midpoint

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Segment:
    """One body segment of the centre-of-mass model (both sides together where paired)."""

    mass: float
    """Share of body mass."""
    proximal: str
    """The joint the centre is measured from (a landmark pair's name without its side)."""
    distal: str
    """The joint it is measured towards."""
    centre: float
    """Where the segment's centre lies, as a fraction of the way from ``proximal`` to ``distal``."""


SEGMENTS: tuple[Segment, ...] = (
    Segment(0.578, "hip", "shoulder", 0.66),  # trunk, head and neck: greater trochanter → glenohumeral joint
    Segment(2 * 0.028, "shoulder", "elbow", 0.436),  # upper arms
    Segment(2 * 0.016, "elbow", "wrist", 0.430),  # forearms
    Segment(2 * 0.006, "wrist", "wrist", 0.0),  # hands, at the wrist: their 19 cm moves the whole by a millimetre
    Segment(2 * 0.100, "hip", "knee", 0.433),  # thighs
    Segment(2 * 0.0465, "knee", "ankle", 0.433),  # shanks
    Segment(2 * 0.0145, "heel", "foot_index", 0.5),  # feet (Winter: malleolus → second metatarsal head)
)
"""The model: Winter (2009) Table 4.1; the masses add up to 1."""
MIN_FOOT_LEGS = 0.15
"""Below this length in the image (leg lengths), the foot is seen too end-on to be a ruler: not measurable.

A foot is about 0.15 of body height and a leg (hip to ankle) about 0.49 (Winter 2009, Fig. 4.1), so side-on a
foot spans about 0.3 leg lengths (the leg's length is the sum of its segments' lengths in the image)."""


def compute_centre_of_mass(px: FloatArray) -> FloatArray:
    """Estimate the body's centre of mass in the image from landmarks, shape (T, 2).

    Parameters
    ----------
    px : ndarray, shape (T, 33, 2)
        Image landmarks in pixels.

    Returns
    -------
    ndarray, shape (T, 2)
        NaN on frames where a segment's end is not seen on either side.

    Notes
    -----
    The centre of mass is a weighted sum of landmark positions, so building
    each paired segment from the mean of the left and right joints gives the
    same point as summing the two sides. Where one side is missing, the other
    stands for both (:func:`~movequal.core.sides.compute_midpoint`): in an
    oblique view that shifts the point by about half the body's width, so the
    caller should treat such frames with care (the raw landmarks of a pose
    model are all present or all missing on a frame).
    """
    joints: dict[str, FloatArray] = {}
    total = np.zeros((len(px), 2))
    for s in SEGMENTS:
        for name in (s.proximal, s.distal):
            if name not in joints:
                joints[name] = compute_midpoint(px, f"left_{name}", f"right_{name}")
        start = joints[s.proximal]
        total += s.mass * (start + s.centre * (joints[s.distal] - start))
    return total / sum(s.mass for s in SEGMENTS)


def compute_heel_offsets(px: FloatArray) -> FloatArray:
    """How far behind the heels the centre of mass lies on each frame, in foot lengths, shape (T,).

    Parameters
    ----------
    px : ndarray, shape (T, 33, 2)
        Image landmarks in pixels (a side view) of the frames to read.

    Returns
    -------
    ndarray, shape (T,)
        0 at the heels, -1 at the toes (in front of the heels), positive
        behind them; NaN on every frame when the feet are seen too end-on to
        measure along (:data:`MIN_FOOT_LEGS`), and on frames missing a landmark.

    Notes
    -----
    Read along the image's x axis, so only from a camera that is level: a
    camera rolled by 5° moves the reading by about a fifth of a foot side-on
    (the centre of mass is about 0.6 m above the floor at the bottom), and by
    more from an oblique angle, where the foot is foreshortened and the
    height is not.
    The foot's length is the median over the frames given, measured in the
    same projection as the offset, which cancels the foreshortening of an
    oblique view. The heel and toe are the mean of both feet, so feet side
    by side shift neither; in a staggered stance the rear heel is further
    back than the mean. The foot's and the leg's lengths are read over the
    same frames (the segments do not change length; seen from the side,
    their projections barely do).
    """
    heel = compute_midpoint(px, "left_heel", "right_heel")[:, 0]
    along = compute_midpoint(px, "left_foot_index", "right_foot_index")[:, 0] - heel
    unmeasurable = np.full(len(px), np.nan)
    if not np.isfinite(along).any():
        return unmeasurable
    foot = abs(float(np.nanmedian(along)))
    if not (foot > 0 and foot >= MIN_FOOT_LEGS * compute_leg_length(px)):
        return unmeasurable
    return np.asarray((heel - compute_centre_of_mass(px)[:, 0]) * np.sign(np.nanmedian(along)) / foot)
