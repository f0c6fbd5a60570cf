"""Guarding: slow, stiff, hesitant movement with the trunk moving en bloc."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from movequal.core.assessment import Evidence, Finding
from movequal.core.compensations.base import Hit, RuleContext, grade, make_finding
from movequal.core.compensations.metrics import RepMetrics
from movequal.core.movement_registry import get_profile
from movequal.core.rep_phases import compute_pause

EN_BLOC_PHASE_DEG = 20.0
"""Mean |relative phase| between trunk and thigh under 20°: they move as one block."""
SMOOTHNESS_SIGNS = frozenset({"smoothness (SPARC)", "speed peaks in one phase"})
"""Two readings of one sign: SPARC and the count of speed peaks both measure how smooth the speed profile is
(Balasubramanian et al. 2015 compare them as alternative smoothness measures), so together they count once."""


SLOW_SIGN = "rep duration, pause left out (s)"
"""The slow-rep sign's name in a finding's evidence."""


def compute_moving_duration(rep: RepMetrics) -> float:
    """Return the rep's duration without a pause at its turning point (:func:`~movequal.core.rep_phases.compute_pause`).

    Notes
    -----
    The slow-rep threshold comes from continuous forward bends (Laird et al.
    2019); a pause held at the bottom or at a lift's lockout (a paused squat,
    a held lockout) is a choice of how to do the exercise, not slowness, and
    would otherwise make any paused rep look slow.
    """
    return rep.duration_s - compute_pause(rep.descent_s, rep.hold_s, rep.ascent_s)


def count_signs(signs: dict[str, float]) -> int:
    """Return how many independent guarding signs ``signs`` holds (the two smoothness readings count once)."""
    return len(signs) - max(0, len(SMOOTHNESS_SIGNS & signs.keys()) - 1)


def stiffness_signs(rep: RepMetrics, ctx: RuleContext) -> dict[str, float]:
    """Return the guarding signs a rep shows, each with its value.

    Notes
    -----
    Signs: a slow rep (its duration without a pause at the turning point,
    :func:`compute_moving_duration`), a reduced range against the movement's full range, a
    non-smooth speed profile (SPARC), hesitations (several speed peaks in one
    phase) and, for trunk-driven movements (lifts and bends), trunk and thigh
    moving in phase. The full range is the profile's ``expected_depth``; a rep
    the recording began in the middle of has no range sign
    (``RepMetrics.range_seen``). One sign
    alone is common in healthy movement (a deliberate slow rep), so the rule
    asks for ``min_signs`` of them together, counted by :func:`count_signs`:
    SPARC and the speed peaks read the same smoothness, and landmark jitter
    moves both at once (on UI-PRMD sit-to-stands with 3 px noise they were the
    only two signs on 5 of the 11 correct reps flagged).
    """
    th = ctx.thresholds.stiffness
    profile = get_profile(ctx.movement)
    signs: dict[str, float] = {}
    moving = compute_moving_duration(rep)
    if moving > th.slow_rep_s + ctx.margin("rep_duration"):
        signs[SLOW_SIGN] = moving
    full = profile.expected_depth
    if np.isfinite(rep.depth) and rep.range_seen and rep.depth < th.min_rom_fraction * full:
        signs["range (% of full)"] = 100.0 * rep.depth / full
    if np.isfinite(rep.sparc) and rep.sparc < th.sparc_max:
        signs["smoothness (SPARC)"] = rep.sparc
    if rep.velocity_peaks > th.max_velocity_peaks:
        signs["speed peaks in one phase"] = float(rep.velocity_peaks)
    if profile.trunk_driven and np.isfinite(rep.relative_phase) and rep.relative_phase < EN_BLOC_PHASE_DEG:
        signs["trunk-thigh relative phase (deg)"] = rep.relative_phase
    return signs


def compute_guarding_index(rep: RepMetrics, ctx: RuleContext) -> float:
    """Strength of the two strongest guarding signs, each its value over its threshold (1 = at threshold).

    A continuous companion to :func:`stiffness_signs` for ranking reps and for
    ROC analysis: the rule asks for ``min_signs`` signs together, so the index
    averages the strongest ``min_signs`` of them.
    """
    th = ctx.thresholds.stiffness
    profile = get_profile(ctx.movement)
    full = profile.expected_depth
    smoothness = np.fmax(rep.sparc / th.sparc_max, rep.velocity_peaks / (th.max_velocity_peaks + 0.5))  # one sign
    parts = [
        compute_moving_duration(rep) / th.slow_rep_s,
        float(smoothness),
        (1.0 - rep.depth / full) / (1.0 - th.min_rom_fraction) if rep.range_seen else float("nan"),
    ]
    if profile.trunk_driven:
        parts.append(EN_BLOC_PHASE_DEG / max(rep.relative_phase, 1.0))
    values = sorted((p for p in parts if np.isfinite(p)), reverse=True)[: th.min_signs]
    return float(np.mean(values)) if values else float("nan")


def detect_stiffness(reps: Sequence[RepMetrics], ctx: RuleContext) -> Finding | None:
    """Reps showing at least ``min_signs`` signs of guarding together."""
    th = ctx.thresholds.stiffness
    hits: list[Hit] = []
    shown: dict[str, list[float]] = {}
    for r in reps:
        signs = stiffness_signs(r, ctx)
        n = count_signs(signs)
        if n >= th.min_signs:
            hits.append(Hit(r, float(n), grade(n - th.min_signs, 1, 2)))
            for name, value in signs.items():
                shown.setdefault(name, []).append(value)
    if not hits:
        return None
    worst = max(h.value for h in hits)
    evidence = [Evidence(name="guarding signs in the worst rep", value=worst, unit="count", threshold=th.min_signs)]
    index = max(compute_guarding_index(h.rep, ctx) for h in hits)
    evidence.append(
        Evidence(name="guarding index of the worst rep (1 = at the thresholds)", value=round(index, 2), unit="ratio")
    )
    evidence += [Evidence(name=f"mean {name}", value=round(float(np.mean(v)), 2), unit="") for name, v in shown.items()]
    return make_finding(
        code="stiffness",
        title="Slow, guarded movement",
        cue="Breathe out and let the movement flow; it is safe to move.",
        hits=hits,
        reps=reps,
        evidence=evidence,
        ctx=ctx,
    )
