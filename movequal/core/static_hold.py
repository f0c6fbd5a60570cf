"""Assess a balance test in the report's types: its holds, the best per side against a cut-off, a verdict.

The holds come from :mod:`movequal.core.balance`; the best hold of each side
is graded against published times (:data:`HOLD_GRADES`, ``docs/SCORING.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from movequal.core.assessment import Assessment, Balance, Evidence, Finding, Severity, View
from movequal.core.balance import BalanceAnalysis, Hold, StanceKind, detect_single_leg_holds
from movequal.core.breathing import BreathingEstimate, estimate_breathing
from movequal.core.compensations.base import SEVERITY_POINTS
from movequal.core.gait import LEG_FRACTION_OF_HEIGHT
from movequal.core.movement_registry import get_profile
from movequal.core.movements import Recognition
from movequal.core.tandem import detect_tandem_holds
from movequal.core.task_assessment import to_task_assessment
from movequal.core.task_results import BalanceHold
from movequal.pose.sequence import PoseSequence


@dataclass(frozen=True)
class HoldGrades:
    """Hold times (s) below which a stance counts as short, mildest first, and the finding it raises."""

    below_s: tuple[tuple[float, Severity], ...]
    cutoff_source: str
    code: str
    title: str
    cue: str

    @property
    def cutoff_s(self) -> float:
        """The longest time graded: a hold at least this long raises nothing."""
        return self.below_s[0][0]

    def grade(self, hold_s: float) -> Severity | None:
        """Severity of a completed hold of ``hold_s`` seconds (None when long enough)."""
        severity = None
        for limit, level in self.below_s:
            if hold_s < limit:
                severity = level
        return severity


SINGLE_LEG_GRADES = HoldGrades(
    below_s=((30.0, "mild"), (5.0, "severe")),
    cutoff_source="Hurvitz et al. 2000, Arch Phys Med Rehabil 81:587-591 (under 30 s: fallers); "
    "Vellas et al. 1997, J Am Geriatr Soc 45:735-738 (under 5 s: injurious falls)",
    code="short_single_leg_stance",
    title="Single-leg stance held only briefly",
    cue="Practise standing on one leg beside a counter you can touch, a little longer each day.",
)
"""Single-leg stance, eyes open, best of the side's holds.

Notes
-----
Older outpatients who held a unipedal stance under 30 s had fallen far more
often (Hurvitz et al. 2000: sensitivity 91 %, specificity 75 %); being
unable to hold 5 s predicted injurious falls (Vellas et al. 1997). Healthy
adults under 40 average 43-45 s (Springer et al. 2007, J Geriatr Phys Ther
30:8-15), so a clip of a younger patient should run for 30 s at least.
"""

TANDEM_GRADES = HoldGrades(
    below_s=((10.0, "mild"), (3.0, "moderate")),
    cutoff_source="Guralnik et al. 1994, J Gerontol 49:M85-M94 (Short Physical Performance Battery: full tandem "
    "stand 10 s)",
    code="short_tandem_stance",
    title="Tandem stance held under 10 s",
    cue="Practise standing heel-to-toe beside a counter you can touch, a little longer each day.",
)
"""Tandem stance: the Short Physical Performance Battery's full tandem stand gives full credit for 10 s, one
point for 3-9.99 s and none below 3 s (Guralnik et al. 1994)."""

HOLD_DETECTORS: MappingProxyType[StanceKind, Callable[[PoseSequence, View], BalanceAnalysis]] = MappingProxyType(
    {"single-leg": detect_single_leg_holds, "tandem": detect_tandem_holds}
)
GRADES: MappingProxyType[StanceKind, HoldGrades] = MappingProxyType(
    {"single-leg": SINGLE_LEG_GRADES, "tandem": TANDEM_GRADES}
)
BALANCE_FINDING_CODES: tuple[str, ...] = tuple(g.code for g in GRADES.values())
"""Every balance finding code."""


def _cm(value: float, height_m: float | None) -> float | None:
    if height_m is None or not np.isfinite(value):
        return None
    return round(value * LEG_FRACTION_OF_HEIGHT * height_m * 100, 1)


def _legs(value: float) -> float | None:
    return round(value, 4) if np.isfinite(value) else None


def to_public_hold(
    number: int, hold: Hold, height_m: float | None, breathing: BreathingEstimate | None = None
) -> BalanceHold:
    """Return the report's view of one measured hold (``breathing``: the experimental rate over its still part)."""
    base = BalanceHold(
        number=number,
        stance=hold.stance,
        side="left" if hold.side == "left" else "right",
        start=round(hold.start, 2),
        end=round(hold.end, 2),
        hold_s=round(hold.duration_s, 2),
        end_reason=hold.end_reason,
        start_seen=hold.start_seen,
        sway_message=hold.sway_reason,
        breathing_rate_per_min=None
        if breathing is None or breathing.rate_per_min is None
        else round(breathing.rate_per_min, 1),
        breathing_message=None if breathing is None else breathing.reason,
    )
    sway = hold.sway
    if sway is None:
        return base
    return base.model_copy(
        update={
            "sway_axis": sway.axis,
            "pelvis_path": _legs(sway.pelvis_path),
            "pelvis_range": _legs(sway.pelvis_range),
            "pelvis_velocity": _legs(sway.pelvis_velocity),
            "pelvis_range_cm": _cm(sway.pelvis_range, height_m),
            "pelvis_velocity_cm_s": _cm(sway.pelvis_velocity, height_m),
            "shoulders_path": _legs(sway.shoulders_path),
            "shoulders_range": _legs(sway.shoulders_range),
            "shoulders_velocity": _legs(sway.shoulders_velocity),
            "arm_excursion": _legs(sway.arm_excursion),
            "sway_message": None
            if np.isfinite(sway.pelvis_path)
            else "the pelvis moved less than the tracking can tell: its path and speed are not measurable",
        }
    )


def best_holds(holds: tuple[Hold, ...]) -> dict[str, Hold]:
    """Return the longest hold of each side (clinical tests keep the best of the trials)."""
    best: dict[str, Hold] = {}
    for hold in holds:
        if hold.side not in best or hold.duration_s > best[hold.side].duration_s:
            best[hold.side] = hold
    return best


def detect_short_hold(holds: tuple[Hold, ...], grades: HoldGrades, frame_of: Callable[[float], int]) -> Finding | None:
    """Flag the sides whose best completed hold is shorter than ``grades`` allow.

    Notes
    -----
    A side whose best hold was cut by the end of the clip (or by losing the
    person) is not graded unless it already lasted the cut-off: the patient
    might have held on longer.
    """
    short = []
    for side, hold in sorted(best_holds(holds).items()):
        severity = grades.grade(hold.duration_s)
        if severity is not None and not hold.censored:
            short.append((side, hold, severity))
    if not short:
        return None
    order = {h: k for k, h in enumerate(holds, start=1)}
    worst = max((s for _, _, s in short), key=lambda s: SEVERITY_POINTS[s])
    return Finding(
        code=grades.code,
        title=grades.title,
        severity=worst,
        confidence=1.0,
        evidence=[
            Evidence(name=f"best hold, {side} foot", value=round(h.duration_s, 2), unit="s", threshold=grades.cutoff_s)
            for side, h, _ in short
        ],
        cue=grades.cue,
        reps=[order[h] for _, h, _ in short],
        rep_severity=[s for _, _, s in short],
        frames=[(frame_of(h.start), frame_of(h.end)) for _, h, _ in short],
        points_lost=float(SEVERITY_POINTS[worst]),
    )


def measure_breathing(pose: PoseSequence, hold: Hold) -> BreathingEstimate:
    """Return the experimental breathing estimate over a hold's still part (its sway window, else the hold)."""
    start, end = (hold.sway.start, hold.sway.end) if hold.sway is not None else (hold.start, hold.end)
    return estimate_breathing(pose, start, end)


def to_public_balance(
    analysis: BalanceAnalysis, stance: StanceKind, height_m: float | None, pose: PoseSequence | None = None
) -> Balance:
    """Return the report's ``balance`` block (``pose`` given: each hold's breathing, experimental)."""
    best = best_holds(analysis.holds)
    grades = GRADES[stance]
    breathing = [measure_breathing(pose, h) if pose is not None else None for h in analysis.holds]
    return Balance(
        stance=stance,
        holds=[
            to_public_hold(k, h, height_m, b) for k, (h, b) in enumerate(zip(analysis.holds, breathing, strict=True), 1)
        ],
        best_left_s=round(best["left"].duration_s, 2) if "left" in best else None,
        best_right_s=round(best["right"].duration_s, 2) if "right" in best else None,
        cutoff_s=grades.cutoff_s,
        cutoff_source=grades.cutoff_source,
        leg_length_m=None if height_m is None else round(LEG_FRACTION_OF_HEIGHT * height_m, 3),
        message=None if analysis.holds else f"No balance hold was found: {analysis.reason}.",
    )


def assess_balance(
    pose: PoseSequence,
    view: View,
    recognition: Recognition,
    detected: bool,
    height_m: float | None = None,
) -> Assessment:
    """Assess a single-leg or tandem stance clip: its holds, the short-hold finding, score and verdict.

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks (both feet are read).
    view : View
        The clip's camera view: the axis sway is measured along.
    recognition : Recognition
        How the movement was named; its ``nearest`` says which stance.
    detected : bool
        Whether the movement was recognised automatically.
    height_m : float, optional
        The patient's height: sway also in centimetres.

    Notes
    -----
    Each hold counts as one "rep" for the score and the verdict; the score is
    100 minus the short-hold finding's points. Without a hold there is no
    score and ``balance.message`` says why.
    """
    stance = get_profile(recognition.nearest).stance
    if stance is None:
        raise ValueError(f"{recognition.nearest} is not a balance hold")
    analysis = HOLD_DETECTORS[stance](pose, view)
    t = pose.timestamps

    def frame_of(time: float) -> int:
        return min(int(np.searchsorted(t, time)), len(t) - 1)

    finding = detect_short_hold(analysis.holds, GRADES[stance], frame_of) if analysis.holds else None
    findings = [finding] if finding is not None else []
    balance = to_public_balance(analysis, stance, height_m, pose)
    held = (len(analysis.holds), "hold")
    return to_task_assessment(recognition, detected, view, findings, held, message=balance.message, balance=balance)
