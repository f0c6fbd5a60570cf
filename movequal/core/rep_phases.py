"""Descent, hold and ascent of many repetitions at once (:func:`~movequal.core.reps.compute_phases` for a set).

Scoring an hour of a set times thousands of repetitions; :func:`compute_phases_many` finds the bottom hold of
every repetition in one pass (:func:`~movequal.core.rep_edges.find_hold_spans`) and gives the same phases as
:func:`~movequal.core.reps.compute_phases` rep by rep.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.rep_edges import find_hold_spans
from movequal.core.reps import HOLD_FRACTION, Phases, RepWindow, compute_phases

FloatArray = NDArray[np.float64]


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
