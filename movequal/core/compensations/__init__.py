"""Compensation detectors: small rules that turn per-rep metrics into findings.

Each rule has a stable code (public API: it appears in reports and the
service), the movements it judges and the views it is valid in (declared in
:data:`RULES`; elsewhere it does not run), typed thresholds with their
literature source in :mod:`movequal.core.compensations.config`, a severity per rep,
a confidence and a patient-friendly cue.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from movequal.core.assessment import Finding, Movement, UnjudgedCheck, View
from movequal.core.compensations.base import SEVERITY_POINTS, RuleContext, RuleSpec
from movequal.core.compensations.config import DEFAULT_THRESHOLDS, Thresholds
from movequal.core.compensations.frontal import detect_asymmetry, detect_knee_valgus, detect_lateral_shift
from movequal.core.compensations.metrics import RepMetrics, compute_rep_metrics
from movequal.core.compensations.reach import (
    detect_back_arching,
    detect_incomplete_reach,
    detect_lateral_trunk_lean,
    detect_short_functional_reach,
)
from movequal.core.compensations.sagittal import (
    detect_forward_trunk_lean,
    detect_heel_lift,
    detect_hip_avoidant_bending,
    detect_hips_rise_first,
    detect_knee_dominant,
    detect_shallow_depth,
    detect_trunk_lean,
)
from movequal.core.compensations.stiffness import detect_stiffness
from movequal.core.movement_registry import select_movements
from movequal.core.views import ANY_VIEW, FRONTAL, OBLIQUE, SAGITTAL, SQUARE_ON_MAX_YAW_DEG, describe_views

LEG_DRIVEN = select_movements(lambda p: p.repeated and not p.arms_driven)
"""Repetition tasks the legs or trunk carry: the generic rules' evidence (guarding, knee symmetry, hip shift)
comes from such tasks, so they do not judge a reach."""
OVERHEAD = select_movements(lambda p: p.driver == "arm-elevation")
FORWARD = select_movements(lambda p: p.driver == "hand-reach")

RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "hip_avoidant_bending",
        detect_hip_avoidant_bending,
        ("lift", "bend"),
        SAGITTAL,
        check="bending through the back rather than the hips",
    ),
    RuleSpec("asymmetry", detect_asymmetry, LEG_DRIVEN, FRONTAL, check="left and right sides working unevenly"),
    RuleSpec("stiffness", detect_stiffness, LEG_DRIVEN, check="slow, guarded movement"),
    RuleSpec("shallow_depth", detect_shallow_depth, ("squat",), check="how deep the squat goes"),
    RuleSpec(
        "trunk_lean", detect_trunk_lean, ("squat",), SAGITTAL, check="the trunk leaning further forward than the shins"
    ),
    RuleSpec(
        "knee_valgus",
        detect_knee_valgus,
        select_movements(lambda p: p.loaded),
        FRONTAL,
        check="knees falling inwards",
        square_on=True,
    ),
    # A lunge's back heel rises by design; sit-to-stand and bends are not judged on it.
    RuleSpec("heel_lift", detect_heel_lift, ("squat", "lift"), SAGITTAL, check="heels lifting off the floor"),
    RuleSpec(
        "lateral_shift",
        detect_lateral_shift,
        LEG_DRIVEN,
        FRONTAL,
        check="the hips shifting to one side",
        square_on=True,
    ),
    # Both compare sagittal-plane angles, which a front view reads only along the camera's depth axis.
    RuleSpec(
        "knee_dominant",
        detect_knee_dominant,
        ("squat", "lift"),
        SAGITTAL | OBLIQUE,
        check="knees leading the movement instead of the hips",
    ),
    RuleSpec(
        "hips_rise_first",
        detect_hips_rise_first,
        ("squat", "lift"),
        SAGITTAL | OBLIQUE,
        check="hips rising before the chest",
    ),
    # Off the side the forward lean lies along the pose model's depth guess, which tilts an upright trunk by up to
    # 20° on real clips (docs/EVALUATION.md §51): only the image of a side view reads it.
    RuleSpec(
        "forward_trunk_lean",
        detect_forward_trunk_lean,
        ("sit-to-stand",),
        SAGITTAL,
        check="leaning far forward to stand up",
    ),
    RuleSpec("incomplete_overhead_reach", detect_incomplete_reach, OVERHEAD, check="arms reaching fully overhead"),
    # Backward tilt is read in the image's plane, sideways lean likewise: each only where that plane faces the camera.
    RuleSpec("back_arching", detect_back_arching, OVERHEAD, SAGITTAL, check="arching the lower back to reach up"),
    RuleSpec(
        "lateral_trunk_lean", detect_lateral_trunk_lean, OVERHEAD, FRONTAL, check="leaning to the side while reaching"
    ),
    RuleSpec(
        "short_functional_reach",
        detect_short_functional_reach,
        FORWARD,
        SAGITTAL,
        check="how far forward the reach goes",
    ),
)
"""Every rule with the movements and views it applies to, in report order.

A rule's views are those where its metrics can be measured (they are NaN
elsewhere); the movements are those it is meant to judge.
"""

FINDING_CODES: tuple[str, ...] = tuple(spec.code for spec in RULES)
"""Every finding code, in report order."""


def _name_reps(numbers: Sequence[int]) -> str:
    """``rep 2``, ``reps 2 and 5`` or ``reps 2, 5 and 7``."""
    if len(numbers) == 1:
        return f"rep {numbers[0]}"
    return "reps " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _square_on_needs(turned: Sequence[RepMetrics], every: bool) -> str:
    """Say what a ``square_on`` check needs, and how far the patient stood turned on the reps it was not made on."""
    where = "they" if every else f"on {_name_reps([r.number for r in turned])} they"
    return (
        f"the patient facing the camera, turned {SQUARE_ON_MAX_YAW_DEG:.0f}° at most; "
        f"{where} stood turned about {float(np.median([r.body_yaw for r in turned])):.0f}°"
    )


def list_unjudged_checks(movement: Movement, view: View, reps: Sequence[RepMetrics] = ()) -> list[UnjudgedCheck]:
    """List the checks :data:`RULES` declare for ``movement`` that ``view`` (or ``reps``) could not make, in order.

    Notes
    -----
    A report without a finding from such a check has not cleared it: the
    check never ran. Listing them keeps "no finding" from reading as "fine"
    (a lift filmed from 45° has not been judged for a rounded back). A
    ``square_on`` check the view allows is listed too when ``reps`` are given
    and on some of them the body did not face the camera squarely: with no
    ``reps`` on the entry when that was every rep, else with the reps it
    was not made on (an unmeasured turn is not a turn).
    """
    turned = [r for r in reps if r.body_yaw > SQUARE_ON_MAX_YAW_DEG]  # NaN compares False
    every = bool(reps) and len(turned) == len(reps)
    square_on_needs = _square_on_needs(turned, every) if turned else ""
    turned_numbers = [] if every else [r.number for r in turned]
    unjudged = []
    for spec in RULES:
        if movement not in spec.movements:
            continue
        numbers: list[int] = []
        if not spec.applies(movement, view):
            needs = describe_views(spec.views)
        elif spec.square_on and turned:
            needs, numbers = square_on_needs, turned_numbers
        else:
            continue
        views = sorted(spec.views & ANY_VIEW)
        unjudged.append(UnjudgedCheck(code=spec.code, check=spec.check, needs=needs, views=views, reps=numbers))
    return unjudged


def detect_compensations(
    reps: Sequence[RepMetrics],
    view: View,
    movement: Movement,
    thresholds: Thresholds | None = None,
    visibility: float = 1.0,
    *,
    height_m: float | None = None,
) -> list[Finding]:
    """Run the rules declared for this movement and view over the reps; return the findings that fired."""
    if not reps:
        return []
    ctx = RuleContext(view, movement, thresholds or DEFAULT_THRESHOLDS, visibility, height_m=height_m)
    return [f for spec in RULES if spec.applies(movement, view) and (f := spec.detect(reps, ctx)) is not None]


__all__ = [
    "DEFAULT_THRESHOLDS",
    "FINDING_CODES",
    "RULES",
    "SEVERITY_POINTS",
    "RepMetrics",
    "RuleContext",
    "RuleSpec",
    "Thresholds",
    "compute_rep_metrics",
    "detect_compensations",
    "list_unjudged_checks",
]
