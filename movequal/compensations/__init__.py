"""Compensation detectors: small rules that turn per-rep metrics into findings.

Each rule has a stable code (public API: it appears in reports and the
service), the views it is valid in (its metrics are NaN elsewhere, so it stays
silent), typed thresholds with their literature source in
:mod:`movequal.compensations.config`, a severity per rep, a confidence and a
patient-friendly cue.
"""

from __future__ import annotations

from collections.abc import Sequence

from movequal.assessment import Finding, Movement, View
from movequal.compensations.base import SEVERITY_POINTS, Rule, RuleContext
from movequal.compensations.config import DEFAULT_THRESHOLDS, Thresholds
from movequal.compensations.frontal import detect_asymmetry, detect_knee_valgus, detect_lateral_shift
from movequal.compensations.metrics import RepMetrics, compute_rep_metrics
from movequal.compensations.sagittal import (
    detect_heel_lift,
    detect_hip_avoidant_bending,
    detect_hips_rise_first,
    detect_knee_dominant,
    detect_shallow_depth,
    detect_trunk_lean,
)
from movequal.compensations.stiffness import detect_stiffness

RULES: dict[str, Rule] = {
    "hip_avoidant_bending": detect_hip_avoidant_bending,
    "asymmetry": detect_asymmetry,
    "stiffness": detect_stiffness,
    "shallow_depth": detect_shallow_depth,
    "trunk_lean": detect_trunk_lean,
    "knee_valgus": detect_knee_valgus,
    "heel_lift": detect_heel_lift,
    "lateral_shift": detect_lateral_shift,
    "knee_dominant": detect_knee_dominant,
    "hips_rise_first": detect_hips_rise_first,
}
"""Every rule by its finding code, in report order."""


def detect_compensations(
    reps: Sequence[RepMetrics],
    view: View,
    movement: Movement,
    thresholds: Thresholds | None = None,
    visibility: float = 1.0,
) -> list[Finding]:
    """Run every rule over the reps; return the findings that fired."""
    if not reps:
        return []
    ctx = RuleContext(view, movement, thresholds or DEFAULT_THRESHOLDS, visibility)
    return [f for rule in RULES.values() if (f := rule(reps, ctx)) is not None]


__all__ = [
    "DEFAULT_THRESHOLDS",
    "RULES",
    "SEVERITY_POINTS",
    "RepMetrics",
    "RuleContext",
    "Thresholds",
    "compute_rep_metrics",
    "detect_compensations",
]
