"""Where a set rests and where its repetitions are, including lifts that rest on the floor.

:func:`segment_set` infers the rest (or takes the one given), builds the movement's driver and finds the reps
(:func:`~movequal.core.reps.segment_reps`); a lift resting on the floor is read floor → lockout → floor
(:func:`from_bottom_rest`), and a clip holding one pull from the floor with no lowering is measured as a partial
(:func:`find_concentric_pull`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, View
from movequal.core.frame_rate import compute_frames
from movequal.core.kinematics import Kinematics
from movequal.core.movement_registry import RestPosition, get_profile
from movequal.core.movements import compute_driver
from movequal.core.reps import (
    MIN_PROMINENCE,
    REST_LOOKAHEAD_S,
    REST_RETURN_FRACTION,
    REST_TOLERANCE,
    RETURN_FRACTION,
    RepWindow,
    Segmentation,
    bridge_gaps,
    find_crossing,
    find_rest_edge,
    segment_reps,
)
from movequal.core.rest import infer_rest, other_rest

FloatArray = NDArray[np.float64]


def segment_set(
    kin: Kinematics,
    movement: Movement,
    view: View,
    rest: RestPosition | None = None,
    feet: FloatArray | None = None,
) -> tuple[RestPosition, FloatArray, Segmentation]:
    """Where the set rests (inferred unless given), the driver its reps are measured on, and its reps.

    Notes
    -----
    Only a lift or a bend can rest on the floor (``"bottom"``); for other
    movements that request falls back to :func:`infer_rest`. Reps of a set
    resting on the floor are found as lockouts of the turned-over driver and
    measured on the lift's own driver (:func:`from_bottom_rest`). When the rest
    is inferred, the other reading (:func:`~movequal.core.rest.other_rest`:
    seated or standing for a sit-to-stand, standing or on the floor for a lift
    or a bend, when :func:`~movequal.core.rest.other_rest` says it is worth
    trying) is tried too and kept if it finds more full reps.
    """
    inferred = rest is None or (rest == "bottom" and get_profile(movement).driver != "trunk-inclination")
    if rest is None or inferred:
        rest = infer_rest(kin, movement, view)
    depth, segmentation = _segment(kin, movement, view, rest, feet)
    other = other_rest(movement, rest, len(segmentation.reps)) if inferred else None
    if other is not None:
        other_depth, other_segmentation = _segment(kin, movement, view, other, feet)
        if len(other_segmentation.reps) > len(segmentation.reps):
            rest, depth, segmentation = other, other_depth, other_segmentation
    return rest, depth, segmentation


def _segment(
    kin: Kinematics, movement: Movement, view: View, rest: RestPosition, feet: FloatArray | None
) -> tuple[FloatArray, Segmentation]:
    """Return the driver and the reps of a set read as resting at ``rest`` (floor: :func:`from_bottom_rest`)."""
    depth = compute_driver(kin, movement, view, rest=rest)
    segmentation = segment_reps(depth, kin.timestamps, feet, get_profile(movement).planted)
    if rest == "bottom":
        depth = compute_driver(kin, movement, view)
        segmentation = from_bottom_rest(segmentation, depth)
    return depth, segmentation


def from_bottom_rest(segmentation: Segmentation, depth: FloatArray) -> Segmentation:
    """Turn reps found on a lift's turned-over driver (peaks at lockout) into reps from the floor.

    Parameters
    ----------
    segmentation : Segmentation
        Reps of the turned-over driver: each runs floor → lockout → floor, its ``bottom`` the lockout.
    depth : ndarray, shape (T,)
        The lift's own driver (high on the floor).

    Returns
    -------
    Segmentation
        The same reps with the lockout as ``reference`` and the deepest frame of the pull as ``bottom``.
    """
    signal = bridge_gaps(depth)
    if signal is None:
        return segmentation
    reps = [
        RepWindow(w.start, w.start + int(np.argmax(signal[w.start : w.bottom + 1])), w.end, reference=w.bottom)
        for w in segmentation.reps
    ]
    return Segmentation(reps, segmentation.partial_bottoms)


def find_concentric_pull(depth: FloatArray, timestamps: FloatArray, lockout_level: float) -> RepWindow | None:
    """Find the one pull of a lift clip that starts on the floor and ends locked out, with no lowering.

    Parameters
    ----------
    depth : ndarray, shape (T,)
        The lift's driver (trunk inclination over 90°: high on the floor).
    timestamps : ndarray, shape (T,)
        Frame times in seconds.
    lockout_level : float
        The highest driver value that counts as locked out (standing up straight).

    Returns
    -------
    RepWindow or None
        From lift-off (``start`` and ``bottom``) to the end of the lockout hold (``end``), with the
        lockout as ``reference``; None when the clip is not such a pull.

    Notes
    -----
    Such a clip holds half a rep, which :func:`segment_reps` lists as a partial. It is measured
    here so that the pull can still be judged (a partial, not a rep): the clip must begin within
    ``RETURN_FRACTION`` of its excursion from its deepest level, end within
    ``REST_RETURN_FRACTION`` of its most upright one, travel at least ``MIN_PROMINENCE``,
    reach ``lockout_level`` and not go back down by ``RETURN_FRACTION`` after the lockout. A clip
    whose most upright moment is still bent over (a pull stopped at the knees) is not a pull to
    lockout, and stays unscored.
    """
    signal = bridge_gaps(depth)
    if signal is None:
        return None
    hi, lo = float(signal.max()), float(signal.min())
    excursion = hi - lo
    if excursion < MIN_PROMINENCE or signal[0] < hi - RETURN_FRACTION * excursion:
        return None
    if signal[-1] > lo + REST_RETURN_FRACTION * excursion:
        return None
    fps = (depth.size - 1) / max(float(timestamps[-1] - timestamps[0]), 1e-9)
    tol, ahead = REST_TOLERANCE * excursion, compute_frames(REST_LOOKAHEAD_S, fps)
    up = find_crossing(signal, 0, lo + REST_RETURN_FRACTION * excursion, +1)
    if up is None or signal[up:].max() > lo + RETURN_FRACTION * excursion:
        return None
    lift_off = int(np.flatnonzero(signal[: up + 1] >= hi - RETURN_FRACTION * excursion)[-1])
    lift_off = find_rest_edge(-signal, lift_off, tol, -1, ahead)  # back to where the pull begins to rise
    lockout = find_rest_edge(signal, up, tol, +1, ahead)
    if signal[lockout] > lockout_level:
        return None
    return RepWindow(lift_off, lift_off, min(lockout + ahead, signal.size - 1), reference=lockout)
