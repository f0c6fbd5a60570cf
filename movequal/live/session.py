"""Live sessions: pose, incremental scoring, position checks and spoken cues, frame by frame.

:class:`LiveSession` is the one engine behind ``movequal live`` (a camera, or a
file played as one) and the browser's ``/live`` page (frames over a
WebSocket). Each frame goes through the pose model, then the task's live engine
(:data:`LIVE_TRACKERS`: :class:`~movequal.live.incremental.IncrementalAssessor`
for repetitions, causal filtering and reps scored as they end;
:class:`~movequal.live.hold_timer.LiveHoldTimer` for balance holds;
:class:`~movequal.live.stopwatch.LiveTugStopwatch` for the timed up-and-go;
:class:`~movequal.live.cadence.LiveCadence` for walking);
:func:`check_framing` says how to fix the camera set-up and :class:`CueGate`
turns findings into one short cue at a time. At the end,
:meth:`LiveSession.finish` assesses every frame seen with the offline core, so
the saved report is the same kind of report as an uploaded video's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Finding, Movement, Rep, Report, UnjudgedCheck, View
from movequal.core.compensations import list_unjudged_checks
from movequal.core.framing import ADVICE, find_parts_outside, parts_read_by
from movequal.core.movement_registry import FRAMED_FAMILIES, MovementFamily, get_profile
from movequal.core.scoring import AssessmentResult, assess
from movequal.core.views import FRONTAL, FRONTAL_MAX_YAW_DEG, SAGITTAL, SAGITTAL_MIN_YAW_DEG, compute_world_yaw
from movequal.live.breath_cues import EffortPhases, should_remind
from movequal.live.cadence import LiveCadence
from movequal.live.hold_timer import LiveHoldTimer
from movequal.live.incremental import IncrementalAssessor
from movequal.live.refusal import live_refusal
from movequal.live.stopwatch import LiveTugStopwatch
from movequal.live.update import LiveUpdate
from movequal.pose.model_files import ModelVariant
from movequal.pose.sequence import PoseRow, PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.report.build import build_report
from movequal.report.feedback import Cue, FramingCheck, LiveFrame

if TYPE_CHECKING:
    from movequal.pose.estimation import PoseEstimator

FloatArray = NDArray[np.float64]

VIEW_WORDS: tuple[tuple[frozenset[View], str, str], ...] = (
    (SAGITTAL, "side", "side on"),
    (FRONTAL, "front", "facing the camera"),
)
"""How the framing advice names a group of views: where the camera is, and how to turn towards it."""

OTHER_PARTS = ("hips", "elbows", "wrists")
"""Parts the recording's check reads (:func:`movequal.core.framing.parts_read_by`) that the feet and the
head-and-shoulders advice do not name: each gets its own sentence."""
FRAME_MARGIN = 0.01
"""Landmarks closer than this to the picture's edge (fraction of its size) count as cut off."""
VISIBLE = 0.5
MAX_SESSION_S = 30 * 60.0
"""A live session keeps every frame's landmarks (about 2 KB a frame); past this it must be saved and restarted."""
_SEVERITY_RANK = {"mild": 0, "moderate": 1, "severe": 2}
BREATHING_CODE = "breathing"
"""The code of a breathing reminder's cue (not a finding: nothing was wrong)."""


@dataclass
class CueGate:
    """Let through one cue at a time, so the patient hears a few clear words and not a stream.

    At most one cue every ``min_gap_s`` seconds, and the same code not again within
    ``repeat_s`` seconds; of several findings the most severe wins.
    """

    min_gap_s: float = 4.0
    repeat_s: float = 12.0
    _last_time: float = -np.inf
    _last_by_code: dict[str, float] = field(default_factory=dict)

    def offer(self, findings: list[Finding], time_s: float) -> Cue | None:
        """Return the cue to give now for these findings, or ``None``."""
        if time_s - self._last_time < self.min_gap_s:
            return None
        fresh = [f for f in findings if time_s - self._last_by_code.get(f.code, -np.inf) >= self.repeat_s]
        if not fresh:
            return None
        chosen = max(fresh, key=lambda f: (_SEVERITY_RANK[f.severity], f.points_lost))
        self._last_time = self._last_by_code[chosen.code] = time_s
        return Cue(chosen.code, chosen.cue, time_s)

    def say(self, code: str, text: str, time_s: float) -> Cue | None:
        """Return a reminder not tied to a finding (breathing) unless a cue was given within ``min_gap_s``.

        A reminder does not hold back the next finding's cue: a correction matters more than a reminder.
        """
        if time_s - max(self._last_time, self._last_by_code.get(code, -np.inf)) < self.min_gap_s:
            return None
        self._last_by_code[code] = time_s
        return Cue(code, text, time_s)


class LiveTracker(Protocol):
    """What a live session needs of the engine that follows its task frame by frame."""

    reps: list[Rep]

    @property
    def view(self) -> View | None:
        """Camera view, once known."""

    def update(
        self, image: FloatArray, visibility: FloatArray, world: FloatArray, time_s: float, back_bend: float = ...
    ) -> LiveUpdate:
        """Add one frame."""

    def flush(self) -> LiveUpdate | None:
        """End the stream."""


LIVE_TRACKERS: Mapping[MovementFamily, Callable[[Movement, float, tuple[int, int]], LiveTracker]] = MappingProxyType(
    {
        "repetition": IncrementalAssessor,
        "static-hold": LiveHoldTimer,
        "timed-test": LiveTugStopwatch,
        "locomotion": LiveCadence,
    }
)
"""The live engine of each task family followed live (the registry's ``LIVE_FAMILIES``)."""


def _camera_view(world: FloatArray) -> frozenset[View] | None:
    yaw = float(compute_world_yaw(np.asarray(world, dtype=np.float64)[None])[0])
    if not np.isfinite(yaw):
        return None
    if yaw <= FRONTAL_MAX_YAW_DEG:
        return FRONTAL
    # The yaw does not tell which side faces the camera: a side-on frame stands for either side view.
    return SAGITTAL if yaw >= SAGITTAL_MIN_YAW_DEG else frozenset({"oblique"})


def check_framing(image: FloatArray, visibility: FloatArray, world: FloatArray, movement: Movement) -> FramingCheck:
    """Check one frame's set-up: the whole body in the picture, and a view the movement can be assessed from.

    Parameters
    ----------
    image, visibility, world : ndarray
        One frame's landmarks: normalised image (33, 3), visibility (33,), world (33, 3);
        NaN image landmarks when nobody was found.
    movement : Movement
        What the patient is about to do.

    Returns
    -------
    FramingCheck
        ``ok`` and, when not, one instruction per problem.

    Notes
    -----
    Besides a part none of whose points is seen inside the picture, any part the saved recording is read from
    (:func:`movequal.core.framing.find_parts_outside`) with a landmark outside it gets its advice: a session
    whose frames the page called in position is not refused as cut off when it is saved.
    """
    if not np.isfinite(image).any():
        return FramingCheck(False, ("Nobody in view: stand in front of the camera.",))
    problems = []

    def cut(names: tuple[str, ...]) -> bool:
        idx = [IDX[n] for n in names]
        xy = image[idx, :2]
        inside = np.all((xy > FRAME_MARGIN) & (xy < 1 - FRAME_MARGIN), axis=1)
        return not bool(np.any(inside & (visibility[idx] >= VISIBLE)))

    profile = get_profile(movement)
    refusable = profile.family in FRAMED_FAMILIES  # walks and the timed up-and-go leave the picture by design
    outside = find_parts_outside(image, parts_read_by(profile.driver)) if refusable else []
    if cut(("left_ankle", "right_ankle", "left_heel", "right_heel")) or {"knees", "feet"} & set(outside):
        problems.append("Your feet are out of the picture: step back or tilt the camera down.")
    if cut(("nose", "left_shoulder", "right_shoulder")) or "shoulders" in outside:
        problems.append("Your head and shoulders are cut off: step back or tilt the camera up.")
    problems += [f"Keep your {part} in the picture: {ADVICE[part]}." for part in outside if part in OTHER_PARTS]
    seen, allowed = _camera_view(world), set(profile.views)
    if seen is not None and not seen & allowed:
        wanted = [(where, turn) for views, where, turn in VIEW_WORDS if views & allowed]
        turn = " or ".join(t for _, t in wanted)
        problems.append(f"Turn {turn}: this {movement} is assessed from the {' or '.join(w for w, _ in wanted)}.")
    return FramingCheck(not problems, tuple(problems))


class LiveSession:
    """One patient's live session: pose model, incremental scoring, cues, and a record of every frame.

    Parameters
    ----------
    estimator : PoseEstimator or None
        A loaded pose model used only by this session (it keeps tracking state);
        None when the landmarks come ready-made (the browser ran the model):
        then frames go in through :meth:`process_row` only.
    movement : Movement
        The exercise.
    frame_size : tuple of int
        ``(width, height)`` of the frames.
    fps : float
        Nominal frame rate (frames may still arrive irregularly; their times are used).
    model : {"lite", "full", "heavy"}, optional
        The pose model that made the landmarks, named in the report; required without
        ``estimator`` (with one, the estimator's own variant is named).
    """

    def __init__(
        self,
        estimator: PoseEstimator | None,
        movement: Movement,
        frame_size: tuple[int, int],
        fps: float = 30.0,
        *,
        model: ModelVariant | None = None,
    ):
        self.estimator, self.movement, self.frame_size, self.fps = estimator, movement, frame_size, fps
        variant = estimator.variant if estimator is not None else model
        if variant is None:
            raise ValueError("a live session without a pose estimator must name the model that made its landmarks")
        self.model: ModelVariant = variant
        tracker = LIVE_TRACKERS.get(get_profile(movement).family)
        if tracker is None:
            raise ValueError(live_refusal(movement))
        self.assessor = tracker(movement, fps, frame_size)
        self.cues = CueGate()
        self._efforts: EffortPhases | None = None
        self._holding = False
        self.findings: list[Finding] = []
        self._rows: list[PoseRow] = []
        self._times: list[float] = []

    @property
    def reps(self) -> list[Rep]:
        """Reps completed so far, scored."""
        return self.assessor.reps

    @property
    def view(self) -> View | None:
        """Camera view, once calibration has classified it."""
        return self.assessor.view

    @property
    def seen_anyone(self) -> bool:
        """True once a person has been found on any frame (a session worth saving)."""
        return any(np.isfinite(row.image).any() for row in self._rows)

    @property
    def full(self) -> bool:
        """True once the session has lasted :data:`MAX_SESSION_S`: save it and start a new one."""
        return bool(self._times) and self._times[-1] - self._times[0] >= MAX_SESSION_S

    def _check_time(self, time_s: float) -> None:
        if self._times and time_s <= self._times[-1]:
            raise ValueError(f"expected frame times to increase, got {time_s} after {self._times[-1]}")
        if self.full:
            raise ValueError(
                f"the session has reached {MAX_SESSION_S / 60:.0f} minutes: stop and save it, then start a new one"
            )

    def process(self, image: NDArray[np.uint8], time_s: float) -> LiveFrame:
        """Run one RGB frame taken at ``time_s`` seconds (increasing) through the pose model and the session."""
        if self.estimator is None:
            raise ValueError("this session takes landmarks, not images: its pose runs in the browser")
        self._check_time(time_s)
        return self._add(self.estimator.process(image, time_s), time_s)

    def process_row(self, row: PoseRow, time_s: float) -> LiveFrame:
        """Add one frame's landmarks, estimated elsewhere (the browser), taken at ``time_s`` seconds (increasing).

        The same path as :meth:`process` after its pose model: scoring, cues, framing advice and the record.
        """
        self._check_time(time_s)
        return self._add(row, time_s)

    def _add(self, row: PoseRow, time_s: float) -> LiveFrame:
        self._rows.append(row)
        self._times.append(time_s)
        update = self.assessor.update(row.image, row.visibility, row.world, time_s, row.back_bend)
        self.findings.extend(update.findings)
        cue = self.cues.offer(update.findings, time_s) if update.findings else None
        cue = cue or self._breathing_cue(update, time_s)
        found = bool(np.isfinite(row.image).any())
        landmarks = np.column_stack([row.image[:, :2], row.visibility]) if found else None
        return LiveFrame(
            time_s,
            landmarks,
            update.calibrating,
            update.depth,
            update.reps_done,
            update.rep,
            update.findings,
            cue,
            check_framing(row.image, row.visibility, row.world, self.movement),
            update.hold,
            update.stopwatch,
            update.gait,
            self._not_judged() if update.rep is not None else [],
        )

    def _not_judged(self) -> list[UnjudgedCheck]:
        """List the checks of this movement the session's view (or its reps' turn) could not make.

        None before the view is known; the reps' turn counts for a repetition task, as offline.
        """
        view = self.assessor.view
        if view is None:
            return []
        reps = self.assessor.rep_metrics if isinstance(self.assessor, IncrementalAssessor) else []
        return list_unjudged_checks(self.movement, view, reps)

    def _breathing_cue(self, update: LiveUpdate, time_s: float) -> Cue | None:
        """Return the breathing reminder when a rep's effort or a hold begins (see :mod:`.breath_cues`)."""
        profile = get_profile(self.movement)
        if profile.breathing_cue is None:
            return None
        if update.hold is not None:
            started = update.hold.side is not None and not self._holding
            self._holding = update.hold.side is not None
            return self.cues.say(BREATHING_CODE, profile.breathing_cue, time_s) if started else None
        if not isinstance(self.assessor, IncrementalAssessor) or update.calibrating:
            return None
        if self._efforts is None:
            self._efforts = EffortPhases(profile, self.assessor.rest)
        if self._efforts.update(update.depth) and should_remind(self._efforts.efforts):
            return self.cues.say(BREATHING_CODE, profile.breathing_cue, time_s)
        return None

    def to_pose(self) -> PoseSequence:
        """Every frame seen so far as a :class:`PoseSequence` (empty before the first frame)."""
        return PoseSequence.from_rows(
            self._rows,
            np.asarray(self._times) - (self._times[0] if self._times else 0.0),
            fps=self.fps,
            frame_size=self.frame_size,
            source={"live": True, "file": "live session"} if self._times else {"live": True},
        )

    def finish(self, name: str) -> tuple[Report, AssessmentResult, PoseSequence]:
        """Assess the whole session with the offline core and build its report.

        Notes
        -----
        The live reps were scored causally as they ended; the saved report uses
        zero-lag filtering over the whole session, like an uploaded video, so
        its rep count can differ from the live counter by one at the edges.
        The report names the model the session's estimator runs (or, with landmarks made in the
        browser, the model the start named).
        """
        flushed = self.assessor.flush()  # a first rep still held back counts in the live tally
        if flushed is not None:
            self.findings.extend(flushed.findings)
        pose = self.to_pose()
        result = assess(pose, self.movement)
        duration = float(pose.timestamps[-1]) if len(pose) else 0.0
        report = build_report(
            result,
            file=name,
            duration_s=duration,
            fps=(len(pose) - 1) / duration if duration > 0 else self.fps,
            frame_size=self.frame_size,
            model=self.model,
        )
        return report, result, pose
