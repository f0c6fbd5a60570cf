"""Timed up-and-go: the test's phases and their times, from a clip's landmarks.

The patient starts seated, stands up, walks about 3 m, turns, walks back and
sits down again (Podsiadlo & Richardson 1991, J Am Geriatr Soc 39:142-148).
Instrumented versions split it into stand-up, walking out, turning, walking
back and turn-to-sit (Salarian et al. 2010, IEEE TNSRE 18:303-310); a single
RGB camera finds those transitions within about 0.15 s of hand labels
(Savoie et al. 2020, IEEE JBHI 24:1196-1205). :func:`detect_tug` reads five
events, each from the signal that defines it:

- **lean onset** (the test starts): the trunk leaves its seated inclination;
- **seat-off**: the hips leave the seat (their height in the picture rises);
- **upright** (stand-up done): the knees have extended to their level while
  up (the median of their flexion between standing up and sitting down,
  walking included: a percentile nearer full extension is not reached in the
  first steps on real video);
- **lowering onset**: the hips start down towards the seat;
- **seated** (the test ends): the hips are back on the seat.

An event is the moment its signal has covered :data:`FRACTION` of its change
between the two levels it moves between (the rest before and the level
after), the usual way to time the onset and end of a movement on a noisy
signal. The hip height is read in the picture only at the chair, where the
patient is at the same distance from the camera seated and standing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import median_filter

from movequal.core.kinematics import Kinematics
from movequal.core.rest import read_edges
from movequal.core.runs import find_runs

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

SEATED_KNEE_DEG = 60.0
"""Knees bent at least this much (mean of both, 3D) is sitting: a standard 45 cm chair puts them near 90°, while
walking keeps the two knees' mean below about 40° (peak swing flexion ~60°, stance ~15°; Perry & Burnfield 2010,
*Gait Analysis*, 2nd ed.)."""
STANDING_KNEE_DEG = 40.0
"""Knees bent at most this much (mean of both) is standing or walking."""
BRIEF_BEND_S = 0.5
"""A bend past :data:`STANDING_KNEE_DEG` shorter than this does not end the time up: the swing phase of a stride
lasts about 0.4 s (40 % of a 1.0-1.1 s stride, Perry & Burnfield 2010), and the two knees' smoothed mean peaks near
40° in it (38.6° on a development trial at 30 fps, 43° on the same trial at 25 fps: EVALUATION.md §52); sitting
down, a squat or a pick-up bends the knees for longer."""
FRACTION = 0.1
"""Share of a signal's change between two levels at which an event is timed (10 % on, 90 % done)."""
SMOOTH_S = 0.2
"""Median filter length (s) for the signals: removes single-frame tracking jumps, keeps a 1 s stand-up's shape."""
MIN_REST_S = 0.3
"""The patient must be seen seated this long at the start and at the end."""
MAX_LEAN_S = 2.0
"""How long before standing up the trunk's forward lean is looked for."""
CHAIR_WINDOW_S = 0.5
"""Time just before the sit-down over which the standing hip height at the chair is taken."""
LEVEL_WINDOW_S = 0.3
"""Half-width of the window over which the hips' height at upright is taken (their median: a few frames may be
missing, and the hips move little in the last tenth of the stand-up)."""
MIN_UP_S = 2.5
"""A timed up-and-go keeps the patient up for its walk of 2 × 3 m and a turn: at a fast 2 m/s and more that takes
over 3 s (Bohannon 1997, Age Ageing 26:15-19: maximum gait speed of adults under 60 about 2.0–2.5 m/s)."""
MIN_STEPS = 4
"""Heel strikes needed between upright and the sit-down for the patient to have walked: the test's 2 × 3 m take about
eight steps (a 0.7 m step, Perry & Burnfield 2010), a standing pause or a lift's lockout none."""
GAP_FACTOR = 1.5
"""A gap between two frames longer than this many frame steps counts as time with nobody seen."""


@dataclass(frozen=True)
class TugPhases:
    """The times (s, clip time) of a timed up-and-go's transitions, and what was not seen.

    ``lean_onset`` starts the test and ``seated`` ends it; ``walk_s`` runs from
    upright to the lowering onset (walking out, the turn, walking back and the
    turn in front of the chair).
    """

    lean_onset: float
    seat_off: float
    upright: float
    lowering_onset: float
    seated: float
    unseen_s: float
    """Time during the walk with nobody tracked (e.g. a turn outside the picture)."""
    steps: int | None = None
    """Heel strikes between upright and the lowering onset (turns included); ``None`` when not counted."""

    @property
    def total_s(self) -> float:
        """The test's time: from the first lean to sitting back down."""
        return self.seated - self.lean_onset

    @property
    def stand_up_s(self) -> float:
        """From the first lean to upright."""
        return self.upright - self.lean_onset

    @property
    def walk_s(self) -> float:
        """From upright to the start of lowering onto the chair."""
        return self.lowering_onset - self.upright

    @property
    def sit_down_s(self) -> float:
        """From the start of lowering to the hips on the seat."""
        return self.seated - self.lowering_onset


@dataclass(frozen=True)
class TugResult:
    """The phases found, or why none could be."""

    phases: TugPhases | None
    reason: str | None = None


def _smooth(values: FloatArray, timestamps: FloatArray) -> FloatArray:
    """Median-filter the finite values over :data:`SMOOTH_S` (NaN stays NaN)."""
    out = np.full_like(values, np.nan)
    finite = np.isfinite(values)
    if finite.sum() < 3:
        return out
    size = max(1, round(SMOOTH_S / _frame_step(timestamps)) | 1)
    out[finite] = median_filter(values[finite], size=size, mode="nearest")
    return out


def _frame_step(timestamps: FloatArray) -> float:
    """Median time between frames (s), ignoring repeated timestamps; 1/30 s with fewer than two distinct frames."""
    steps = np.diff(timestamps)
    steps = steps[steps > 0]
    return float(np.median(steps)) if steps.size else 1.0 / 30.0


def _cross(t: FloatArray, x: FloatArray, level: float, frames: range) -> float:
    """Time at which ``x`` first passes ``level`` walking ``frames`` in their order (linear between frames).

    Returns NaN when it never does. The direction of the crossing is read
    from the first finite value: a signal starting below ``level`` must rise
    through it, one starting above must fall.
    """
    prev = -1
    for i in frames:
        if not np.isfinite(x[i]):
            continue
        if prev >= 0 and (x[prev] - level) * (x[i] - level) <= 0 and x[prev] != x[i]:
            share = (level - x[prev]) / (x[i] - x[prev])
            return float(t[prev] + share * (t[i] - t[prev]))
        prev = i
    return float("nan")


def _level(x: FloatArray, lo: int, hi: int) -> float:
    """Median of the finite values of ``x[lo:hi + 1]`` (NaN when none)."""
    part = x[max(lo, 0) : hi + 1]
    part = part[np.isfinite(part)]
    return float(np.median(part)) if part.size else float("nan")


def _at(t: FloatArray, time: float) -> int:
    """Index of the first frame at or after ``time`` (the last frame when there is none)."""
    return int(np.clip(np.searchsorted(t, time), 0, len(t) - 1))


def measure_seated_ends(kin: Kinematics) -> float:
    """Return the lower of the median knee flexion (3D, both knees) over the clip's first and last second seen.

    High when the clip starts and ends seated (recognition of a timed up-and-go); NaN with under 20 frames seen.

    Notes
    -----
    The ends are :data:`~movequal.core.rest.EDGE_READ_S` long (:func:`~movequal.core.rest.read_edges`), not a share of
    the clip: a test is often filmed from well before "go" (the patient seated,
    waiting), and with ten seconds of that the clip's last tenth reached back
    into the walk and the sit-down, and the test was taken for a walk.
    """
    knees = _both_knees(kin)
    if np.count_nonzero(np.isfinite(knees)) < 20:
        return float("nan")
    first, last = read_edges(knees, kin.timestamps)
    return float(min(np.median(first), np.median(last)))


def measure_up_span(kin: Kinematics) -> tuple[float, float] | None:
    """Return the start and end (s) of the longest stretch with the knees within :data:`STANDING_KNEE_DEG`.

    Both knees' mean, smoothed; frames with nobody tracked (a turn out of the picture) do not break the stretch,
    nor does a bend shorter than :data:`BRIEF_BEND_S` (a stride's swing). ``None`` when no knee is seen or the knees
    are never straight.
    """
    sig = _signals(kin)
    seen = np.isfinite(sig.knee)
    t, up = sig.t[seen], sig.knee[seen] <= STANDING_KNEE_DEG
    runs = find_runs(up)
    if not runs:
        return None
    joined = [runs[0]]
    for a, b in runs[1:]:
        if t[a] - t[joined[-1][1]] < BRIEF_BEND_S:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    a, b = max(joined, key=lambda r: t[r[1]] - t[r[0]])
    return float(t[a]), float(t[b])


def measure_up_time(kin: Kinematics) -> float:
    """Return the longest time (s) the patient stays up (:func:`measure_up_span`); NaN with no knee seen."""
    if not np.isfinite(_both_knees(kin)).any():
        return float("nan")
    span = measure_up_span(kin)
    return 0.0 if span is None else span[1] - span[0]


def count_steps_up(strike_times: FloatArray, span: tuple[float, float] | None) -> float:
    """Return how many heel strikes fall inside ``span`` (the longest time up); NaN without a span."""
    if span is None:
        return float("nan")
    return float(np.sum((strike_times >= span[0]) & (strike_times <= span[1])))


@dataclass(frozen=True)
class _Signals:
    t: FloatArray
    knee: FloatArray
    trunk: FloatArray
    hip: FloatArray


def _both_knees(kin: Kinematics) -> FloatArray:
    """Return the mean of the two knees' 3D flexion per frame, or the one seen; NaN where neither is."""
    both = np.stack([kin.series["knee_flexion_3d_left"], kin.series["knee_flexion_3d_right"]])
    seen = np.isfinite(both).any(axis=0)
    knee = np.full(both.shape[1], np.nan)
    knee[seen] = np.nanmean(both[:, seen], axis=0)
    return knee


def _signals(kin: Kinematics) -> _Signals:
    t, s = kin.timestamps, kin.series
    return _Signals(t, _smooth(_both_knees(kin), t), _smooth(s["trunk_inclination_3d"], t), _smooth(s["hip_height"], t))


def _stand_up(sig: _Signals, seat_end: int, stand_knee: float) -> tuple[float, float, float]:
    """Lean onset, seat-off and upright times of the first stand-up (NaN where unreadable)."""
    t, n = sig.t, len(sig.t)
    rest_start = _at(t, t[seat_end] - MAX_LEAN_S)
    seat_knee = _level(sig.knee, 0, seat_end)
    upright = _cross(t, sig.knee, stand_knee + FRACTION * (seat_knee - stand_knee), range(seat_end, n))
    if not np.isfinite(upright):
        return float("nan"), float("nan"), float("nan")
    up = _at(t, upright)
    window = sig.trunk[rest_start : up + 1]
    if np.isfinite(window).any():
        peak = rest_start + int(np.nanargmax(window))
        rest = _level(sig.trunk, 0, rest_start)
        rest = rest if np.isfinite(rest) else float(np.nanmin(window))
        lean = _cross(t, sig.trunk, rest + FRACTION * (sig.trunk[peak] - rest), range(peak, -1, -1))
    else:
        lean = float("nan")
    hip_seated = _level(sig.hip, 0, seat_end)
    hip_up = _level(sig.hip, _at(t, upright - LEVEL_WINDOW_S), _at(t, upright + LEVEL_WINDOW_S))
    seat_off = _cross(t, sig.hip, hip_seated + FRACTION * (hip_up - hip_seated), range(up, -1, -1))
    if lean > seat_off:  # noqa: PLR1730 (min() would read a NaN lean as unknown only by argument order)
        lean = seat_off  # the trunk's lean read after the hips left the seat: the seat-off starts the test
    return lean, seat_off, upright


def _sit_down(sig: _Signals, seat_start: int, stand_knee: float) -> tuple[float, float]:
    """Lowering onset and seated times of the last sit-down (NaN where unreadable)."""
    t, n = sig.t, len(sig.t)
    seat_knee = _level(sig.knee, seat_start, n - 1)
    knee_on = _cross(t, sig.knee, stand_knee + FRACTION * (seat_knee - stand_knee), range(seat_start, -1, -1))
    if not np.isfinite(knee_on):
        return float("nan"), float("nan")
    k = _at(t, knee_on)
    standing = _level(sig.hip, _at(t, knee_on - CHAIR_WINDOW_S), k)
    seated_level = _level(sig.hip, seat_start, n - 1)
    drop = standing - seated_level
    if not (np.isfinite(drop) and drop > 0):
        return float("nan"), float("nan")
    seated = _cross(t, sig.hip, seated_level + FRACTION * drop, range(k, n))
    if not np.isfinite(seated):
        return float("nan"), float("nan")
    onset = _cross(t, sig.hip, standing - FRACTION * drop, range(_at(t, seated), -1, -1))
    return onset, seated


def _rests(sig: _Signals, seen: NDArray[np.intp]) -> tuple[int, int, int, int] | str:
    """Return the seated start's last frame, the seated end's first, and the first and last standing frames.

    Returns the reason instead when the clip does not start and end seated with standing in between, or when
    the patient sat down in between (two trials). Runs are built over the frames with a knee seen, so a
    frame without a detection does not cut a rest short.
    """
    t, knee = sig.t[seen], sig.knee[seen]
    standing = np.flatnonzero(knee <= STANDING_KNEE_DEG)
    if not standing.size:
        return "the patient never stood up"
    rests = [(a, b) for a, b in find_runs(knee >= SEATED_KNEE_DEG) if t[b] - t[a] >= MIN_REST_S]
    before = [r for r in rests if r[1] < standing[0]]
    after = [r for r in rests if r[0] > standing[-1]]
    if not before or before[0][0] != 0:
        return "the clip does not start with the patient seated, so the stand-up is not in view"
    if not after or after[-1][1] != len(knee) - 1:
        return "the patient does not sit back down before the clip ends"
    if len(rests) > len(before) + len(after):
        return "the patient sat down again in between: one trial per clip (trim the video to one test)"
    return int(seen[before[-1][1]]), int(seen[after[0][0]]), int(seen[standing[0]]), int(seen[standing[-1]])


def _unseen_s(t: FloatArray, knee: FloatArray, start: int, end: int) -> float:
    """Time (s) between frames ``start`` and ``end`` with neither knee seen, gaps in the timestamps included."""
    step = _frame_step(t)
    seen = np.flatnonzero(np.isfinite(knee[start : end + 1])) + start
    if seen.size < 2:
        return float(t[end] - t[start])
    gaps = np.diff(t[seen])
    return float(np.sum(gaps[gaps > GAP_FACTOR * step] - step))


def _implausible(times: FloatArray, steps: int | None) -> str | None:
    """Why the five event times (lean, seat-off, upright, lowering, seated) cannot be a test, or ``None``."""
    if not np.isfinite(times[0]) and np.isfinite(times[1]):
        return "the trunk was not tracked as the patient stood up, so the test's start is unknown"
    if not np.isfinite(times).all():
        return "the hips could not be followed onto and off the chair"
    if not bool(np.all(np.diff(times) >= 0)):
        return "the stand-up and sit-down overlap: no walk between them"
    if steps is not None and steps < MIN_STEPS:
        return f"the patient did not walk between standing up and sitting down ({steps} steps seen)"
    return None


def detect_tug(kin: Kinematics, strike_times: FloatArray | None = None) -> TugResult:
    """Find a timed up-and-go's transitions in a clip (see the module's notes).

    Parameters
    ----------
    kin : Kinematics
        Series of the filtered landmarks (:func:`movequal.core.kinematics.compute_kinematics`);
        the 3D knee and trunk angles and the image hip height are read.
    strike_times : ndarray, optional
        Heel strikes of the clip (:func:`movequal.core.gait.locate_passes`):
        at least :data:`MIN_STEPS` between upright and the sit-down show the
        patient walked (a stand, a pause and a sit is not the test). Without
        them the walk is not checked and ``steps`` is unknown.

    Returns
    -------
    TugResult
        The phases, or ``phases=None`` and the reason in plain words.

    Notes
    -----
    The clip must show the patient seated at the start and at the end (at
    least :data:`MIN_REST_S` each) and standing in between; a test filmed
    from "go" onwards, with the patient already rising, cannot be timed and
    says so, as does a clip with two trials. Frames with nobody tracked (the
    turn outside the picture, the patient hidden) do not break the test; their
    total is reported. Without a trunk signal the stand-up's start is not
    known and the test is not timed rather than timed from the seat-off.
    """
    sig = _signals(kin)
    t = sig.t
    seen = np.flatnonzero(np.isfinite(sig.knee))
    if seen.size < 3:
        return TugResult(None, "no one's legs were tracked")
    found = _rests(sig, seen)
    if isinstance(found, str):
        return TugResult(None, found)
    seat_end, seat_start, first_stand, last_stand = found
    stand_knee = _level(sig.knee, first_stand, last_stand)
    lean, seat_off, upright = _stand_up(sig, seat_end, stand_knee)
    lowering, seated_at = _sit_down(sig, seat_start, stand_knee)
    steps = None if strike_times is None else int(np.sum((strike_times > upright) & (strike_times < lowering)))
    problem = _implausible(np.array([lean, seat_off, upright, lowering, seated_at]), steps)
    if problem is not None:
        return TugResult(None, problem)
    unseen = _unseen_s(t, _both_knees(kin), _at(t, upright), _at(t, lowering))
    return TugResult(TugPhases(lean, seat_off, upright, lowering, seated_at, unseen_s=round(unseen, 2), steps=steps))
