"""Static balance holds: when a single-leg or tandem stance starts and ends, and how much the body sways in it.

A hold is found from the feet alone: in a single-leg stance one foot is off
the floor (:data:`LIFT_ON` above its own floor level) while the other stays
down; in a tandem stance both feet stay down, one in front of the other. The
hold ends when the lifted foot touches down, when the stance foot moves from
its place (the test's own stopping rules: Springer et al. 2007, J Geriatr
Phys Ther 30:8-15; Guralnik et al. 1994, J Gerontol 49:M85-M94), or when the
clip ends first (a censored hold: at least that long). Sway is measured on the
pelvis and the shoulders (:func:`movequal.core.sway.compute_sway`).

Every distance is in leg lengths (hip to ankle, :func:`~movequal.core.kinematics.compute_leg_length`),
so it does not depend on the camera's distance; :func:`movequal.core.gait.legs_to_metres`
gives metres when the patient's height is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from movequal.core.feet import FEET, FootSignals, compute_foot_signals
from movequal.core.movement_registry import Stance
from movequal.core.runs import find_runs
from movequal.core.sway import HOLD_WINDOW, Sway, SwayWindow, compute_sway
from movequal.core.views import View
from movequal.pose.sequence import PoseSequence

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
StanceKind = Stance
HoldEnd = Literal["touch-down", "stance-move", "clip-end", "lost"]

LIFT_ON = 0.06
"""A foot whose lowest point is this many leg lengths (about 5 cm) above its floor level is off the floor."""
LIFT_OFF = 0.03
"""…and back on the floor below this (hysteresis: jitter of the foot landmarks does not end a hold)."""
STANCE_MOVE = 0.08
"""The stance foot has moved when its contact point is this many leg lengths (about 7 cm) from its place."""
LEG_BEND = 20.0
"""A lifted foot's leg bends this much more than the standing leg, at the hip or the knee (deg, 3D, median over
the stance): a foot cannot leave the floor with both legs straight."""
MAX_STANCE_KNEE_DEG = 30.0
"""Recognition only: a stance whose standing knee bends more than this (median over the stance, 3D) may be a lunge
or a single-leg squat seen from the front (the back foot looks lifted), so it is not taken for a balance hold unless
named."""
DEEP_STANCE_KNEE_DEG = 60.0
"""Recognition only: nor is a stance whose standing knee stays bent past this, the knee of sitting
(:data:`movequal.core.tug.SEATED_KNEE_DEG`), for :data:`DEEP_STANCE_S` in a row. Through a lunge the front knee is
straight, then bent to about 80°, then straight, so the median of that two-humped run lands in the gap between the
humps, where a few frames the pose model misses move it across :data:`MAX_STANCE_KNEE_DEG` (a front-view lunge with
10 % of its frames lost read as a single-leg stance)."""
DEEP_STANCE_S = 0.4
"""A lunge's or a single-leg squat's bottom keeps the knee deep for most of a second; the frames the pose model
mistracks in a true hold come scattered or in bursts of a few frames (a tenth or two of a second), so a bend held
this long (this project's choice) is a movement, and a hold survives up to a third of its frames mistracked. Frames
the model missed neither break nor lengthen a run: only the frames seen are read."""
MOVE_SUSTAIN_S = 0.25
"""…and stays away this long: one mistracked frame is not a step."""
MIN_HOLD_S = 1.0
"""Shorter stances on one leg are steps, not holds."""


@dataclass(frozen=True)
class Hold:
    """One balance hold: its stance, its side, when it began and ended, why it ended, and its sway."""

    stance: StanceKind
    side: str
    """Single-leg: the standing foot; tandem: the foot in front."""
    start: float
    end: float
    end_reason: HoldEnd
    sway: Sway | None
    sway_reason: str | None = None
    start_seen: bool = True
    """False when the stance was already held in the clip's first frame: its start is not known."""

    @property
    def duration_s(self) -> float:
        """Hold time: foot-off to the end (at least this long when censored)."""
        return self.end - self.start

    @property
    def censored(self) -> bool:
        """Whether the hold outlasted what the clip shows (began before it, ended by it or by losing the person)."""
        return self.end_reason in ("clip-end", "lost") or not self.start_seen


@dataclass(frozen=True)
class BalanceAnalysis:
    """Every hold of a clip in time order, and why there is none when there is none."""

    holds: tuple[Hold, ...]
    reason: str | None


def _hysteresis(signal: FloatArray, on: float, off: float) -> BoolArray:
    """On from a value at or above ``on`` until one below ``off`` (``off <= on``); a non-finite value changes nothing.

    Each frame takes the state its last deciding value set: ``on`` or above switches on, below ``off`` off,
    anything between (or not finite) keeps the state.
    """
    if off > on:
        raise ValueError(f"off: expected at most on ({on!r}), got {off!r}")
    finite = np.isfinite(signal)
    with np.errstate(invalid="ignore"):
        sets, resets = finite & (signal >= on), finite & (signal < off)
    frames = np.arange(len(signal))
    last = np.maximum.accumulate(np.where(sets | resets, frames, -1)) if len(signal) else frames
    return np.asarray((last >= 0) & sets[np.maximum(last, 0)])


def _interp_time(signal: FloatArray, t: FloatArray, k: int, level: float) -> float:
    """Time between frames ``k`` and ``k + 1`` where ``signal`` passes ``level`` (else frame ``k + 1``'s)."""
    if k < 0 or k + 1 >= len(t):
        return float(t[min(max(k + 1, 0), len(t) - 1)])
    a, b = signal[k], signal[k + 1]
    if not (np.isfinite(a) and np.isfinite(b)) or a == b or not min(a, b) <= level <= max(a, b):
        return float(t[k + 1])
    return float(t[k] + (level - a) / (b - a) * (t[k + 1] - t[k]))


def _foot_off(lift: FloatArray, t: FloatArray, first: int) -> tuple[float, bool]:
    """When the foot lifted at frame ``first`` left the floor, and whether that was seen.

    Its last rise through :data:`LIFT_OFF` before ``first``; not seen when the
    foot was already up in the clip's first frame or when the frames before were
    unseen (the foot left the floor out of view).
    """
    k = first
    while k > 0 and np.isfinite(lift[k - 1]) and lift[k - 1] >= LIFT_OFF:
        k -= 1
    seen = k > 0 and bool(np.isfinite(lift[k - 1]))
    return _interp_time(lift, t, k - 1, LIFT_OFF), seen


def _stance_moved(contact: FloatArray, t: FloatArray, first: int, last: int, leg: float) -> int | None:
    """First frame in ``first..last`` where the contact point has left its place at the hold's start for good.

    It must stay away :data:`MOVE_SUSTAIN_S` (or until the run's end): a frame or two of mistracking is not a move.
    """
    settle = first + max(1, int(np.searchsorted(t[first : last + 1], t[first] + 0.5)))
    place = np.nanmedian(contact[first:settle], axis=0)
    if not np.isfinite(place).all():
        return None
    moved = np.linalg.norm(contact[first : last + 1] - place, axis=1) > STANCE_MOVE * leg
    for a, b in find_runs(moved):
        if t[first + b] - t[first + a] >= MOVE_SUSTAIN_S or first + b == last:
            return first + a
    return None


def find_hold_end(
    signals: FootSignals, t: FloatArray, planted: tuple[str, ...], run: tuple[int, int], released: HoldEnd
) -> tuple[int, HoldEnd]:
    """Return the frame where a hold's ``run`` (first, last frame) ended and why.

    A planted foot moved, the run ended (``released``), the clip ended, or the
    feet were lost from view.
    """
    first, last = run
    found = (_stance_moved(signals.feet.contact[side], t, first, last, signals.leg_px) for side in planted)
    moves = [k for k in found if k is not None]
    if moves:
        return min(moves), "stance-move"
    if last + 1 >= len(t):
        return last, "clip-end"
    seen = all(np.isfinite(signals.lift[side][last + 1]) for side in FEET)
    return last + 1, released if seen else "lost"


def _single_leg_runs(signals: FootSignals, lifted: str) -> list[tuple[int, int]]:
    """Return the runs of frames with ``lifted`` off the floor, the other foot on it, and the lifted leg bent.

    The bend is judged over the whole run (its median), so the 3D angles'
    frame-to-frame noise neither splits a stance nor ends it early.
    """
    lift, other = signals.lift[lifted], signals.lift["right" if lifted == "left" else "left"]
    runs = find_runs(_hysteresis(lift, LIFT_ON, LIFT_OFF) & np.isfinite(lift) & ~(other >= LIFT_ON))
    bend = signals.feet.bend[lifted]
    return [(a, b) for a, b in runs if np.isfinite(bend[a : b + 1]).any() and np.nanmedian(bend[a : b + 1]) >= LEG_BEND]


def _bent_stance(knee: FloatArray, t: FloatArray) -> bool:
    """Whether a standing knee's flexion over a stance is a lunge's or a squat's, not a balance hold's."""
    seen = np.isfinite(knee)
    if not seen.any():
        return False
    if np.median(knee[seen]) > MAX_STANCE_KNEE_DEG:
        return True
    times = t[seen]
    return any(times[b] - times[a] >= DEEP_STANCE_S for a, b in find_runs(knee[seen] > DEEP_STANCE_KNEE_DEG))


def measure_longest_single_leg(pose: PoseSequence) -> float:
    """Return the longest time (s) either foot stays off the floor while the other stands, knee nearly straight.

    A stance on a bent knee (:data:`MAX_STANCE_KNEE_DEG`, :data:`DEEP_STANCE_KNEE_DEG`) is left out: this
    measure recognises balance holds, and a lunge seen from the front looks
    like one.
    """
    signals = compute_foot_signals(pose)
    t = pose.timestamps
    if not np.isfinite(signals.leg_px) or len(t) < 3:
        return 0.0
    runs = [
        t[last] - t[first]
        for side, stance in (("left", "right"), ("right", "left"))
        for first, last in _single_leg_runs(signals, side)
        if not _bent_stance(signals.feet.knee[stance][first : last + 1], t[first : last + 1])
    ]
    return float(max(runs, default=0.0))


def detect_single_leg_holds(
    pose: PoseSequence,
    view: View,
    signals: FootSignals | None = None,
    *,
    min_hold_s: float = MIN_HOLD_S,
    window: SwayWindow = HOLD_WINDOW,
) -> BalanceAnalysis:
    """Find every single-leg stance of at least :data:`MIN_HOLD_S` and measure its sway.

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks (both feet are read, seen or guessed by the model).
    view : View
        The camera view, for the sway's axis.
    signals : FootSignals, optional
        :func:`compute_foot_signals` of ``pose``, when already computed.
    min_hold_s : float
        Shortest stance reported (:data:`MIN_HOLD_S` for a balance test; less
        for the single-leg phase of a hurdle step or a leg raise).
    window : SwayWindow
        What sway is measured over (:data:`~movequal.core.sway.PHASE_WINDOW`
        for the single-leg phase of another task).

    Notes
    -----
    Foot-off and touch-down are where the lifted foot crosses :data:`LIFT_OFF`,
    interpolated between frames from their timestamps. A foot lifted while
    the other is also off the floor (a hop, a step) is not a single-leg stance.
    """
    signals = signals or compute_foot_signals(pose)
    t = pose.timestamps
    if not np.isfinite(signals.leg_px) or len(t) < 3:
        return BalanceAnalysis((), "the legs were not seen")
    holds = []
    for lifted, stance in (("left", "right"), ("right", "left")):
        lift = signals.lift[lifted]
        for first, last in _single_leg_runs(signals, lifted):
            end_k, reason = find_hold_end(signals, t, (stance,), (first, last), "touch-down")
            start, seen = _foot_off(lift, t, first)
            end = _interp_time(lift, t, end_k - 1, LIFT_OFF) if reason == "touch-down" else float(t[end_k])
            if end - start >= min_hold_s:
                sway, why = compute_sway(
                    pose, view, signals.leg_px, (start, end), trim_end=reason != "clip-end", window=window
                )
                holds.append(Hold("single-leg", stance, start, end, reason, sway, why, start_seen=seen))
    holds.sort(key=lambda h: h.start)
    if not holds:
        return BalanceAnalysis((), f"neither foot was seen off the floor for {min_hold_s:g} s or more")
    return BalanceAnalysis(tuple(holds), None)
