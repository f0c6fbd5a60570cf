"""A clip's up-down excursions: where they are, and which frames are their deepest.

Recognition (:mod:`movequal.core.motion_features`) reads the posture at the bottom of a clip's repetitions and
whether anything moved up and down at all. Clinics record long still stretches around and between sets (a patient
getting ready, a rest between two sets), so both are read from the excursions themselves, not from shares of the
clip's frames, which a still stretch can outweigh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.filtering import filter_running_median
from movequal.core.frame_rate import compute_frames, compute_median_width
from movequal.core.peaks import find_prominent_peaks
from movequal.core.reps import MIN_PROMINENCE, MIN_RELATIVE_PROMINENCE, bridge_gaps
from movequal.core.runs import close_short_gaps

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

DEEP_SHARE = 0.2
"""The bottom of the excursions: the deepest fifth of their frames."""
MOVING_SHARE = 0.1
"""An excursion proper: its frames more than this share of its prominence above its higher base."""

MOVING_SPEED_SHARE = 0.2
"""Without an excursion proper, the frames whose depth changes at over this share of the clip's top speed move."""
MOVING_GAP_S = 1.0
"""A pause shorter than this between moving frames (the turn at the bottom or at lockout) belongs to the movement."""
SPEED_SPAN_S = 0.25
"""The speed of :func:`find_moving_frames` is the change in depth from this long before a frame to this long after."""


def compute_depth(height: FloatArray, trunk: FloatArray) -> FloatArray:
    """Return how far the body is from standing upright, frame by frame: the hips' drop plus the trunk's tilt.

    Parameters
    ----------
    height : ndarray, shape (T,)
        Hip height in leg lengths (NaN where the hips are not seen).
    trunk : ndarray, shape (T,)
        Trunk inclination from vertical (deg); a frame without it counts as upright.

    Notes
    -----
    The hips' drop is read against their standing height (the 95th
    percentile), the trunk's tilt in half turns (90° adds 0.5), so a squat
    (the hips drop) and a lift (the trunk tilts) both make excursions.
    """
    seen = np.isfinite(height)
    if not seen.any():
        return np.full(height.shape, np.nan)
    standing = float(np.percentile(height[seen], 95))
    return (1.0 - height / standing) + np.nan_to_num(trunk / 180.0, nan=0.0)


@dataclass(frozen=True)
class Excursions:
    """The kept up-down excursions of a driver: their peaks, prominences and bases (frame indices)."""

    signal: FloatArray
    peaks: NDArray[np.intp]
    prominences: FloatArray
    left_bases: NDArray[np.intp]
    right_bases: NDArray[np.intp]


def find_excursions(depth: FloatArray) -> Excursions | None:
    """Return the clip's excursions as the rep counter keeps them, or None when there is none to keep.

    Notes
    -----
    The excursions are the peaks of ``depth`` at least :data:`MIN_PROMINENCE`
    prominent and :data:`MIN_RELATIVE_PROMINENCE` of the largest excursion. A
    clip that starts or ends deep holds half an excursion at that edge, which
    no peak marks (a peak needs frames on both sides): it counts, by its depth
    above the clip's lowest level, towards the largest excursion, so a small
    re-bend after a single pull from the floor is not taken for the clip's
    movement.
    """
    signal = bridge_gaps(depth)
    if signal is None:
        return None
    peaks, props = find_prominent_peaks(signal, MIN_PROMINENCE)
    if peaks.size == 0:
        return None
    largest = max(float(props["prominences"].max()), signal[0] - signal.min(), signal[-1] - signal.min())
    keep = props["prominences"] >= MIN_RELATIVE_PROMINENCE * largest
    if not keep.any():
        return None
    return Excursions(
        signal,
        peaks[keep],
        props["prominences"][keep],
        props["left_bases"][keep].astype(np.intp),
        props["right_bases"][keep].astype(np.intp),
    )


def find_motion_span(depth: FloatArray) -> slice:
    """Return the frames from where the clip's first up-down excursion begins to where its last one ends.

    Notes
    -----
    The span runs from the first excursion's left base to the last one's
    right base (:func:`find_excursions`). A posture held before the first
    excursion or after the last (standing still, a set-up at the bar,
    crouching to set the weight down) is left out, so how long the clip
    lingers there does not weigh on what the repetitions look like. A clip
    with no excursion inside it (a single pull from the floor) is read whole.
    """
    return span_of(find_excursions(depth), depth.size)


def span_of(found: Excursions | None, frames: int) -> slice:
    """:func:`find_motion_span` from excursions already found (the whole clip of ``frames`` without any)."""
    if found is None:
        return slice(0, frames)
    return slice(int(found.left_bases[0]), int(found.right_bases[-1]) + 1)


def find_deep_frames(depth: FloatArray, fps: float) -> BoolArray:
    """Return the frames at the bottom of the clip's excursions, where its posture at the deepest is read.

    Notes
    -----
    The frames of each excursion proper are those between its bases where
    the driver stands more than :data:`MOVING_SHARE` of its prominence above
    the higher base; the deepest fifth of them (:data:`DEEP_SHARE`) are the
    bottom. A rest between excursions or around them is in none, however
    long: a set of single lifts with ten seconds standing between them, or
    thirty seconds of a patient getting ready, used to fill the deepest fifth
    of the motion span with standing and name a lift a bend or a squat, while
    the deepest excursion still weighs the most (a barbell ducked out from
    under after the set is not the squat). A clip with no excursion inside it
    (a single pull from the floor) is read over the frames where the body
    moves (:func:`find_moving_frames`, ``fps`` its frame rate): a set-up held
    at the bar, or the weight set down and the crouch held, is as deep as the
    pull and used to fill the deepest fifth; ten seconds of it named a lift
    whose trunk settles upright at the bar a squat, with no rep to score.
    """
    return deep_frames_of(depth, find_excursions(depth), fps)


def moving_frames_of(found: Excursions, frames: int) -> BoolArray:
    """Return the frames of the excursions proper, of ``frames`` in all (without any, see :func:`find_moving_frames`).

    Notes
    -----
    An excursion proper is where the driver stands more than
    :data:`MOVING_SHARE` of the excursion's prominence above its higher base:
    a still stretch before, between or after the excursions is in none.
    """
    pool = np.zeros(frames, dtype=bool)
    for prominence, left, right in zip(found.prominences, found.left_bases, found.right_bases, strict=True):
        base = max(found.signal[left], found.signal[right])
        window = slice(int(left), int(right) + 1)
        pool[window] |= found.signal[window] > base + MOVING_SHARE * prominence
    return pool


def deep_frames_of(depth: FloatArray, found: Excursions | None, fps: float) -> BoolArray:
    """:func:`find_deep_frames` from excursions already found in ``depth``."""
    seen = np.isfinite(depth)
    moving = moving_frames_of(found, depth.size) if found is not None else find_moving_frames(depth, fps)
    pool = moving & seen
    if not pool.any():
        return np.ones(depth.size, dtype=bool) if not seen.any() else seen
    deep = np.zeros(depth.size, dtype=bool)
    deep[pool] = depth[pool] >= np.quantile(depth[pool], 1.0 - DEEP_SHARE)
    return deep


def measure_excursion(driver: FloatArray, width: int) -> float:
    """Return the range of ``driver`` after a running median over ``width`` frames (NaN when never seen).

    Notes
    -----
    The largest minus the smallest value, so a short set in a long still
    recording keeps its range (a range between percentiles read 0 once the
    reps filled under 5 % of the frames); the running median
    (:func:`~movequal.core.frame_rate.compute_median_width` of the frame rate)
    first takes out a mistracked frame or two, which a plain range would count
    as motion.
    """
    if not np.isfinite(driver).any():
        return float("nan")
    smooth = filter_running_median(driver, width)
    return float(np.nanmax(smooth) - np.nanmin(smooth))


def find_moving_frames(depth: FloatArray, fps: float) -> BoolArray:
    """Return the frames where the body moves: ``depth`` changing at over :data:`MOVING_SPEED_SHARE` of its top speed.

    Notes
    -----
    For a set with no excursion proper: a single pull from the floor (floor →
    lockout, or floor → lockout → floor) has no peak of depth with standing
    on both sides. A wait around it is still, and so left out; the set-up at
    the bar and the lockout are the stance around the pull
    (:func:`~movequal.core.view_frames.compute_stance_sides`). The speed is the change over
    :data:`SPEED_SPAN_S` either side of a frame, after a running median
    (:func:`~movequal.core.frame_rate.compute_median_width`), so neither a
    mistracked frame nor the model's jitter in a still body sets it. The
    turn at the bottom or at lockout is slow: pauses under
    :data:`MOVING_GAP_S` between moving frames belong to the movement (else
    the stance around each run would be read at the bottom). A clip
    whose depth never moves by :data:`~movequal.core.reps.MIN_PROMINENCE` (the
    smallest rep) has no movement to single out: every frame is returned. A
    run of frames whose speed cannot be read (the body unseen within the
    span) moves when a moving frame borders it: a moment of lost tracking as
    the pull starts or inside it is part of the pull (at 15 frames/s, half a
    second lost as a lift left the floor cut the pull's bottom out of its
    frames, and the posture read mid-pull named the lift a squat).
    """
    everything = np.ones(depth.shape, dtype=bool)
    if np.isfinite(depth).sum() < 3 or not np.isfinite(fps):
        return everything
    smooth = filter_running_median(depth, compute_median_width(fps))
    if not np.nanmax(smooth) - np.nanmin(smooth) >= MIN_PROMINENCE:
        return everything
    k = max(1, round(SPEED_SPAN_S * fps))
    index = np.arange(depth.size)
    speed = np.abs(smooth[np.minimum(index + k, depth.size - 1)] - smooth[np.maximum(index - k, 0)])
    if not np.isfinite(speed).any():
        return everything
    with np.errstate(invalid="ignore"):
        moving = np.asarray(speed >= MOVING_SPEED_SHARE * np.nanmax(speed))
    return close_short_gaps(_through_unseen(moving, np.isfinite(speed)), compute_frames(MOVING_GAP_S, fps))


def _through_unseen(moving: BoolArray, known: BoolArray) -> BoolArray:
    """Return ``moving`` with each run of frames of unknown speed next to a moving frame counted as moving."""
    index = np.arange(moving.size)
    last = np.maximum.accumulate(np.where(known, index, -1))  # the latest known frame at or before each
    following = np.minimum.accumulate(np.where(known, index, moving.size)[::-1])[::-1]  # the next at or after
    before = np.where(last >= 0, moving[np.clip(last, 0, None)], False)
    after = np.where(following < moving.size, moving[np.clip(following, None, moving.size - 1)], False)
    return np.asarray(moving | (~known & (before | after)))
