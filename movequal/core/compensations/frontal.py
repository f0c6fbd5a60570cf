"""Rules read from a front view: knee valgus, lateral shift and left/right asymmetry.

The movements and views each rule applies to are declared in
:data:`movequal.core.compensations.RULES`; the rules themselves do not check them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from movequal.core.assessment import Evidence, Finding
from movequal.core.compensations.base import Hit, RuleContext, ThresholdRule, evidence_of, grade, make_finding
from movequal.core.compensations.metrics import RepMetrics

KNEE_VALGUS = ThresholdRule(
    code="knee_valgus",
    title="Knees fall inwards",
    cue="Push your knees out over your little toes.",
    attr="peak_valgus",
    evidence="knee valgus (frontal plane projection angle)",
    unit="deg",
    moderate=5.0,
    severe=10.0,
)


def detect_knee_valgus(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Knees falling inwards: frontal plane projection angle past the threshold (front view)."""
    return KNEE_VALGUS.apply(reps, ctx, ctx.thresholds.frontal.valgus_deg)


def detect_lateral_shift(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Hips shifting towards one side during the rep (front view)."""
    th = ctx.thresholds.frontal.lateral_shift_leg
    hits = [
        Hit(r, r.lateral_shift, grade(abs(r.lateral_shift) - th, th, 2 * th))
        for r in reps
        if np.isfinite(r.lateral_shift) and abs(r.lateral_shift) > th
    ]
    if not hits:
        return None
    side = "left" if np.mean([h.value for h in hits]) > 0 else "right"
    shown = [Hit(h.rep, abs(h.value), h.severity) for h in hits]
    return make_finding(
        code="lateral_shift",
        title=f"Hips shift to the {side}",
        cue="Even the weight on both feet.",
        hits=shown,
        reps=reps,
        evidence=evidence_of(f"sideways hip shift (towards the {side})", shown, "leg lengths", th),
        ctx=ctx,
    )


def detect_asymmetry(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Left and right legs bending by different amounts, or the pelvis tilting (front view).

    Notes
    -----
    The knee symmetry index must exceed its threshold *and* the difference
    must exceed the angle error, so two tiny angles cannot make a big index.
    A squat's pelvic tilt counts only past the normal range of a correct deep
    squat, widened by the measurement-error margin of ``pelvic_obliquity``
    (:meth:`RuleContext.margin`); the other thresholds already include it.
    """
    th = ctx.thresholds.frontal
    si_limit = th.symmetry_index_pct
    if ctx.movement == "squat":
        tilt_limit = th.squat_pelvic_obliquity_deg + ctx.margin("pelvic_obliquity")
    else:
        tilt_limit = th.pelvic_obliquity_deg
    hits = []
    for r in reps:
        knees = np.isfinite(r.knee_symmetry_index) and r.knee_symmetry_index > si_limit
        knees = knees and abs(r.knee_difference) >= th.min_asymmetry_deg
        pelvis = np.isfinite(r.pelvic_obliquity) and abs(r.pelvic_obliquity) > tilt_limit
        if knees or pelvis:
            index = float(r.knee_symmetry_index) if np.isfinite(r.knee_symmetry_index) else 0.0
            excess = index / si_limit - 1.0 if knees else 0.0
            hits.append(Hit(r, index, grade(excess, 0.5, 1.0)))
    if not hits:
        return None
    evidence = evidence_of("knee flexion symmetry index", hits, "%", si_limit)
    tilts = [abs(h.rep.pelvic_obliquity) for h in hits if np.isfinite(h.rep.pelvic_obliquity)]
    if tilts:
        evidence.append(
            Evidence(name="largest pelvic tilt", value=round(max(tilts), 1), unit="deg", threshold=tilt_limit)
        )
    return make_finding(
        code="asymmetry",
        title="Left and right sides work unevenly",
        cue="Bend both knees the same amount and keep your hips level.",
        hits=hits,
        reps=reps,
        evidence=evidence,
        ctx=ctx,
    )
