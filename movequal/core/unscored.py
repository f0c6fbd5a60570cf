"""Assessments with nothing scored: a movement not recognised, or a body the picture cut off.

Both keep the view, the recognition and the clip-level measurements, so that the report shows what was seen,
and say in ``message`` why no score was given; neither has reps, findings, a score or a rating.
"""

from __future__ import annotations

from collections.abc import Mapping

from movequal.core.assessment import Assessment, View
from movequal.core.framing import describe_cut_parts, find_cut_parts
from movequal.core.kinematics import Kinematics
from movequal.core.movements import Recognition
from movequal.core.summaries import compute_joint_visibility, summarise_metrics
from movequal.pose.sequence import PoseSequence


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
    kin: Kinematics,
    view: View,
    filtered: PoseSequence,
    out_of_picture: Mapping[str, float],
    *,
    detected: bool,
) -> Assessment | None:
    """Assess a clip whose body left the picture too often; None when it stayed in view.

    Parameters
    ----------
    recognition : Recognition
        What the clip was recognised as (or the movement given); named in the report, with its confidence
        when recognised, but not scored.
    kin, view, filtered
        The clip's kinematics, view and filtered landmarks, for the clip-level measurements.
    out_of_picture : mapping of str to float
        Each body part's share of frames outside the picture (:func:`movequal.core.framing.compute_out_of_picture`).
    detected : bool
        Whether the movement was recognised rather than given.

    Notes
    -----
    The parts cut off (:func:`movequal.core.framing.find_cut_parts`) are listed in ``Assessment.cut_off``; a
    non-empty list always comes with no score.
    """
    cut = find_cut_parts(out_of_picture)
    if not cut:
        return None
    message = describe_cut_parts(cut, out_of_picture)
    return _unscored(recognition, kin, view, filtered, detected=detected, message=message, cut_off=cut)
