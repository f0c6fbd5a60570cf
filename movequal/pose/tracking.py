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


@dataclass(frozen=True)
class Track:
    """A run of frames that look like one continuous body."""

    start: int
    stop: int
    size: float
    abrupt_start: bool

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
        tracks.append(Track(start, stop, float(np.nanmedian(size[start:stop])), abrupt))
    return tracks


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
    body size is compatible with the main one and it is not joined to a kept
    track by an abrupt jump (a jump between two tracks proves they are two
    different bodies).
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
            if ratio <= SIZE_RATIO_KEEP and not (joined_by_jump and neighbour_kept):
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
