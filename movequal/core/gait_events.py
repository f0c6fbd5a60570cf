"""Gait events: when each foot strikes the ground and leaves it, from pose landmarks in any camera view.

A heel strikes the ground when it is furthest in front of the pelvis, and the
toes leave it when they are furthest behind (Zeni, Richards & Higginson 2008,
Gait Posture 27:710-714, validated there against force plates within about one
frame). movequal measures "in front" along the body's own forward direction
in MediaPipe's hip-centred world landmarks, so the same rule serves a side
view, a front view and an oblique one, and a camera that pans to follow the
walker changes nothing: every position is taken relative to the pelvis.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import median_filter

from movequal.core.butterworth import filter_butterworth
from movequal.core.filtering import compute_sampling_rate, interpolate_gaps
from movequal.core.frame_rate import compute_frames
from movequal.core.kinematics import compute_leg_length
from movequal.core.peaks import find_prominent_peaks
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

FOOT_SIDES = ("left", "right")
GAIT_CUTOFF_HZ = 6.0
"""Low-pass cut-off for foot trajectories: walking's foot motion lies below 6 Hz (Winter 2009, ch. 3)."""
MIN_EVENT_PROMINENCE = 0.1
"""A heel strike or toe off stands out from its surroundings by at least this much, in leg lengths."""
MIN_STEP_S = 0.3
"""Two foot contacts closer than this are one contact seen twice (200 steps/min is running, not walking)."""
MIN_STRIDE_S = 0.5
"""The same foot cannot strike twice within this time."""
MAX_GAP_S = 0.2
"""Gaps in a foot's track up to this long are bridged before events are looked for."""
DIRECTION_WINDOW_S = 0.5
"""The forward direction is a running median over this window: a single frame's feet can point anywhere."""
MAX_STEP_S = 1.5
"""Contacts further apart than this belong to different walking bouts (a stop, a turn, leaving the view)."""
TURN_DEG = 90.0
"""Between two contacts the forward direction turning more than this starts a new bout (a turn)."""
MIN_VISIBILITY = 0.3
"""A foot event is kept only where the pose model sees that heel at least this well, and the heel is inside
the picture (the model goes on reporting a heel that has left the frame at visibility 0.65-0.85 on the
development clips, so the picture's edge is checked on its own). A foot on the far side in profile reads
0.77-0.9 on the development clips and 0.45 in the synthetic camera model, a heel behind furniture lower."""


@dataclass(frozen=True)
class FootTracks:
    """Each foot's position in front of the pelvis along the body's forward direction, in leg lengths.

    Attributes
    ----------
    heel, toe : ndarray, shape (T, 2)
        Left then right heel and toe (``foot_index``) offsets; positive in
        front of the pelvis; NaN where unknown.
    forward : ndarray, shape (T, 3)
        Unit forward direction of the body in world coordinates (horizontal).
    visibility : ndarray, shape (T, 2)
        The pose model's visibility of each heel, 0 where the heel lies outside the picture.
    leg_length_m : float
        Median world hip-to-ankle length (thigh + shank), the unit of the offsets.
    """

    heel: FloatArray
    toe: FloatArray
    forward: FloatArray
    visibility: FloatArray
    leg_length_m: float


@dataclass(frozen=True)
class GaitEvents:
    """Foot contacts (heel strikes) and foot lifts (toe offs), in time order.

    Times are in seconds on the clip's clock, refined between frames; sides
    alternate, as they do in walking. ``*_frames`` hold the nearest frame.
    """

    strike_times: FloatArray
    strike_frames: IntArray
    strike_sides: tuple[str, ...]
    off_times: FloatArray
    off_frames: IntArray
    off_sides: tuple[str, ...]


def _unit_horizontal(vectors: FloatArray) -> FloatArray:
    flat = vectors.copy()
    flat[:, 1] = 0.0  # world y points down: drop it
    norm = np.linalg.norm(flat, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(flat / np.where(norm > 0, norm, np.nan))


def _running_median(values: FloatArray, width: int) -> FloatArray:
    """Return the running median of each column over ``width`` frames, ignoring NaN (edges use what is there).

    Notes
    -----
    Windows with every value finite (nearly all) take ``median_filter``'s middle value, which is the median
    ``np.nanmedian`` gives them (which adds the middle value to itself and halves it: a zero comes out +0.0);
    only the windows at the ends and around gaps go through ``np.nanmedian``.
    """
    half = max(1, width // 2)
    size = 2 * half + 1
    missing = np.pad(~np.isfinite(values), ((half, half), (0, 0)), constant_values=True)
    counts = np.cumsum(np.concatenate([np.zeros((1, values.shape[1]), dtype=np.int64), missing]), axis=0)
    out = np.empty(values.shape)
    filled = np.where(missing[half : len(missing) - half], 0.0, values)
    for column in range(values.shape[1]):
        out[:, column] = median_filter(filled[:, column], size=size, mode="nearest") + 0.0  # -0.0 as nanmedian: 0.0
    gaps = np.nonzero(counts[size:] - counts[:-size])
    if gaps[0].size:
        padded = np.pad(values, ((half, half), (0, 0)), constant_values=np.nan)
        windows = np.lib.stride_tricks.sliding_window_view(padded, size, axis=0)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN window is NaN, and says so
            out[gaps] = np.nanmedian(windows[gaps], axis=-1)
    return out


def compute_forward_direction(pose: PoseSequence) -> FloatArray:
    """Return the body's horizontal forward direction per frame, in world coordinates, shape (T, 3).

    Notes
    -----
    Two estimates are averaged: the normal of the hip line (sharp from the
    front, where the hip line lies across the picture) and the direction the
    feet point, heel to toe (sharp from the side, where the hip line is
    foreshortened into depth). Each is a unit vector, so neither dominates;
    a running median over :data:`DIRECTION_WINDOW_S` then removes single-frame
    flips of a foot's label.
    """
    world = pose.world
    up = np.array([0.0, -1.0, 0.0])
    across = world[:, IDX["left_hip"]] - world[:, IDX["right_hip"]]
    from_hips = _unit_horizontal(np.cross(across, up))
    feet = sum(world[:, IDX[f"{s}_foot_index"]] - world[:, IDX[f"{s}_heel"]] for s in FOOT_SIDES)
    both = np.nan_to_num(from_hips) + np.nan_to_num(_unit_horizontal(np.asarray(feet)))
    both[~np.isfinite(from_hips).all(axis=1) & ~np.isfinite(feet).all(axis=1)] = np.nan
    width = max(3, round(DIRECTION_WINDOW_S * compute_sampling_rate(pose)))
    return _unit_horizontal(_running_median(both, width))


def compute_foot_tracks(pose: PoseSequence) -> FootTracks:
    """Heel and toe positions in front of the pelvis for both feet (see :class:`FootTracks`)."""
    world = pose.world
    forward = compute_forward_direction(pose)
    pelvis = (world[:, IDX["left_hip"]] + world[:, IDX["right_hip"]]) / 2.0
    leg = compute_leg_length(world)  # thigh + shank in world metres: the same rule as in pixels

    def offsets(part: str) -> FloatArray:
        columns = [np.einsum("ij,ij->i", world[:, IDX[f"{s}_{part}"]] - pelvis, forward) / leg for s in FOOT_SIDES]
        return np.stack(columns, axis=1)

    visibility = np.stack([pose.visibility[:, IDX[f"{s}_heel"]] for s in FOOT_SIDES], axis=1)
    heels = pose.image[:, [IDX[f"{s}_heel"] for s in FOOT_SIDES], :2]
    with np.errstate(invalid="ignore"):
        inside = ((heels >= 0.0) & (heels <= 1.0)).all(axis=2)
    visibility = np.where(inside, visibility, 0.0)
    return FootTracks(offsets("heel"), offsets("foot_index"), forward, visibility, leg)


def _smooth(tracks: FloatArray, timestamps: FloatArray, fps: float) -> FloatArray:
    """Bridge short gaps and low-pass every column at once (one filter design for all four tracks)."""
    bridged = interpolate_gaps(tracks, timestamps, MAX_GAP_S)
    return np.asarray(filter_butterworth(bridged, fps, GAIT_CUTOFF_HZ, timestamps=timestamps, max_gap_s=MAX_GAP_S))


def _refine(signal: FloatArray, timestamps: FloatArray, frames: IntArray) -> FloatArray:
    """Return the times of the peaks at ``frames``, each refined with a parabola through it and its neighbours.

    Notes
    -----
    A peak at either end of the signal, or with a missing neighbour, keeps
    its frame's time. The arithmetic is done per element in float64, in the
    same order as for a single peak, so a batch gives each peak the same time
    to the last bit.
    """
    k = np.asarray(frames, dtype=np.int64)
    out = np.array(timestamps[k], dtype=np.float64)
    inner = (k > 0) & (k < len(signal) - 1)
    k_in = k[inner]
    y0, y1, y2 = signal[k_in - 1], signal[k_in], signal[k_in + 1]
    ok = np.isfinite(y0) & np.isfinite(y1) & np.isfinite(y2)
    k_ok, y0, y1, y2 = k_in[ok], y0[ok], y1[ok], y2[ok]
    t0, t2 = timestamps[k_ok - 1] - timestamps[k_ok], timestamps[k_ok + 1] - timestamps[k_ok]
    with np.errstate(divide="ignore", invalid="ignore"):
        # The parabola through (t0, y0), (0, y1), (t2, y2): y = a t^2 + b t + y1.
        d0, d2 = (y0 - y1) / t0, (y2 - y1) / t2
        a = (d2 - d0) / (t2 - t0)
        b = d0 - a * t0
        shift = np.where(a < 0, -b / (2 * a), 0.0)
    out[np.flatnonzero(inner)[ok]] = timestamps[k_ok] + np.minimum(np.maximum(shift, t0), t2)
    return out


def _peaks(signal: FloatArray, fps: float) -> tuple[IntArray, FloatArray]:
    filled = np.where(np.isfinite(signal), signal, -np.inf)
    found, props = find_prominent_peaks(
        np.nan_to_num(filled, neginf=np.nanmin(signal) if np.isfinite(signal).any() else 0.0),
        MIN_EVENT_PROMINENCE,
        compute_frames(MIN_STRIDE_S, fps),
    )
    keep = np.isfinite(signal[found])
    return found[keep].astype(np.int64), props["prominences"][keep]


def _candidates(
    smoothed: FloatArray, visibility: FloatArray, timestamps: FloatArray, fps: float, sign: float
) -> list[tuple[float, int, int, float]]:
    """Peaks of each foot's (signed, smoothed) track as (time, frame, side index, prominence), seen feet only."""
    found: list[tuple[float, int, int, float]] = []
    for side in range(2):
        signal = sign * smoothed[:, side]
        frames, prominences = _peaks(signal, fps)
        seen = visibility[frames, side] >= MIN_VISIBILITY
        frames, prominences = frames[seen], prominences[seen]
        times = _refine(signal, timestamps, frames)
        found += zip(times.tolist(), frames.tolist(), [side] * len(frames), prominences.tolist(), strict=True)
    return sorted(found)


def _merge_close(events: list[tuple[float, int, int, float]]) -> list[tuple[float, int, int, float]]:
    """Of events closer than :data:`MIN_STEP_S`, keep the most prominent (one contact read on both labels)."""
    merged: list[tuple[float, int, int, float]] = []
    for event in events:
        if merged and event[0] - merged[-1][0] < MIN_STEP_S:
            if event[3] > merged[-1][3]:
                merged[-1] = event
            continue
        merged.append(event)
    return merged


def _alternate(events: list[tuple[float, int, int, float]]) -> tuple[str, ...]:
    """Sides that alternate, starting with whichever start agrees best with the labels (prominence-weighted).

    Notes
    -----
    The pose model swaps left and right feet now and then, above all in side
    views where one foot hides the other; walking always alternates feet, so
    the labels only vote on which foot went first.
    """
    votes = [0.0, 0.0]
    for i, (_, _, side, prominence) in enumerate(events):
        votes[(side + i) % 2] += prominence
    first = int(np.argmax(votes))
    return tuple(FOOT_SIDES[(first + i) % 2] for i in range(len(events)))


def detect_gait_events(pose: PoseSequence, tracks: FootTracks | None = None) -> GaitEvents:
    """Heel strikes and toe offs of both feet (Zeni et al. 2008, along the body's forward direction).

    Parameters
    ----------
    pose : PoseSequence
        Landmarks with world coordinates (raw or filtered).
    tracks : FootTracks, optional
        From :func:`compute_foot_tracks`; computed when omitted.

    Returns
    -------
    GaitEvents
        Empty arrays when the feet never move back and forth.

    Notes
    -----
    A heel strike is a peak of the heel's forward offset, a toe off a trough
    of the toe's. A contact found on both feet' tracks within
    :data:`MIN_STEP_S` (a left/right label swap) counts once, and sides are
    assigned by alternation (:func:`_alternate`). Events where the pose model
    does not see the heel (out of frame, hidden behind furniture) are dropped,
    never guessed.
    """
    tracks = tracks or compute_foot_tracks(pose)
    fps = compute_sampling_rate(pose)
    t = pose.timestamps
    if len(pose) < 5 or not np.isfinite(tracks.leg_length_m):
        empty_f, empty_i = np.zeros(0), np.zeros(0, dtype=np.int64)
        return GaitEvents(empty_f, empty_i, (), empty_f, empty_i, ())
    smoothed = _smooth(np.concatenate([tracks.heel, tracks.toe], axis=1), t, fps)
    strikes = _merge_close(_candidates(smoothed[:, :2], tracks.visibility, t, fps, 1.0))
    offs = _merge_close(_candidates(smoothed[:, 2:], tracks.visibility, t, fps, -1.0))
    return GaitEvents(
        strike_times=np.array([e[0] for e in strikes]),
        strike_frames=np.array([e[1] for e in strikes], dtype=np.int64),
        strike_sides=_sides_by_bout(strikes, tracks.forward),
        off_times=np.array([e[0] for e in offs]),
        off_frames=np.array([e[1] for e in offs], dtype=np.int64),
        off_sides=_sides_by_bout(offs, tracks.forward),
    )


def split_bouts(frames: IntArray, times: FloatArray, forward: FloatArray) -> list[slice]:
    """Split events into walking bouts: no gap over :data:`MAX_STEP_S`, no turn over :data:`TURN_DEG`."""
    a, b = forward[frames[:-1]], forward[frames[1:]]
    known = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    cosine = np.where(known, np.einsum("ij,ij->i", a, b), 1.0)
    turned = np.diff(times) > MAX_STEP_S
    turned |= cosine < np.cos(np.radians(TURN_DEG))
    cuts = [0, *(np.flatnonzero(turned) + 1).tolist(), len(frames)]
    return [slice(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _sides_by_bout(events: list[tuple[float, int, int, float]], forward: FloatArray) -> tuple[str, ...]:
    frames = np.array([e[1] for e in events], dtype=np.int64)
    times = np.array([e[0] for e in events])
    sides: list[str] = []
    for bout in split_bouts(frames, times, forward):
        sides.extend(_alternate(events[bout]))
    return tuple(sides)
