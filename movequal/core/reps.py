"""Repetition segmentation from a movement's driver signal, offline and live.

A repetition is a cycle from rest to a peak of the 0–1 driver signal
(:func:`movequal.core.movements.compute_driver`) and back. Offline,
:func:`detect_reps` finds prominent peaks over the whole clip; live,
:class:`RepCounter` sees one value at a time and reports each rep as soon as
it has come back to rest. Both use the same thresholds, so they count alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from movequal.core.frame_rate import compute_frames
from movequal.core.peaks import PeakProperties, find_prominent_peaks
from movequal.core.rep_edges import find_crossings, find_hold_spans, find_rest_edges
from movequal.core.stance import compute_min_frames, detect_in_place, detect_walk_offs

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

MIN_PROMINENCE = 0.15
"""Smallest depth excursion counted as a rep (fraction of the driver's scale)."""
MIN_RELATIVE_PROMINENCE = 0.4
"""A rep must reach this fraction of the clip's largest excursion (drops fidgets and set-up shifts)."""
MIN_REP_S = 0.5
RETURN_FRACTION = 0.35
"""A rep ends where depth has come back below this fraction of its excursion."""
REST_RETURN_FRACTION = 0.25
"""A rep cut by the clip while still moving must have come this close (share of its excursion) to rest."""
REST_TOLERANCE = 0.03
REST_LOOKAHEAD_S = 0.2
"""A rep's edge is where depth stops falling by more than 3 % of its excursion within 0.2 s."""
HOLD_FRACTION = 0.9
"""Frames within this fraction of a rep's excursion count as the bottom hold."""


@dataclass(frozen=True)
class RepWindow:
    """Frame indices of one repetition.

    A rep normally starts at rest standing, turns at the ``bottom`` and ends at
    rest. A lift rep that starts and ends on the floor (floor → lockout →
    floor) has its standing ``reference`` (the lockout) inside the window and
    its ``bottom`` at the deepest point of the pull.
    """

    start: int
    bottom: int
    end: int
    reference: int | None = None
    """Frame of the standing reference when it is not ``start`` (a rep from the floor)."""

    @property
    def standing(self) -> int:
        """Frame whose posture is the rep's standing reference: the lockout, or the start."""
        return self.start if self.reference is None else self.reference

    @property
    def ascent_end(self) -> int:
        """Last frame of the way up from the bottom: the lockout of a rep from the floor, else the end."""
        return self.end if self.reference is None else self.reference


@dataclass(frozen=True)
class Phases:
    """Tempo of one repetition in seconds."""

    descent_s: float
    hold_s: float
    ascent_s: float


@dataclass(frozen=True)
class Segmentation:
    """Full repetitions plus what was seen but not counted."""

    reps: list[RepWindow]
    partial_bottoms: list[int]
    """Frames of excursions that were not full reps: too shallow, or cut by the clip's start or end."""


def bridge_gaps(depth: FloatArray) -> FloatArray | None:
    """Fill NaN linearly between finite neighbours (None with fewer than 3 finite values)."""
    valid = np.isfinite(depth)
    count = int(valid.sum())
    if count < 3:
        return None
    if count == depth.size:  # nothing to fill
        return depth
    return np.asarray(np.interp(np.arange(depth.size), np.flatnonzero(valid), depth[valid]))


def segment_reps(
    depth: FloatArray, timestamps: FloatArray, feet: FloatArray | None = None, planted: bool = False
) -> Segmentation:
    """Find repetitions as prominent peaks of ``depth``, and the partial ones.

    Parameters
    ----------
    depth : ndarray, shape (T,)
        Driver signal, NaN where unknown (bridged linearly).
    timestamps : ndarray, shape (T,)
        Frame times in seconds.
    feet : ndarray, shape (T, F, 2), optional
        Image positions of the ankles in leg lengths; without them, a peak under the relative floor is
        never a rep.
    planted : bool
        Whether the movement keeps the feet where they stand: then a peak during which both feet leave
        their places is the patient walking off (:func:`~movequal.core.stance.detect_walk_off`), a partial.

    Notes
    -----
    A peak counts only if depth falls back by ``RETURN_FRACTION`` of its
    prominence on both sides inside the clip, so a clip that starts or ends at
    the bottom (half a rep) does not count it: it is listed as partial. Peaks
    smaller than ``MIN_RELATIVE_PROMINENCE`` of the clip's largest are partial
    too (a set-up shift, a step, a weight put down) unless they are a shallow rep
    in place (:func:`_shallow_rep_in_place`): back at the set's rest on both
    sides with the feet where they stood. So is a
    last rep the clip cuts on its way back up, still moving and short of
    rest (:func:`_cut_short`): the prominence is measured from the higher of
    the peak's two bases, which is where such a clip stops.
    """
    signal = bridge_gaps(depth)
    if signal is None:
        return Segmentation([], [])
    fps = (depth.size - 1) / max(float(timestamps[-1] - timestamps[0]), 1e-9)
    peaks, props = merge_tied_tops(
        signal, *find_prominent_peaks(signal, MIN_PROMINENCE, compute_frames(MIN_REP_S, fps))
    )
    floor = MIN_RELATIVE_PROMINENCE * float(props["prominences"].max()) if peaks.size else 0.0
    candidates, partial = _candidate_windows(signal, peaks, props, floor, fps=fps, feet=feet)
    walked = [False] * len(candidates)
    if planted and feet is not None and candidates:
        windows = _edges([w for w, _, _ in candidates])
        walked = detect_walk_offs(feet, *windows, min_frames=compute_min_frames(fps)).tolist()
    reps = []
    ahead = compute_frames(REST_LOOKAHEAD_S, fps)
    for (window, rest, tol), off in zip(candidates, walked, strict=True):
        if off or _cut_short(signal, window, rest, tol, ahead):
            partial.append(window.bottom)
            continue
        reps.append(window)
    for edge in _edge_halves(signal, reps, floor):
        # One excursion cut by the clip's edge is one partial rep, even when find_peaks saw its top.
        first_start = reps[0].start if reps else signal.size
        last_end = reps[-1].end if reps else -1
        beyond = [p for p in partial if (p < first_start if edge == 0 else p > last_end)]
        if not beyond:
            partial.append(edge)
    split = _split_overlaps(reps, signal)
    first, last = find_hold_spans(signal, *_edges(split), HOLD_FRACTION)
    middles = ((first + last) // 2).tolist()
    return Segmentation([replace(w, bottom=b) for w, b in zip(split, middles, strict=True)], sorted(set(partial)))


def merge_tied_tops(signal: FloatArray, peaks: IntArray, props: PeakProperties) -> tuple[IntArray, PeakProperties]:
    """Keep one peak of each run of equally high neighbours with less than ``MIN_PROMINENCE`` between them.

    Notes
    -----
    ``find_peaks`` measures a peak's prominence up to the nearest *higher*
    sample, so two maxima of exactly the same height are each as prominent as
    the excursion they share, however shallow the dip between them. A hold
    that is perfectly flat but for rounding (noiseless synthetic data,
    landmarks stored with few decimals) then splits into two reps. Peaks of
    different heights are left as they are: the lower one's prominence already
    tells it from a rep of its own. The first of a run is kept, with its
    bases, which already span the run.
    """
    if peaks.size < 2:
        return peaks, props
    heights = signal[peaks]
    dips = np.minimum.reduceat(signal, peaks)[:-1]  # lowest sample from each peak up to the next
    tied = (heights[1:] == heights[:-1]) & (heights[1:] - dips < MIN_PROMINENCE)
    keep = np.concatenate([[True], ~tied])
    kept: PeakProperties = {
        "prominences": props["prominences"][keep],
        "left_bases": props["left_bases"][keep],
        "right_bases": props["right_bases"][keep],
    }
    return peaks[keep], kept


def _candidate_windows(
    signal: FloatArray, peaks: IntArray, props: PeakProperties, floor: float, *, fps: float, feet: FloatArray | None
) -> tuple[list[tuple[RepWindow, float, float]], list[int]]:
    """Each peak that may be a rep, as ``(window, rest level, rest tolerance)``, and the peaks that are partials.

    A peak is a candidate when depth falls back by ``RETURN_FRACTION`` of its prominence on both sides inside
    the clip and it is not a shallow peak (see :func:`segment_reps`); whether the person walked off or the clip
    cut it short is decided after, for all candidates at once.
    """
    prominences = props["prominences"]
    levels = signal[peaks] - (1.0 - RETURN_FRACTION) * prominences
    starts, ends = find_crossings(signal, peaks, levels, -1), find_crossings(signal, peaks, levels, +1)
    full = (starts >= 0) & (ends >= 0)
    for i in np.flatnonzero(full & (prominences < floor)).tolist():
        full[i] = _shallow_rep_in_place(signal, props, i, feet)
    kept = np.flatnonzero(full)
    tolerances = REST_TOLERANCE * prominences[kept]
    ahead = compute_frames(REST_LOOKAHEAD_S, fps)
    firsts = find_rest_edges(signal, starts[kept], tolerances, -1, ahead).tolist()
    lasts = find_rest_edges(signal, ends[kept], tolerances, +1, ahead).tolist()
    left, right = signal[props["left_bases"][kept]], signal[props["right_bases"][kept]]
    rests = np.where(right < left, right, left).tolist()
    candidates = [
        (RepWindow(first, peak, last), rest, tolerance)
        for first, peak, last, rest, tolerance in zip(
            firsts, peaks[kept].tolist(), lasts, rests, tolerances.tolist(), strict=True
        )
    ]
    return candidates, peaks[~full].tolist()


def _shallow_rep_in_place(signal: FloatArray, props: PeakProperties, i: int, feet: FloatArray | None) -> bool:
    """Tell whether peak ``i``, small against the set's deepest, is still a rep: a shallow squat in place.

    Notes
    -----
    Both of its bases must be back at the set's rest (within ``REST_RETURN_FRACTION``
    of its own excursion of the lowest depth) and no foot may move more than
    ``movequal.core.stance.FOOT_STEP`` over it. The steps between lunges, a bar re-racked or a weight
    set down move a foot or do not return to rest; a shallow squat in a set of
    deep ones does neither (UI-PRMD, docs/EVALUATION.md §9).
    """
    if feet is None:
        return False
    left, right = int(props["left_bases"][i]), int(props["right_bases"][i])
    rest, prominence = float(np.min(signal)), float(props["prominences"][i])
    if max(signal[left], signal[right]) - rest > REST_RETURN_FRACTION * prominence:
        return False
    return detect_in_place(feet[left : right + 1])


def _cut_short(signal: FloatArray, window: RepWindow, rest: float, tol: float, ahead: int) -> bool:
    """Tell whether the clip ends while the rep is still on its way back, short of rest.

    Notes
    -----
    A rep runs from rest to rest. When the clip ends while depth is still
    falling back, and depth there is still more than ``REST_RETURN_FRACTION``
    of the excursion above ``rest``, the lower of the peak's two rest levels
    (``find_peaks``' bases), the set ended mid-rep: a partial. A return that
    has come to a stop counts, even above that level (a lift set down with
    the trunk more upright than at its set-up). A clip that begins mid-rep
    is left to the existing rule.
    """
    level = rest + REST_RETURN_FRACTION * (float(signal[window.bottom]) - rest)
    last = signal.size - 1
    ends_moving = window.end == last and signal[max(last - ahead, 0)] - signal[last] > tol
    return bool(ends_moving and signal[last] > level)


def _hold_span(signal: FloatArray, window: RepWindow) -> tuple[int, int]:
    """First and last frame around the peak where depth stays within ``HOLD_FRACTION`` of the excursion."""
    first, last = find_hold_spans(signal, *_edges([window]), HOLD_FRACTION)
    return int(first[0]), int(last[0])


def _edges(windows: list[RepWindow]) -> tuple[IntArray, IntArray]:
    """First and last frames of ``windows`` as two integer arrays."""
    edges = np.array([(w.start, w.end) for w in windows], dtype=np.intp).reshape(-1, 2)
    return edges[:, 0], edges[:, 1]


def find_hold_middle(signal: FloatArray, window: RepWindow) -> int:
    """Return the middle of the bottom hold, where a held bottom is timed (as in ``REPS.md``)."""
    first, last = _hold_span(signal, window)
    return (first + last) // 2


def detect_reps(depth: FloatArray, timestamps: FloatArray) -> list[RepWindow]:
    """Return the full repetitions of :func:`segment_reps`."""
    return segment_reps(depth, timestamps).reps


def _edge_halves(signal: FloatArray, reps: list[RepWindow], floor: float) -> list[int]:
    """Return the ends of a clip that start or stop deep: half reps ``find_peaks`` cannot see."""
    out = []
    lo = float(np.min(signal))
    threshold = max(floor, MIN_PROMINENCE)
    first_start = reps[0].start if reps else signal.size
    last_end = reps[-1].end if reps else -1
    if signal[0] - lo >= threshold and first_start > 0:
        out.append(0)
    if signal[-1] - lo >= threshold and last_end < signal.size - 1:
        out.append(signal.size - 1)
    return out


def find_rest_start(depth: FloatArray, window: RepWindow, fps: float) -> int:
    """Frame where a rep left rest, placed as :func:`segment_reps` places it; ``window.start`` when unknown.

    Notes
    -----
    The live counter starts a rep at the lowest depth since the last one,
    which can be long before the rep when the patient walked into place or
    fidgeted first; offline, a rep starts where depth stopped rising towards
    its bottom. Rules that look at the whole rep (did the feet stay put?)
    read it from here in both paths.
    """
    signal = bridge_gaps(depth)
    if signal is None or not 0 <= window.bottom < signal.size:
        return window.start
    prominence = float(signal[window.bottom] - np.min(signal[window.start : window.bottom + 1]))
    crossing = find_crossing(signal, window.bottom, signal[window.bottom] - (1.0 - RETURN_FRACTION) * prominence, -1)
    if crossing is None or prominence <= 0:
        return window.start
    ahead = compute_frames(REST_LOOKAHEAD_S, fps)
    return max(window.start, find_rest_edge(signal, crossing, REST_TOLERANCE * prominence, -1, ahead))


def find_crossing(signal: FloatArray, peak: int, level: float, step: int) -> int | None:
    """Return the first frame from ``peak`` in direction ``step`` where ``signal`` is at or below ``level``."""
    found = int(find_crossings(signal, np.array([peak], dtype=np.intp), np.array([level]), step)[0])
    return None if found < 0 else found


def find_rest_edge(signal: FloatArray, i: int, tolerance: float, step: int, lookahead: int) -> int:
    """Walk from a crossing towards rest while depth keeps falling (:func:`~.rep_edges.find_rest_edges`).

    Depth "keeps falling" when the lowest value in the next ``lookahead`` frames is more than ``tolerance``
    below the current one, so landmark jitter does not cut the rep short, while a standing pause ends it.
    """
    return int(find_rest_edges(signal, np.array([i], dtype=np.intp), np.array([tolerance]), step, lookahead)[0])


def _split_overlaps(reps: list[RepWindow], signal: FloatArray) -> list[RepWindow]:
    """Where consecutive reps overlap (no pause at the top), split at the shallowest frame."""
    out: list[RepWindow] = []
    for rep in reps:
        if out and rep.start < out[-1].end:
            prev = out[-1]
            boundary = prev.bottom + int(np.argmin(signal[prev.bottom : rep.bottom + 1]))
            out[-1] = RepWindow(prev.start, prev.bottom, boundary)
            out.append(RepWindow(boundary, rep.bottom, rep.end))
        else:
            out.append(rep)
    return out


def compute_phases(depth: FloatArray, timestamps: FloatArray, window: RepWindow) -> Phases:
    """Split a rep into descent, hold and ascent.

    Notes
    -----
    The hold is the span around the turning point where depth stays within
    ``HOLD_FRACTION`` of the rep's excursion; descent ends and ascent starts at
    its edges, so a held bottom does not inflate either phase. A rep from the
    floor turns at its lockout: its ascent is the pull from the floor, its
    hold the lockout and its descent the lowering back to the floor.
    """
    signal = bridge_gaps(depth[window.start : window.end + 1])
    if signal is None:
        return Phases(float("nan"), float("nan"), float("nan"))
    t = timestamps[window.start : window.end + 1]
    if window.reference is not None:
        first, last = _hold_span(-signal, RepWindow(0, window.reference - window.start, window.end - window.start))
        return Phases(float(t[-1] - t[last]), float(t[last] - t[first]), float(t[first] - t[0]))
    local = RepWindow(0, window.bottom - window.start, window.end - window.start)
    first, last = _hold_span(signal, local)
    return Phases(float(t[first] - t[0]), float(t[last] - t[first]), float(t[-1] - t[last]))
