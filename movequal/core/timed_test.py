"""Assess a timed up-and-go clip in the report's types: its phases, the total against a cut-off, a verdict.

The phases come from :func:`movequal.core.tug.detect_tug`; the total is
graded against published times (:data:`TUG_GRADES`, ``docs/SCORING.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Assessment, Evidence, Finding, Severity, TimedUpAndGo, View
from movequal.core.compensations.base import SEVERITY_POINTS
from movequal.core.gait import locate_passes
from movequal.core.kinematics import Kinematics
from movequal.core.movements import Recognition
from movequal.core.task_assessment import to_task_assessment
from movequal.core.tug import TugPhases, detect_tug
from movequal.pose.sequence import PoseSequence

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class TugGrades:
    """Where a timed up-and-go total starts to count as slow, and its grades (seconds, "at or above").

    Notes
    -----
    - mild, 10 s: healthy, freely mobile older adults finish within 10 s
      (Podsiadlo & Richardson 1991, J Am Geriatr Soc 39:142-148);
    - moderate, 13.5 s: community-dwelling older adults at or above it were
      classified as fallers with 87 % sensitivity and 87 % specificity
      (Shumway-Cook, Brauer & Woollacott 2000, Phys Ther 80:896-903);
      this is the cut-off the report names;
    - severe, 20 s: above it people were not independent in basic transfers
      and outdoor walking (Podsiadlo & Richardson 1991).

    These cut-offs were set in older adults; for younger people with back
    pain the total is mostly a baseline to follow over time.
    """

    seconds: tuple[float, float, float] = (10.0, 13.5, 20.0)
    cutoff_source: str = "Shumway-Cook, Brauer & Woollacott 2000, Phys Ther 80:896-903 (fall risk, older adults)"

    @property
    def cutoff_s(self) -> float:
        """The fall-risk cut-off the report compares the total with."""
        return self.seconds[1]


TUG_GRADES = TugGrades()


def _grade(total: float, grades: TugGrades) -> Severity | None:
    mild, moderate, severe = grades.seconds
    if total < mild:
        return None
    return "severe" if total >= severe else "moderate" if total >= moderate else "mild"


def to_public_tug(phases: TugPhases | None, reason: str | None, grades: TugGrades = TUG_GRADES) -> TimedUpAndGo:
    """Return the report's ``tug`` block (all times null, and the reason, when the test was not timed)."""
    if phases is None:
        return TimedUpAndGo(
            cutoff_s=grades.cutoff_s,
            cutoff_source=grades.cutoff_source,
            message=f"The timed up-and-go could not be timed: {reason}.",
        )
    return TimedUpAndGo(
        lean_onset=round(phases.lean_onset, 2),
        seat_off=round(phases.seat_off, 2),
        upright=round(phases.upright, 2),
        lowering_onset=round(phases.lowering_onset, 2),
        seated=round(phases.seated, 2),
        total_s=round(phases.total_s, 2),
        stand_up_s=round(phases.stand_up_s, 2),
        walk_s=round(phases.walk_s, 2),
        sit_down_s=round(phases.sit_down_s, 2),
        unseen_s=phases.unseen_s,
        steps=phases.steps,
        cutoff_s=grades.cutoff_s,
        cutoff_source=grades.cutoff_source,
    )


def detect_slow_tug(phases: TugPhases, frames: tuple[int, int], grades: TugGrades = TUG_GRADES) -> Finding | None:
    """Flag a timed up-and-go total at or above :attr:`TugGrades.seconds`' first grade."""
    severity = _grade(phases.total_s, grades)
    if severity is None:
        return None
    evidence = [Evidence(name="timed up-and-go total", value=round(phases.total_s, 2), unit="s",
                         threshold=grades.seconds[0])]  # fmt: skip
    return Finding(
        code="slow_tug",
        title="Timed up-and-go slower than normal mobility",
        severity=severity,
        confidence=1.0,
        evidence=evidence,
        cue="Practise standing up, walking and sitting down at a steady, comfortable pace; your therapist will "
        "decide when to go faster.",
        reps=[1],
        rep_severity=[severity],
        frames=[frames],
        points_lost=float(SEVERITY_POINTS[severity]),
    )


TUG_FINDING_CODES: tuple[str, ...] = ("slow_tug",)


def strike_times_of(pose: PoseSequence) -> FloatArray:
    """Return the heel strikes (s) the gait analysis finds in a clip, both feet, in time order."""
    _, events, _ = locate_passes(pose)
    return np.asarray(events.strike_times, dtype=np.float64)


"""Every timed up-and-go finding code."""


def assess_tug(
    kin: Kinematics,
    view: View,
    recognition: Recognition,
    detected: bool,
    strike_times: FloatArray | None = None,
) -> Assessment:
    """Assess a timed up-and-go: phases, total, the slow-test finding, score and verdict.

    Parameters
    ----------
    kin : Kinematics
        Series of the filtered landmarks.
    view : View
        The clip's camera view as classified (any view: the 3D angles are read).
    recognition : Recognition
        How the movement was named (given or recognised).
    detected : bool
        Whether the movement was recognised automatically.
    strike_times : ndarray, optional
        The clip's heel strikes (:func:`strike_times_of`): the walk between
        standing up and sitting down is checked and its steps counted.

    Notes
    -----
    The test counts as one "rep" for the score and the verdict: 100 minus
    the slow-test finding's points. Without a timed test there is no score
    and ``tug.message`` says why.
    """
    result = detect_tug(kin, strike_times)
    tug = to_public_tug(result.phases, result.reason)
    findings: list[Finding] = []
    if result.phases is not None:
        t = kin.timestamps
        span = (int(t.searchsorted(result.phases.lean_onset)), int(t.searchsorted(result.phases.seated)))
        slow = detect_slow_tug(result.phases, (span[0], min(span[1], len(t) - 1)))
        findings = [slow] if slow is not None else []
    timed = (1 if result.phases else 0, "test")
    return to_task_assessment(recognition, detected, view, findings, timed, message=tug.message, tug=tug)
