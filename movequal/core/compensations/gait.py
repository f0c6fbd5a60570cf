"""Walking findings: uneven steps (a limp), a flexed trunk, slow walking.

Each pass is judged on its own, like a rep, so a finding says in how many
passes it was seen and the verdict's caps apply unchanged.

Thresholds and their sources are in :data:`GAIT_THRESHOLDS` and ``docs/SCORING.md`` ("Walking").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from movequal.core.assessment import Evidence, Finding, Severity
from movequal.core.compensations.base import SEVERITY_POINTS
from movequal.core.gait import FOOT_SIDES, LEG_FRACTION_OF_HEIGHT, GaitPass

SEVERITY_ORDER: tuple[Severity, ...] = ("mild", "moderate", "severe")


@dataclass(frozen=True)
class GaitThresholds:
    """Where each walking finding starts, and its moderate and severe grades.

    Notes
    -----
    - Symmetry ratios (larger over smaller side): the upper limits of 95 % of
      healthy adults, stance time 1.05 and step length 1.08 (Patterson et al.
      2010, Gait Posture 31:241-246). Video times and distances are coarser
      than a gait lab's, so a ratio must also clear the step-to-step spread:
      the two sides' means differ by at least :attr:`min_t` standard errors
      (Welch's t). The moderate and severe grades (1.25, 1.5) are this
      project's, not the paper's.
    - Trunk flexion: upright walking keeps the trunk within a few degrees of
      vertical; studies of imposed flexed walking use about 30° and 50°
      (Aminiaghdam et al. 2017, PLOS ONE 12:e0190135). The grades 15°, 25° and
      35° are this project's, set between upright and those conditions.
    - Arm swing asymmetry: the asymmetry angle of the two arms' swing
      (45° minus the arctangent of the smaller over the larger, as a share of
      90°): healthy controls 5.1 ± 4.0 %, early Parkinson's disease 13.9 ±
      7.9 % (Lewek et al. 2010, Gait Posture 31:256-260); the mild grade is
      the controls' mean plus two standard deviations, 13 %; 25 % and 40 % are
      this project's. Per stride, with the same Welch's t as the steps. Only
      in passes towards or away from the camera (or oblique) with both wrists
      seen: from the side the trunk hides the far arm.
    - Gait speed, only when the height is known (metres need it): below
      1.0 m/s (Fritz & Lusardi 2009, J Geriatr Phys Ther 32(2):2-5, "the sixth
      vital sign"), below 0.8 m/s limited community walking and below 0.4 m/s
      household walking (Perry et al. 1995, Stroke 26:982-989).
    """

    stance_ratio: tuple[float, float, float] = (1.05, 1.25, 1.5)
    step_length_ratio: tuple[float, float, float] = (1.08, 1.25, 1.5)
    min_t: float = 2.0
    min_steps_per_side: int = 2
    trunk_flexion_deg: tuple[float, float, float] = (15.0, 25.0, 35.0)
    speed_m_s: tuple[float, float, float] = (1.0, 0.8, 0.4)
    arm_asymmetry_pct: tuple[float, float, float] = (13.0, 25.0, 40.0)


GAIT_THRESHOLDS = GaitThresholds()


@dataclass(frozen=True)
class _Hit:
    number: int
    severity: Severity
    value: float
    frames: tuple[int, int]
    side: str | None = None


def _grade_above(value: float, grades: tuple[float, float, float]) -> Severity | None:
    if not np.isfinite(value) or value <= grades[0]:
        return None
    return "severe" if value > grades[2] else "moderate" if value > grades[1] else "mild"


def _grade_below(value: float, grades: tuple[float, float, float]) -> Severity | None:
    if not np.isfinite(value) or value >= grades[0]:
        return None
    return "severe" if value < grades[2] else "moderate" if value < grades[1] else "mild"


def compare_sides(left: Sequence[float], right: Sequence[float]) -> tuple[float, float, str]:
    """Symmetry ratio (larger over smaller mean), Welch's t of the difference, and the side with the smaller mean.

    Returns NaN for both numbers when a side has fewer than two finite values.
    """
    a = np.array([v for v in left if np.isfinite(v)])
    b = np.array([v for v in right if np.isfinite(v)])
    if a.size < 2 or b.size < 2 or min(a.mean(), b.mean()) <= 0:
        return float("nan"), float("nan"), ""
    ratio = float(max(a.mean(), b.mean()) / min(a.mean(), b.mean()))
    spread = float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size))
    t = float(abs(a.mean() - b.mean()) / spread) if spread > 0 else float("inf")
    return ratio, t, FOOT_SIDES[0] if a.mean() < b.mean() else FOOT_SIDES[1]


PassFrames = Callable[[GaitPass], tuple[int, int]]


def _asymmetry_hits(passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames) -> list[_Hit]:
    hits = []
    for number, p in enumerate(passes, start=1):
        left, right = p.sides["left"], p.sides["right"]
        stance = compare_sides(left.stance_times, right.stance_times)
        length = compare_sides(left.step_lengths, right.step_lengths)
        graded = [
            (_grade_above(ratio, grades) if t >= th.min_t else None, ratio, side)
            for (ratio, t, side), grades in ((stance, th.stance_ratio), (length, th.step_length_ratio))
        ]
        fired = [(SEVERITY_ORDER.index(g), r, s) for g, r, s in graded if g is not None]
        if fired:
            rank, ratio, side = max(fired)
            hits.append(_Hit(number, SEVERITY_ORDER[rank], ratio, frames(p), side))
    return hits


def _finding(code: str, title: str, cue: str, hits: list[_Hit], *, passes: int, evidence: list[Evidence]) -> Finding:
    counts = {s: sum(h.severity == s for h in hits) for s in SEVERITY_ORDER}
    severity = max(SEVERITY_ORDER, key=lambda s: (counts[s], SEVERITY_ORDER.index(s)))
    return Finding(
        code=code,
        title=title,
        severity=severity,
        confidence=round(0.5 + 0.5 * len(hits) / passes, 2),
        evidence=evidence,
        cue=cue,
        reps=[h.number for h in hits],
        rep_severity=[h.severity for h in hits],
        frames=[h.frames for h in hits],
        points_lost=round(sum(SEVERITY_POINTS[h.severity] for h in hits) / passes, 2),
    )


def detect_step_asymmetry(passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames) -> Finding | None:
    """Uneven stance times or step lengths between the feet (a limp), naming the side with the shorter one."""
    hits = _asymmetry_hits(passes, th, frames)
    if not hits:
        return None
    sides = {h.side for h in hits}
    side = next(iter(sides)) if len(sides) == 1 else None
    where = f" (shorter on the {side} side)" if side else ""
    evidence = [Evidence(name="symmetry ratio, worst pass", value=round(max(h.value for h in hits), 2),
                         unit="ratio", threshold=th.stance_ratio[0])]  # fmt: skip
    cue = "Take even steps: stay as long on each leg and step as far with each foot."
    return _finding("step_asymmetry", f"Uneven steps{where}", cue, hits, passes=len(passes), evidence=evidence)


def detect_flexed_trunk(passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames) -> Finding | None:
    """Flag a trunk bent forward while walking (slouched or stooped walking)."""
    hits = [
        _Hit(n, g, p.trunk_flexion_deg, frames(p))
        for n, p in enumerate(passes, start=1)
        if (g := _grade_above(p.trunk_flexion_deg, th.trunk_flexion_deg)) is not None
    ]
    if not hits:
        return None
    evidence = [Evidence(name="trunk flexion, median of the pass", value=round(max(h.value for h in hits), 1),
                         unit="deg", threshold=th.trunk_flexion_deg[0])]  # fmt: skip
    cue = "Walk tall: eyes ahead, chest up, let the arms swing."
    return _finding(
        "flexed_trunk", "Trunk bent forward while walking", cue, hits, passes=len(passes), evidence=evidence
    )


def detect_slow_gait(
    passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames, height_m: float | None
) -> Finding | None:
    """Flag walking slower than community walking needs; only with the patient's height (metres need it)."""
    if height_m is None:
        return None
    scale = LEG_FRACTION_OF_HEIGHT * height_m
    hits = [
        _Hit(n, g, p.speed * scale, frames(p))
        for n, p in enumerate(passes, start=1)
        if (g := _grade_below(p.speed * scale, th.speed_m_s)) is not None
    ]
    if not hits:
        return None
    evidence = [Evidence(name="gait speed, slowest pass", value=round(min(h.value for h in hits), 2),
                         unit="m/s", threshold=th.speed_m_s[0])]  # fmt: skip
    cue = "When it feels safe, walk a little faster, as if you had somewhere to be."
    return _finding("slow_gait", "Slow walking", cue, hits, passes=len(passes), evidence=evidence)


def asymmetry_angle_pct(ratio: float) -> float:
    """Lewek et al.'s (2010) asymmetry angle of two amplitudes whose larger-over-smaller ratio is ``ratio`` (%)."""
    return float((45.0 - np.degrees(np.arctan(1.0 / ratio))) / 90.0 * 100.0) if ratio >= 1.0 else float("nan")


def detect_reduced_arm_swing(passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames) -> Finding | None:
    """Flag one arm swinging less than the other, naming it; only in passes not across the picture, arms seen."""
    hits = []
    for number, p in enumerate(passes, start=1):
        if p.across:  # from the side the trunk hides the far arm, however surely the model claims to see it
            continue
        left, right = p.sides["left"], p.sides["right"]
        ratio, t, side = compare_sides(left.arm_swings, right.arm_swings)
        angle = asymmetry_angle_pct(ratio) if np.isfinite(ratio) else float("nan")
        grade = _grade_above(angle, th.arm_asymmetry_pct) if t >= th.min_t else None
        if grade is not None:
            hits.append(_Hit(number, grade, angle, frames(p), side))
    if not hits:
        return None
    sides = {h.side for h in hits}
    title = f"Less arm swing on the {sides.pop()} side" if len(sides) == 1 else "Uneven arm swing"
    evidence = [Evidence(name="arm swing asymmetry angle, worst pass", value=round(max(h.value for h in hits), 1),
                         unit="%", threshold=th.arm_asymmetry_pct[0])]  # fmt: skip
    cue = "Let both arms hang loose and swing evenly, each forward with the opposite leg."
    return _finding("reduced_arm_swing", title, cue, hits, passes=len(passes), evidence=evidence)


GAIT_FINDING_CODES: tuple[str, ...] = ("step_asymmetry", "flexed_trunk", "slow_gait", "reduced_arm_swing")
"""Every walking finding code, in report order."""


def detect_gait_findings(
    passes: Sequence[GaitPass],
    frames: PassFrames,
    height_m: float | None = None,
    thresholds: GaitThresholds = GAIT_THRESHOLDS,
) -> list[Finding]:
    """Run every walking rule over the passes; return the findings that fired, in report order."""
    if not passes:
        return []
    found = [
        detect_step_asymmetry(passes, thresholds, frames),
        detect_flexed_trunk(passes, thresholds, frames),
        detect_slow_gait(passes, thresholds, frames, height_m),
        detect_reduced_arm_swing(passes, thresholds, frames),
    ]
    return [f for f in found if f is not None]
