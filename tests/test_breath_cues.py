"""Breathing reminders: said as each rep's effort begins, on the movements' own words, and not on every rep."""

from __future__ import annotations

import html

import numpy as np
import pytest

from movequal.core.assessment import Finding, Report, SourceInfo
from movequal.core.movement_registry import MOVEMENTS, Movement, get_profile
from movequal.core.scoring import assess
from movequal.live.breath_cues import EffortPhases, should_remind
from movequal.live.incremental import IncrementalAssessor
from movequal.live.session import CueGate
from movequal.report.html import render_report_html
from movequal.synthetic import Camera, SyntheticSpec, generate


@pytest.mark.parametrize("movement", ["squat", "sit-to-stand", "overhead-reach", "bend", "lunge", "lift"])
def test_each_rep_gets_one_effort_and_it_starts_in_the_effort_phase(movement: Movement) -> None:
    pose, truth = generate(SyntheticSpec(movement=movement, reps=5, camera=Camera(view="sagittal-left"), noise_px=2.0))
    live = IncrementalAssessor(movement, pose.fps, pose.frame_size)
    phases: EffortPhases | None = None
    efforts = []
    for i in range(len(pose)):
        update = live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]))
        if update.calibrating:
            continue
        phases = phases or EffortPhases(get_profile(movement), live.rest)
        if phases.update(update.depth):
            efforts.append(update.time)
    windows = np.asarray(truth.rep_windows) / pose.fps  # (start, bottom or top, end) of each planted rep
    assert len(efforts) == len(windows), (efforts, windows)
    rising = get_profile(movement).effort_rises(live.rest)
    for t, (start, turn, end) in zip(efforts, windows, strict=True):
        # Out of a chair, off the floor or arms up: between the start and the top; otherwise on the way back up.
        low, high = (start, turn) if rising else (turn, end)
        assert low <= t <= high, (movement, t, start, turn, end)


def test_the_reminder_is_said_on_the_first_reps_then_every_fifth() -> None:
    assert [n for n in range(1, 16) if should_remind(n)] == [1, 2, 5, 10, 15]


def test_every_movement_but_plain_walking_has_words_to_breathe_by() -> None:
    for name, profile in MOVEMENTS.items():
        words = profile.breathing_cue
        assert (words is None) == (profile.family == "locomotion" and profile.load is None), name  # plain walking
        assert words is None or ("breathe" in words.lower() and words.endswith(".")), name


def test_a_reminder_never_holds_back_a_correction() -> None:
    gate = CueGate()
    assert gate.say("breathing", "Breathe out as you stand up.", 10.0) is not None
    assert gate.say("breathing", "Breathe out as you stand up.", 11.0) is None  # within the gap
    assert gate.offer([], 11.0) is None
    finding_cue = gate.offer(_finding(), 11.5)
    assert finding_cue is not None and finding_cue.code == "trunk_lean"
    assert gate.say("breathing", "Breathe out as you stand up.", 13.0) is None  # the correction was just said


def _finding() -> list[Finding]:
    return [
        Finding(code="trunk_lean", title="t", severity="mild", confidence=0.9, evidence=[], cue="Chest up.",
                reps=[1], rep_severity=["mild"], frames=[(0, 10)], points_lost=5.0)
    ]  # fmt: skip


@pytest.mark.parametrize("movement", ["overhead-reach", "walk"])
def test_the_report_says_how_to_breathe_where_the_movement_has_words(movement: Movement) -> None:
    pose, _ = generate(SyntheticSpec(movement=movement, camera=Camera(view="sagittal-left"), noise_px=1.0))
    result = assess(pose, movement)
    source = SourceInfo(file="clip.mp4", duration_s=5.0, fps=30.0, width=640, height=480, rotation=0, model="lite")
    report = Report(movequal_version="test", created_at="2026-01-01T00:00:00Z", source=source,
                    assessment=result.assessment, tracking=result.tracking)  # fmt: skip
    page = render_report_html(report, result.kinematics, None)
    words = get_profile(movement).breathing_cue
    assert ("<strong>Breathing:</strong>" in page) == (words is not None)
    assert words is None or html.escape(words) in page
