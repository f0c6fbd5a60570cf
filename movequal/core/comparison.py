"""Like with like: whether two sessions measured a metric the same way, and their per-metric comparison.

A side view reads sagittal angles from the image; an oblique or front view reads
them from the 3D landmarks, which run tens of degrees apart on the same movement
(a 57° knee-flexion "improvement" between an oblique and a side session was the
camera, not the patient). Two sessions are compared metric by metric only where
both measured the metric the same way; a metric measured differently is "not
comparable" and gets no verdict. A change of camera view, pose model or movement
is always named, whether or not it changes a metric's measurement.

Changes are judged against the metric's minimal detectable change (MDC95, see
:mod:`movequal.core.progress`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from movequal.core.metric_registry import METHOD_WORDS, METRIC_BY_KEY, find_summary_key
from movequal.core.progress import MDC95_FACTOR, TRACKED_SEM, Verdict, judge_change

Comparison = Verdict | Literal["not comparable"]


def format_error(value: float, unit: str) -> str:
    """Write a measurement error with two significant digits, so a small one never shows as ``±0.0``."""
    if value == 0 or not math.isfinite(value):
        return f"±{value:g} {unit}".rstrip()
    digits = max(0, 1 - math.floor(math.log10(abs(value))))
    return f"±{value:.{digits}f} {unit}".rstrip()


@dataclass(frozen=True)
class SessionFacts:
    """What decides whether two sessions measure alike: movement, camera view, pose model."""

    movement: str
    view: str
    model: str | None

    @classmethod
    def from_report(cls, report: Mapping[str, Any]) -> SessionFacts:
        """Read the facts from a ``report.json`` object."""
        assessment = report["assessment"]
        return cls(str(assessment["movement"]), str(assessment["view"]), report.get("source", {}).get("model"))


def describe_differences(baseline: SessionFacts, other: SessionFacts) -> list[str]:
    """Name every change of movement, camera view or pose model between two sessions, in plain words."""
    changes = []
    if baseline.movement != other.movement:
        changes.append(f"The movement differs ({baseline.movement} → {other.movement}): nothing is compared.")
    if baseline.view != other.view:
        changes.append(
            f"The camera view changed ({baseline.view} → {other.view}): metrics read differently from the two "
            "views are marked not comparable."
        )
    if baseline.model != other.model and baseline.model and other.model:
        changes.append(f"The pose model changed ({baseline.model} → {other.model}): small changes may be the model's.")
    return changes


@dataclass(frozen=True)
class MetricChange:
    """One metric in a baseline session and a later one."""

    key: str
    label: str
    unit: str
    baseline: float
    value: float
    change: float
    mdc95: float
    error_text: str
    """The MDC95 written for a reader (``±4.9 deg``)."""
    verdict: Comparison
    note: str | None = None
    """Why the metric is not comparable, when it is not."""


def _values(assessment: Mapping[str, Any]) -> dict[str, float]:
    values = {}
    if assessment.get("score") is not None:
        values["score"] = float(assessment["score"])
    for metric in assessment["metrics"]:
        key = find_summary_key(metric)
        if metric["value"] is not None and key in TRACKED_SEM:
            values[key] = float(metric["value"])
    return values


def compare_to_baseline(baseline: Mapping[str, Any], other: Mapping[str, Any]) -> list[MetricChange]:
    """Compare every metric both ``report.json`` objects measured, in registry order.

    Returns an empty list when the movements differ. A metric is "not comparable" when the two views
    measure it by different methods (:meth:`~movequal.core.metric_registry.MetricDef.method_in`);
    otherwise its change is judged against its MDC95.
    """
    facts = SessionFacts.from_report(baseline), SessionFacts.from_report(other)
    if facts[0].movement != facts[1].movement:
        return []
    before, after = _values(baseline["assessment"]), _values(other["assessment"])
    changes = []
    for key in TRACKED_SEM:
        if key not in before or key not in after:
            continue
        spec = METRIC_BY_KEY[key]
        mdc = MDC95_FACTOR * TRACKED_SEM[key]
        change = after[key] - before[key]
        methods = spec.method_in(facts[0].view), spec.method_in(facts[1].view)
        note: str | None = None
        verdict: Comparison
        if methods[0] != methods[1]:
            verdict = "not comparable"
            note = (
                f"read {METHOD_WORDS[methods[0]]} in the baseline ({facts[0].view} view) "
                f"and {METHOD_WORDS[methods[1]]} now ({facts[1].view} view)"
            )
        else:
            verdict = judge_change(change, mdc, spec.higher_is_better_in(facts[1].movement))[1] or "no real change"
        changes.append(
            MetricChange(
                key, spec.label, spec.unit, before[key], after[key], round(change, 4), round(mdc, 4),
                format_error(mdc, spec.unit), verdict, note,
            )
        )  # fmt: skip
    return changes
