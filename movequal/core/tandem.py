"""Tandem stance holds: both feet down, one directly in front of the other, until either foot moves.

The feet are read as for the single-leg stance (:func:`movequal.core.feet.compute_foot_signals`);
only the placement and the start differ: a tandem hold starts once both feet
have settled in place, and ends when either lifts or leaves its place.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.balance import (
    LIFT_ON,
    MIN_HOLD_S,
    STANCE_MOVE,
    BalanceAnalysis,
    Hold,
    find_hold_end,
)
from movequal.core.feet import FEET, FootSignals, compute_foot_signals
from movequal.core.runs import find_runs
from movequal.core.sway import HOLD_WINDOW, SwayWindow, compute_sway
from movequal.core.views import View
from movequal.pose.sequence import PoseSequence

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

TANDEM_MAX_WIDTH = 0.12
"""Front view: feet closer than this sideways (leg lengths) are in line, as in a tandem stance."""
TANDEM_MIN_SPLIT = 0.15
"""Side view: one foot at least this far ahead of the other (leg lengths) for a tandem stance."""
SETTLE_S = 0.5
"""A tandem hold starts once both feet stay within half of STANCE_MOVE of their place for this long."""


def find_tandem_frames(signals: FootSignals, view: View) -> BoolArray:
    """Return the frames where both feet are down and placed one in front of the other.

    Notes
    -----
    Each view checks the half of the placement it can see: from the front the
    feet in line (:data:`TANDEM_MAX_WIDTH`), from the side one ahead of the
    other (:data:`TANDEM_MIN_SPLIT`). An oblique view sees neither, so it finds
    no frame (:func:`detect_tandem_holds` says why).
    """
    left, right = signals.feet.contact["left"], signals.feet.contact["right"]
    down = (signals.lift["left"] < LIFT_ON) & (signals.lift["right"] < LIFT_ON)
    gap = np.abs(left[:, 0] - right[:, 0]) / signals.leg_px
    if view == "frontal":
        return np.asarray(down & (gap < TANDEM_MAX_WIDTH))
    if view in ("sagittal-left", "sagittal-right"):
        return np.asarray(down & (gap > TANDEM_MIN_SPLIT))
    return np.zeros(len(gap), dtype=bool)


def find_front_foot(signals: FootSignals, view: View, frames: slice) -> str:
    """Return the foot in front over ``frames``.

    From the front, the lower one in the picture (nearer the camera); from the
    side, the one ahead in the facing direction.
    """
    left, right = signals.feet.contact["left"][frames], signals.feet.contact["right"][frames]
    if view in ("sagittal-left", "sagittal-right"):
        ahead = float(np.nanmedian(left[:, 0] - right[:, 0]))
        return "left" if (ahead > 0) == (view == "sagittal-right") else "right"
    return "left" if float(np.nanmedian(left[:, 1] - right[:, 1])) > 0 else "right"


def _settled_from(signals: FootSignals, t: FloatArray, first: int, last: int) -> int | None:
    """First frame in ``first..last`` from which both feet stay in place for :data:`SETTLE_S` (None if never)."""
    limit = 0.5 * STANCE_MOVE * signals.leg_px
    for k in range(first, last + 1):
        stop = int(np.searchsorted(t, t[k] + SETTLE_S, side="right"))
        if stop > last + 1:
            return None
        still = True
        for side in FEET:
            points = signals.feet.contact[side][k:stop]
            if not np.isfinite(points).all() or np.max(np.linalg.norm(points - points[0], axis=1)) > limit:
                still = False
                break
        if still:
            return k
    return None


def detect_tandem_holds(
    pose: PoseSequence,
    view: View,
    signals: FootSignals | None = None,
    *,
    min_hold_s: float = MIN_HOLD_S,
    window: SwayWindow = HOLD_WINDOW,
) -> BalanceAnalysis:
    """Find tandem stances (both feet down, in place) of at least :data:`MIN_HOLD_S` and measure their sway.

    Notes
    -----
    Within each stretch of frames with the feet placed
    (:func:`find_tandem_frames`), a hold starts once both feet have settled
    (a foot stepping into place is still moving) and ends when either foot
    lifts or moves :data:`~movequal.core.balance.STANCE_MOVE` from its place,
    which ends the test for that stretch, as the clinical test ends. A hold that starts
    in the first frame the feet are seen began before the clip (``start_seen``
    false: at least that long, never graded short), as does one that starts
    right after the feet were unseen. An oblique view cannot judge the
    placement: no hold, and the reason.
    """
    signals = signals or compute_foot_signals(pose)
    t = pose.timestamps
    if not np.isfinite(signals.leg_px) or len(t) < 3:
        return BalanceAnalysis((), "the legs were not seen")
    if view not in ("frontal", "sagittal-left", "sagittal-right"):
        return BalanceAnalysis(
            (), "a tandem stance cannot be judged from an oblique view: film from the front or the side"
        )
    placed = find_tandem_frames(signals, view)
    both_seen = np.flatnonzero(np.isfinite(signals.feet.contact["left"][:, 0] + signals.feet.contact["right"][:, 0]))
    first_seen = int(both_seen[0]) if len(both_seen) else 0
    holds = []
    for first, last in find_runs(placed):
        unseen_before = first == first_seen or not np.isfinite(signals.feet.contact["left"][first - 1, 0])
        begin = first if unseen_before else _settled_from(signals, t, first, last)
        if begin is None:
            continue
        end_k, reason = find_hold_end(signals, t, FEET, (begin, last), "stance-move")
        start, end = float(t[begin]), float(t[min(end_k, len(t) - 1)])
        if end - start >= min_hold_s:
            sway, why = compute_sway(
                pose, view, signals.leg_px, (start, end), trim_end=reason != "clip-end", window=window
            )
            front = find_front_foot(signals, view, slice(begin, end_k + 1))
            holds.append(Hold("tandem", front, start, end, reason, sway, why, start_seen=not unseen_before))
    if not holds:
        return BalanceAnalysis((), f"the feet were not seen placed one in front of the other for {min_hold_s:g} s")
    return BalanceAnalysis(tuple(holds), None)
