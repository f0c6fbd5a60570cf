"""Where the feet stand during a repetition: in place, a step, or walking off.

Squats, lifts, bends and sit-to-stands are done with the feet planted. The
feet's image positions (in leg lengths, see
:func:`movequal.core.scoring.locate_feet`) tell a rep in place from a step
between lunges, a weight carried away or the patient walking off after the
last rep: movements of the hips that look like a rep but are not one.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

from movequal.core.frame_rate import compute_frames

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

FOOT_STEP = 0.15
"""A foot that moves more than 0.15 leg lengths (about 13 cm) from where it stood has stepped: more than
landmark jitter or a heel rise, less than a step (on the development clips a step moved an ankle 0.24-0.53,
a squat in place at most 0.04 on UI-PRMD)."""

MIN_AWAY_S = 0.1
"""Each sign of walking off must last this long (consecutive frames) to count. A foot that steps stays in its new
place for its stance phase, about 0.6 s of a 1 s stride at an ordinary walking speed (Perry & Burnfield 2010,
*Gait Analysis*, 2nd ed.), so a sign that holds for a single frame or two is a landmark blip (a foot re-found
after being hidden by a weight plate), not a step; 0.1 s is a sixth of that stance."""


def compute_min_frames(fps: float) -> int:
    """Return the frames :data:`MIN_AWAY_S` spans at ``fps`` (:func:`~movequal.core.frame_rate.compute_frames`)."""
    return compute_frames(MIN_AWAY_S, fps)


def compute_foot_travel(feet: FloatArray) -> FloatArray:
    """Distance of each foot, on each frame, from where it stood at the start of ``feet``.

    Parameters
    ----------
    feet : ndarray, shape (T, F, 2)
        Image positions of the feet (ankles) in leg lengths, NaN where not seen.

    Returns
    -------
    ndarray, shape (T, F)
        Distance in leg lengths from the median of the first three frames (for a foot not seen on any of
        them, of its first three frames seen: :func:`_first_seen`); NaN where a foot is not seen.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a foot not seen in the first frames: found below
        start = np.nanmedian(feet[:3], axis=0) if np.isfinite(feet[:3]).any() else np.full(feet.shape[1:], np.nan)
    unplaced = ~np.isfinite(start).all(axis=-1)
    if unplaced.any():  # the first frames lost (a dropped detection): where the foot is first seen
        start[unplaced] = _first_seen(feet)[unplaced]
    with np.errstate(invalid="ignore"):
        return np.asarray(np.linalg.norm(feet - start, axis=-1), dtype=np.float64)


def _first_seen(feet: FloatArray) -> FloatArray:
    """Where each foot stood when first seen: the median of its first three frames with a position."""
    start = np.full(feet.shape[1:], np.nan)
    for f in range(feet.shape[1]):
        seen = np.flatnonzero(np.isfinite(feet[:, f]).all(axis=-1))[:3]
        if seen.size:
            start[f] = np.median(feet[seen, f], axis=0)
    return start


def _stance_seen(feet: FloatArray) -> FloatArray:
    """Where the feet stood when first seen together: their medians over the first three frames with both seen.

    NaN when no frame shows both (walking off needs both feet seen, so nothing is missed).
    """
    return _first_seen(_together(feet))


def _stance_seen_many(feet: FloatArray, starts: IntArray, ends: IntArray) -> FloatArray:
    """:func:`_stance_seen` of every window ``feet[starts[w] : ends[w] + 1]`` at once, shape (W, F, 2)."""
    return _first_seen_many(_together(feet), starts, ends)


def _together(feet: FloatArray) -> FloatArray:
    """``feet`` with every frame that does not show both feet set to NaN."""
    both = np.asarray(np.isfinite(feet).all(axis=(1, 2)))
    return np.where(both[:, None, None], feet, np.nan)


def _first_seen_many(feet: FloatArray, starts: IntArray, ends: IntArray) -> FloatArray:
    """:func:`_first_seen` of every window ``feet[starts[w] : ends[w] + 1]`` at once, shape (W, F, 2).

    Notes
    -----
    The median of one, two or three positions is taken as ``np.median`` takes it (the middle value, or
    the mean of the two), so the places are the same to the last bit.
    """
    out = np.full((starts.size, *feet.shape[1:]), np.nan)
    for f in range(feet.shape[1]):
        seen = np.flatnonzero(np.isfinite(feet[:, f]).all(axis=-1))
        first = np.searchsorted(seen, starts)
        picks = np.minimum(first[:, None] + np.arange(3), max(seen.size - 1, 0))
        frames = seen[picks] if seen.size else np.zeros_like(picks)
        count = ((first[:, None] + np.arange(3) < seen.size) & (frames <= ends[:, None])).sum(axis=1)
        a, b, c = (feet[frames[:, k], f] for k in range(3))
        middle = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
        out[count == 1, f] = a[count == 1]
        out[count == 2, f] = (a[count == 2] + b[count == 2]) / 2.0
        out[count == 3, f] = middle[count == 3]
    return out


def detect_in_place(feet: FloatArray) -> bool:
    """Tell whether the feet were seen over ``feet`` and none moved more than ``FOOT_STEP`` from its place."""
    travel = compute_foot_travel(feet)
    return bool(np.isfinite(travel).any() and np.nanmax(travel) <= FOOT_STEP)


def detect_feet_spread(feet: FloatArray) -> bool:
    """Tell whether the positions of either foot over ``feet`` spread over more than ``FOOT_STEP``.

    Parameters
    ----------
    feet : ndarray, shape (T, F, 2)
        Image positions of the feet in leg lengths, NaN where not seen.

    Returns
    -------
    bool
        True when the box around either foot's positions has a diagonal over ``FOOT_STEP``; False for
        no frames, or feet never seen.

    Notes
    -----
    A foot's place (:func:`_first_seen`, the median of its first positions)
    lies inside the box around its positions, so a foot whose box has a
    diagonal of ``FOOT_STEP`` or less is that close to its place on every
    frame. Where neither foot spread, the pairing of feet and places
    :func:`detect_walk_off` keeps (the closer of the two) travels at most
    twice ``FOOT_STEP`` in all, so its two feet are never both away, and
    walking off is ruled out over ``feet`` and over any part of it. Both
    feet must be tested: a foot that stays while the other walks off past it
    can be paired with the other's place. The diagonal is computed as the
    travel is (``numpy.linalg.norm``), so the two round alike at the limit.
    """
    if not feet.shape[0]:
        return False
    box = np.fmax.reduce(feet, axis=0) - np.fmin.reduce(feet, axis=0)
    return bool(np.any(np.linalg.norm(box, axis=-1) > FOOT_STEP))


def detect_walk_off(feet: FloatArray, *, min_frames: int, seen_to_end: bool = True) -> bool:
    """Tell whether the person walked away over ``feet``: both feet left their places, one after the other.

    Parameters
    ----------
    feet : ndarray, shape (T, 2, 2)
        Image positions of the two feet in leg lengths over one repetition, NaN where not seen.
    min_frames : int
        Consecutive frames each sign must hold (:func:`compute_min_frames` of the frame rate).
    seen_to_end : bool
        Whether ``feet`` runs to the end of the recording, so that a sign still holding on its last frames
        counts (nothing after it was seen). False where more frames will come, as in a live session: there
        a sign must show its ``min_frames`` inside ``feet``.

    Notes
    -----
    Walking needs three things, each more than ``FOOT_STEP`` for ``min_frames``
    frames in a row: both feet away from their places, the point between the
    feet moved, and the feet moved apart or together (one foot stepped while
    the other stood), the step first: it must begin no later than the last
    moment both feet are away. A camera carried or shaken by hand moves both
    feet off their places together, and a side view's far foot can wander off
    its spacing for a moment afterwards, which is no step (a hand-held wander
    of 4 % of the picture with such a moment made two reps of a chair-stand
    set walk-offs). A sign read on fewer frames is a landmark blip: at 15
    frames/s a single frame where a hidden foot is re-found off its place would
    otherwise decide, where at 30 frames/s it would not. One foot that
    shuffles, or a far foot whose landmark wanders in a side view, moves one
    foot only; a hand-held camera that drifts moves both feet by the same
    vector, which keeps their spacing. The pose model swaps left and right now
    and then in front and oblique views, so each frame's feet are paired with
    the start's in whichever order is closer, and the point between them does
    not depend on the order (a live filter smoothing a swap passes both feet
    through the middle for a few frames, the point between them stays). Both
    feet must be seen; their places are where they stood when first seen
    together in the window. A side view's far foot is often hidden at first,
    and a place read while the other foot was hidden pairs two moments into a
    stance that never was: a clean deadlift's feet, lost behind the plates and
    misplaced by the model on the frames before they went (0.36 leg lengths),
    looked walked off on their return. (The patient who
    walks off after standing up had both ankles 0.16-0.42 leg lengths away
    within 0.5 s of the first step; a frail patient's shuffle during a set
    moved one ankle up to 0.25; a drifting hand-held camera moved both by
    0.22-0.26 with their spacing within 0.03.)
    """
    if not detect_feet_spread(feet):  # no foot can be away from its place: a shortcut, not a rule
        return False
    whole = np.array([feet.shape[0]])
    signs = _walked_frames(feet, _stance_seen(feet))
    signs = _lasting(signs, np.zeros(1, dtype=np.intp), whole, min_frames, cut_counts=seen_to_end)
    return bool(_step_then_away(signs, np.zeros(1, dtype=np.intp))[0])


def detect_walk_offs(feet: FloatArray, starts: IntArray, ends: IntArray, *, min_frames: int) -> BoolArray:
    """:func:`detect_walk_off` of every window ``feet[starts[w] : ends[w] + 1]`` at once (windows may overlap).

    Parameters
    ----------
    feet : ndarray, shape (T, 2, 2)
        Image positions of the two feet in leg lengths over the whole clip, NaN where not seen.
    starts, ends : ndarray of int, shape (W,)
        First and last frame of each window (``ends >= starts``).
    min_frames : int
        Consecutive frames each sign must hold, as in :func:`detect_walk_off`.

    Returns
    -------
    ndarray of bool, shape (W,)
        Whether the person walked away over each window: :func:`detect_walk_off` of the window, each sign
        read on past the window's end (the rest of the clip is there to show whether it lasts).
    """
    if not starts.size:
        return np.zeros(0, dtype=bool)
    # Each window is read on to (min_frames - 1) frames past its end, so that a sign starting on its last
    # frames can show that it lasts; only signs starting inside the window count.
    reach = np.minimum(ends + max(min_frames, 1) - 1, feet.shape[0] - 1)
    lengths = reach - starts + 1
    offsets = np.cumsum(lengths) - lengths
    frames = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
    places = np.repeat(_stance_seen_many(feet, starts, ends), lengths, axis=0)
    walked = _lasting(_walked_frames(feet[frames], places), offsets, ends - starts + 1, min_frames, cut_counts=True)
    return _step_then_away(walked, offsets)


def _step_then_away(lasting: BoolArray, offsets: IntArray) -> BoolArray:
    """Per window of ``lasting`` (:func:`_lasting` of :func:`_walked_frames`): every sign held, the step first.

    A step (the spacing changed) must begin no later than the last frame from which both feet are away.
    """
    rows = np.arange(lasting.shape[0])
    every = np.logical_or.reduceat(lasting, offsets, axis=0).all(axis=1)
    first_step = np.minimum.reduceat(np.where(lasting[:, 1], rows, rows.size), offsets)
    last_away = np.maximum.reduceat(np.where(lasting[:, 0], rows, -1), offsets)
    return np.asarray(every & (first_step <= last_away))


def _lasting(signs: BoolArray, offsets: IntArray, inside: IntArray, min_frames: int, *, cut_counts: bool) -> BoolArray:
    """Per frame and sign, whether the sign holds from that frame on for ``min_frames`` frames.

    ``signs`` (N, S) stacks windows one after the other, ``offsets`` their first rows and ``inside`` how
    many of each window's rows are the window itself (the rest are read past its end). With ``cut_counts``
    a run cut short by the end of a window's rows counts (they run to the end of the recording: what
    follows was not seen). Rows past a window's own frames are False.
    """
    n = signs.shape[0]
    lengths = np.diff(np.append(offsets, n))
    into_window = np.arange(n) - np.repeat(offsets, lengths)
    own = (into_window < np.repeat(inside, lengths))[:, None]
    if min_frames <= 1:
        return np.asarray(signs & own)
    held = np.concatenate([np.zeros((1, signs.shape[1]), dtype=np.int64), np.cumsum(signs, axis=0)])
    left = np.repeat(lengths, lengths) - into_window  # rows from this one to the end of its window
    need = np.minimum(min_frames, left)
    count = held[np.arange(n) + need] - held[np.arange(n)]
    whole = np.ones(n, dtype=bool) if cut_counts else left >= min_frames
    return np.asarray((count == need[:, None]) & own & whole[:, None])


def _walked_frames(feet: FloatArray, start: FloatArray) -> BoolArray:
    """Per frame (T, 3): both feet away from their places, the feet re-spaced, the point between them moved.

    ``start`` is the feet's places, (2, 2) for all frames or (T, 2, 2) frame by frame (see :func:`detect_walk_off`).
    """
    with np.errstate(invalid="ignore"):
        direct = np.linalg.norm(feet - start, axis=-1)
        swapped = np.linalg.norm(feet[:, ::-1] - start, axis=-1)
        travel = np.where((swapped.sum(axis=1) < direct.sum(axis=1))[:, None], swapped, direct)
        spacing, spacing0 = feet[:, 0] - feet[:, 1], start[..., 0, :] - start[..., 1, :]
        respaced = np.minimum(np.linalg.norm(spacing - spacing0, axis=-1), np.linalg.norm(spacing + spacing0, axis=-1))
        away = np.all(travel > FOOT_STEP, axis=1)
        stepped = respaced > FOOT_STEP
        moved = np.linalg.norm(feet.mean(axis=1) - start.mean(axis=-2), axis=-1) > FOOT_STEP
    return np.stack([away, stepped, moved], axis=1)
