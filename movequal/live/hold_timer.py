"""Balance holds timed live, one frame at a time: the live page's hold timer.

:class:`LiveHoldTimer` reads the feet as the offline analysis does
(:func:`movequal.core.feet.measure_feet`, the same lift, leg-bend and
stance-move thresholds) on causally filtered landmarks, and says on every frame
whether a hold is running, for how long, and the best hold of each side so far.
The saved session is assessed offline at the end
(:meth:`movequal.live.session.LiveSession.finish`): sway and findings come
from there.

It calibrates on the first :data:`~movequal.live.update.CALIBRATION_S`
of the session, standing on both feet: the leg length and each foot's floor
level are taken there.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, Rep, View
from movequal.core.balance import LEG_BEND, LIFT_OFF, LIFT_ON, MIN_HOLD_S, MOVE_SUSTAIN_S, STANCE_MOVE, HoldEnd
from movequal.core.feet import FEET, MAX_GAP_S, foot_points, measure_feet
from movequal.core.kinematics import compute_leg_length
from movequal.core.movement_registry import get_profile
from movequal.core.oneeuro import OneEuroFilter
from movequal.core.tandem import TANDEM_MAX_WIDTH, TANDEM_MIN_SPLIT
from movequal.core.views import FRONTAL_MAX_YAW_DEG, SAGITTAL_MIN_YAW_DEG, compute_world_yaw
from movequal.live.update import CALIBRATION_S, LiveUpdate
from movequal.report.feedback import LiveHold

FloatArray = NDArray[np.float64]
BEND_WINDOW_S = 0.3
"""The lifted leg's bend is the median over this much of the latest frames (the 3D angles are noisy)."""
PLACE_S = 0.5
"""A standing foot's place is its median contact point over the hold's first half-second."""
CALIBRATION_STILL = 0.04
"""Calibration: each foot's lowest point moves less than this (leg lengths, about 3-4 cm) over the second…"""
CALIBRATION_LEVEL = 0.15
"""…and the two feet are level within this (a side view's perspective puts the far foot up to 0.06 higher; a
lifted foot is higher still)."""


@dataclass
class _Running:
    """The hold in progress."""

    side: str
    lifted: str | None
    start: float
    places: dict[str, list[FloatArray]]
    placed_by: float
    """The standing feet's places are taken until this time (the first PLACE_S the timer follows the hold)."""
    place: dict[str, FloatArray] | None = None
    """The standing feet's places, once taken."""
    away_since: float | None = None
    """When a standing foot left its place (it must stay away MOVE_SUSTAIN_S to end the hold)."""
    seen_at: float = float("-inf")
    """The last time both feet were seen."""


class LiveHoldTimer:
    """Time single-leg or tandem holds live.

    Parameters
    ----------
    movement : {"single-leg-stance", "tandem-stance"}
        The balance test.
    fps : float
        Nominal frame rate (unused for timing: each frame's time is).
    frame_size : tuple of int
        ``(width, height)`` of the frames the landmarks are normalised to.
    view : View, optional
        Camera view (the tandem placement check reads it); classified from the
        calibration frames' 3D landmarks when omitted.

    Notes
    -----
    A hold ends as offline: touch-down, a standing foot away from its place
    for :data:`~movequal.core.balance.MOVE_SUSTAIN_S`, or the feet unseen for
    :data:`~movequal.core.feet.MAX_GAP_S` (``lost``: counted, but not as a
    best, since it may have gone on). After a single-leg hold ends, the next
    one needs the lifted foot back on the floor first. A tandem stance is timed
    from the front (feet in line) or the side (one ahead); from an oblique view
    it is not timed, as offline.
    """

    def __init__(self, movement: Movement, fps: float, frame_size: tuple[int, int], view: View | None = None) -> None:
        """Start a session in calibration."""
        stance = get_profile(movement).stance
        if stance is None:
            raise ValueError(f"{movement} is not a balance hold")
        self.stance = stance
        self.fps, self.frame_size, self.view = fps, frame_size, view
        self.reps: list[Rep] = []  # holds are not reps; the saved report lists them
        self.best: dict[str, float] = {}
        self.holds = 0
        self._filter = OneEuroFilter()
        self._frame = -1
        self._calibration: list[tuple[float, FloatArray, FloatArray]] = []
        self._leg = float("nan")
        self._floor: dict[str, float] = {}
        self._last_down: dict[str, float] = {}
        self._bends: dict[str, deque[tuple[float, float]]] = {side: deque() for side in FEET}
        self._running: _Running | None = None
        self._since: float | None = None
        self._ended_at = float("-inf")

    def flush(self) -> LiveUpdate | None:
        """End the stream (a hold still running is timed by the saved report, not here)."""
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
        del back_bend  # the back's outline plays no part in a balance hold
        self._frame += 1
        del visibility  # both feet are read, seen or guessed by the model, as offline (feet.compute_foot_signals)
        image = np.asarray(image, dtype=np.float64)
        px = self._filter.update(image, time_s)[None, :, :2] * np.asarray(self.frame_size, dtype=np.float64)
        feet = measure_feet(px, np.asarray(world, dtype=np.float64)[None])
        if not np.isfinite(self._leg):
            self._calibrate(px[0], np.asarray(world, dtype=np.float64), time_s)
            calibrating = not np.isfinite(self._leg)
            return LiveUpdate(self._frame, time_s, calibrating, float("nan"), 0, hold=self._state(time_s))
        lowest = {side: float(feet.lowest[side][0]) for side in FEET}
        lift = {
            side: min((self._floor[side] - lowest[side]) / self._leg, (lowest[other] - lowest[side]) / self._leg)
            for side, other in (("left", "right"), ("right", "left"))
        }
        for side in FEET:
            self._remember_bend(side, float(feet.bend[side][0]), time_s)
            if lift[side] < LIFT_OFF:
                self._last_down[side] = time_s
        contact = {side: feet.contact[side][0] for side in FEET}
        ended = self._advance(lift, contact, time_s)
        return LiveUpdate(self._frame, time_s, False, float("nan"), self.holds, hold=self._state(time_s, ended))

    def _calibrate(self, px: FloatArray, world: FloatArray, time_s: float) -> None:
        """Wait for :data:`CALIBRATION_S` of standing still on both feet; then take the yardstick from it.

        The leg length, each foot's floor level and (unless given) the view come
        from the latest second in which both feet stayed still and level with
        each other (:data:`CALIBRATION_STILL`): a patient still walking to the
        mark or already on one leg keeps the timer calibrating.
        """
        if np.isfinite(px).any():
            self._calibration.append((time_s, px, world))
        while self._calibration and time_s - self._calibration[0][0] > CALIBRATION_S:
            self._calibration.pop(0)
        if not self._calibration or time_s - self._calibration[0][0] < 0.9 * CALIBRATION_S:
            return
        rows = np.stack([p for _, p, _ in self._calibration])
        leg = compute_leg_length(rows)
        lowest = {side: np.nanmax(foot_points(rows, side)[:, :, 1], axis=1) for side in FEET}
        if not (np.isfinite(leg) and leg > 0 and all(np.isfinite(v).all() for v in lowest.values())):
            return
        still = all(float(np.ptp(v)) < CALIBRATION_STILL * leg for v in lowest.values())
        level = abs(float(np.median(lowest["left"] - lowest["right"]))) < CALIBRATION_LEVEL * leg
        if not (still and level):
            return
        if self.view is None:
            yaw = float(np.nanmedian(compute_world_yaw(np.stack([w for _, _, w in self._calibration]))))
            front_on, side_on = yaw <= FRONTAL_MAX_YAW_DEG, yaw >= SAGITTAL_MIN_YAW_DEG
            self.view = "frontal" if front_on else "sagittal-left" if side_on else "oblique"
        self._leg, self._floor = leg, {side: float(np.median(v)) for side, v in lowest.items()}
        self._last_down = {side: time_s for side in FEET}
        self._ended_at = float("-inf")
        self._since = self._calibration[0][0]  # a tandem stance held since calibration began counts from there

    def _remember_bend(self, side: str, bend: float, time_s: float) -> None:
        recent = self._bends[side]
        recent.append((time_s, bend))
        while recent and time_s - recent[0][0] > BEND_WINDOW_S:
            recent.popleft()

    def _bent(self, side: str) -> bool:
        values = [b for _, b in self._bends[side] if np.isfinite(b)]
        return bool(values) and float(np.median(values)) >= LEG_BEND

    def _advance(
        self, lift: dict[str, float], contact: dict[str, FloatArray], time_s: float
    ) -> tuple[float, HoldEnd] | None:
        """Start, continue or end the hold on this frame; return the time and reason of a hold that just ended."""
        running = self._running
        if running is None:
            self._running = self._start(lift, time_s, contact)
            return None
        reason = self._end_reason(running, lift, contact, time_s)
        if reason is None:
            return None
        self._running, self._ended_at = None, time_s
        ended = {"lost": running.seen_at, "stance-move": running.away_since}.get(reason) or time_s
        held = ended - running.start  # a move counts from when the foot left its place, as offline
        if held < MIN_HOLD_S:
            return None
        self.holds += 1
        if reason != "lost":  # a hold that went out of view may have gone on: not a best
            self.best[running.side] = max(self.best.get(running.side, 0.0), round(held, 2))
        return held, reason

    def _end_reason(
        self, running: _Running, lift: dict[str, float], contact: dict[str, FloatArray], time_s: float
    ) -> HoldEnd | None:
        """Why the running hold ends on this frame (None: it goes on)."""
        if not all(np.isfinite(contact[side]).all() and np.isfinite(lift[side]) for side in FEET):
            return "lost" if time_s - running.seen_at > MAX_GAP_S else None
        running.seen_at = time_s
        if running.lifted is not None and lift[running.lifted] < LIFT_OFF:
            return "touch-down"
        if running.lifted is None and any(lift[side] >= LIFT_ON for side in FEET):
            return "stance-move"  # a foot of the tandem stance lifted: a step
        if time_s <= running.placed_by:
            for side, places in running.places.items():
                places.append(contact[side])
            return None
        if running.place is None:
            running.place = {side: np.median(p, axis=0) for side, p in running.places.items() if p}
        away = any(
            np.linalg.norm(contact[side] - place) > STANCE_MOVE * self._leg for side, place in running.place.items()
        )
        if not away:
            running.away_since = None
            return None
        running.away_since = time_s if running.away_since is None else running.away_since
        return "stance-move" if time_s - running.away_since >= MOVE_SUSTAIN_S else None

    def _start(self, lift: dict[str, float], time_s: float, contact: dict[str, FloatArray]) -> _Running | None:
        if not all(np.isfinite(contact[side]).all() and np.isfinite(lift[side]) for side in FEET):
            return None
        if self.stance == "tandem":
            down = all(lift[side] < LIFT_ON for side in FEET)
            gap = abs(float(contact["left"][0] - contact["right"][0])) / self._leg
            placed = gap < TANDEM_MAX_WIDTH if self.view == "frontal" else gap > TANDEM_MIN_SPLIT
            if down and placed and self.view != "oblique":
                front = "left" if contact["left"][1] > contact["right"][1] else "right"  # nearer looks lower
                start, self._since = (time_s if self._since is None else self._since), None
                return _Running(front, None, start, {side: [] for side in FEET}, time_s + PLACE_S, seen_at=time_s)
            self._since = None
            return None
        for lifted, stance in (("left", "right"), ("right", "left")):
            rearmed = self._last_down.get(lifted, float("-inf")) > self._ended_at  # down again since the last hold
            if lift[lifted] >= LIFT_ON and lift[stance] < LIFT_ON and self._bent(lifted) and rearmed:
                start = self._last_down[lifted]
                return _Running(stance, lifted, start, {stance: []}, time_s + PLACE_S, seen_at=time_s)
        return None

    def _state(self, time_s: float, ended: tuple[float, HoldEnd] | None = None) -> LiveHold:
        running = self._running
        return LiveHold(
            stance=self.stance,
            side=None if running is None else running.side,
            elapsed_s=0.0 if running is None else round(time_s - running.start, 2),
            holds=self.holds,
            best_left_s=round(self.best["left"], 2) if "left" in self.best else None,
            best_right_s=round(self.best["right"], 2) if "right" in self.best else None,
            ended_s=None if ended is None else round(ended[0], 2),
            ended_by=None if ended is None else ended[1],
        )
