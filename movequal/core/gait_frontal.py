"""Frontal-plane measures of a walking pass: the trunk's sideways lean and the swinging foot's outward arc.

Both are read only in passes that head towards or away from the camera (within
:data:`FRONTAL_MAX_DEG` of its axis), where the frontal plane faces the camera.
Across the picture (a side view) the sideways lean and the feet's sideways
motion point into depth, and in an oblique pass they mix with the trunk's
forward lean and the feet's fore-aft travel: there they are not measurable and
come back NaN (or empty), so no rule speaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.butterworth import filter_butterworth
from movequal.core.filtering import compute_sampling_rate, interpolate_gaps
from movequal.core.gait_events import FOOT_SIDES, GAIT_CUTOFF_HZ, MAX_GAP_S, FootTracks, GaitEvents
from movequal.core.gait_steps import compute_window_ranges
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]

FRONTAL_MAX_DEG = 20.0
"""A pass heading within this angle of the camera's axis is seen from the front or the back. In the image the
trunk's forward lean leaks into its sideways lean by the sine of the heading's angle: at 20°, a third of it
(1.7° of a normal 5° forward lean). The synthetic oblique camera (45°) and the elevated front-oblique timed
up-and-go clips (23-28°) fall outside; the front-view walking clip heads 0.2° off the axis."""
LEAN_CUTOFF_HZ = 3.0
"""The sideways lean is low-passed here before its swing per stride is read: the trunk sways once per stride
(about 1 Hz) and its harmonics lie below 3 Hz, while landmark jitter does not."""
MID_SWING = (0.2, 0.8)
"""The part of a swing (as fractions of it) where the foot's outward arc is looked for; the ends, near toe off
and heel strike, are the feet's reference width."""


@dataclass(frozen=True)
class FrontalMeasures:
    """A pass's frontal-plane measures: NaN or empty where the pass is not seen from the front or the back."""

    lean_deg: float
    """Median sideways lean of the trunk over the pass (degrees, walker's left +)."""
    lean_swings: tuple[float, ...]
    """Range of the sideways lean in each stride (degrees)."""
    excursions: dict[str, tuple[float, ...]]
    """Per foot, its outward arc in each swing (leg lengths, :func:`swing_excursions`)."""


NOT_FRONTAL = FrontalMeasures(float("nan"), (), {side: () for side in FOOT_SIDES})


def heading_off_axis_deg(heading: FloatArray) -> float:
    """Angle (degrees) between a pass's horizontal heading (world x, y, z) and the camera's axis (world z)."""
    x, z = float(heading[0]), float(heading[2])
    return float(np.degrees(np.arctan2(abs(x), abs(z)))) if np.isfinite([x, z]).all() else float("nan")


def is_frontal(heading: FloatArray) -> bool:
    """Whether a pass with this heading is seen from the front or the back (:data:`FRONTAL_MAX_DEG`)."""
    return bool(heading_off_axis_deg(heading) <= FRONTAL_MAX_DEG)


def image_lateral_lean(pose: PoseSequence, frames: slice) -> FloatArray:
    """Sideways lean of the hip-to-shoulder line from the image's vertical over ``frames`` (degrees, walker's left +).

    Notes
    -----
    The walker's left is where the left hip lies in the picture (image right
    when they come towards the camera, image left going away), taken once
    for the pass from the median hip line so a single frame's swapped labels
    cannot flip it.
    """
    px = pose.image_pixels()[frames]
    hips = (px[:, IDX["left_hip"]] + px[:, IDX["right_hip"]]) / 2
    trunk = (px[:, IDX["left_shoulder"]] + px[:, IDX["right_shoulder"]]) / 2 - hips
    across = px[:, IDX["left_hip"], 0] - px[:, IDX["right_hip"], 0]
    finite = across[np.isfinite(across)]
    left = float(np.sign(np.median(finite))) if finite.size else float("nan")
    return np.asarray(np.degrees(np.arctan2(left * trunk[:, 0], -trunk[:, 1])))


def _smooth(series: FloatArray, timestamps: FloatArray, fps: float, cutoff_hz: float) -> FloatArray:
    bridged = interpolate_gaps(series[:, None], timestamps, MAX_GAP_S)
    return np.asarray(filter_butterworth(bridged, fps, cutoff_hz, timestamps=timestamps, max_gap_s=MAX_GAP_S)[:, 0])


def lean_swings(
    lean: FloatArray, timestamps: FloatArray, fps: float, strides: list[tuple[int, int]], first: int
) -> tuple[float, ...]:
    """Range (max - min, degrees) of the low-passed sideways lean in each stride.

    Parameters
    ----------
    lean : ndarray
        The pass's lean per frame (:func:`image_lateral_lean`), its frame 0 being clip frame ``first``.
    timestamps : ndarray
        The same frames' times.
    fps : float
        Sampling rate.
    strides : list of (int, int)
        First and last clip frame of each stride (a foot's strike to its next).
    first : int
        Clip frame of ``lean[0]``.
    """
    smooth = _smooth(lean, timestamps, fps, LEAN_CUTOFF_HZ)
    if not strides:
        return ()
    bounds = np.asarray(strides, dtype=np.int64) - first
    swings = compute_window_ranges(smooth, bounds[:, 0], bounds[:, 1])
    return tuple(swings[np.isfinite(swings)].tolist())


def _swing_windows(events: GaitEvents, side: str, start: float, end: float) -> list[tuple[int, int]]:
    """Frames of this foot's toe off and its next heel strike, for every swing inside ``[start, end]`` seconds."""
    own = np.array([s == side for s in events.strike_sides], dtype=bool)
    strike_times, strike_frames = events.strike_times[own], events.strike_frames[own]
    windows = []
    for t_off, k_off, s_off in zip(events.off_times, events.off_frames, events.off_sides, strict=True):
        later = np.flatnonzero(strike_times > t_off)
        if s_off != side or not later.size or t_off < start or strike_times[later[0]] > end:
            continue
        windows.append((int(k_off), int(strike_frames[later[0]])))
    return windows


def swing_excursions(
    pose: PoseSequence, tracks: FootTracks, events: GaitEvents, side: str, span: tuple[float, float]
) -> tuple[float, ...]:
    """How far one foot arcs outwards in each swing of a pass, beyond the feet's width at its toe off and heel strike.

    The sideways distance between the two ankles (world landmarks, along the
    walker's left, low-passed at the gait events' cut-off) is read over each
    swing of ``side`` that lies in ``span`` (seconds): its largest value in
    mid-swing (:data:`MID_SWING`) minus its mean at the swing's two ends, in
    leg lengths (``tracks`` gives the body's forward direction and the leg).
    The distance is taken unsigned, so a left/right label swap of the feet
    does not read as an arc. Healthy walking swings the foot straight
    through, past the standing foot: the distance shrinks in mid-swing and
    the value is about 0 or below; a leg that circumducts swings out and it
    is positive.
    """
    other = "right" if side == "left" else "left"
    left_axis = np.cross(np.array([0.0, -1.0, 0.0]), tracks.forward)
    gap = pose.world[:, IDX[f"{side}_ankle"]] - pose.world[:, IDX[f"{other}_ankle"]]
    width = np.abs(np.einsum("ij,ij->i", gap, left_axis)) / tracks.leg_length_m
    width = _smooth(width, pose.timestamps, compute_sampling_rate(pose), GAIT_CUTOFF_HZ)
    found = []
    for a, b in _swing_windows(events, side, *span):
        if b - a < 4:
            continue
        middle = width[a + int(MID_SWING[0] * (b - a)) : a + int(np.ceil(MID_SWING[1] * (b - a))) + 1]
        ends = (width[a], width[b])
        if np.isfinite(ends).all() and np.isfinite(middle).any():
            found.append(float(np.nanmax(middle) - (ends[0] + ends[1]) / 2))
    return tuple(found)


def measure_frontal(
    pose: PoseSequence, tracks: FootTracks, events: GaitEvents, frames: slice, strides: list[tuple[int, int]]
) -> FrontalMeasures:
    """Measure a pass's sideways trunk lean and each foot's outward arc, or :data:`NOT_FRONTAL` off the front/back.

    Parameters
    ----------
    pose : PoseSequence
        The landmarks (image for the lean, world for the feet).
    tracks : FootTracks
        The body's forward direction and the leg length.
    events : GaitEvents
        The clip's foot contacts and lifts.
    frames : slice
        The pass's frames, first heel strike to last.
    strides : list of (int, int)
        First and last frame of each stride of the pass.
    """
    heading = np.array([_finite_median(tracks.forward[frames][:, j]) for j in range(3)])
    if not is_frontal(heading):
        return NOT_FRONTAL
    lean = image_lateral_lean(pose, frames)
    finite = lean[np.isfinite(lean)]
    t = pose.timestamps
    span = (float(t[frames.start]), float(t[min(frames.stop, len(t)) - 1]))
    return FrontalMeasures(
        lean_deg=float(np.median(finite)) if finite.size else float("nan"),
        lean_swings=lean_swings(lean, t[frames], compute_sampling_rate(pose), strides, frames.start),
        excursions={side: swing_excursions(pose, tracks, events, side, span) for side in FOOT_SIDES},
    )


def _finite_median(values: FloatArray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")
