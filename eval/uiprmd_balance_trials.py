"""The files of :mod:`eval.evaluate_uiprmd_balance`: each one's truth and what every camera view saw.

:func:`run` studies every file of ``m02`` (hurdle step) and ``m06`` (standing active straight leg raise),
subjects s01–s05: :func:`study` takes the truth from the motion capture (:mod:`eval.uiprmd_balance_truth`)
and films the file from the front and both sides at each noise level (:func:`watch`), giving a
:class:`Trial`; :func:`measure_value` reads one measure of a trial from one source.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eval import uiprmd_balance_truth as tr
from eval.evaluate_uiprmd import EPISODES, SUBJECTS, file_path
from eval.evaluate_uiprmd_tasks import moving_side, source_label, usable
from eval.uiprmd import CAMERA_FPS, MOCAP_FPS, VIEWS, Recording, film_recording, load_recording, resample
from movequal.core.balance import detect_single_leg_holds
from movequal.core.kinematics import compute_leg_length
from movequal.core.sway import PHASE_WINDOW
from movequal.synthetic import CameraView

MOVEMENTS = {"m02": "hurdle step", "m06": "standing active straight leg raise"}
NOISE_LEVELS = (0.0, 3.0)
NOISE_PX = 3.0
"""Noise level of the reliability and AUC tables (the existing UI-PRMD evaluations' noisy level)."""
MIN_HOLD_S = 0.3
CAMERAS = ("frontal", "side, near", "side, far")


@dataclass(frozen=True)
class Seen:
    """What one camera view found in one file: number of phases, the longest one, its sway and the truth's."""

    holds: int
    stance: str | None = None
    start: float = float("nan")
    end: float = float("nan")
    sway: tr.SwayValues | None = None
    truth_same_window: tr.SwayValues | None = None
    """The motion capture's sway on the view's axis over the camera's own window."""


@dataclass
class Trial:
    """One file: its truth (phase, sway per axis over it) and what every (view, noise) saw."""

    code: str
    subject: str
    episode: str
    correct: bool
    moving: str
    phase: tr.Phase | None
    truth: dict[str, tr.SwayValues]
    stance_knee: float = float("nan")
    """Median knee flexion of the standing leg over the truth's phase (°, motion capture)."""
    seen: dict[tuple[str, float], Seen] = field(default_factory=dict)

    @property
    def stance(self) -> str:
        """The standing foot."""
        return "left" if self.moving == "right" else "right"

    @property
    def name(self) -> str:
        """The file's name, as in the data set."""
        return f"{self.code}_{self.subject}_{self.episode}{'' if self.correct else '_inc'}"


def view_axis(source: str) -> tr.BodyAxis:
    """Return the horizontal axis a camera source sees: mediolateral from the front, anteroposterior from the side."""
    return "mediolateral" if source == "frontal" else "anteroposterior"


def watch(trial: Trial, mocap: Recording, camera: Recording, view: CameraView, noise: float) -> Seen:
    """Film ``camera`` from ``view``, find the single-leg phases and measure the longest one against the truth."""
    pose = film_recording(camera, view, noise)
    found = detect_single_leg_holds(pose, view, min_hold_s=MIN_HOLD_S, window=PHASE_WINDOW)
    if not found.holds:
        return Seen(0)
    hold = max(found.holds, key=lambda h: h.duration_s)
    if hold.sway is None:
        return Seen(len(found.holds), hold.side, hold.start, hold.end)
    span = (hold.sway.start, hold.sway.end)
    axis = view_axis(source_label(view, trial.moving))
    same = tr.measure_sway(mocap.points, mocap.fps, span, compute_leg_length(mocap.points), axis)
    return Seen(
        len(found.holds), hold.side, hold.start, hold.end, tr.SwayValues.from_sway(hold.sway, hold.duration_s), same
    )


def study(mocap: Recording, code: str, subject: str, episode: str, *, correct: bool, moving: str) -> Trial:
    """Truth and camera results of one file (motion capture at 100 Hz, filmed at 30 fps)."""
    t = np.arange(len(mocap.points)) / mocap.fps
    leg = compute_leg_length(mocap.points)
    phase = tr.find_phase(mocap.points, t, moving, leg)
    trial = Trial(code, subject, episode, correct, moving, phase, {})
    if phase is not None:
        span = (phase.start, phase.end)
        trial.truth = {axis: tr.measure_sway(mocap.points, mocap.fps, span, leg, axis) for axis in tr.AXIS_COLUMN}
        trial.stance_knee = tr.stance_knee_flexion(mocap.points, mocap.fps, phase, trial.stance)
    camera = Recording(mocap.name, resample(mocap.points, MOCAP_FPS, CAMERA_FPS), CAMERA_FPS, mocap.height_m)
    for noise in NOISE_LEVELS:
        for view in VIEWS:
            trial.seen[(source_label(view, moving), noise)] = watch(trial, mocap, camera, view, noise)
    return trial


def run(data: Path) -> tuple[list[Trial], list[str], list[str]]:
    """Study every file: the trials, the files left out and the subjects moving the left leg."""
    trials: list[Trial] = []
    skipped, left = [], []
    for code in MOVEMENTS:
        for subject in SUBJECTS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN landmarks (missing markers)
                files = {
                    correct: [load_recording(file_path(data, code, subject, e, correct), MOCAP_FPS) for e in EPISODES]
                    for correct in (True, False)
                }
                moving = moving_side(code, [r for r in files[True] if usable(r)])
                left += [f"{code} {subject}"] if moving == "left" else []
                for correct, recordings in files.items():
                    for episode, recording in zip(EPISODES, recordings, strict=True):
                        if not usable(recording):
                            skipped.append(recording.name)
                            continue
                        trials.append(study(recording, code, subject, episode, correct=correct, moving=moving))
    return trials, skipped, left


def measure_value(trial: Trial, source: str, measure: tr.Measure, noise: float = NOISE_PX) -> float:
    """One measure of one file from one source (``mocap``, ``mocap, ML``, ``mocap, AP`` or a camera)."""
    if source.startswith("mocap"):
        if trial.phase is None:
            return float("nan")
        if measure.name == "duration":
            return trial.phase.duration_s
        return measure.read(trial.truth["mediolateral" if source.endswith("ML") else "anteroposterior"])
    seen = trial.seen[(source, noise)]
    if measure.name == "duration":
        return seen.end - seen.start
    return measure.read(seen.sway) if seen.sway is not None else float("nan")


def sources_of(measure: tr.Measure) -> tuple[str, ...]:
    """Return the sources of a measure: the motion capture once (duration) or per axis, then the cameras."""
    return ("mocap", *CAMERAS) if measure.name == "duration" else ("mocap, ML", "mocap, AP", *CAMERAS)
