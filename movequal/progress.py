"""A patient's progress: each metric across sessions, and whether it really changed.

A change between the first and the latest session is called real only when it
exceeds the metric's minimal detectable change, ``MDC95 = 1.96 × √2 × SEM``
(Weir 2005, J Strength Cond Res 19:231-240; Haley & Fragala-Pinkham 2006,
Phys Ther 86:735-743), where SEM is the standard error of measurement of one
session's value. A smaller change is reported as "no real change".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Verdict = Literal["improved", "worsened", "changed", "no real change"]

MDC95_FACTOR = 1.96 * math.sqrt(2.0)


@dataclass(frozen=True)
class MetricError:
    """How precisely one session measures a metric, and which direction is better."""

    label: str
    unit: str
    sem: float
    higher_is_better: bool | None
    source: str


MEASUREMENT_ERROR: dict[str, MetricError] = {
    "score": MetricError(
        "Overall score",
        "points",
        5.0,
        True,
        "project estimate: one finding changing severity class moves the score by about 5 points",
    ),
    "peak knee flexion": MetricError(
        "Peak knee flexion",
        "deg",
        5.0,
        True,
        "video pose vs marker-based sagittal knee angles, errors of 3-7 deg (Washabaugh et al. 2022, Gait Posture 97)",
    ),
    "peak hip flexion": MetricError(
        "Peak hip flexion", "deg", 6.0, True, "video pose hip angles, errors of 5-9 deg (Washabaugh et al. 2022)"
    ),
    "peak trunk inclination": MetricError(
        "Peak trunk inclination",
        "deg",
        4.0,
        None,
        "2D video vs 3D capture of trunk angles (Schurr et al. 2017, Int J Sports Phys Ther 12:163-172)",
    ),
    "trunk minus tibia at the bottom": MetricError("Trunk minus tibia", "deg", 5.0, None, "sum of two segment errors"),
    "hip share of the bend": MetricError(
        "Hip share of the bend", "%", 8.0, True, "ratio of two angles with about 5 deg error each"
    ),
    "back outline bend at the bottom": MetricError(
        "Back outline bend", "deg", 5.0, False, "body-mask outline; project estimate"
    ),
    "posterior hip shift": MetricError(
        "Posterior hip shift", "leg lengths", 0.03, True, "landmark jitter, project estimate"
    ),
    "peak heel rise": MetricError("Peak heel rise", "leg lengths", 0.02, False, "landmark jitter, project estimate"),
    "peak knee valgus (FPPA)": MetricError(
        "Peak knee valgus (FPPA)",
        "deg",
        3.0,
        False,
        "2D FPPA test-retest SEM 1.7-2.7 deg (Munro, Herrington & Carolan 2012, J Sport Rehabil 21:7-11)",
    ),
    "lateral hip shift": MetricError(
        "Lateral hip shift", "leg lengths", 0.03, False, "landmark jitter, project estimate"
    ),
    "pelvic obliquity change": MetricError("Pelvic obliquity change", "deg", 2.0, False, "project estimate"),
    "knee flexion symmetry index": MetricError("Knee flexion symmetry index", "%", 5.0, False, "project estimate"),
    "rep duration": MetricError("Rep duration", "s", 0.2, None, "rep edges are placed to about 3 frames"),
    "peak angular speed": MetricError(
        "Peak angular speed", "deg/s", 30.0, True, "guarding shows as slow movement; project estimate"
    ),
    "smoothness (SPARC)": MetricError(
        "Smoothness (SPARC)",
        "",
        0.3,
        True,
        "SPARC nearer 0 is smoother (Balasubramanian et al. 2015, J NeuroEng Rehabil 12:112)",
    ),
}
"""SEM per metric (by its name in ``report.json``) with its source."""


@dataclass(frozen=True)
class SessionResult:
    """One analysed session: its id, date and ``report.json`` ``assessment`` object."""

    analysis_id: str
    session_date: date
    assessment: dict[str, Any]


@dataclass(frozen=True)
class MetricSeries:
    """One metric of one movement across sessions, oldest first."""

    movement: str
    metric: str
    label: str
    unit: str
    higher_is_better: bool | None
    measurement_error: float
    mdc95: float
    points: list[tuple[str, date, float]]
    change: float | None
    change_exceeds_error: bool
    verdict: Verdict | None


def _values(assessment: dict[str, Any]) -> Iterable[tuple[str, float]]:
    if assessment.get("score") is not None:
        yield "score", float(assessment["score"])
    for metric in assessment["metrics"]:
        if metric["value"] is not None and metric["name"] in MEASUREMENT_ERROR:
            yield metric["name"], float(metric["value"])


def judge_change(change: float | None, mdc95: float, higher_is_better: bool | None) -> tuple[bool, Verdict | None]:
    """Whether ``change`` exceeds ``mdc95``, and what it means for the patient."""
    if change is None:
        return False, None
    if abs(change) <= mdc95:
        return False, "no real change"
    if higher_is_better is None:
        return True, "changed"
    return True, "improved" if (change > 0) == higher_is_better else "worsened"


def compute_progress(sessions: Sequence[SessionResult]) -> list[MetricSeries]:
    """Build every metric's series per movement, oldest session first.

    Parameters
    ----------
    sessions : sequence of SessionResult
        Finished analyses of one patient, in any order.

    Returns
    -------
    list of MetricSeries
        Sorted by movement, then with the overall score first and the other
        metrics in the order of :data:`MEASUREMENT_ERROR`.

    Notes
    -----
    Different movements are never mixed: a squat's knee flexion says nothing
    about a lift's. Sessions on the same date keep their upload order.
    """
    ordered = sorted(enumerate(sessions), key=lambda pair: (pair[1].session_date, pair[0]))
    grouped: dict[tuple[str, str], list[tuple[str, date, float]]] = {}
    for _, session in ordered:
        movement = session.assessment["movement"]
        for name, value in _values(session.assessment):
            grouped.setdefault((movement, name), []).append((session.analysis_id, session.session_date, value))
    order = {name: i for i, name in enumerate(MEASUREMENT_ERROR)}
    series = []
    for (movement, name), points in sorted(grouped.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        spec = MEASUREMENT_ERROR[name]
        mdc = MDC95_FACTOR * spec.sem
        change = points[-1][2] - points[0][2] if len(points) > 1 else None
        exceeds, verdict = judge_change(change, mdc, spec.higher_is_better)
        series.append(
            MetricSeries(
                movement,
                name,
                spec.label,
                spec.unit,
                spec.higher_is_better,
                spec.sem,
                round(mdc, 4),
                points,
                None if change is None else round(change, 4),
                exceeds,
                verdict,
            )
        )
    return series
