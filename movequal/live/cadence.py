"""Walking followed live, one frame at a time: steps and cadence for the live page.

:class:`LiveCadence` reads each heel's position in front of the pelvis along
the body's forward direction, in the hip-centred 3D landmarks, as the offline
gait events do (:mod:`movequal.core.gait_events`, after Zeni et al. 2008): a
heel strikes the ground where it is furthest in front of the pelvis. Live, a
peak is known only once the heel has come back by the offline event's
prominence, so each step is counted a fraction of a second after it lands,
and timed at the peak itself. The cadence is steps per minute over the last
steps of the current bout; a stop, a turn or losing the walker starts a new
bout. The saved session is assessed offline at the end
(:meth:`movequal.live.session.LiveSession.finish`), with every gait measure.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, Rep, View
from movequal.core.gait_events import (
    FOOT_SIDES,
    MAX_STEP_S,
    MIN_EVENT_PROMINENCE,
    MIN_STEP_S,
    MIN_STRIDE_S,
    MIN_VISIBILITY,
    TURN_DEG,
)
from movequal.core.oneeuro import OneEuroFilter
from movequal.live.update import LiveUpdate
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.report.feedback import LiveGait

FloatArray = NDArray[np.float64]
CADENCE_STEPS = 6
"""The cadence is read over the last this many steps of the bout (five step times)."""
MIN_CADENCE_STEPS = 3
"""A cadence needs at least this many steps in the bout (two step times)."""
DIRECTION_S = 0.5
"""The forward direction is the median over this long, as offline (``gait_events.DIRECTION_WINDOW_S``)."""
LEG_S = 3.0
"""The leg length (the offsets' unit) is the median hip-to-ankle length over this long."""
UP = np.array([0.0, -1.0, 0.0])


def _horizontal_unit(v: FloatArray) -> FloatArray:
    flat = np.array([v[0], 0.0, v[2]])
    norm = float(np.linalg.norm(flat))
    return flat / norm if norm > 0 and np.isfinite(norm) else np.full(3, np.nan)


@dataclass
class _Peak:
    """A causal peak follower with hysteresis: a peak is confirmed once the signal falls by ``prominence``.

    It starts as if falling, so a peak needs a rise of ``prominence`` before it: a heel already in front on
    the first frame is not a strike (offline, ``find_peaks`` ignores the edges too).
    """

    prominence: float
    rising: bool = False
    best: float = -np.inf
    best_time: float = np.nan
    best_seen: bool = False
    low: float = np.inf

    def update(self, value: float, time_s: float, seen: bool) -> float | None:
        """Add one value (``seen``: whether it was seen well); return the time of a seen peak confirmed now."""
        if self.rising:
            if value > self.best:
                self.best, self.best_time, self.best_seen = value, time_s, seen
            elif value < self.best - self.prominence:
                self.rising, self.low = False, value
                return self.best_time if self.best_seen else None
            return None
        self.low = min(self.low, value)
        if value > self.low + self.prominence:
            self.rising, self.best, self.best_time, self.best_seen = True, value, time_s, seen
        return None


@dataclass
class _Bout:
    """The steps of the current walking bout: their times, and the direction walked."""

    times: deque[float] = field(default_factory=lambda: deque(maxlen=CADENCE_STEPS))
    heading: FloatArray | None = None
    steps: int = 0


class LiveCadence:
    """Count steps and read the cadence of a walk live.

    Parameters
    ----------
    movement : Movement
        ``"walk"``.
    fps : float
        Nominal frame rate (unused: each frame's time is used).
    frame_size : tuple of int
        ``(width, height)`` of the frames (unused: the 3D landmarks are read).
    view : View, optional
        Unused: heel offsets along the body's forward direction work in every view.

    Notes
    -----
    A step is a heel strike of either foot: a peak of that heel's offset in
    front of the pelvis standing out by :data:`~movequal.core.gait_events.MIN_EVENT_PROMINENCE`
    leg lengths, at least :data:`~movequal.core.gait_events.MIN_STRIDE_S` after
    the same foot's last one and :data:`~movequal.core.gait_events.MIN_STEP_S`
    after the other foot's, with the heel seen (visibility at least
    :data:`~movequal.core.gait_events.MIN_VISIBILITY`, inside the picture).
    A step more than :data:`~movequal.core.gait_events.MAX_STEP_S` after the
    last, or heading more than :data:`~movequal.core.gait_events.TURN_DEG` away
    from the bout's direction, starts a new bout, as offline.
    """

    def __init__(self, movement: Movement, fps: float, frame_size: tuple[int, int], view: View | None = None) -> None:
        """Start with no steps."""
        del movement, fps, frame_size
        self.view = view
        self.reps: list[Rep] = []  # walking has no reps; the saved report has its passes
        self.steps = 0
        self.step_times: list[float] = []
        """Times of the counted heel strikes, in time order."""
        self._frame = -1
        self._filter = OneEuroFilter()
        self._peaks = {side: _Peak(MIN_EVENT_PROMINENCE) for side in FOOT_SIDES}
        self._last_strike = dict.fromkeys(FOOT_SIDES, -np.inf)
        self._directions: deque[tuple[float, FloatArray]] = deque()
        self._legs: deque[tuple[float, float]] = deque()
        self._bout = _Bout()
        self._last_side: str | None = None

    def flush(self) -> LiveUpdate | None:
        """End the stream (the saved report measures the whole walk)."""
        return None

    def update(
        self,
        image: FloatArray,
        visibility: FloatArray,
        world: FloatArray,
        time_s: float,
        back_bend: float = float("nan"),
    ) -> LiveUpdate:
        """Add one frame: image (33, 3), visibility (33,), world (33, 3) landmarks at ``time_s``."""
        del back_bend
        self._frame += 1
        before = self.steps
        smooth = self._filter.update(np.asarray(world, dtype=np.float64), time_s)
        offsets, forward = self._offsets(smooth, time_s)
        for k, side in enumerate(FOOT_SIDES):
            if not np.isfinite(offsets[k]):
                continue
            peak = self._peaks[side].update(float(offsets[k]), time_s, self._seen(image, visibility, side))
            if peak is not None:
                self._step(side, peak, forward)
        return LiveUpdate(
            self._frame, time_s, False, float("nan"), self.steps, gait=self._state(time_s, self.steps > before)
        )

    def _offsets(self, world: FloatArray, time_s: float) -> tuple[FloatArray, FloatArray]:
        """Both heels' offsets in front of the pelvis (leg lengths), and the forward direction, on this frame."""
        pelvis = (world[IDX["left_hip"]] + world[IDX["right_hip"]]) / 2.0
        across = world[IDX["left_hip"]] - world[IDX["right_hip"]]
        feet = sum(world[IDX[f"{s}_foot_index"]] - world[IDX[f"{s}_heel"]] for s in FOOT_SIDES)
        estimate = np.nan_to_num(_horizontal_unit(np.cross(across, UP))) + np.nan_to_num(_horizontal_unit(feet))
        if np.any(estimate):
            self._directions.append((time_s, estimate))
        legs = [
            np.linalg.norm(world[IDX[f"{s}_hip"]] - world[IDX[f"{s}_knee"]])
            + np.linalg.norm(world[IDX[f"{s}_knee"]] - world[IDX[f"{s}_ankle"]])
            for s in FOOT_SIDES
        ]
        if np.isfinite(legs).all():
            self._legs.append((time_s, float(np.mean(legs))))
        for window, span in ((self._directions, DIRECTION_S), (self._legs, LEG_S)):
            while window and time_s - window[0][0] > span:
                window.popleft()
        if not self._directions or not self._legs:
            return np.full(2, np.nan), np.full(3, np.nan)
        forward = _horizontal_unit(np.median(np.array([d for _, d in self._directions]), axis=0))
        leg = float(np.median([v for _, v in self._legs]))
        heels = np.array([world[IDX[f"{s}_heel"]] - pelvis for s in FOOT_SIDES])
        return heels @ forward / leg, forward

    @staticmethod
    def _seen(image: FloatArray, visibility: FloatArray, side: str) -> bool:
        """Whether the heel is seen well enough for its strike to count (inside the picture, visible)."""
        k = IDX[f"{side}_heel"]
        xy = np.asarray(image, dtype=np.float64)[k, :2]
        return bool(np.all((xy >= 0.0) & (xy <= 1.0)) and visibility[k] >= MIN_VISIBILITY)

    def _step(self, side: str, time_s: float, forward: FloatArray) -> None:
        """Count a heel strike at ``time_s`` unless it is another reading of a counted one; start a new bout if due.

        Notes
        -----
        A contact read on both heel labels (a side view swaps them now and then) gives two peaks within
        :data:`~movequal.core.gait_events.MIN_STEP_S`: the first counts. Peaks are confirmed in the order their
        heels come back, not the order they landed, so the check is on the time between them either way.
        """
        if abs(time_s - self._last_strike[side]) < MIN_STRIDE_S or any(
            abs(time_s - t) < MIN_STEP_S for t in self._bout.times
        ):
            return
        bout = self._bout
        last = bout.times[-1] if bout.times else -np.inf
        if time_s - last > MAX_STEP_S or self._turned(forward):
            self._bout = bout = _Bout()
        if bout.heading is None and np.isfinite(forward).all():
            bout.heading = forward
        bout.times.append(time_s)
        bout.times = deque(sorted(bout.times), maxlen=CADENCE_STEPS)
        bout.steps += 1
        self._last_strike[side] = max(self._last_strike[side], time_s)
        self._last_side = side
        self.steps += 1
        self.step_times = sorted([*self.step_times, time_s])

    def _turned(self, forward: FloatArray) -> bool:
        """Whether ``forward`` heads more than :data:`TURN_DEG` away from the bout's direction."""
        heading = self._bout.heading
        if heading is None or not np.isfinite(forward).all():
            return False
        return float(np.degrees(np.arccos(np.clip(float(forward @ heading), -1.0, 1.0)))) > TURN_DEG

    def _state(self, time_s: float, new_step: bool) -> LiveGait:
        times = self._bout.times
        cadence = None
        if len(times) >= MIN_CADENCE_STEPS and times[-1] > times[0]:
            cadence = round(60.0 * (len(times) - 1) / (times[-1] - times[0]), 1)
        walking = bool(times) and time_s - times[-1] <= MAX_STEP_S
        return LiveGait(
            steps=self.steps,
            bout_steps=self._bout.steps,
            cadence_per_min=cadence if walking else None,
            last_cadence_per_min=cadence,
            last_side=self._last_side,
            walking=walking,
            new_step=new_step,
        )
