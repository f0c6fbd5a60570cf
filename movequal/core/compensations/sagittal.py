"""Rules read from a side view: depth, trunk lean, heel lift, knee dominance, hip hinge, hips rising first.

Depth and the sit-to-stand trunk lean are also read from the 3D landmarks in other views.

The movements and views each rule applies to are declared in
:data:`movequal.core.compensations.RULES`; the rules themselves do not check them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from movequal.core.assessment import Finding
from movequal.core.compensations.base import Hit, RuleContext, ThresholdRule, evidence_of, grade, make_finding
from movequal.core.compensations.metrics import RepMetrics
from movequal.core.movement_registry import get_profile


def _finite(value: float) -> bool:
    return bool(np.isfinite(value))


SHALLOW_DEPTH = ThresholdRule(
    code="shallow_depth",
    title="Shallow squat",
    cue="Sit a little deeper, as if onto a low chair.",
    attr="peak_thigh_inclination",
    evidence="deepest thigh angle from vertical (90° = level)",
    unit="deg",
    moderate=15.0,
    severe=30.0,
    below=True,
    metric="peak_thigh_inclination",
)


def detect_shallow_depth(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Squat reps whose thighs stay short of level at the bottom (3D angle outside side views)."""
    return SHALLOW_DEPTH.apply(reps, ctx, ctx.thresholds.squat.shallow_thigh_deg)


TRUNK_LEAN = ThresholdRule(
    code="trunk_lean",
    title="Trunk leans forward more than the shins",
    cue="Keep your chest up as you sit down.",
    attr="trunk_minus_tibia",
    evidence="trunk minus tibia inclination at the bottom",
    unit="deg",
    moderate=10.0,
    severe=25.0,
    metric="trunk_minus_tibia_at_bottom",
)


def detect_trunk_lean(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Squat reps where the trunk is much further forward than the shins at the bottom (side view)."""
    return TRUNK_LEAN.apply(reps, ctx, ctx.thresholds.squat.trunk_lean_excess_deg)


FORWARD_TRUNK_LEAN = ThresholdRule(
    code="forward_trunk_lean",
    title="Leans far forward to stand up",
    cue="Slide to the front of the seat and bring your feet back a little, then stand with your chest up.",
    attr="peak_trunk_inclination",
    evidence="peak trunk inclination",
    unit="deg",
    moderate=10.0,
    severe=20.0,
)
"""No measurement-error margin: the threshold is a normal limit (mean + 2 SD) and a margin
cost sensitivity on the UI-PRMD sit-to-stands with no gain in specificity (docs/SCORING.md)."""


def detect_forward_trunk_lean(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Sit-to-stand reps with more forward trunk lean than pain-free adults use (side views only)."""
    return FORWARD_TRUNK_LEAN.apply(reps, ctx, ctx.thresholds.sit_to_stand.max_trunk_deg)


def detect_heel_lift(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Reps where a heel rises off the floor (side view)."""
    th = ctx.thresholds.squat.heel_lift_leg
    rule = ThresholdRule(
        code="heel_lift",
        title="Heels lift off the floor",
        cue="Keep your heels down and your weight over the middle of your feet.",
        attr="peak_heel_height",
        evidence="heel rise",
        unit="leg lengths",
        moderate=th,
        severe=2 * th,
    )
    return rule.apply(reps, ctx, th)


def detect_knee_dominant(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Squats led by the knees rather than the hips, or lifts done as a squat.

    Notes
    -----
    A trunk-driven movement (a lift) is judged on its knee flexion at the
    bottom; a hip-driven one (a squat) on its knee over hip flexion.
    """
    sq = ctx.thresholds.squat
    if get_profile(ctx.movement).trunk_driven:
        limit = sq.lift_knee_deg + ctx.margin("peak_knee_flexion")
        hits = [
            Hit(r, r.peak_knee_flexion, grade(r.peak_knee_flexion - limit, 15, 30))
            for r in reps
            if _finite(r.peak_knee_flexion) and r.peak_knee_flexion > limit
        ]
        evidence = evidence_of("knee flexion at the bottom", hits, "deg", limit) if hits else []
        cue = "Start with your hips higher: hinge, don't squat the weight up."
    else:
        ratio = [(r, r.peak_knee_flexion / r.peak_hip_flexion if r.peak_hip_flexion > 20 else np.nan) for r in reps]
        hits = [Hit(r, v, grade(v - sq.knee_dominant_ratio, 0.3, 0.6)) for r, v in ratio if v > sq.knee_dominant_ratio]
        evidence = evidence_of("knee over hip flexion", hits, "ratio", sq.knee_dominant_ratio) if hits else []
        cue = "Send your hips back first, then bend your knees."
    return make_finding(
        code="knee_dominant",
        title="Knees lead the movement instead of the hips",
        cue=cue,
        hits=hits,
        reps=reps,
        evidence=evidence,
        ctx=ctx,
    )


def detect_hip_avoidant_bending(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Lifts and bends where the trunk tilts far but little of it happens at the hips (side view).

    Notes
    -----
    Two measurements can show it, and either is enough:

    - the back's outline (segmentation mask) bends by more than
      ``max_back_bend_deg`` at the bottom: the back rounds. Only for a task
      done with a neutral spine (a lift, ``MovementProfile.neutral_spine``):
      at the end of an unloaded forward bend the lower back rounds by design;
    - a low hip share (:func:`~movequal.core.compensations.metrics.compute_hip_share`)
      while the hips also travel back little for the trunk's tilt; both must
      agree, since each alone is confounded (shoulder protraction shortens the
      trunk chord; bent knees move the hips without a hinge).
    """
    th = ctx.thresholds.hinge
    outline = get_profile(ctx.movement).neutral_spine
    rounded, low_share = [], []
    for r in reps:
        if not r.peak_trunk_inclination >= th.min_trunk_deg:
            continue
        if outline and _finite(r.back_bend) and r.back_bend > th.max_back_bend_deg:
            rounded.append(Hit(r, r.back_bend, grade(r.back_bend - th.max_back_bend_deg, 5.0, 15.0)))
            continue
        per_tilt = r.posterior_hip_shift / np.sin(np.radians(r.peak_trunk_inclination))
        if _finite(r.hip_share) and r.hip_share < th.min_hip_share and not per_tilt >= th.min_hip_shift_per_tilt:
            low_share.append(Hit(r, 100.0 * r.hip_share, grade(th.min_hip_share - r.hip_share, 0.15, 0.3)))
    evidence = evidence_of("back outline bend at the bottom", rounded, "deg", th.max_back_bend_deg) if rounded else []
    if low_share:
        evidence += evidence_of("hip share of the bend", low_share, "%", 100.0 * th.min_hip_share, worst="min")
    return make_finding(
        code="hip_avoidant_bending",
        title="Bending through the back rather than the hips",
        cue=(
            "Push your hips back as you bend, and keep your back long."
            if outline
            else "Push your hips back as you bend, so your hips do more of the bending."
        ),
        hits=sorted(rounded + low_share, key=lambda h: h.rep.number),
        reps=reps,
        evidence=evidence,
        ctx=ctx,
    )


HIPS_RISE_FIRST = ThresholdRule(
    code="hips_rise_first",
    title="Hips rise before the chest",
    cue="Lift your chest and hips together as you stand up.",
    attr="hips_rise_first",
    evidence="hip rise ahead of the trunk, mid-ascent",
    unit="fraction",
    moderate=0.15,
    severe=0.3,
)


def detect_hips_rise_first(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """On the way up, the hips rise before the chest (the trunk straightens late)."""
    return HIPS_RISE_FIRST.apply(reps, ctx, ctx.thresholds.squat.hips_rise_first)
