"""The scoring core frame by frame, for live feedback.

:class:`IncrementalAssessor` takes one frame of landmarks at a time, filters it
causally (One-Euro), follows the movement's driver signal, and when a
repetition has just come back to rest, measures and scores it with the same
functions as the offline :func:`movequal.core.scoring.assess`. A frame costs
about 0.2 ms and the frame that ends a rep about 1 ms, the rep's scoring
included (``bench/bench_scoring.py``, BENCHMARKS.md).

A session may start anywhere in a rep. The standing and seated levels are the
highest and lowest hip heights *held* so far (kept for a whole
:data:`~movequal.live.hip_levels.SUSTAIN_S`: :class:`~movequal.live.hip_levels.HipLevels`),
so they are corrected at the first pause in each position.
The first rep of a hip-driven movement is therefore judged only once those
levels have settled (held for ``SUSTAIN_S``, or the next rep begins): if it
began away from rest by the settled levels (the half rep the session started
in), it is a partial, as offline, never a counted rep. When the first rep ends,
the yardstick (leg length, near side, flat-foot heel level, upright trunk) and
the view are measured again over every frame seen so far, so a calibration
second spent mid-movement does not stay the reference for the whole session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Finding, Movement, Rep, View
from movequal.core.compensations import RepMetrics, Thresholds, detect_compensations
from movequal.core.excursions import MOVING_SHARE, SPEED_SPAN_S
from movequal.core.filtering import DEFAULT_VISIBILITY_THRESHOLD, filter_running_median
from movequal.core.frame_rate import compute_frame_rate, compute_frames, compute_median_width
from movequal.core.kinematics import (
    SERIES_UNITS,
    VELOCITY_OF,
    BodyReference,
    Kinematics,
    compute_body_reference,
    compute_kinematics,
)
from movequal.core.movement_registry import RestPosition, get_profile
from movequal.core.movements import compute_driver
from movequal.core.oneeuro import OneEuroFilter
from movequal.core.rep_counter import RepCounter
from movequal.core.reps import MIN_PROMINENCE, RepWindow, find_hold_middle, find_rest_start
from movequal.core.scoring import FEET, measure_reps, scale_feet, score_reps, to_rep
from movequal.core.stance import compute_min_frames, detect_feet_spread, detect_walk_off
from movequal.core.velocity import compute_velocities
from movequal.core.view_frames import read_rep_frames
from movequal.core.views import classify_view, compute_body_yaw
from movequal.live.hip_levels import STANDING_HIP_HEIGHT, SUSTAIN_S, HipLevels
from movequal.live.refusal import live_refusal
from movequal.live.update import CALIBRATION_S, LiveUpdate
from movequal.pose.sequence import PoseRow, PoseSequence

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Row = tuple[FloatArray, FloatArray, FloatArray, float, float]
"""One frame: filtered image landmarks, visibility, filtered world landmarks, time, back-outline bend."""
MAX_BUFFER_S = 30.0
"""Frames kept for the rep in progress; a "rep" longer than this is abandoned."""
STANDING_MAX_KNEE_DEG = 45.0
"""Knees bent less than this are a standing stance, midway between straight legs (0°) and the knee of sitting on
a chair of standard height (about 90°): a sit-to-stand session whose first half-second is so rests standing, and
a still pause so before any rep confirms the calibrated standing level."""


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
        if not self.profile.repeated:
            raise ValueError(live_refusal(movement))
        self.view: View | None = view
        self._view_given = view is not None
        self._derived = False  # measured again over calibration + first rep
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
        self._levels = HipLevels(hip_rise=self.profile.driver == "hip-rise", fps=fps)
        self.rest: RestPosition = self.profile.rest
        """Where this set rests between reps; a sit-to-stand set may start standing (set at calibration)."""
        self.partial_reps = 0
        """Excursions not counted as reps: the half rep a session was joined in."""
        self.rep_metrics: list[RepMetrics] = []
        """What was measured on each scored rep (the report's not-made checks read the body's turn from it)."""
        self._pending: tuple[RepWindow, float] | None = None  # first rep awaiting settled levels, and when it ended
        self._settled = self.profile.angle_driven  # a segment's angle needs no calibrated level

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
        windows = [w for w in (self._decide_first(time_s, window), window if self._settled else None) if w]
        if not windows:
            self._trim()
            return LiveUpdate(self._frame, time_s, False, depth, len(self.reps))
        rep, findings = None, []
        for w in windows:
            rep, found = self._score(w)
            findings += found
        return LiveUpdate(self._frame, time_s, False, depth, len(self.reps), rep, findings)

    def flush(self) -> LiveUpdate | None:
        """End the stream: score a first rep still waiting for the levels to settle, as they stand now.

        Returns the update that reports it, or None when no rep was waiting.
        """
        if self._pending is None:
            return None
        window, _ = self._pending
        self._pending, self._settled = None, True
        time_s = self._rows[-1][3]
        if not self._started_at_rest(window):
            self.partial_reps += 1
            return None
        rep, findings = self._score(window)
        return LiveUpdate(self._frame, time_s, False, float("nan"), len(self.reps), rep, findings)

    def _decide_first(self, time_s: float, window: RepWindow | None) -> RepWindow | None:
        """Hold the first rep until the levels settle; return it then if it began at rest (else count a partial).

        The levels have settled at the first pause after the rep (the hips still for :data:`SUSTAIN_S`,
        so the level they rest at is the held one), or when the next rep begins (a set with no pause).
        """
        if self._settled:
            return None
        if self._pending is None:
            if window is not None:
                self._pending = (window, time_s)
            return None
        first, ended = self._pending
        if not (
            (time_s - ended >= SUSTAIN_S and self._levels.detect_still()) or window is not None or self._counter.active
        ):
            return None
        self._pending, self._settled = None, True
        if self._started_at_rest(first):
            return first
        self.partial_reps += 1
        return None

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
        if self.profile.driver == "hip-rise":  # how the set begins: the first SUSTAIN_S of the session
            knee = kin.angle("knee_flexion", self.view)[kin.timestamps - kin.timestamps[0] <= SUSTAIN_S]
            if np.isfinite(knee).any() and float(np.nanmedian(knee)) < STANDING_MAX_KNEE_DEG:
                self.rest = "standing"  # stand → sit → stand, as offline's infer_rest
        if self.rest == "seated" and np.isfinite(kin.series["hip_height"]).any():
            # A chair-stand session calibrates seated: standing is then at least the leg's length.
            self._levels.standing = STANDING_HIP_HEIGHT
        # Replay the calibration frames so a rep that began during calibration is still counted.
        self._offset = self._origin = self._frame + 1 - len(self._rows)
        for i in range(len(pose)):
            self._counter.update(float(self._record(kin, i)))

    def _depth(self, pose: PoseSequence) -> float:
        """Driver value of a one-frame sequence (its kinematics are kept for scoring its rep later)."""
        return self._record(compute_kinematics(pose, self.reference, self.view), 0)

    def _record(self, kin: Kinematics, i: int) -> float:
        """Keep frame ``i``'s kinematics, update the standing and seated levels, return its driver value."""
        if not self._names:
            self._names = [name for name in kin.series if not name.endswith("_velocity")]
        self._kin_rows.append(np.array([kin.series[name][i] for name in self._names]))
        height = kin.series["hip_height"][i : i + 1]
        self._levels.update(float(kin.timestamps[i]), float(height[0]))
        assert self.view is not None
        if self.profile.angle_driven:
            return float(compute_driver(kin, self.movement, self.view)[i])
        depth = float(self._levels.compute_driver(height, self.rest)[0])
        if not self._settled and self._pending is None and not self._counter.active and depth < MIN_PROMINENCE:
            # Standing still on straight legs before any rep: the calibrated levels are right, no need to wait.
            knee = float(kin.angle("knee_flexion", self.view, slice(i, i + 1))[0])
            self._settled = self.rest == "standing" and knee < STANDING_MAX_KNEE_DEG and self._levels.detect_still()
        return depth

    def _rederive(self, first: RepWindow) -> None:
        """Measure the view and the near side over the first rep and its stance, the yardstick standing (once).

        As offline reads them (:func:`~movequal.core.view_frames.find_set_frames`): a patient who waited facing
        the camera before turning side-on is filmed from the side, and a pelvis that turns at the bottom does not
        turn the camera (:func:`~movequal.core.view_frames.read_rep_frames`); without a second of the rep tracked,
        every kept frame decides.
        """
        if self._derived:
            return
        self._derived = True
        pose = self._sequence(self._rows)
        if not pose.detected.any():
            return
        frames = read_rep_frames(*self._moving_of(first), pose.detected, self.fps)
        seen = "unknown" if frames is None else frames.classify(compute_body_yaw(pose), pose.image_pixels())
        moving = np.ones(len(pose), dtype=bool) if frames is None else frames.moving
        if not self._view_given:
            self.view = classify_view(pose) if seen == "unknown" else seen
        whole = compute_body_reference(pose, moving)
        kin = self._replay(pose, whole)
        if not self.profile.angle_driven:  # lengths from the standing frames, as calibrated
            levels = self._levels
            standing = (levels.standing - kin.series["hip_height"]) / levels.compute_scale() < MIN_PROMINENCE
            if standing.sum() >= SUSTAIN_S * self.fps:
                upright = compute_body_reference(pose[standing])
                kin = self._replay(pose, replace(upright, near_side=whole.near_side))
        self._kin_rows = list(np.column_stack([kin.series[name] for name in self._names]))

    def _moving_of(self, first: RepWindow) -> tuple[BoolArray, BoolArray]:
        """Return the kept frames of ``first``'s movement proper, and of its window widened on each side.

        The movement proper is where the driver stands past a tenth of its range from rest; the window is
        widened by :data:`~movequal.core.excursions.SPEED_SPAN_S`. A rep from a seated rest begins where the
        patient sat down to wait, so its window holds the wait.
        """
        moving, window = np.zeros(len(self._rows), dtype=bool), np.zeros(len(self._rows), dtype=bool)
        start = self._origin - self._offset
        a, b = max(start + first.start, 0), min(max(start + first.end + 1, 0), len(self._kin_rows))
        if b - a < 3:
            return moving, window
        reach = compute_frames(SPEED_SPAN_S, self.fps)
        window[max(a - reach, 0) : b + reach] = True
        kin = self._window_kinematics(self._rows[a:b], self._kin_rows[a:b])
        assert self.view is not None
        driver = compute_driver(kin, self.movement, self.view, self._levels.standing, rest=self.rest)
        if np.isfinite(driver).any():
            low, high = float(np.nanmin(driver)), float(np.nanmax(driver))
            moving[a:b] = driver > low + MOVING_SHARE * (high - low)
        return moving, window

    def _replay(self, pose: PoseSequence, reference: BodyReference) -> Kinematics:
        """Measure ``pose`` with ``reference`` and follow the standing and seated levels through it again."""
        self.reference = reference
        kin = compute_kinematics(pose, reference, self.view)
        self._levels.reset(STANDING_HIP_HEIGHT if self.rest == "seated" else -np.inf)
        for time_s, height in zip(kin.timestamps, kin.series["hip_height"], strict=True):
            self._levels.update(float(time_s), float(height))
        return kin

    def _started_at_rest(self, window: RepWindow) -> bool:
        """Whether a hip-driven rep began at rest by the levels known now (False: the session began mid-rep)."""
        self._rederive(window)
        if self.profile.angle_driven:
            return True  # a segment's angle needs no calibrated level
        row = self._origin + window.start - self._offset
        if not 0 <= row < len(self._kin_rows):
            return True
        height = self._kin_rows[row][self._names.index("hip_height")]
        if not np.isfinite(height):
            return True
        return float(self._levels.compute_driver(np.array([height]), self.rest)[0]) < MIN_PROMINENCE

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
            width = compute_median_width(compute_frame_rate(timestamps))  # the rate the frames came at
            series["back_bend"] = filter_running_median(series["back_bend"], width)
        series |= compute_velocities(series, timestamps, VELOCITY_OF)
        return Kinematics(timestamps, series, dict(SERIES_UNITS), self.reference)

    def _walked_off(self, rows: Sequence[Row], kin: Kinematics, depth: FloatArray, bottom: int) -> bool:
        """Whether both feet left their places during the rep (from where it left rest), as offline."""
        if not self.profile.planted:
            return False
        pixels = np.array([image for image, *_ in rows])[:, list(FEET), :2] * np.asarray(self.frame_size, np.float64)
        feet = scale_feet(pixels, kin.reference)
        if feet is None or not detect_feet_spread(feet):  # nor over the frames from rest: spared the search
            return False
        start = find_rest_start(depth, RepWindow(0, bottom, len(rows) - 1), self.fps)
        frames = compute_min_frames(compute_frame_rate(kin.timestamps))  # the rate the frames came at
        # The rep ends on the frame just seen: a sign on its last frames has not yet shown that it lasts.
        return detect_walk_off(feet[start:], min_frames=frames, seen_to_end=False)

    def _score(self, window: RepWindow) -> tuple[Rep | None, list[Finding]]:
        """Measure and score the rep that just ended, then forget the frames before its end."""
        self._rederive(window)
        first = max(self._origin + window.start - self._offset, 0)
        bottom = self._origin + window.bottom - self._offset - first
        last = self._origin + window.end - self._offset  # the buffer's last frame, unless the rep was held back
        rows, kin_rows = self._rows[first : last + 1], self._kin_rows[first : last + 1]
        self._offset += last
        del self._rows[:last]
        del self._kin_rows[:last]
        if len(rows) < 3 or bottom < 0:
            return None, []
        kin = self._window_kinematics(rows, kin_rows)
        assert self.view is not None
        depth = compute_driver(kin, self.movement, self.view, self._levels.standing, rest=self.rest)
        if self._walked_off(rows, kin, depth, bottom):  # the patient walked off: a partial, as offline
            self.partial_reps += 1
            return None, []
        local = RepWindow(0, bottom, len(rows) - 1)
        if np.isfinite(depth).all():  # time a held turning point at its middle, as offline
            local = RepWindow(0, find_hold_middle(depth, local), local.end)
            bottom = local.bottom
        measured = measure_reps(kin, [local], depth, self.view, self.movement)
        metrics = [replace(m, number=len(self.reps) + 1) for m in measured]
        self.rep_metrics += metrics
        findings = detect_compensations(metrics, self.view, self.movement, self.thresholds)
        shift = self._offset - last + first  # global frame number of rows[0]
        rep = to_rep(metrics[0], kin, score_reps(metrics, findings)[0], self.movement)
        rep = rep.model_copy(
            update={"start_frame": shift, "bottom_frame": shift + bottom, "end_frame": shift + len(rows) - 1}
        )
        findings = [f.model_copy(update={"frames": [(shift, shift + len(rows) - 1)]}) for f in findings]
        self.reps.append(rep)
        return rep, findings
