"""Assemble a :class:`~movequal.core.assessment.Report`: the one place a report is built.

The offline pipeline (a video file) and a live session (camera frames) both
end with an :class:`~movequal.core.scoring.AssessmentResult`; :func:`build_report`
wraps it with the source's description and the pose model that produced the
landmarks, so both kinds of session give the same kind of report.
"""

from __future__ import annotations

from datetime import UTC, datetime

from movequal import __version__
from movequal.core.assessment import Report, SourceInfo
from movequal.core.dose import SessionDose
from movequal.core.rep_curves import compute_rep_curves
from movequal.core.scoring import AssessmentResult
from movequal.pose.model_files import ModelVariant


def build_report(
    result: AssessmentResult,
    *,
    file: str,
    duration_s: float,
    fps: float,
    frame_size: tuple[int, int],
    model: ModelVariant,
    rotation: int = 0,
    dose: SessionDose | None = None,
) -> Report:
    """Return the report of one assessed session.

    Parameters
    ----------
    result : AssessmentResult
        What :func:`movequal.core.scoring.assess` found.
    file : str
        Name of the recording shown in the report.
    duration_s : float
        Length of the recording in seconds (rounded to the millisecond here).
    fps : float
        Frame rate of the recording (rounded to three decimals here).
    frame_size : tuple of int
        ``(width, height)`` of the upright frames.
    model : ModelVariant
        The pose model the estimator actually ran (its
        :attr:`~movequal.pose.estimation.PoseEstimator.variant`), not the one asked for.
    rotation : int
        Rotation applied to the decoded frames, in degrees.
    dose : SessionDose, optional
        Load, sets × reps, pain and effort entered for the session; an empty
        dose is stored as ``null``.

    Returns
    -------
    Report
        The ``report.json`` contents, stamped with this version and the time now.
    """
    return Report(
        movequal_version=__version__,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        source=SourceInfo(
            file=file,
            duration_s=round(duration_s, 3),
            fps=round(fps, 3),
            width=frame_size[0],
            height=frame_size[1],
            rotation=rotation,
            model=model,
        ),
        assessment=result.assessment,
        tracking=result.tracking,
        rep_curves=compute_rep_curves(result.kinematics, result.assessment.reps, result.assessment.view),
        dose=None if dose is None or dose.is_empty else dose,
    )
