"""Tandem stance holds: both feet down, one directly in front of the other, until either foot moves.

The feet are read as for the single-leg stance (:func:`movequal.core.balance.compute_foot_signals`);
only the placement and the start differ: a tandem hold starts once both feet
have settled in place, and ends when either lifts or leaves its place.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.balance import (
    FEET,
    LIFT_ON,
    MIN_HOLD_S,
    STANCE_MOVE,
    BalanceAnalysis,
    FootSignals,
    Hold,
    compute_foot_signals,
    find_hold_end,
    find_runs,
)
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


def find_tandem_frames(signals: FootSignals, view: View) -> tuple[BoolArray, str]:
    """Return the frames where both feet are down and placed one in front of the other, and the front foot.

    Notes
    -----
    Each view checks the half of the placement it can see: from the front the
    feet in line (:data:`TANDEM_MAX_WIDTH`), from the side one ahead of the
    other (:data:`TANDEM_MIN_SPLIT`). From an oblique view neither can be
    judged, so both feet down is all that is checked, and the front foot is
    the one lower in the picture (nearer the camera), as from the front.
    """
    left, right = signals.feet.contact["left"], signals.feet.contact["right"]
    down = (signals.lift["left"] < LIFT_ON) & (signals.lift["right"] < LIFT_ON)
    gap = np.abs(left[:, 0] - right[:, 0]) / signals.leg_px
    lower_left = bool(np.nanmedian(left[:, 1] - right[:, 1]) > 0) if np.isfinite(gap).any() else True
    if view in ("sagittal-left", "sagittal-right"):
        ahead = np.nanmedian(left[:, 0] - right[:, 0]) if np.isfinite(gap).any() else 0.0
        front = "left" if (ahead > 0) == (view == "sagittal-right") else "right"
        return down & (gap > TANDEM_MIN_SPLIT), front
    placed = gap < TANDEM_MAX_WIDTH if view == "frontal" else np.ones(len(gap), dtype=bool)
    return down & placed, "left" if lower_left else "right"


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
    false: at least that long, never graded short).
    """
    signals = signals or compute_foot_signals(pose)
    t = pose.timestamps
    if not np.isfinite(signals.leg_px) or len(t) < 3:
        return BalanceAnalysis((), "the legs were not seen")
    placed, front = find_tandem_frames(signals, view)
    both_seen = np.flatnonzero(np.isfinite(signals.feet.contact["left"][:, 0] + signals.feet.contact["right"][:, 0]))
    first_seen = int(both_seen[0]) if len(both_seen) else 0
    holds = []
    for first, last in find_runs(placed):
        begin = first if first == first_seen else _settled_from(signals, t, first, last)
        if begin is None:
            continue
        end_k, reason = find_hold_end(signals, t, FEET, (begin, last), "stance-move")
        start, end = float(t[begin]), float(t[min(end_k, len(t) - 1)])
        if end - start >= min_hold_s:
            sway, why = compute_sway(
                pose, view, signals.leg_px, (start, end), trim_end=reason != "clip-end", window=window
            )
            holds.append(Hold("tandem", front, start, end, reason, sway, why, start_seen=begin > first_seen))
    if not holds:
        return BalanceAnalysis((), f"the feet were not seen placed one in front of the other for {min_hold_s:g} s")
    return BalanceAnalysis(tuple(holds), None)
