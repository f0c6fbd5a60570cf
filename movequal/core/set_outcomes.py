"""What a whole set of repetitions adds up to: the FMS deep-squat estimate and the fatigue trend.

Both read the per-rep metrics (:class:`~movequal.core.compensations.RepMetrics`)
and the findings once the set is scored (:func:`movequal.core.scoring.assess`).
"""

from __future__ import annotations

import numpy as np

from movequal.core.assessment import Finding, FmsEstimate, Trend
from movequal.core.compensations import RepMetrics

FATIGUE_DROP_PCT = 15.0
"""Depth or peak speed falling by more than this share (last third of the set against the first) is fatigue."""
FATIGUE_SCORE_DROP = 10.0
"""The rep score falling by more than this many points over the set is fatigue."""


def estimate_fms_deep_squat(metrics: list[RepMetrics], findings: list[Finding]) -> FmsEstimate | None:
    """Estimate the FMS deep-squat grade (Cook et al. 2006) from the best rep's criteria.

    Notes
    -----
    3: thighs below horizontal (a rep the ``shallow_depth`` rule passes), trunk parallel to the
    tibia or more upright, knees over the feet, heels down. 2: depth reached
    but with one fault, or only with the heels up. 1: depth not reached, or
    several faults. The overhead dowel is not checked, and 0 (pain) needs the
    patient, so it is never given.
    """
    if not metrics:
        return None
    codes = {f.code for f in findings}
    shallow = {n for f in findings if f.code == "shallow_depth" for n in f.reps}
    deep = any(np.isfinite(m.peak_thigh_inclination) and m.number not in shallow for m in metrics)
    faults = sorted(codes & {"trunk_lean", "knee_valgus", "lateral_shift", "asymmetry"})
    reasons = ["thighs reach below horizontal" if deep else "thighs stay above horizontal"]
    reasons += [f"fault: {c.replace('_', ' ')}" for c in faults]
    if "heel_lift" in codes:
        reasons.append("heels come up")
    if not deep or len(faults) >= 2:
        score = 1
    elif faults or "heel_lift" in codes:
        score = 2
    else:
        score = 3
    return FmsEstimate(score=score, reasons=reasons)


def compute_trend(metrics: list[RepMetrics], scores: list[float]) -> Trend | None:
    """Compare the last third of the set with the first third (three reps or more)."""
    n = len(metrics)
    if n < 3:
        return None
    third = max(1, n // 3)

    def change(values: list[float]) -> float:
        """Per cent change of the last third's mean from the first's; 0 when either third has no reading."""
        head, tail = np.asarray(values[:third]), np.asarray(values[-third:])
        if not (np.isfinite(head).any() and np.isfinite(tail).any()):
            return 0.0
        first, last = np.nanmean(head), np.nanmean(tail)
        return float(100.0 * (last - first) / first) if first > 0 else 0.0

    depth = change([m.depth for m in metrics])
    speed = change([m.peak_speed for m in metrics])
    slope = float(np.polyfit(np.arange(n), scores, 1)[0])
    score_drop = float(np.mean(scores[:third]) - np.mean(scores[-third:]))
    fatigue = depth < -FATIGUE_DROP_PCT or speed < -FATIGUE_DROP_PCT or score_drop > FATIGUE_SCORE_DROP
    return Trend(
        score_slope=round(slope, 2),
        depth_change_pct=round(depth, 1),
        speed_change_pct=round(speed, 1),
        fatigue=bool(fatigue),
    )
