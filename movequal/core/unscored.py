"""Assessments with nothing scored: a movement not recognised, or a body the picture cut off.

Both keep the view, the recognition and the clip-level measurements, so that the report shows what was seen,
and say in ``message`` why no score was given; neither has reps, findings, a score or a rating.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Assessment, View
from movequal.core.framing import (
    describe_cut_parts,
    find_cut_parts,
    find_task_frames,
    parts_read_by,
    summarise_out_of_picture,
)
from movequal.core.kinematics import Kinematics
from movequal.core.movement_registry import get_profile
from movequal.core.movements import Recognition
from movequal.core.summaries import compute_joint_visibility, summarise_metrics
from movequal.pose.sequence import PoseSequence

FloatArray = NDArray[np.float64]


def unrecognised_message(recognition: Recognition) -> str:
    """Return the sentence a report shows instead of a score when the movement was not recognised."""
    return (
        f"Movement not recognised: {recognition.reason}. Nothing was scored. movequal assesses squats, lifts, "
        "forward bends, sit-to-stand and lunges done in place; if the clip shows one of these, choose it "
        "explicitly."
    )


def _unscored(
    recognition: Recognition,
    kin: Kinematics,
    view: View,
    filtered: PoseSequence,
    *,
    detected: bool,
    message: str,
    cut_off: list[str] | None = None,
) -> Assessment:
    return Assessment(
        movement=recognition.movement,
        movement_detected=detected,
        movement_confidence=recognition.confidence if detected else None,
        message=message,
        view=view,
        reps=[],
        findings=[],
        score=None,
        rating=None,
        metrics=summarise_metrics([], kin, view, filtered, compute_joint_visibility(filtered), movement=None),
        cut_off=cut_off or [],
    )


def assess_unrecognised(recognition: Recognition, kin: Kinematics, view: View, filtered: PoseSequence) -> Assessment:
    """Assess a clip whose movement was not recognised: no reps, score or findings."""
    return _unscored(recognition, kin, view, filtered, detected=True, message=unrecognised_message(recognition))


def assess_cut_off(
    recognition: Recognition,
    assessed: Assessment,
    kin: Kinematics,
    filtered: PoseSequence,
    located: tuple[FloatArray, FloatArray],
    *,
    detected: bool,
) -> Assessment | None:
    """Return an unscored assessment when the body left the picture while the task was done; None when it stayed.

    Parameters
    ----------
    recognition : Recognition
        What the clip was recognised as (or the movement given); named in the report, with its confidence
        when recognised, but not scored.
    assessed : Assessment
        The task's assessment: the frames of its reps or holds are the ones read (the whole clip when it has
        none), so that a walk into the picture before the set is not held against it.
    kin, filtered
        The clip's kinematics and filtered landmarks, for the clip-level measurements.
    located : tuple of ndarray
        :func:`movequal.core.framing.locate_out_of_picture` of the raw landmarks, and their timestamps.
    detected : bool
        Whether the movement was recognised rather than given.

    Notes
    -----
    Only the parts the task is read from count (:func:`movequal.core.framing.parts_read_by` of the movement's
    driver). The parts cut off (:func:`movequal.core.framing.find_cut_parts`) are listed in
    ``Assessment.cut_off``; a non-empty list always comes with no score.
    """
    spans = [(h.start, h.end) for h in assessed.balance.holds] if assessed.balance is not None else []
    spans += [(r.start_time, r.end_time) for r in assessed.reps]
    outside, timestamps = located
    shares = summarise_out_of_picture(outside, find_task_frames(timestamps, spans))
    cut = find_cut_parts(shares, parts_read_by(get_profile(recognition.nearest).driver))
    if not cut:
        return None
    message = describe_cut_parts(cut, shares)
    return _unscored(recognition, kin, assessed.view, filtered, detected=detected, message=message, cut_off=cut)
