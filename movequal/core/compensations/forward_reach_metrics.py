"""The forward reach of one trial of the Functional Reach Test: how far the hand travels, feet planted.

Duncan et al. 1990 (J Gerontol 45:M192-M197) measure the reach as the distance the hand travels forward from the
start position (arm raised forward to shoulder height, standing upright) to the furthest point reached without a
step. The camera reads it in a side view, as the more forward wrist's travel ahead of the ankles, in leg lengths.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.compensations.series_stats import median_around, peak_of, running_mean
from movequal.core.filtering import interpolate_gaps
from movequal.core.kinematics import Kinematics, compute_arm_elevation
from movequal.core.reps import RepWindow

FloatArray = NDArray[np.float64]
NAN = float("nan")
SMOOTH_FRAMES = 5
"""The hand's speed is read over 5-frame means, so one frame's jitter is not a pause."""
ARM_UP_DEG = 70.0
"""The arm is up once its elevation against the trunk reaches this (90° is horizontal, the start position)."""


def find_start_position(kin: Kinematics, window: RepWindow) -> int | None:
    """Return the frame of the start position: the arm up, the hand not yet reaching (None if the arm never rose).

    Notes
    -----
    Between the first frame with the arm at least :data:`ARM_UP_DEG` up and the hand's halfway point to
    its furthest (the hold at the furthest point is still too), the frame at which it moves slowest (over
    5-frame means): the pause the test asks for at the start position, or, when the
    patient goes straight on, the turn from raising the arm to reaching. An arm still rising reads a little
    short of its start position, so the reach then reads a little long; a lean begun while the arm rose reads
    short. The trunk cannot tell: with the ankle strategy it tips from the first centimetre of the reach.
    """
    arm = compute_arm_elevation(kin, slice(window.start, window.bottom + 1))
    up = np.flatnonzero(arm >= ARM_UP_DEG)
    if not up.size:
        return None
    first = window.start + int(up[0])
    reach = kin.series["hand_reach"][first : window.bottom + 1]
    if reach.size < 3 or not np.isfinite(reach).any():
        return first
    first_seen = reach[np.isfinite(reach)][0]  # the arm's first frame up may be one the model missed
    halfway = float(first_seen + np.nanmax(reach)) / 2.0
    before = np.flatnonzero(np.nan_to_num(reach, nan=-np.inf) >= halfway)
    end = int(before[0]) if before.size else reach.size - 1
    if end < 2:
        return first
    times = kin.timestamps[first : first + end + 1]
    # Frames the model lost are bridged first: at a gap's edge the means would be made of the same few frames.
    bridged = interpolate_gaps(reach[: end + 1], times, max_gap_s=np.inf)
    speed = np.abs(np.gradient(running_mean(bridged, SMOOTH_FRAMES, "same"), times))
    seen = np.isfinite(speed) & np.isfinite(reach[: end + 1])  # a bridged frame is a straight line, not a pause
    return first + int(np.argmin(np.where(seen, speed, np.inf)))


def compute_reach_distance(kin: Kinematics, window: RepWindow) -> float:
    """Return the hand's forward travel from the start position to the furthest point (leg lengths; NaN if unknown)."""
    start = find_start_position(kin, window)
    if start is None:
        return NAN
    reach = kin.series["hand_reach"]
    furthest = peak_of(reach[start : window.end + 1])
    return float(furthest - median_around(reach, start, half=2))
