"""Compensation detectors: small rules that turn per-rep metrics into findings.

Each rule has a stable code, the views it is valid in, thresholds in
:class:`Thresholds` (with their source), a severity scale and a cue. This is
the foundation's first set; the scoring-core issue extends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from movequal.assessment import Evidence, Finding, Severity, View

SAGITTAL: frozenset[View] = frozenset({"sagittal-left", "sagittal-right", "oblique"})


@dataclass(frozen=True)
class Thresholds:
    """Rule thresholds.

    Sources
    -------
    - Squat depth: FMS deep squat asks for the thighs below horizontal (Cook et
      al. 2006, Functional Movement Screening, NAJSPT 1(2)), i.e. hip and knee
      flexion of roughly 100°+; a knee flexion under 90° at the bottom is shallow.
    - Trunk lean: FMS asks for the torso parallel to the tibia or towards
      vertical; a trunk more than 15° further forward than the tibia is flagged.
    - Hip hinge: a hip-led bend moves the pelvis backwards over the feet while
      the trunk tilts; people with back pain bend with less hip motion (Esola
      et al. 1996, Spine 21(1):71-78; Laird et al. 2014, BMC Musculoskelet
      Disord 15:229). The image cannot separate lumbar from hip flexion, so the
      foundation uses posterior hip shift (hip centre behind the ankles, in leg
      lengths) as the hinge proxy; 0.10 is a provisional threshold to be tuned
      on the development clips.
    """

    shallow_knee_flexion_deg: float = 90.0
    trunk_lean_excess_deg: float = 15.0
    hip_shift_min: float = 0.10
    hinge_trunk_min_deg: float = 40.0


@dataclass(frozen=True)
class RepMetrics:
    """Metrics of one rep that the rules read (degrees unless stated)."""

    number: int
    frames: tuple[int, int]
    peak_knee_flexion: float
    peak_hip_flexion: float
    peak_trunk_inclination: float
    trunk_minus_tibia_at_bottom: float
    posterior_hip_shift: float


Rule = Callable[[list[RepMetrics], View, str, Thresholds], Finding | None]


def _severity(excess: float, moderate: float, severe: float) -> Severity:
    return "severe" if excess >= severe else "moderate" if excess >= moderate else "mild"


SEVERITY_POINTS: dict[str, float] = {"mild": 5.0, "moderate": 10.0, "severe": 20.0}
"""Points a finding removes from each rep it is seen in."""


def _finding(
    *,
    code: str,
    title: str,
    cue: str,
    hits: list[RepMetrics],
    severity: Severity,
    evidence: list[Evidence],
    n_reps: int,
) -> Finding:
    """Build a finding; confidence is the share of reps showing it."""
    confidence = len(hits) / n_reps
    return Finding(
        code=code,
        title=title,
        severity=severity,
        confidence=round(confidence, 2),
        evidence=evidence,
        cue=cue,
        reps=[r.number for r in hits],
        frames=[r.frames for r in hits],
        points_lost=round(SEVERITY_POINTS[severity] * len(hits) / n_reps, 2),
    )


def detect_shallow_depth(reps: list[RepMetrics], view: View, movement: str, th: Thresholds) -> Finding | None:
    """Squat reps whose peak knee flexion stays under the depth threshold."""
    if movement != "squat" or view == "unknown":
        return None
    hits = [r for r in reps if r.peak_knee_flexion < th.shallow_knee_flexion_deg]
    if not hits:
        return None
    worst = min(r.peak_knee_flexion for r in hits)
    return _finding(
        code="shallow_depth",
        title="Shallow squat",
        cue="Sit a little deeper, as if onto a low chair.",
        hits=hits,
        severity=_severity(th.shallow_knee_flexion_deg - worst, 15, 30),
        evidence=[
            Evidence(
                name="lowest peak knee flexion",
                value=round(worst, 1),
                unit="deg",
                threshold=th.shallow_knee_flexion_deg,
            )
        ],
        n_reps=len(reps),
    )


def detect_trunk_lean(reps: list[RepMetrics], view: View, movement: str, th: Thresholds) -> Finding | None:
    """Squat reps where the trunk is much further forward than the shins (side views)."""
    if movement != "squat" or view not in SAGITTAL:
        return None
    hits = [r for r in reps if r.trunk_minus_tibia_at_bottom > th.trunk_lean_excess_deg]
    if not hits:
        return None
    worst = max(r.trunk_minus_tibia_at_bottom for r in hits)
    return _finding(
        code="trunk_lean",
        title="Trunk leans forward more than the shins",
        cue="Keep your chest up as you sit down.",
        hits=hits,
        severity=_severity(worst - th.trunk_lean_excess_deg, 10, 25),
        evidence=[
            Evidence(
                name="trunk minus tibia inclination at bottom",
                value=round(worst, 1),
                unit="deg",
                threshold=th.trunk_lean_excess_deg,
            )
        ],
        n_reps=len(reps),
    )


def detect_hip_avoidant_bending(reps: list[RepMetrics], view: View, movement: str, th: Thresholds) -> Finding | None:
    """Lifts and bends where the trunk tilts far but the hips barely move back (side views)."""
    if movement not in ("lift", "bend") or view not in SAGITTAL:
        return None
    hits = [
        r
        for r in reps
        if r.peak_trunk_inclination >= th.hinge_trunk_min_deg
        and np.isfinite(r.posterior_hip_shift)
        and r.posterior_hip_shift < th.hip_shift_min
    ]
    if not hits:
        return None
    worst = min(r.posterior_hip_shift for r in hits)
    return _finding(
        code="hip_avoidant_bending",
        title="Bending through the back rather than the hips",
        cue="Push your hips back as you bend.",
        hits=hits,
        severity=_severity(th.hip_shift_min - worst, 0.05, 0.1),
        evidence=[
            Evidence(
                name="smallest posterior hip shift",
                value=round(worst, 3),
                unit="leg lengths",
                threshold=th.hip_shift_min,
            )
        ],
        n_reps=len(reps),
    )


RULES: tuple[Rule, ...] = (detect_shallow_depth, detect_trunk_lean, detect_hip_avoidant_bending)


def detect_compensations(
    reps: list[RepMetrics], view: View, movement: str, thresholds: Thresholds | None = None
) -> list[Finding]:
    """Run every rule; return the findings that fired."""
    if not reps:
        return []
    th = thresholds or Thresholds()
    return [f for rule in RULES if (f := rule(reps, view, movement, th)) is not None]
