"""What every rule shares: the rule signature, severity grading and the finding builder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import get_args

import numpy as np

from movequal.core.assessment import Evidence, Finding, Movement, Severity, View
from movequal.core.compensations.config import Thresholds
from movequal.core.compensations.metrics import RepMetrics
from movequal.core.metric_registry import get_metric
from movequal.core.movement_registry import REPEATED_MOVEMENTS

SEVERITY_POINTS: dict[str, float] = {"mild": 5.0, "moderate": 10.0, "severe": 20.0}
"""Points a finding removes from each rep it is seen in."""

VIEW_CONFIDENCE_3D = 0.7
"""Confidence factor for metrics read from the 3D landmarks (oblique or frontal views)."""

SEM_MARGIN = 1.0
"""Margin a rule's threshold gets, in standard errors of measurement of its metric.

One session's value lies within one SEM of the true value about two times in
three (Weir 2005, J Strength Cond Res 19(1):231-240); asking the value to clear
the threshold by one SEM keeps a clean rep that reads just past the threshold
through measurement error alone from being flagged. See docs/SCORING.md.
"""


@dataclass(frozen=True)
class RuleContext:
    """What a rule may read besides the reps."""

    view: View
    movement: Movement
    thresholds: Thresholds
    visibility: float = 1.0
    """Mean visibility (0–1) of the landmarks the assessment relies on."""
    sem_margin: float = SEM_MARGIN
    """Margin added to thresholds, in SEMs of the metric (0 turns margins off)."""
    height_m: float | None = None
    """The patient's height, when known: rules whose published limits are in centimetres need it."""

    def margin(self, metric: str | None) -> float:
        """Margin of a threshold on the registry metric ``metric`` (0 when ``None`` or without an SEM)."""
        if metric is None:
            return 0.0
        sem = get_metric(metric).sem
        return self.sem_margin * sem if sem is not None else 0.0


Rule = Callable[[Sequence[RepMetrics], RuleContext], Finding | None]

EVERY_VIEW: frozenset[View] = frozenset(get_args(View))
"""Every camera view, ``"unknown"`` included."""


@dataclass(frozen=True)
class RuleSpec:
    """A rule, with the finding code it reports and the movements and views it applies to.

    Parameters
    ----------
    code : str
        Code of the finding the rule reports.
    detect : Rule
        The rule: reps and context in, a finding or ``None`` out.
    movements : tuple of Movement
        Movements the rule judges (every movement by default).
    views : frozenset of View
        Camera views where the rule's metrics can be measured (every view by default).
    check : str
        What the rule looks for, in plain language and without naming a side or a result
        (unlike a finding's title, e.g. "the hips shifting to one side"); a report lists it
        when the view cannot make the check.
    square_on : bool
        Whether the rule reads a rep only when the body faces the camera squarely
        (:data:`~movequal.core.views.SQUARE_ON_MAX_YAW_DEG`); its metrics are NaN on a rep
        filmed turned further, and a report lists the check when no rep was square on.
    """

    code: str
    detect: Rule
    movements: tuple[Movement, ...] = REPEATED_MOVEMENTS
    views: frozenset[View] = EVERY_VIEW
    check: str = field(kw_only=True)
    square_on: bool = field(default=False, kw_only=True)

    def applies(self, movement: Movement, view: View) -> bool:
        """Return whether the rule judges ``movement`` seen from ``view``."""
        return movement in self.movements and view in self.views


def grade(excess: float, moderate: float, severe: float) -> Severity:
    """Severity from how far a value is past its threshold."""
    return "severe" if excess >= severe else "moderate" if excess >= moderate else "mild"


@dataclass(frozen=True)
class Hit:
    """One rep where a rule fired, with its value and grade."""

    rep: RepMetrics
    value: float
    severity: Severity


def make_finding(
    *,
    code: str,
    title: str,
    cue: str,
    hits: Sequence[Hit],
    reps: Sequence[RepMetrics],
    evidence: list[Evidence],
    ctx: RuleContext,
) -> Finding | None:
    """Build a finding from the reps where it fired (``None`` when none did).

    Notes
    -----
    The finding's severity is the most common grade among its reps (the worse
    one on a tie), so one extreme rep does not make a whole set severe.
    Each rep loses the points of its own grade; ``points_lost`` is those points
    averaged over all reps, so the overall score (the mean rep score) is 100
    minus the sum of ``points_lost``.
    Confidence multiplies the landmarks' visibility, a view factor (0.7 for
    angles read from the 3D landmarks) and how consistently the reps show it.
    """
    if not hits:
        return None
    order: list[Severity] = ["mild", "moderate", "severe"]
    counts = {s: sum(h.severity == s for h in hits) for s in order}
    severity = max(order, key=lambda s: (counts[s], order.index(s)))
    share = len(hits) / len(reps)
    view_factor = VIEW_CONFIDENCE_3D if any(h.rep.used_3d for h in hits) else 1.0
    confidence = float(np.clip(ctx.visibility, 0.0, 1.0)) * view_factor * (0.5 + 0.5 * share)
    return Finding(
        code=code,
        title=title,
        severity=severity,
        confidence=round(confidence, 2),
        evidence=evidence,
        cue=cue,
        reps=[h.rep.number for h in hits],
        rep_severity=[h.severity for h in hits],
        frames=[h.rep.frames for h in hits],
        points_lost=round(sum(SEVERITY_POINTS[h.severity] for h in hits) / len(reps), 2),
    )


def evidence_of(name: str, hits: Sequence[Hit], unit: str, threshold: float, worst: str = "max") -> list[Evidence]:
    """Worst and mean value over the hits, as two evidence entries."""
    values = [h.value for h in hits]
    pick = max(values) if worst == "max" else min(values)
    digits = 1 if unit in ("deg", "%", "s") else 3
    return [
        Evidence(name=f"worst {name}", value=round(pick, digits), unit=unit, threshold=threshold),
        Evidence(name=f"mean {name} over flagged reps", value=round(float(np.mean(values)), digits), unit=unit),
    ]


@dataclass(frozen=True)
class ThresholdRule:
    """A finding that fires on reps whose metric ``attr`` is past ``threshold`` (above it, or below when ``below``)."""

    code: str
    title: str
    cue: str
    attr: str
    evidence: str
    unit: str
    moderate: float
    """Excess over the threshold from which a rep is moderate."""
    severe: float
    below: bool = False
    metric: str | None = None
    """Registry key of the metric whose SEM widens the threshold (:meth:`RuleContext.margin`);
    ``None`` when the threshold is documented as already clearing the measurement error."""

    def apply(self, reps: Sequence[RepMetrics], ctx: RuleContext, threshold: float) -> Finding | None:
        """Grade every rep past ``threshold`` plus the margin and build the finding (``None`` when no rep is).

        The margin moves the threshold away from normal (down for a ``below``
        rule); the excess that grades a rep and the evidence's threshold are
        measured from the widened threshold.
        """
        margin = ctx.margin(self.metric)
        threshold = threshold - margin if self.below else threshold + margin
        hits = []
        for r in reps:
            value = float(getattr(r, self.attr))
            excess = threshold - value if self.below else value - threshold
            if np.isfinite(value) and excess > 0:
                hits.append(Hit(r, value, grade(excess, self.moderate, self.severe)))
        worst = "min" if self.below else "max"
        return make_finding(
            code=self.code,
            title=self.title,
            cue=self.cue,
            hits=hits,
            reps=reps,
            evidence=evidence_of(self.evidence, hits, self.unit, threshold, worst=worst) if hits else [],
            ctx=ctx,
        )
