"""Rules of a reach: arms that stop short of overhead, and the trunk arching or leaning to get them there.

The movements and views each rule applies to are declared in
:data:`movequal.core.compensations.RULES`; the rules themselves do not check them.
"""

from __future__ import annotations

from collections.abc import Sequence

from movequal.core.assessment import Finding
from movequal.core.compensations.base import RuleContext, ThresholdRule
from movequal.core.compensations.metrics import RepMetrics

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
