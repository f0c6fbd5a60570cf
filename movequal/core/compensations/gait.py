"""Walking findings: a limp, a flexed or leaning trunk, slow or short steps, uneven arm swing, circumduction.

Each pass is judged on its own, like a rep, so a finding says in how many
passes it was seen and the verdict's caps apply unchanged.

Thresholds and their sources are in :data:`GAIT_THRESHOLDS` and ``docs/SCORING.md`` ("Walking").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtr

from movequal.core.assessment import Evidence, Finding, Severity
from movequal.core.compensations.base import SEVERITY_POINTS
from movequal.core.compensations.carry import find_loaded_side, name_against_load
from movequal.core.gait import FOOT_SIDES, LEG_FRACTION_OF_HEIGHT, GaitPass
from movequal.core.movement_registry import Load

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
      the two sides' means must differ by Welch's t-test at :attr:`max_p`
      (two-sided, with the Welch-Satterthwaite degrees of freedom). A pass
      has a few steps a side, so the t this asks for depends on them: about
      2.0 with many steps, 2.8 with three a side, 4.3 with two a side
      (Student's t at 2 degrees of freedom); a fixed t of 2 let chance
      differences between two or three steps through. The moderate and
      severe grades (1.25, 1.5) are this project's, not the paper's.
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
    - Sideways trunk lean, front and rear views only (the image's hip-to-
      shoulder line): healthy adults' trunk leans 0.0 ± 1.3° sideways on
      average over a stride and sways through a range of 3.3 ± 1.4° (trunk
      obliquity against the room, Chung et al. 2010, J NeuroEng Rehabil 7:9).
      Each mild grade is the healthy mean + 2 SD plus the 2.5° standard error
      of a frontal-plane video angle (Munro, Herrington & Carolan 2012, as
      for the reach's lean): a mean lean past 5° (2.6 + 2.5) or a swing past
      9° per stride (6.1 + 2.5). Moderate and severe grades are this
      project's.
    - Short steps: the longer side's median step in the pass, in leg lengths
      (hip to ankle). Healthy adults step 0.76 ± 0.05 leg lengths (stride 1.51
      ± 0.08 and 1.54 ± 0.10 leg lengths in men and women, Chung et al.
      2010); the mild grade, 0.50, is two thirds of that, leaving room for
      older and slower walkers (the clean development clips read 0.64-0.82);
      0.40 and 0.30 are this project's. In metres with the height (leg = 0.491
      of it, Winter 2009).
    - Circumduction, front and rear views only: the swinging foot's outward
      arc beyond the feet's width at its toe off and heel strike, in leg
      lengths (after Kerrigan et al. 2000, Am J Phys Med Rehabil 79:247-252,
      who define circumduction by the swinging foot's sideways excursion).
      No video norm was found: 0.10 leg lengths is this project's, the arc of
      a straight leg abducted 6° and five times the noise floor of synthetic
      walks with 2 px noise (0.005-0.02); 0.20 and 0.30 are this project's.
    """

    stance_ratio: tuple[float, float, float] = (1.05, 1.25, 1.5)
    step_length_ratio: tuple[float, float, float] = (1.08, 1.25, 1.5)
    max_p: float = 0.05
    min_steps_per_side: int = 2
    trunk_flexion_deg: tuple[float, float, float] = (15.0, 25.0, 35.0)
    speed_m_s: tuple[float, float, float] = (1.0, 0.8, 0.4)
    arm_asymmetry_pct: tuple[float, float, float] = (13.0, 25.0, 40.0)
    lateral_lean_deg: tuple[float, float, float] = (5.0, 10.0, 15.0)
    lean_swing_deg: tuple[float, float, float] = (9.0, 14.0, 20.0)
    step_length_legs: tuple[float, float, float] = (0.50, 0.40, 0.30)
    swing_arc_legs: tuple[float, float, float] = (0.10, 0.20, 0.30)


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
    """Symmetry ratio (larger over smaller mean), Welch's two-sided p of the difference, and the shorter side.

    Returns NaN for both numbers when a side has fewer than two finite values.

    Notes
    -----
    The p comes from Welch's t (the difference of the means over its
    standard error) on the Welch-Satterthwaite degrees of freedom; two sides
    that do not vary from step to step have p 0 when their means differ and 1
    when they do not.
    """
    a = np.array([v for v in left if np.isfinite(v)])
    b = np.array([v for v in right if np.isfinite(v)])
    if a.size < 2 or b.size < 2 or min(a.mean(), b.mean()) <= 0:
        return float("nan"), float("nan"), ""
    ratio = float(max(a.mean(), b.mean()) / min(a.mean(), b.mean()))
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    difference = abs(float(a.mean() - b.mean()))
    if va + vb == 0:
        p = 0.0 if difference > 0 else 1.0
    else:
        dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
        p = float(2.0 * stdtr(dof, -difference / np.sqrt(va + vb)))  # Student's t lower tail, both sides
    return ratio, p, FOOT_SIDES[0] if a.mean() < b.mean() else FOOT_SIDES[1]


PassFrames = Callable[[GaitPass], tuple[int, int]]


def _asymmetry_hits(passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames) -> list[_Hit]:
    hits = []
    for number, p in enumerate(passes, start=1):
        left, right = p.sides["left"], p.sides["right"]
        stance = compare_sides(left.stance_times, right.stance_times)
        length = compare_sides(left.step_lengths, right.step_lengths)
        graded = [
            (_grade_above(ratio, grades) if p_value <= th.max_p else None, ratio, side)
            for (ratio, p_value, side), grades in ((stance, th.stance_ratio), (length, th.step_length_ratio))
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
        ratio, p_value, side = compare_sides(left.arm_swings, right.arm_swings)
        angle = asymmetry_angle_pct(ratio) if np.isfinite(ratio) else float("nan")
        grade = _grade_above(angle, th.arm_asymmetry_pct) if p_value <= th.max_p else None
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


def _worse(a: Severity | None, b: Severity | None) -> Severity | None:
    """Return the worse of two grades (None: not seen)."""
    graded = [g for g in (a, b) if g is not None]
    return max(graded, key=SEVERITY_ORDER.index) if graded else None


def detect_lateral_trunk_lean(
    passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames, loaded: str | None = None
) -> Finding | None:
    """Flag a trunk leaning, or swaying, sideways while walking; only in passes seen from the front or the back.

    A pass is graded on the worse of its mean lean and its median swing per stride; the side is the one
    the trunk leans to on average, named when every flagged pass leans the same way past the mild grade.
    ``loaded``: the hand holding a one-hand load, when known; the lean is then named against it
    (:func:`movequal.core.compensations.carry.name_against_load`).
    """
    hits = []
    for n, p in enumerate(passes, start=1):
        grade = _worse(_grade_above(abs(p.lateral_lean_deg), th.lateral_lean_deg),
                       _grade_above(p.lean_swing_deg, th.lean_swing_deg))  # fmt: skip
        if grade is not None:
            leaning = abs(p.lateral_lean_deg) > th.lateral_lean_deg[0]
            side = (FOOT_SIDES[0] if p.lateral_lean_deg > 0 else FOOT_SIDES[1]) if leaning else None
            hits.append(_Hit(n, grade, p.lateral_lean_deg, frames(p), side))
    if not hits:
        return None
    flagged = [passes[h.number - 1] for h in hits]
    sides = {h.side for h in hits}
    side = sides.pop() if len(sides) == 1 else None
    title = f"Trunk leans to the {side} while walking" if side else "Trunk sways sideways while walking"
    evidence = [
        Evidence(name="sideways trunk lean, mean of the pass, largest", unit="deg", threshold=th.lateral_lean_deg[0],
                 value=round(max(abs(p.lateral_lean_deg) for p in flagged), 1)),
        Evidence(name="sideways trunk sway per stride, largest pass", unit="deg", threshold=th.lean_swing_deg[0],
                 value=round(max(p.lean_swing_deg for p in flagged), 1)),
    ]  # fmt: skip
    cue = "Walk tall and level: keep your shoulders stacked over your hips instead of leaning to the side."
    if side is not None and loaded is not None:
        title, cue = name_against_load(side, loaded)
    return _finding("lateral_trunk_lean", title, cue, hits, passes=len(passes), evidence=evidence)


def longer_step(p: GaitPass, min_steps: int) -> float:
    """Return the longer side's median step of a pass (leg lengths); NaN unless each side has ``min_steps`` steps."""
    sides = [p.sides[s] for s in FOOT_SIDES]
    if any(sum(np.isfinite(v) for v in s.step_lengths) < min_steps for s in sides):
        return float("nan")
    return float(max(s.step_length for s in sides))


def detect_short_steps(
    passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames, height_m: float | None
) -> Finding | None:
    """Flag short, shuffling steps: even the longer side's steps are short for the person's leg length."""
    hits = [
        _Hit(n, g, longer_step(p, th.min_steps_per_side), frames(p))
        for n, p in enumerate(passes, start=1)
        if (g := _grade_below(longer_step(p, th.min_steps_per_side), th.step_length_legs)) is not None
    ]
    if not hits:
        return None
    scale, unit = (1.0, "leg lengths") if height_m is None else (LEG_FRACTION_OF_HEIGHT * height_m, "m")
    shortest, limit = min(h.value for h in hits) * scale, th.step_length_legs[0] * scale
    evidence = [Evidence(name="step length, longer side, shortest pass", value=round(shortest, 2), unit=unit,
                         threshold=round(limit, 2))]  # fmt: skip
    cue = "Take longer steps: reach forward with each foot and land on the heel."
    return _finding("short_steps", "Short, shuffling steps", cue, hits, passes=len(passes), evidence=evidence)


def detect_circumduction(passes: Sequence[GaitPass], th: GaitThresholds, frames: PassFrames) -> Finding | None:
    """Flag a leg that swings out sideways to come through (circumduction), naming it; front and rear views only."""
    hits = []
    for n, p in enumerate(passes, start=1):
        arcs = {s: p.sides[s].swing_arc if len(p.sides[s].swing_arcs) >= th.min_steps_per_side else float("nan")
                for s in FOOT_SIDES}  # fmt: skip
        side = max(FOOT_SIDES, key=lambda s: arcs[s] if np.isfinite(arcs[s]) else -np.inf)
        if (grade := _grade_above(arcs[side], th.swing_arc_legs)) is not None:
            hits.append(_Hit(n, grade, arcs[side], frames(p), side))
    if not hits:
        return None
    sides = {h.side for h in hits}
    title = f"The {sides.pop()} leg swings out to the side" if len(sides) == 1 else "The legs swing out to the side"
    worst = round(max(h.value for h in hits), 2)
    evidence = [Evidence(name="outward arc of the swinging foot, worst pass", value=worst, unit="leg lengths",
                         threshold=th.swing_arc_legs[0])]  # fmt: skip
    cue = "Bring the leg straight through: bend the knee and lift the foot rather than swinging it out."
    return _finding("circumduction", title, cue, hits, passes=len(passes), evidence=evidence)


GAIT_FINDING_CODES: tuple[str, ...] = (
    "step_asymmetry", "flexed_trunk", "slow_gait", "reduced_arm_swing", "lateral_trunk_lean", "short_steps",
    "circumduction",
)  # fmt: skip
"""Every walking finding code, in report order."""


def detect_gait_findings(
    passes: Sequence[GaitPass],
    frames: PassFrames,
    height_m: float | None = None,
    thresholds: GaitThresholds = GAIT_THRESHOLDS,
    *,
    load: Load | None = None,
) -> list[Finding]:
    """Run every walking rule over the passes; return the findings that fired, in report order.

    A carry (``load``) changes two rules (:mod:`movequal.core.compensations.carry`): a load in one hand stops
    that arm's swing by design, so uneven arm swing is not judged, and a lean is named against the loaded hand.
    """
    if not passes:
        return []
    loaded = find_loaded_side(passes) if load == "one-hand" else None
    found = [
        detect_step_asymmetry(passes, thresholds, frames),
        detect_flexed_trunk(passes, thresholds, frames),
        detect_slow_gait(passes, thresholds, frames, height_m),
        detect_reduced_arm_swing(passes, thresholds, frames) if load != "one-hand" else None,
        detect_lateral_trunk_lean(passes, thresholds, frames, loaded),
        detect_short_steps(passes, thresholds, frames, height_m),
        detect_circumduction(passes, thresholds, frames),
    ]
    return [f for f in found if f is not None]
