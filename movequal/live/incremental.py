"""The scoring core frame by frame, for live feedback.

:class:`IncrementalAssessor` takes one frame of landmarks at a time, filters it
causally (One-Euro), follows the movement's driver signal, and when a
repetition has just come back to rest, measures and scores it with the same
functions as the offline :func:`movequal.core.scoring.assess`. Per frame it costs a
few tens of microseconds; the completed rep's scoring runs once per rep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Finding, Movement, Rep, View
from movequal.core.compensations import Thresholds, detect_compensations
from movequal.core.filtering import DEFAULT_VISIBILITY_THRESHOLD, filter_running_median
from movequal.core.kinematics import (
    SERIES_UNITS,
    VELOCITY_OF,
    BodyReference,
    Kinematics,
    compute_body_reference,
    compute_kinematics,
    compute_velocity,
)
from movequal.core.movement_registry import get_profile
from movequal.core.movements import compute_driver
from movequal.core.oneeuro import OneEuroFilter
from movequal.core.reps import RepCounter, RepWindow, find_hold_middle
from movequal.core.scoring import measure_reps, score_reps, to_rep
from movequal.core.views import classify_view
from movequal.pose.sequence import PoseRow, PoseSequence

FloatArray = NDArray[np.float64]
Row = tuple[FloatArray, FloatArray, FloatArray, float, float]
"""One frame: filtered image landmarks, visibility, filtered world landmarks, time, back-outline bend."""
CALIBRATION_S = 1.0
"""Standing still this long at the start sets the yardstick (leg length, view, standing height)."""
STANDING_HIP_HEIGHT = 0.9
"""Hip height (leg lengths above the ankles) of an upright stance, before one has been seen."""
MAX_BUFFER_S = 30.0
"""Frames kept for the rep in progress; a "rep" longer than this is abandoned."""


@dataclass(frozen=True)
class LiveUpdate:
    """What one frame changed."""

    frame: int
    time: float
    calibrating: bool
    depth: float
    """Driver value (0 at rest); NaN while calibrating or when the body is not seen."""
    reps_done: int
    rep: Rep | None = None
    """The rep that has just ended on this frame, scored."""
    findings: list[Finding] = field(default_factory=list)
    """That rep's findings (empty otherwise)."""


class IncrementalAssessor:
    """Score a movement live, one frame at a time.

    Parameters
    ----------
    movement : Movement
        The exercise being done (live sessions know it; there is no "auto").
    fps : float
        Nominal frame rate, recorded in the buffered sequences.
    frame_size : tuple of int
        ``(width, height)`` of the frames the landmarks are normalised to.
    view : View, optional
        Camera view; classified from the calibration window when omitted.
    thresholds : Thresholds, optional
        Rule thresholds, as for :func:`movequal.core.scoring.assess`.
    """

    def __init__(
        self,
        movement: Movement,
        fps: float,
        frame_size: tuple[int, int],
        view: View | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        """Start a session in calibration."""
        self.movement, self.fps, self.frame_size = movement, fps, frame_size
        self.profile = get_profile(movement)
        self.view: View | None = view
        self.thresholds = thresholds
        self.reference: BodyReference | None = None
        self.reps: list[Rep] = []
        self._image_filter, self._world_filter = OneEuroFilter(), OneEuroFilter()
        self._rows: list[Row] = []
        self._offset = 0  # global frame number of self._rows[0]
        self._origin = 0  # global frame number of the rep counter's frame 0
        self._frame = -1
        self._counter = RepCounter()
        self._names: list[str] = []
        self._kin_rows: list[FloatArray] = []  # per-frame kinematics, aligned with self._rows once calibrated
        self._standing = -np.inf
        self._seated = np.inf

    def update(
        self,
        image: FloatArray,
        visibility: FloatArray,
        world: FloatArray,
        time_s: float,
        back_bend: float = float("nan"),
    ) -> LiveUpdate:
        """Add one frame: image (33, 3), visibility (33,), world (33, 3) landmarks at ``time_s``.

        ``back_bend`` is the bend of the back's outline on this frame (degrees, from the pose
        model's body mask), when measured; rules that read it need it to see a rounded back.
        """
        self._frame += 1
        # Image landmarks below the visibility threshold are masked; world ones never are (see filter_pose).
        hidden = np.asarray(visibility) < DEFAULT_VISIBILITY_THRESHOLD
        image = np.where(hidden[:, None], np.nan, np.asarray(image, dtype=np.float64))
        world = np.asarray(world, dtype=np.float64)
        row = (
            self._image_filter.update(image, time_s),
            np.asarray(visibility, dtype=np.float64),
            self._world_filter.update(world, time_s),
            float(time_s),
            float(back_bend),
        )
        self._rows.append(row)
        if self.reference is None:
            self._calibrate()
            if self.reference is None:
                return LiveUpdate(self._frame, time_s, True, float("nan"), 0)
            return LiveUpdate(self._frame, time_s, False, float("nan"), 0)
        depth = self._depth(self._sequence(self._rows[-1:]))
        window = self._counter.update(depth)
        if window is None:
            self._trim()
            return LiveUpdate(self._frame, time_s, False, depth, len(self.reps))
        rep, findings = self._score(window)
        return LiveUpdate(self._frame, time_s, False, depth, len(self.reps), rep, findings)

    def _sequence(self, rows: Sequence[Row]) -> PoseSequence:
        return PoseSequence.from_rows(
            [PoseRow(image, visibility, world, bend) for image, visibility, world, _, bend in rows],
            [r[3] for r in rows],
            fps=self.fps,
            frame_size=self.frame_size,
            source={"live": True},
        )

    def _calibrate(self) -> None:
        if self._rows[-1][3] - self._rows[0][3] < CALIBRATION_S:
            return
        pose = self._sequence(self._rows)
        if not pose.detected.any():
            self._rows.clear()
            return
        self.reference = compute_body_reference(pose)
        self.view = self.view or classify_view(pose)
        kin = compute_kinematics(pose, self.reference, self.view)
        height = kin.series["hip_height"]
        if np.isfinite(height).any():
            # A chair-stand session calibrates seated: standing is then at least the leg's length.
            self._standing = max(float(np.nanmax(height)), STANDING_HIP_HEIGHT if self.profile.rest == "seated" else 0)
            self._seated = float(np.nanmin(height))
        # Replay the calibration frames so a rep that began during calibration is still counted.
        self._offset = self._origin = self._frame + 1 - len(self._rows)
        for depth in self._record(kin):
            self._counter.update(float(depth))

    def _depth(self, pose: PoseSequence) -> float:
        """Driver value of a one-frame sequence (its kinematics are kept for scoring its rep later)."""
        return float(self._record(compute_kinematics(pose, self.reference, self.view))[0])

    def _record(self, kin: Kinematics) -> FloatArray:
        """Keep these frames' kinematics, update the standing and seated levels, return their driver values."""
        if not self._names:
            self._names = [name for name in kin.series if not name.endswith("_velocity")]
        self._kin_rows.extend(np.column_stack([kin.series[name] for name in self._names]))
        height = kin.series["hip_height"]
        seen = height[np.isfinite(height)]
        if seen.size:
            self._standing = max(self._standing, float(seen.max()))
            self._seated = min(self._seated, float(seen.min()))
        assert self.view is not None
        if self.profile.driver == "hip-rise":  # seated and standing levels as seen so far, not whole-clip ones
            return np.asarray((height - self._seated) / max(self._standing - self._seated, 1e-6))
        return compute_driver(kin, self.movement, self.view, self._standing)

    def _trim(self) -> None:
        """Keep only the frames a rep in progress can still need."""
        span = self._rows[-1][3] - self._rows[0][3]
        if span > MAX_BUFFER_S:
            drop = len(self._rows) // 2
            del self._rows[:drop]
            del self._kin_rows[:drop]
            self._offset += drop

    def _window_kinematics(self, rows: Sequence[Row], kin_rows: Sequence[FloatArray]) -> Kinematics:
        """Kinematics of a rep's frames from the per-frame values already computed, plus velocities."""
        timestamps = np.array([r[3] for r in rows])
        table = np.array(kin_rows)
        series = {name: table[:, j] for j, name in enumerate(self._names)}
        if "back_bend" in series:  # a per-frame measurement with wild values: conditioned as offline
            series["back_bend"] = filter_running_median(series["back_bend"])
        for name in VELOCITY_OF:
            series[f"{name}_velocity"] = compute_velocity(series[name], timestamps)
        return Kinematics(timestamps, series, dict(SERIES_UNITS), self.reference)

    def _score(self, window: RepWindow) -> tuple[Rep | None, list[Finding]]:
        """Measure and score the rep that just ended, then forget the frames before its end."""
        first = max(self._origin + window.start - self._offset, 0)
        bottom = self._origin + window.bottom - self._offset - first
        last = len(self._rows) - 1
        rows, kin_rows = self._rows[first:], self._kin_rows[first:]
        self._offset += last
        del self._rows[:last]
        del self._kin_rows[:last]
        if len(rows) < 3 or bottom < 0:
            return None, []
        kin = self._window_kinematics(rows, kin_rows)
        assert self.view is not None
        depth = compute_driver(kin, self.movement, self.view, self._standing)
        local = RepWindow(0, bottom, len(rows) - 1)
        if np.isfinite(depth).all():  # time a held turning point at its middle, as offline
            local = RepWindow(0, find_hold_middle(depth, local), local.end)
            bottom = local.bottom
        measured = measure_reps(kin, [local], depth, self.view, self.movement)
        metrics = [replace(m, number=len(self.reps) + 1) for m in measured]
        findings = detect_compensations(metrics, self.view, self.movement, self.thresholds)
        shift = self._offset - last + first  # global frame number of rows[0]
        rep = to_rep(metrics[0], kin, score_reps(metrics, findings)[0], self.movement)
        rep = rep.model_copy(
            update={"start_frame": shift, "bottom_frame": shift + bottom, "end_frame": shift + len(rows) - 1}
        )
        findings = [f.model_copy(update={"frames": [(shift, shift + len(rows) - 1)]}) for f in findings]
        self.reps.append(rep)
        return rep, findings
