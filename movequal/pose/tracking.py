"""Keep one subject: find and drop frames where the tracker followed someone else.

MediaPipe's VIDEO mode tracks one person from frame to frame, but after losing
them it re-detects whoever is most salient: a bystander, or a reflection in a
mirror. Such an identity switch shows as an abrupt jump of the body's position
or size between consecutive frames. :func:`filter_identity_switches` splits the
recording at those jumps, takes the longest, largest track as the subject and
turns frames that belong to somebody else into gaps.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

_TRUNK = [IDX["left_shoulder"], IDX["right_shoulder"], IDX["left_hip"], IDX["right_hip"]]
JUMP_BODY_SIZES = 0.5
"""Centre displacement between consecutive frames, in body heights, that marks a switch."""
SIZE_RATIO_JUMP = 1.4
"""Frame-to-frame change of body height (either way) that marks a switch."""
MAX_GAP_S = 0.5
"""Detections further apart than this start a new track."""
SIZE_RATIO_KEEP = 1.45
"""A separate track is kept as the subject when its body height is within this ratio of the main track's."""
EDGE_S = 0.3
"""Span (s) at each end of a track whose median body height and centre stand for where the track starts and ends."""
BODY_HEIGHTS_PER_S = 1.0
"""How far (body heights a second) a subject may move while nobody is tracked: a brisk walk (1.5-1.7 m/s) for a
person of 1.7 m."""
MAX_CARRY_S = 0.6
"""The allowances for a track that carries on grow with the gap up to this long and no further (a body height
ratio of 1.8, 1.1 body heights away): after longer, a body of any size anywhere near would pass for the subject."""
EDGE_SHARE = 0.1
"""A trunk centre within this share of the picture's width from a side is at that side: a track that ends there
left the picture, and only a track that comes in at the same side can carry it on (a patient walking out of the
picture to turn and coming back)."""


@dataclass(frozen=True)
class Track:
    """A run of frames that look like one continuous body."""

    start: int
    stop: int
    size: float
    abrupt_start: bool
    head: tuple[float, float, float] = (np.nan, np.nan, np.nan)
    """Time (s), body height and centre x of the track's first :data:`EDGE_S` (medians; centre y is not used)."""
    tail: tuple[float, float, float] = (np.nan, np.nan, np.nan)
    """The same over its last :data:`EDGE_S`, the time being the last frame's."""
    sides: tuple[int, int] = (0, 0)
    """The picture's side (-1 left, +1 right, 0 neither; :data:`EDGE_SHARE`) the trunk was at when the track began
    and when it ended."""

    @property
    def frames(self) -> int:
        """Number of frames in the track."""
        return self.stop - self.start


def _centre_and_size(pose: PoseSequence) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Trunk centre (T, 2) and body height (T,) in pixels; NaN on undetected frames."""
    px = pose.image_pixels()
    centre = np.full((len(pose), 2), np.nan)
    size = np.full(len(pose), np.nan)
    rows = pose.detected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a detected frame may still lack trunk points
        centre[rows] = np.nanmean(px[rows][:, _TRUNK], axis=1)
        size[rows] = np.nanmax(px[rows][:, :, 1], axis=1) - np.nanmin(px[rows][:, :, 1], axis=1)
    return centre, size


def compute_tracks(pose: PoseSequence) -> list[Track]:
    """Split the detected frames into tracks at gaps and abrupt jumps."""
    detected = np.flatnonzero(pose.detected)
    if detected.size == 0:
        return []
    centre, size = _centre_and_size(pose)
    pairs = itertools.pairwise(detected)
    gaps = np.diff(pose.timestamps[detected]) > MAX_GAP_S
    jumps = np.array([_is_jump(centre[a], centre[b], size[a], size[b]) for a, b in pairs], dtype=bool)
    breaks = np.flatnonzero(gaps | jumps) + 1  # positions in `detected` where a new track starts
    tracks = []
    for first, last in zip(np.r_[0, breaks], np.r_[breaks, detected.size] - 1, strict=True):
        start, stop = int(detected[first]), int(detected[last]) + 1
        abrupt = bool(first > 0 and jumps[first - 1] and not gaps[first - 1])
        head, tail = _edges(pose.timestamps, centre, size, start, stop)
        sides = (_side(head[2], pose.frame_size[0]), _side(tail[2], pose.frame_size[0]))
        tracks.append(Track(start, stop, float(np.nanmedian(size[start:stop])), abrupt, head, tail, sides))
    return tracks


def _edges(
    t: NDArray[np.float64], centre: NDArray[np.float64], size: NDArray[np.float64], start: int, stop: int
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """(time, body height, centre x) over the first and the last :data:`EDGE_S` of frames ``start:stop``."""
    head = slice(start, max(int(np.searchsorted(t, t[start] + EDGE_S, side="right")), start + 1))
    tail = slice(min(int(np.searchsorted(t, t[stop - 1] - EDGE_S)), stop - 1), stop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an edge may hold no trunk point
        return (
            (float(t[start]), float(np.nanmedian(size[head])), float(np.nanmedian(centre[head, 0]))),
            (float(t[stop - 1]), float(np.nanmedian(size[tail])), float(np.nanmedian(centre[tail, 0]))),
        )


def _side(x: float, width: float) -> int:
    """-1 when ``x`` (px) is at the picture's left side, +1 at its right, 0 elsewhere or unknown."""
    if x < EDGE_SHARE * width:
        return -1
    return 1 if x > (1.0 - EDGE_SHARE) * width else 0  # NaN compares False


def _continues(before: Track, after: Track) -> bool:
    """Whether ``after`` starts where and at the size ``before`` ended, allowing for the time nobody was tracked.

    Notes
    -----
    Whole-track sizes differ for one person who walks towards the camera or sits down; across a gap in detection
    the body is compared where the tracks meet instead: centre within :data:`JUMP_BODY_SIZES` plus a walk of
    :data:`BODY_HEIGHTS_PER_S` over the gap, and body height within :data:`SIZE_RATIO_KEEP` compounded once more
    for every second of the gap (standing up from a crouch, or crouching, changes it by more than that within a
    second), the gap counted up to :data:`MAX_CARRY_S`. A track that ended at the picture's side is carried on
    only by one that comes in at that side.
    """
    (t0, s0, x0), (t1, s1, x1) = before.tail, after.head
    if before.sides[1] and after.sides[0] != before.sides[1]:
        return False
    if not (np.isfinite([s0, s1, x0, x1]).all() and min(s0, s1) > 0):
        return False
    gap = min(t1 - t0, MAX_CARRY_S)
    moved = abs(x1 - x0) / max(s0, s1)
    grown = max(s0, s1) / min(s0, s1)
    return bool(grown <= SIZE_RATIO_KEEP ** (1.0 + gap) and moved <= JUMP_BODY_SIZES + BODY_HEIGHTS_PER_S * gap)


def _is_jump(c0: NDArray[np.float64], c1: NDArray[np.float64], s0: float, s1: float) -> bool:
    if not (np.isfinite(c0).all() and np.isfinite(c1).all() and s0 > 0 and s1 > 0):
        return False
    moved = float(np.linalg.norm(c1 - c0)) / max(s0, s1)
    return moved > JUMP_BODY_SIZES or max(s0, s1) / min(s0, s1) > SIZE_RATIO_JUMP


def select_subject_tracks(tracks: list[Track]) -> list[Track]:
    """Return the tracks judged to be the subject.

    Notes
    -----
    The main track has the most frames weighted by body size (the subject is
    usually the nearest, longest-seen person). Another track is kept when its
    body size is compatible with the main one, or when it carries on where a
    kept neighbour left off across a gap in detection (:func:`_continues`: a
    subject walking towards the camera, or sitting down, changes size), and it
    is not joined to a kept track by an abrupt jump (a jump between two
    tracks proves they are two different bodies).
    """
    if not tracks:
        return []
    main = max(range(len(tracks)), key=lambda k: tracks[k].frames * tracks[k].size)
    kept = {main}
    for step in (1, -1):
        k = main + step
        while 0 <= k < len(tracks):
            joined_by_jump = tracks[max(k, k - step)].abrupt_start
            neighbour_kept = (k - step) in kept
            ratio = max(tracks[k].size, tracks[main].size) / max(min(tracks[k].size, tracks[main].size), 1e-9)
            before, after = sorted((tracks[k], tracks[k - step]), key=lambda track: track.start)
            carries_on = neighbour_kept and not after.abrupt_start and _continues(before, after)
            if (ratio <= SIZE_RATIO_KEEP or carries_on) and not (joined_by_jump and neighbour_kept):
                kept.add(k)
            k += step
    return [tracks[k] for k in sorted(kept)]


def filter_identity_switches(pose: PoseSequence) -> tuple[PoseSequence, int]:
    """Blank out frames that belong to someone other than the subject.

    Returns
    -------
    PoseSequence
        A new sequence where other people's frames are gaps (NaN, visibility 0).
    int
        Number of frames blanked.
    """
    tracks = compute_tracks(pose)
    keep = np.zeros(len(pose), dtype=bool)
    for track in select_subject_tracks(tracks):
        keep[track.start : track.stop] = True
    drop = pose.detected & ~keep
    if not drop.any():
        return pose, 0
    image, world, visibility = pose.image.copy(), pose.world.copy(), pose.visibility.copy()
    bend = pose.back_bend.copy()
    image[drop], world[drop], visibility[drop], bend[drop] = np.nan, np.nan, 0.0, np.nan
    return replace(pose, image=image, world=world, visibility=visibility, back_bend=bend), int(drop.sum())
