"""A patient's progress: each metric across sessions, and whether it really changed.

A change between the first and the latest session is called real only when it
exceeds the metric's minimal detectable change, ``MDC95 = 1.96 × √2 × SEM``
(Weir 2005, J Strength Cond Res 19:231-240; Haley & Fragala-Pinkham 2006,
Phys Ther 86:735-743), where SEM is the standard error of measurement of one
session's value. A smaller change is reported as "no real change". Each
metric's SEM, its source and which direction is better are in
:mod:`movequal.core.metric_registry`; series are keyed by the registry's stable key.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from movequal.core.metric_registry import METHOD_WORDS, METRIC_BY_KEY, METRIC_DEFS, SCORE, find_summary_key

Verdict = Literal["improved", "worsened", "changed", "no real change", "not comparable"]
"""What a change means; "not comparable" when the two sessions measured the metric differently."""

MDC95_FACTOR = 1.96 * math.sqrt(2.0)
TRACKED_SEM: dict[str, float] = {metric.key: metric.sem for metric in METRIC_DEFS if metric.sem is not None}
"""SEM of every metric followed across sessions, by registry key (in registry order)."""


@dataclass(frozen=True)
class SessionResult:
    """One analysed session: its id, date, ``report.json`` ``assessment`` object and the pose model that ran."""

    analysis_id: str
    session_date: date
    assessment: dict[str, Any]
    model: str | None = None


@dataclass(frozen=True)
class MetricSeries:
    """One metric of one movement across sessions, oldest first."""

    movement: str
    key: str
    """Stable metric key (:mod:`movequal.core.metric_registry`)."""
    metric: str
    """The metric's name in ``report.json`` (``"score"`` for the overall score)."""
    label: str
    unit: str
    higher_is_better: bool | None
    measurement_error: float
    mdc95: float
    points: list[tuple[str, date, float]]
    change: float | None
    change_exceeds_error: bool
    verdict: Verdict | None
    note: str | None = None
    """Why the first and the latest session cannot be compared, or what changed between them."""


def _values(assessment: dict[str, Any]) -> Iterable[tuple[str, float]]:
    """Registry key and value of the score and of every measured metric that has a measurement error."""
    if assessment.get("score") is not None:
        yield SCORE.key, float(assessment["score"])
    for metric in assessment["metrics"]:
        key = find_summary_key(metric)
        if metric["value"] is not None and key in TRACKED_SEM:
            yield key, float(metric["value"])


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
        metrics in registry order (:data:`~movequal.core.metric_registry.METRIC_DEFS`).

    Notes
    -----
    Different movements are never mixed: a squat's knee flexion says nothing
    about a lift's. Sessions on the same date keep their upload order; a
    session whose movement was not recognised has no values and is left out.
    """
    ordered = sorted(enumerate(sessions), key=lambda pair: (pair[1].session_date, pair[0]))
    by_id = {session.analysis_id: session for _, session in ordered}
    grouped: dict[tuple[str, str], list[tuple[str, date, float]]] = {}
    for _, session in ordered:
        movement = session.assessment["movement"]
        if movement == "unrecognised":  # nothing was scored: no series to extend
            continue
        for key, value in _values(session.assessment):
            grouped.setdefault((movement, key), []).append((session.analysis_id, session.session_date, value))
    order = {key: i for i, key in enumerate(TRACKED_SEM)}
    return [
        _series(movement, key, points, by_id[points[0][0]], by_id[points[-1][0]])
        for (movement, key), points in sorted(grouped.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]


def compare_sessions(key: str, first: SessionResult, latest: SessionResult) -> str | None:
    """Say why two sessions' values of a metric cannot be compared (a different method), else None.

    A side view reads sagittal angles from the picture and other views from the 3D landmarks
    (:meth:`~movequal.core.metric_registry.MetricDef.method_in`); those are not compared with each other.
    """
    views = str(first.assessment.get("view")), str(latest.assessment.get("view"))
    methods = METRIC_BY_KEY[key].method_in(views[0]), METRIC_BY_KEY[key].method_in(views[1])
    if methods[0] == methods[1]:
        return None
    return (
        f"read {METHOD_WORDS[methods[0]]} in the first session ({views[0]} view) "
        f"and {METHOD_WORDS[methods[1]]} in the latest ({views[1]} view)"
    )


def _series(
    movement: str, key: str, points: list[tuple[str, date, float]], first: SessionResult, latest: SessionResult
) -> MetricSeries:
    spec = METRIC_BY_KEY[key]
    sem = TRACKED_SEM[key]
    mdc = MDC95_FACTOR * sem
    change = points[-1][2] - points[0][2] if len(points) > 1 else None
    exceeds, verdict = judge_change(change, mdc, spec.higher_is_better_in(movement))
    note = compare_sessions(key, first, latest) if change is not None else None
    if note is not None:
        exceeds, verdict = False, "not comparable"
    elif change is not None and first.model and latest.model and first.model != latest.model:
        note = f"pose model changed ({first.model} → {latest.model}): small changes may be the model's"
    return MetricSeries(
        movement,
        key,
        spec.name,
        spec.label,
        spec.unit,
        spec.higher_is_better_in(movement),
        sem,
        round(mdc, 4),
        points,
        None if change is None else round(change, 4),
        exceeds,
        verdict,
        note,
    )
