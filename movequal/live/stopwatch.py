"""The timed up-and-go timed live, one frame at a time: the live page's stopwatch.

:class:`LiveTugStopwatch` follows the knees and the trunk (3D, causally
filtered) and the hips' height at the chair as the offline
:mod:`movequal.core.tug` reads them: the patient
sits, the stopwatch starts where the trunk began to lean forward before the
stand-up, runs through the walk and the turn (out of view or not), and stops
when the patient is seated again. The saved session is assessed offline at the
end (:meth:`movequal.live.session.LiveSession.finish`), which times every phase
with zero-lag filtering; the stopwatch is what the patient and the clinician
see meanwhile.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, Rep, View
from movequal.core.kinematics import compute_inclination, compute_joint_angle
from movequal.core.oneeuro import OneEuroFilter
from movequal.core.timed_test import TUG_GRADES
from movequal.core.tug import FRACTION, MIN_REST_S, MIN_UP_S, SEATED_KNEE_DEG, SMOOTH_S, STANDING_KNEE_DEG
from movequal.live.update import LiveUpdate
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.report.feedback import LiveStopwatch

FloatArray = NDArray[np.float64]
LEAN_TOLERANCE_DEG = 3.0
"""The stand-up's lean starts where the trunk last left its seated inclination by more than this (3D jitter of a
still trunk after filtering is about a degree)."""
MAX_LEAN_S = 2.0
"""How far back before the hips leave the seat the lean's start is looked for (as offline, ``tug.MAX_LEAN_S``)."""
NEEDED = [IDX[f"{side}_{j}"] for side in ("left", "right") for j in ("shoulder", "hip", "knee", "ankle")]
RECENT_S = 4.0
"""Frames kept: the lean's search and a slow sit-down with the standing hips before it."""
RISING_DEG = 10.0
"""The stand-up has begun when the knees straighten this far below the seated threshold."""
SETTLED_DEG = 5.0
"""The sit-down is over when the knees hold their flexion within this for MIN_REST_S (the hips are on the seat)."""


@dataclass
class _Trial:
    start: float
    up_s: float = 0.0
    """Time spent standing (knees at most STANDING_KNEE_DEG) since the start."""
    last_time: float | None = None


class LiveTugStopwatch:
    """Time timed up-and-go trials live.

    Parameters
    ----------
    movement : Movement
        ``"tug"``.
    fps : float
        Nominal frame rate (unused for timing: each frame's time is).
    frame_size : tuple of int
        ``(width, height)`` of the frames (unused: the 3D landmarks are read).
    view : View, optional
        Unused: the 3D angles work in every view.

    Notes
    -----
    Seated is both knees' mean flexion at least
    :data:`~movequal.core.tug.SEATED_KNEE_DEG` for
    :data:`~movequal.core.tug.MIN_REST_S`; standing at most
    :data:`~movequal.core.tug.STANDING_KNEE_DEG`. A trial starts when the
    knees leave the seated band by :data:`RISING_DEG`, timed back to where the
    trunk left its seated inclination (10 % of the way to the lean's peak, as
    offline); once the knees are seated again and no longer bend, it ends
    where the hips came within 10 % of their seated height, as offline. Sitting back down without having
    been up for :data:`~movequal.core.tug.MIN_UP_S` (the walk) is a false start
    or a sit-to-stand, not a trial. Frames with nobody tracked (a turn out of the picture) leave
    the stopwatch running.
    """

    def __init__(self, movement: Movement, fps: float, frame_size: tuple[int, int], view: View | None = None) -> None:
        """Start waiting for the patient to sit."""
        del movement, fps, frame_size  # one test, read in 3D
        self.view = view
        self.reps: list[Rep] = []  # a timed test has no reps; the saved report has its phases
        self.totals: list[float] = []
        self._filter = OneEuroFilter()
        self._frame = -1
        self._recent: deque[tuple[float, float, float, float]] = deque()  # (time, knee, trunk, hip y) over RECENT_S
        self._seated_since: float | None = None
        self._trunk_seated = float("nan")
        self._trial: _Trial | None = None

    def flush(self) -> LiveUpdate | None:
        """End the stream (a trial still running is timed by the saved report, not here)."""
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
        del visibility, back_bend
        self._frame += 1
        hips_y = float(np.mean(np.asarray(image, dtype=np.float64)[[IDX["left_hip"], IDX["right_hip"]], 1]))
        knee, trunk = self._angles(np.asarray(world, dtype=np.float64), hips_y, time_s)
        ended = self._advance(knee, trunk, time_s) if np.isfinite(knee) else None
        waiting = self._trial is None and self._seated_since is None and not self.totals
        watch = self._state(time_s, ended)
        return LiveUpdate(self._frame, time_s, waiting, float("nan"), len(self.totals), stopwatch=watch)

    def _angles(self, world: FloatArray, hips_y: float, time_s: float) -> tuple[float, float]:
        """Return the knees' mean flexion and the trunk's inclination (3D, deg), median over :data:`SMOOTH_S`."""
        smooth = self._filter.update(world, time_s)
        if not np.isfinite(smooth[NEEDED]).all():
            return float("nan"), float("nan")
        knees = [
            180.0 - float(compute_joint_angle(*(smooth[None, IDX[f"{s}_{j}"]] for j in ("hip", "knee", "ankle")))[0])
            for s in ("left", "right")
        ]
        hips = smooth[[IDX["left_hip"], IDX["right_hip"]]].mean(axis=0)
        shoulders = smooth[[IDX["left_shoulder"], IDX["right_shoulder"]]].mean(axis=0)
        trunk = float(compute_inclination(hips[None], shoulders[None], (0.0, -1.0, 0.0))[0])
        self._recent.append((time_s, float(np.mean(knees)), trunk, hips_y))
        while self._recent and time_s - self._recent[0][0] > RECENT_S:
            self._recent.popleft()
        latest = [(k, tr) for t, k, tr, _ in self._recent if time_s - t <= SMOOTH_S]
        return float(np.median([k for k, _ in latest])), float(np.median([tr for _, tr in latest]))

    def _advance(self, knee: float, trunk: float, time_s: float) -> tuple[float, float] | None:
        """Follow the test; return (start, total) of a trial that ended on this frame."""
        seated = knee >= SEATED_KNEE_DEG
        self._seated_since = (self._seated_since or time_s) if seated else None
        trial = self._trial
        if trial is None:
            if seated and self._seated_since is not None and time_s - self._seated_since >= MIN_REST_S:
                known = np.isfinite(self._trunk_seated)
                if not known:
                    self._trunk_seated = trunk
                elif abs(trunk - self._trunk_seated) <= LEAN_TOLERANCE_DEG:  # sitting still, not leaning to rise
                    self._trunk_seated = 0.9 * self._trunk_seated + 0.1 * trunk
            elif np.isfinite(self._trunk_seated) and knee < SEATED_KNEE_DEG - RISING_DEG:
                self._trial = _Trial(self._lean_start(time_s))
            return None
        if knee <= STANDING_KNEE_DEG:
            trial.up_s += time_s - (trial.last_time if trial.last_time is not None else time_s)
        trial.last_time = time_s
        if not seated or self._seated_since is None or time_s - self._seated_since < MIN_REST_S:
            return None
        settled = self._settled_since(time_s)
        if settled is None:  # still sitting down: the knees are still bending
            return None
        self._trial = None
        if trial.up_s < MIN_UP_S:  # back down without the walk: a false start, or a sit-to-stand
            return None
        total = max(settled, self._seated_since) - trial.start
        self.totals.append(total)
        return trial.start, total

    def _lean_start(self, time_s: float) -> float:
        """Return where the stand-up's lean began, within the last :data:`MAX_LEAN_S`.

        As offline (``tug.FRACTION``): the last frame before the lean's peak at
        which the trunk was still within 10 % of its change from the seated
        inclination to that peak (on the way up the trunk passes its seated
        inclination again, which is not where the lean began).
        """
        recent = [r for r in self._recent if time_s - r[0] <= MAX_LEAN_S]
        if not recent:
            return time_s
        peak = int(np.argmax([trunk for _, _, trunk, _ in recent]))
        threshold = self._trunk_seated + FRACTION * (recent[peak][2] - self._trunk_seated)
        start = recent[peak][0]
        for t, _, trunk, _ in reversed(recent[: peak + 1]):
            if trunk <= max(threshold, self._trunk_seated + LEAN_TOLERANCE_DEG):
                break
            start = t
        return start

    def _settled_since(self, time_s: float) -> float | None:
        """Return when the hips landed on the seat, or None while the knees still bend.

        Settled: the knees' flexion over the last :data:`~movequal.core.tug.MIN_REST_S`
        stays within :data:`SETTLED_DEG`. The hips landed, as offline
        (``tug.FRACTION``), where their height in the picture came within 10 %
        of its change from standing at the chair (their highest over the last
        :data:`RECENT_S`) to the seated level they hold now; the hips are
        read in the picture only at the chair, at one distance from the camera.
        """
        window = [(k, y) for t, k, _, y in self._recent if time_s - t <= MIN_REST_S]
        knees = [k for k, _ in window]
        if not window or max(knees) - min(knees) > SETTLED_DEG:
            return None
        heights = [y for _, _, _, y in self._recent if np.isfinite(y)]
        seated = float(np.median([y for _, y in window if np.isfinite(y)] or [np.nan]))
        if not heights or not np.isfinite(seated):
            return time_s
        threshold = seated - FRACTION * (seated - min(heights))  # image y points down: standing is smaller
        since = time_s
        for t, _, _, y in reversed(self._recent):
            if np.isfinite(y) and y < threshold:
                break
            since = t
        return since

    def _state(self, time_s: float, ended: tuple[float, float] | None) -> LiveStopwatch:
        trial = self._trial
        return LiveStopwatch(
            running=trial is not None,
            elapsed_s=0.0 if trial is None else round(time_s - trial.start, 2),
            trials=len(self.totals),
            last_total_s=round(self.totals[-1], 2) if self.totals else None,
            ended_s=None if ended is None else round(ended[1], 2),
            seated=trial is None and self._seated_since is not None,
            cutoff_s=TUG_GRADES.cutoff_s,
        )
