"""What a clip's motion looks like, in a few numbers that tell the movements apart.

:func:`compute_motion_features` summarises a clip for
:func:`movequal.core.movements.recognise_movement`: where the knees and trunk
are at the deepest point, whether the hands reach below the knees, whether the
clip starts low, how far the feet are split, how far the body travels or
walks towards the camera, whether it starts and ends seated, how long it
stands on one leg, and whether the centre of mass lies behind the heels at the
bottom (on a seat).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import View
from movequal.core.balance import measure_longest_single_leg
from movequal.core.centre_of_mass import compute_heel_offsets
from movequal.core.excursions import compute_depth, deep_frames_of, find_excursions, measure_excursion, span_of
from movequal.core.frame_rate import compute_frame_rate, compute_median_width
from movequal.core.gait import frames_of, locate_passes, pass_heading
from movequal.core.gait_events import FootTracks, GaitEvents
from movequal.core.kinematics import Kinematics, compute_leg_series
from movequal.core.reps import MIN_REP_S
from movequal.core.rest import ankles_in_legs, measure_held_edges
from movequal.core.tug import (
    MIN_UP_S,
    SEATED_KNEE_DEG,
    count_steps_up,
    measure_seated_ends,
    measure_up_span,
    measure_up_time,
)
from movequal.core.views import SAGITTAL
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]

DIP_EDGE = 0.5
"""A dip: the hips below half-way from standing down to their lowest level over the clip."""
REST_BAND = 0.15
"""A dip's bottom, for the centre of mass at rest: within this share of the hips' range above the dip's lowest."""
MEASURES_ALONG_FEET: Final[frozenset[View]] = SAGITTAL
"""Views whose image x runs along the feet, for the centre of mass over them.

From the front or the back (or an unknown view) the x axis runs across the feet. Obliquely the foot, the ruler,
is foreshortened while a camera's roll moves the centre of mass by its full height: at 45° a 5° roll moves the
reading by 0.3 foot lengths, more than the rule allows for it (``movements.STS_MIN_BEHIND_HEELS``)."""
MAX_TRAVEL_LEGS = 1.5
"""Hips travelling further across the frame than about one walking stride (two steps) are locomotion.

An adult's stride is about 1.4 m (Perry & Burnfield 2010, *Gait Analysis*, 2nd ed.) against a leg of about
0.9 m, so 1.5 leg lengths is one stride; a lunge step moves the hips about half a leg length."""
MIN_APPROACH = float(np.log(1.5))
"""Growing or shrinking 1.5 times in the picture over a pass is walking in depth: two strides (about 2.8 m, Perry &
Burnfield 2010) towards a camera 8 m away make a person 1.5 times taller; nearer cameras, more."""


@dataclass(frozen=True)
class MotionFeatures:
    """Clip-level numbers that tell the movements apart (NaN when unmeasurable)."""

    knee_at_deepest: float
    """Knee flexion (deg) where the hips are lowest or the trunk most inclined."""
    trunk_at_deepest: float
    """Trunk inclination (deg) at the same moment."""
    hands_below_knees: float
    """Share of the deepest 20 % of frames with both wrists below knee height."""
    starts_low: float
    """Hip height over standing hip height (1 = standing) where the clip begins or ends held, the lower of the two
    (:func:`movequal.core.rest.measure_held_edges`); NaN when neither edge is held."""
    trunk_when_low: float
    """Median trunk inclination while the hips are low (deg)."""
    foot_split: float
    """Ankle separation along the facing direction at the deepest point, in leg lengths."""
    travel: float = float("nan")
    """Sideways travel of the hips across the image (5th to 95th percentile), in leg lengths."""
    excursion: float = float("nan")
    """Largest up-down range of a driver over the clip (hip drop or trunk inclination), in driver units."""
    approach: float = 0.0
    """Walking towards or away from the camera: the largest change of the trunk's apparent size over a
    walking pass in depth (:func:`movequal.core.gait.analyse_gait`), as ``|log(end / start)|``; 0 without one."""
    seated_ends: float = float("nan")
    """Knee flexion (3D, mean of both knees, deg) over the clip's first and last tenth, the lower of the two:
    high when the clip starts and ends seated, as a timed up-and-go does."""
    up_s: float = float("nan")
    """The longest time (s) the knees stay extended as in standing or walking
    (:func:`movequal.core.tug.measure_up_time`)."""
    up_steps: float = float("nan")
    """Heel strikes during that longest time up (:func:`movequal.core.gait.locate_passes`); counted only when the
    clip starts and ends with the knees bent and the patient is up for at least
    :data:`~movequal.core.tug.MIN_UP_S` (NaN otherwise: the gait analysis is not run for nothing, since the
    steps can then not make the clip a timed up-and-go)."""
    one_leg_s: float = 0.0
    """The longest time (s) one foot stays off the floor while the other stands
    (:func:`movequal.core.balance.measure_longest_single_leg`): a single-leg stance."""
    behind_heels_at_bottom: float = float("nan")
    """How far the body's centre of mass lies behind the heels at the bottom of the clip's dips, in foot lengths
    (:func:`movequal.core.centre_of_mass.compute_heel_offsets`): far behind is sitting on a seat. NaN from any view
    but the side, where the image cannot show it reliably."""


def compute_motion_features(pose: PoseSequence, kin: Kinematics, view: View) -> MotionFeatures:
    """Summarise a clip for :func:`recognise_movement`."""
    nan = float("nan")
    height = kin.series["hip_height"]
    if not np.isfinite(height).any():
        return MotionFeatures(nan, nan, nan, nan, nan, nan, nan, nan)
    knee, trunk = kin.angle("knee_flexion", view), kin.angle("trunk_inclination", view)
    standing = float(np.percentile(height[np.isfinite(height)], 95))
    depth = compute_depth(height, trunk)  # NaN where the hips are not seen
    found = find_excursions(depth)  # read once for the span and the bottom
    fps = compute_frame_rate(kin.timestamps)
    motion, deep = span_of(found, depth.size), deep_frames_of(depth, found, fps)
    deepest = int(np.nanargmax(depth))
    seated_ends = measure_seated_ends(kin)
    px = pose.image_pixels()
    wrists = np.fmax(px[:, IDX["left_wrist"], 1], px[:, IDX["right_wrist"], 1])
    knees = np.fmin(px[:, IDX["left_knee"], 1], px[:, IDX["right_knee"], 1])
    low = height < 0.8 * standing
    up_s = measure_up_time(kin)
    passes: Passes = functools.cache(lambda: locate_passes(pose))  # two features read them, most clips neither
    task = task_frames(motion, px, kin.timestamps)
    return MotionFeatures(
        knee_at_deepest=_median(knee[deep]),
        trunk_at_deepest=_median(trunk[deep]),
        hands_below_knees=float(np.mean(wrists[deep] > knees[deep])),
        starts_low=measure_held_edges(height, kin.timestamps, ankles_in_legs(px, pose.visibility, kin.reference)),
        trunk_when_low=_median(trunk[low]),
        foot_split=_foot_split(pose, deepest, view),
        travel=measure_hip_travel(px[task]),
        excursion=_excursion(height, standing, trunk, compute_median_width(fps)),
        approach=_approach(pose, px, passes, task),
        seated_ends=seated_ends,
        up_s=up_s,
        up_steps=_steps_up(kin, seated_ends, up_s, passes),
        one_leg_s=measure_longest_single_leg(pose),
        behind_heels_at_bottom=_behind_heels_at_bottom(px, height, standing, view),
    )


def _behind_heels_at_bottom(px: FloatArray, height: FloatArray, standing: float, view: View) -> float:
    """Return how far the centre of mass lies behind the heels at the bottom of each dip (foot lengths).

    Notes
    -----
    A dip is a stretch of frames with the hips below :data:`DIP_EDGE` of the
    way from standing down to their lowest level (5th percentile) over the
    clip, gaps in the hip height bridged so that a dip is not cut in two; its
    bottom, the frames within :data:`REST_BAND` of the hips' range above that
    dip's own lowest point, is where the body pauses (on a seat, or at a
    squat's turn) and balance is nearly static. Each dip gives one reading
    (the median over its bottom) and the clip the lower median of them: one
    sit on a chair among squats that also dip below the edge does not make
    the set a sit-to-stand, and a tie between seated and unseated dips reads
    as unseated. Squats that stay above the edge are not dips; a clip of such
    squats around one sit reads as seated.
    """
    seen = np.flatnonzero(np.isfinite(height))
    if view not in MEASURES_ALONG_FEET or seen.size == 0:
        return float("nan")
    frames = np.arange(len(height))
    level = np.interp(frames, seen, height[seen])
    level[(frames < seen[0]) | (frames > seen[-1])] = np.inf  # never seen yet, or no longer: not down
    lowest = float(np.percentile(height[seen], 5))
    down = level < lowest + DIP_EDGE * (standing - lowest)
    if not down.any():
        return float("nan")
    begins = down & ~np.concatenate([[False], down[:-1]])
    dip = np.cumsum(begins) - 1  # the dip each frame belongs to (when down)
    dip_lowest = np.minimum.reduceat(np.where(down, level, np.inf), np.flatnonzero(begins))[dip]
    bottom = down & (level <= dip_lowest + REST_BAND * (standing - dip_lowest))
    offsets, dips = compute_heel_offsets(px[bottom]), dip[bottom]
    groups = np.split(offsets, np.flatnonzero(np.diff(dips)) + 1)
    readings = np.sort([float(np.nanmedian(g)) for g in groups if np.isfinite(g).any()])
    return float(readings[(len(readings) - 1) // 2]) if readings.size else float("nan")


Passes = Callable[[], "tuple[FootTracks, GaitEvents, list[slice]]"]
"""The gait analysis's passes of the clip (:func:`~movequal.core.gait.locate_passes`), found on the first call."""


def _median(values: FloatArray) -> float:
    return float(np.nanmedian(values)) if np.isfinite(values).any() else float("nan")


MIN_TASK_SHARE = 0.5
"""The up-down excursions must span at least this share of the clip to be read as its task apart from the rest."""
MAX_PACE_SHARE = 0.5
"""…and the hips must travel over them at most half as fast as over the frames outside them."""


def task_frames(motion: slice, px: FloatArray, t: FloatArray) -> slice:
    """Return the frames whose travel tells walking from a task done in place: the motion span, or the whole clip.

    Notes
    -----
    A patient often walks into the picture before a set or out of it after: a
    few seconds of walking carry the hips across the frame, and read over the
    whole clip the set was taken for walking and left unscored. When the
    up-down excursions (:func:`~movequal.core.excursions.find_motion_span`) span at least
    :data:`MIN_TASK_SHARE` of the clip, the clip mostly shows them, and
    whether the body stays in place is read over them, provided the hips
    stood still there: their pace over the span (travel per second) must be at
    most :data:`MAX_PACE_SHARE` of their pace over the frames before it or
    after it (each read on its own, when it lasts at least a rep's
    :data:`~movequal.core.reps.MIN_REP_S`; else over the whole clip). A walk
    keeps its pace, so from the side, where each step dips the hips enough to
    make excursions of its own, a short walk with its first and last steps
    outside the span is still a walk; a set travels over its reps far slower
    than the walk in or out, even one that moves a little itself. (A clip
    whose hips never cross more than a stride of the picture needs no proviso:
    a walk towards the camera is told by its passes, of which only those in
    the span count.) Otherwise the whole clip is read.
    """
    frames = len(px)
    share = (motion.stop - motion.start) / max(frames, 1)
    if share < MIN_TASK_SHARE:
        return slice(0, frames)
    whole = measure_hip_travel(px)
    if not (np.isfinite(whole) and whole > MAX_TRAVEL_LEGS):
        return motion  # nothing crossed the picture (a set, or a walk towards the camera): its passes decide
    inside = _pace(px, t, motion)
    outside = [_pace(px, t, part) for part in (slice(0, motion.start), slice(motion.stop, frames))]
    reference = max((p for p in outside if np.isfinite(p)), default=_pace(px, t, slice(0, frames)))
    if np.isfinite(inside) and inside <= MAX_PACE_SHARE * reference:
        return motion
    return slice(0, frames)


def _pace(px: FloatArray, t: FloatArray, frames: slice) -> float:
    """Return the hips' travel across the picture per second over ``frames`` (NaN when shorter than a rep)."""
    part = t[frames]
    if part.size < 2 or part[-1] - part[0] < MIN_REP_S:
        return float("nan")
    return measure_hip_travel(px[frames]) / float(part[-1] - part[0])


def measure_hip_travel(px: FloatArray, frames: slice | NDArray[np.bool_] = slice(None)) -> float:
    """Sideways travel of the hips' midpoint in the image over the clip's ``frames``, in leg lengths.

    Notes
    -----
    The range runs from the 5th to the 95th percentile of the hips' image x,
    so a few mistracked frames do not count; the leg length (hip–knee plus
    knee–ankle, in pixels) is the median over the clip of the longer side,
    the shorter one being often foreshortened or masked.
    """
    hip_x = ((px[:, IDX["left_hip"], 0] + px[:, IDX["right_hip"], 0]) / 2.0)[frames]
    leg = np.fmax(compute_leg_series(px, "left"), compute_leg_series(px, "right"))[frames]
    if not (np.isfinite(hip_x).any() and np.isfinite(leg).any()):
        return float("nan")
    length = float(np.nanmedian(leg))
    low, high = np.nanpercentile(hip_x, [5, 95])
    spread = float(high - low)
    return spread / length if length > 0 else float("nan")


def _approach(pose: PoseSequence, px: FloatArray, passes: Passes, within: slice) -> float:
    """Return how much the trunk grows or shrinks in the picture over a walking pass in depth (``|log|`` ratio).

    Notes
    -----
    The trunk's length (hips' midpoint to shoulders' midpoint) over the first
    and last quarter of each pass the gait analysis finds heading towards or
    away from the camera; a person stepping in place, a lunge or a lift from
    the front has no such pass. Only passes whose middle lies ``within`` the
    given frames count (:func:`task_frames`: not a walk into the picture
    before a set).
    """
    trunk = np.linalg.norm(
        (px[:, IDX["left_shoulder"]] + px[:, IDX["right_shoulder"]]) / 2.0
        - (px[:, IDX["left_hip"]] + px[:, IDX["right_hip"]]) / 2.0,
        axis=1,
    )
    largest = 0.0
    part = trunk[within]
    seen_all = part[np.isfinite(part) & (part > 0)]
    if seen_all.size < 8 or np.log(seen_all.max() / seen_all.min()) < MIN_APPROACH:
        return largest  # no pass can change size more than the whole clip does: skip the gait analysis
    tracks, events, bouts = passes()
    for strikes in bouts:
        frames = frames_of(pose, events, strikes)
        if not within.start <= (frames.start + frames.stop) // 2 < within.stop:
            continue
        heading = pass_heading(tracks, frames)
        if abs(heading[2]) < abs(heading[0]):  # across the picture: travel, not approach, tells walking
            continue
        seen = trunk[frames][np.isfinite(trunk[frames])]
        quarter = len(seen) // 4
        if quarter >= 2:
            largest = max(largest, abs(float(np.log(np.median(seen[-quarter:]) / np.median(seen[:quarter])))))
    return largest


def _excursion(height: FloatArray, standing: float, trunk: FloatArray, width: int) -> float:
    """Return the larger up-down range of the hip-drop and trunk drivers (:func:`compute_driver` units)."""
    ranges = [measure_excursion((1.0 - height / standing) / 0.5, width) if standing > 0 else float("nan")]
    if np.isfinite(trunk).any():
        ranges.append(measure_excursion(trunk, width) / 90.0)
    return float(np.nanmax(ranges)) if np.isfinite(ranges).any() else float("nan")


def _foot_split(pose: PoseSequence, frame: int, view: View) -> float:
    """Ankle separation along the facing direction (world landmarks), in leg lengths.

    Notes
    -----
    The facing direction is perpendicular to the hip line in the horizontal
    (x–z) plane of the world frame, so a wide squat stance (feet apart
    sideways) does not count, only feet split front to back. From the side
    the far ankle's world position is often masked (low visibility); there
    the split is read in the image, where it lies along the x axis.
    """
    if view in SAGITTAL:
        px = pose.image_pixels()[frame]
        leg = float(
            np.linalg.norm(px[IDX["left_hip"]] - px[IDX["left_knee"]])
            + np.linalg.norm(px[IDX["left_knee"]] - px[IDX["left_ankle"]])
        )
        gap = abs(float(px[IDX["left_ankle"], 0] - px[IDX["right_ankle"], 0]))
        return gap / leg if leg > 0 else float("nan")
    w = pose.world[frame]
    hip_line = (w[IDX["left_hip"]] - w[IDX["right_hip"]])[[0, 2]]
    feet = (w[IDX["left_ankle"]] - w[IDX["right_ankle"]])[[0, 2]]
    leg_3d = float(np.linalg.norm(w[IDX["left_hip"]] - w[IDX["left_knee"]]))
    leg_3d += float(np.linalg.norm(w[IDX["left_knee"]] - w[IDX["left_ankle"]]))
    norm = float(np.linalg.norm(hip_line))
    if not (np.isfinite(norm) and norm > 0 and np.isfinite(leg_3d) and leg_3d > 0):
        return float("nan")
    forward = np.array([-hip_line[1], hip_line[0]]) / norm
    return float(abs(feet @ forward) / leg_3d)


SEATED_GATE_DEG = SEATED_KNEE_DEG - 15.0
"""Below this knee flexion at the clip's ends the clip cannot be a timed up-and-go, and its steps are not counted."""


def _steps_up(kin: Kinematics, seated_ends: float, up_s: float, passes: Passes) -> float:
    """Heel strikes during the longest time up, for clips that start and end seated and stand long enough (else NaN).

    Notes
    -----
    The steps only decide a timed up-and-go, which also needs ``up_s`` above
    :data:`~movequal.core.tug.MIN_UP_S` (:func:`movequal.core.movements.recognise_movement`): below it, the
    gait analysis would be run for a number that cannot change the answer.
    """
    if not (seated_ends >= SEATED_GATE_DEG and up_s >= MIN_UP_S):
        return float("nan")
    _, events, _ = passes()
    return count_steps_up(events.strike_times, measure_up_span(kin))
