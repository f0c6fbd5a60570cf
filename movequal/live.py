"""Live sessions: pose, incremental scoring, position checks and spoken cues, frame by frame.

:class:`LiveSession` is the one engine behind ``movequal live`` (a camera, or a
file played as one) and the browser's ``/live`` page (frames over a
WebSocket). Each frame goes through the pose model, then
:class:`~movequal.incremental.IncrementalAssessor` (causal filtering, reps
scored as they end); :func:`check_framing` says how to fix the camera set-up
and :class:`CueGate` turns findings into one short cue at a time. At the end,
:meth:`LiveSession.finish` assesses every frame seen with the offline core, so
the saved report is the same kind of report as an uploaded video's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from movequal import __version__
from movequal.assessment import Finding, Movement, Rep, Report, SourceInfo, View
from movequal.feedback import Cue, FramingCheck, LiveFrame
from movequal.incremental import IncrementalAssessor
from movequal.pose import PoseSequence
from movequal.scoring import AssessmentResult, assess
from movequal.skeleton import LANDMARK_INDEX as IDX
from movequal.skeleton import NUM_LANDMARKS
from movequal.views import FRONTAL_MAX_YAW_DEG, SAGITTAL_MIN_YAW_DEG, compute_body_yaw

if TYPE_CHECKING:
    from movequal.estimation import PoseEstimator

FloatArray = NDArray[np.float64]

VIEWS_NEEDED: dict[Movement, tuple[str, ...]] = {
    "squat": ("side", "front"),
    "lunge": ("side", "front"),
    "lift": ("side",),
    "bend": ("side",),
    "sit-to-stand": ("side",),
}
"""Camera views each movement can be assessed from (see the metrics' valid views in ``kinematics``)."""

FRAME_MARGIN = 0.01
"""Landmarks closer than this to the picture's edge (fraction of its size) count as cut off."""
VISIBLE = 0.5
MAX_SESSION_S = 30 * 60.0
"""A live session keeps every frame's landmarks (about 2 KB a frame); past this it must be saved and restarted."""
_SEVERITY_RANK = {"mild": 0, "moderate": 1, "severe": 2}


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


def _camera_view(world: FloatArray) -> str | None:
    pose = PoseSequence(
        image=np.zeros((1, NUM_LANDMARKS, 3)),
        visibility=np.ones((1, NUM_LANDMARKS)),
        world=world[None],
        timestamps=np.zeros(1),
        fps=30.0,
        frame_size=(1, 1),
    )
    yaw = float(compute_body_yaw(pose)[0])
    if not np.isfinite(yaw):
        return None
    if yaw <= FRONTAL_MAX_YAW_DEG:
        return "front"
    return "side" if yaw >= SAGITTAL_MIN_YAW_DEG else "angled"


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
    """
    if not np.isfinite(image).any():
        return FramingCheck(False, ("Nobody in view: stand in front of the camera.",))
    problems = []

    def cut(names: tuple[str, ...]) -> bool:
        idx = [IDX[n] for n in names]
        xy = image[idx, :2]
        inside = np.all((xy > FRAME_MARGIN) & (xy < 1 - FRAME_MARGIN), axis=1)
        return not bool(np.any(inside & (visibility[idx] >= VISIBLE)))

    if cut(("left_ankle", "right_ankle", "left_heel", "right_heel")):
        problems.append("Your feet are out of the picture: step back or tilt the camera down.")
    if cut(("nose", "left_shoulder", "right_shoulder")):
        problems.append("Your head and shoulders are cut off: step back or tilt the camera up.")
    view = _camera_view(world)
    wanted = VIEWS_NEEDED[movement]
    if view is not None and view not in wanted:
        turn = "side on" if wanted == ("side",) else "side on or facing the camera"
        problems.append(f"Turn {turn}: this {movement} is assessed from the {' or '.join(wanted)}.")
    return FramingCheck(not problems, tuple(problems))


class LiveSession:
    """One patient's live session: pose model, incremental scoring, cues, and a record of every frame.

    Parameters
    ----------
    estimator : PoseEstimator
        A loaded pose model used only by this session (it keeps tracking state).
    movement : Movement
        The exercise.
    frame_size : tuple of int
        ``(width, height)`` of the frames.
    fps : float
        Nominal frame rate (frames may still arrive irregularly; their times are used).
    """

    def __init__(self, estimator: PoseEstimator, movement: Movement, frame_size: tuple[int, int], fps: float = 30.0):
        self.estimator, self.movement, self.frame_size, self.fps = estimator, movement, frame_size, fps
        self.assessor = IncrementalAssessor(movement, fps, frame_size)
        self.cues = CueGate()
        self.findings: list[Finding] = []
        self._image: list[FloatArray] = []
        self._visibility: list[FloatArray] = []
        self._world: list[FloatArray] = []
        self._times: list[float] = []
        self._bend: list[float] = []

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
        return any(np.isfinite(image).any() for image in self._image)

    @property
    def full(self) -> bool:
        """True once the session has lasted :data:`MAX_SESSION_S`: save it and start a new one."""
        return bool(self._times) and self._times[-1] - self._times[0] >= MAX_SESSION_S

    def process(self, image: NDArray[np.uint8], time_s: float) -> LiveFrame:
        """Run one RGB frame taken at ``time_s`` seconds (increasing) through the session."""
        if self._times and time_s <= self._times[-1]:
            raise ValueError(f"expected frame times to increase, got {time_s} after {self._times[-1]}")
        if self.full:
            raise ValueError(
                f"the session has reached {MAX_SESSION_S / 60:.0f} minutes: stop and save it, then start a new one"
            )
        row = self.estimator.process(image, time_s)
        self._image.append(row.image)
        self._visibility.append(row.visibility)
        self._world.append(row.world)
        self._times.append(time_s)
        self._bend.append(row.back_bend)
        update = self.assessor.update(row.image, row.visibility, row.world, time_s, row.back_bend)
        self.findings.extend(update.findings)
        cue = self.cues.offer(update.findings, time_s) if update.findings else None
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
        )

    def to_pose(self) -> PoseSequence:
        """Every frame seen so far as a :class:`PoseSequence` (empty before the first frame)."""
        if not self._times:
            return PoseSequence.empty(self.fps, self.frame_size, {"live": True})
        return PoseSequence(
            image=np.stack(self._image),
            visibility=np.stack(self._visibility),
            world=np.stack(self._world),
            timestamps=np.asarray(self._times) - self._times[0],
            back_bend=np.asarray(self._bend),
            fps=self.fps,
            frame_size=self.frame_size,
            source={"live": True, "file": "live session"},
        )

    def finish(self, name: str, model: str) -> tuple[Report, AssessmentResult, PoseSequence]:
        """Assess the whole session with the offline core and build its report.

        Notes
        -----
        The live reps were scored causally as they ended; the saved report uses
        zero-lag filtering over the whole session, like an uploaded video, so
        its rep count can differ from the live counter by one at the edges.
        """
        pose = self.to_pose()
        result = assess(pose, self.movement)
        duration = float(pose.timestamps[-1]) if len(pose) else 0.0
        report = Report(
            movequal_version=__version__,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            source=SourceInfo(
                file=name,
                duration_s=round(duration, 3),
                fps=round((len(pose) - 1) / duration, 3) if duration > 0 else self.fps,
                width=self.frame_size[0],
                height=self.frame_size[1],
                rotation=0,
                model=model,
            ),
            assessment=result.assessment,
            tracking=result.tracking,
        )
        return report, result, pose
