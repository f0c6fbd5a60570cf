"""The assessment of a task not done in repetitions, from its measured units and findings.

Walking (passes), the timed up-and-go (the one test) and the balance tests
(holds) each measure their own block; this turns that block, its findings and
the number of units measured into the report's :class:`Assessment` the same
way for all of them.
"""

from __future__ import annotations

from typing import Any

from movequal.core.assessment import Assessment, Finding, MovementResult, View
from movequal.core.movements import Recognition
from movequal.core.verdict import compute_rating


def to_task_assessment(
    recognition: Recognition,
    detected: bool,
    view: View,
    findings: list[Finding],
    measured: tuple[int, str],
    *,
    message: str | None,
    **block: Any,
) -> Assessment:
    """Return the assessment of a task measured in units other than reps.

    Parameters
    ----------
    recognition : Recognition
        How the movement was named; its ``nearest`` is the movement.
    detected : bool
        Whether the movement was recognised automatically.
    view : View
        The camera view.
    findings : list of Finding
        The task's findings, each with the units it was seen in.
    measured : tuple of (int, str)
        How many units were measured, and the unit's name for the verdict's
        wording ("pass", "test", "hold").
    message : str or None
        Why nothing was measured (None when something was).
    **block
        The task's report block, e.g. ``gait=...``.

    Notes
    -----
    The score is 100 minus the findings' points, and only when a unit was
    measured; the verdict's caps count the units as they count reps.
    """
    count, unit = measured
    score = round(max(0.0, 100.0 - sum(f.points_lost for f in findings)), 1) if count else None
    movement: MovementResult = recognition.nearest
    return Assessment(
        movement=movement,
        movement_detected=detected,
        movement_confidence=recognition.confidence if detected else None,
        message=message,
        view=view,
        reps=[],
        findings=findings,
        score=score,
        rating=compute_rating(score, findings, count, unit=unit),
        metrics=[],
        **block,
    )
