"""Rules of a reach: arms that stop short of overhead, the trunk arching or leaning to get them there, a short reach.

The movements and views each rule applies to are declared in
:data:`movequal.core.compensations.RULES`; the rules themselves do not check them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from movequal.core.assessment import Evidence, Finding, Severity
from movequal.core.compensations.base import Hit, RuleContext, ThresholdRule, make_finding
from movequal.core.compensations.metrics import RepMetrics
from movequal.core.gait import LEG_FRACTION_OF_HEIGHT

INCOMPLETE_REACH = ThresholdRule(
    code="incomplete_overhead_reach",
    title="Arms stop short of overhead",
    cue="Reach all the way up, arms beside your ears, as far as is comfortable.",
    attr="peak_arm_elevation",
    evidence="highest arm against the trunk (180° = straight overhead)",
    unit="deg",
    moderate=30.0,
    severe=60.0,
    below=True,
    metric="peak_arm_elevation",
)
"""Moderate under 120°, severe under 90° (before the margin): see ``ReachThresholds`` in ``config``."""


def detect_incomplete_reach(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Reach reps whose higher arm stays under the normal range of shoulder flexion."""
    return INCOMPLETE_REACH.apply(reps, ctx, ctx.thresholds.reach.min_elevation_deg)


BACK_ARCHING = ThresholdRule(
    code="back_arching",
    title="Arches the lower back to reach up",
    cue="Keep your ribs down and your belly gently firm as you lift your arms.",
    attr="trunk_extension",
    evidence="backward tilt of the trunk against the start of the rep",
    unit="deg",
    moderate=10.0,
    severe=20.0,
)
"""No margin: the threshold is itself the smallest detectable change (``ReachThresholds`` in ``config``)."""


def detect_back_arching(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Reach reps where the trunk tips back by more than a side camera's detectable change (side view)."""
    return BACK_ARCHING.apply(reps, ctx, ctx.thresholds.reach.max_extension_deg)


LATERAL_TRUNK_LEAN = ThresholdRule(
    code="lateral_trunk_lean",
    title="Leans to the side while reaching",
    cue="Stay tall and level; lift the arm without leaning your body.",
    attr="lateral_trunk_lean",
    evidence="sideways trunk lean against the start of the rep",
    unit="deg",
    moderate=5.0,
    severe=10.0,
    metric="lateral_trunk_lean",
)


def detect_lateral_trunk_lean(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Reach reps where the trunk leans sideways past the normal limit of pain-free reaches (front view)."""
    return LATERAL_TRUNK_LEAN.apply(reps, ctx, ctx.thresholds.reach.max_lateral_lean_deg)


PRACTICE_FROM = 4
"""With this many trials or more, the first is the practice trial and is left out of the result."""


def to_reach_cm(reach_leg: float, height_m: float) -> float:
    """Return a forward reach given in leg lengths in centimetres, for a patient of ``height_m`` (leg = 0.491 H)."""
    return reach_leg * LEG_FRACTION_OF_HEIGHT * height_m * 100.0


def select_test_trials(reps: Sequence[RepMetrics]) -> list[RepMetrics]:
    """Return the trials the test's result averages: those with a measured reach, less a practice trial.

    Duncan et al. 1990 give one practice trial and three test trials and score their mean; with four or more
    measured trials the first is taken as the practice one. A trial with a step has no reach (not a trial).
    """
    measured = [r for r in reps if np.isfinite(r.reach_distance)]
    return measured[1:] if len(measured) >= PRACTICE_FROM else measured


def detect_short_functional_reach(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Flag a forward-reach test whose mean reach is under the fall-risk cut-offs (side view; with the height).

    Notes
    -----
    The test is scored on the mean of its trials (:func:`select_test_trials`), so the finding is the mean's:
    every test trial is listed with the mean's grade, and one short trial among good ones is no finding. The
    cut-offs are in centimetres (Duncan et al. 1992) and the camera measures leg lengths, so without the
    patient's height nothing is judged (the reach is still reported, in leg lengths).
    """
    th = ctx.thresholds.reach
    trials = select_test_trials(reps)
    if ctx.height_m is None or not trials:
        return None
    mean = to_reach_cm(float(np.mean([r.reach_distance for r in trials])), ctx.height_m)
    if mean >= th.functional_reach_cm:
        return None
    severity: Severity = "severe" if mean < th.functional_reach_severe_cm else "moderate"
    hits = [Hit(r, round(to_reach_cm(r.reach_distance, ctx.height_m), 1), severity) for r in trials]
    evidence = [
        Evidence(name="mean forward reach of the test trials", value=round(mean, 1), unit="cm",
                 threshold=th.functional_reach_cm),
        Evidence(name="shortest trial", value=min(h.value for h in hits), unit="cm"),
    ]  # fmt: skip
    return make_finding(
        code="short_functional_reach",
        title="Short forward reach",
        cue="Reach further forward from the hips and ankles, keeping both feet flat, only as far as feels safe.",
        hits=hits,
        reps=reps,
        evidence=evidence,
        ctx=ctx,
    )
