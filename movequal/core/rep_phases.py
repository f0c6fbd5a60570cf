"""Descent, hold and ascent of many repetitions at once, and the pause a hold contains.

Scoring an hour of a set times thousands of repetitions; :func:`compute_phases_many` finds the bottom hold of
every repetition in one pass (:func:`~movequal.core.rep_edges.find_hold_spans`) and gives the same phases as
:func:`~movequal.core.reps.compute_phases` rep by rep. :func:`compute_pause` tells a deliberate pause at the
turning point from the time any continuous movement spends there.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from movequal.core.rep_edges import find_hold_spans
from movequal.core.reps import HOLD_FRACTION, Phases, RepWindow, compute_phases

FloatArray = NDArray[np.float64]


@cache
def compute_turn_share(hold_fraction: float = HOLD_FRACTION) -> float:
    """Return the share of a continuous half-movement spent in the hold band of its turning point.

    Notes
    -----
    A smooth point-to-point movement follows the minimum-jerk profile
    ``10x³ - 15x⁴ + 6x⁵`` (Flash & Hogan 1985, J Neurosci 5(7):1688-1703).
    It passes ``hold_fraction`` of its excursion at the ``x*`` that solves
    that polynomial, and stays beyond it for the last ``1 - x*`` of its
    time: 0.247 for the 0.9 of :data:`~movequal.core.reps.HOLD_FRACTION`.
    """
    crossing = brentq(lambda x: x**3 * (10.0 - 15.0 * x + 6.0 * x**2) - hold_fraction, 0.0, 1.0, xtol=1e-15)
    return 1.0 - float(crossing)


def compute_pause(descent_s: float, hold_s: float, ascent_s: float) -> float:
    """Return the time a rep's hold lasts beyond what a continuous movement spends there (s, 0 when none).

    Notes
    -----
    A rep that turns without stopping still spends a share of its time in
    the hold band (:func:`compute_turn_share`): with descent and ascent
    taking the rest, a continuous turn lasts ``share / (1 - share)`` of
    ``descent_s + ascent_s``. What the hold lasts beyond that is a pause:
    a paused squat, a held lockout, a patient settling at the bottom. Phases
    that are not measurable give no pause.
    """
    if not (math.isfinite(descent_s) and math.isfinite(hold_s) and math.isfinite(ascent_s)):
        return 0.0
    share = compute_turn_share()
    return max(0.0, hold_s - share / (1.0 - share) * (descent_s + ascent_s))


def compute_phases_many(depth: FloatArray, timestamps: FloatArray, windows: list[RepWindow]) -> list[Phases]:
    """:func:`~movequal.core.reps.compute_phases` of every window.

    Notes
    -----
    A window of three frames or more with depth on every frame that rests
    standing (no ``reference``) is timed in the one pass: its depth needs no
    bridging, so its hold is the same run of frames. The others (a gap in
    depth, a rep from the floor, too short to time) are timed one by one.
    """
    if not windows:
        return []
    edges = np.array([(w.start, w.end) for w in windows], dtype=np.intp)
    seen = np.concatenate([[0], np.cumsum(np.isfinite(depth))])
    lengths = edges[:, 1] - edges[:, 0] + 1
    standing = np.array([w.reference is None for w in windows])
    batch = (seen[edges[:, 1] + 1] - seen[edges[:, 0]] == lengths) & (lengths >= 3) & standing  # else: not bridged
    rows = np.flatnonzero(batch)
    first, last = find_hold_spans(depth, edges[rows, 0], edges[rows, 1], HOLD_FRACTION)
    t = timestamps
    start, end = edges[rows, 0], edges[rows, 1]
    timed = zip((t[first] - t[start]).tolist(), (t[last] - t[first]).tolist(), (t[end] - t[last]).tolist(), strict=True)
    out: list[Phases | None] = [None] * len(windows)
    for row, (descent, hold, ascent) in zip(rows.tolist(), timed, strict=True):
        out[row] = Phases(descent, hold, ascent)
    return [p if p is not None else compute_phases(depth, timestamps, w) for p, w in zip(out, windows, strict=True)]
