"""Whether a patient is ready for more: the progression gate and the quality threshold load.

Functional back rehabilitation adds load only as movement quality allows. For one
task of one patient, :func:`recommend_progression` reads the sessions so far
(score, the worst consistent compensation, load, pain before and after) and says
*progress*, *hold* or *step back*, with the reasons in plain words;
:func:`compute_threshold_loads` gives, after each session, the heaviest load the
task was last done at without a consistent moderate or severe compensation.

The rule, its parameters and their sources are in ``docs/PROGRESSION.md``; the
parameters live in :class:`GateRules` so that a clinic can change them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from movequal.core.assessment import Finding
from movequal.core.dose import SessionDose
from movequal.core.metric_registry import SCORE
from movequal.core.progress import MDC95_FACTOR
from movequal.core.verdict import SEVERITY_RANK, count_reps_at_least

Recommendation = Literal["progress", "hold", "step back"]


@dataclass(frozen=True)
class GateRules:
    """The gate's parameters (defaults and sources in ``docs/PROGRESSION.md``)."""

    target_score: float = 85.0
    """Score a session must reach to count towards progressing (the lower bound of "Good")."""
    sessions_to_progress: int = 2
    """Consecutive sessions at the current load that must meet the target."""
    pain_rise_limit: int = 2
    """A rise of pain (after minus before) by this many points or more is a flare sign (MCID of the 0-10 scale)."""
    pain_ceiling: int = 5
    """Pain after a session above this (0-10) blocks progressing (pain-monitoring model)."""
    quality_drop: float = round(MDC95_FACTOR * (SCORE.sem or 5.0), 1)
    """A score this far below the patient's usual is a real drop: the score's MDC95 (points)."""
    usual_sessions: int = 3
    """How many sessions before the latest ones make the patient's "usual" score (their median)."""
    consistent_share: float = 0.5
    """A compensation moderate or worse in this share of the reps or more is consistent."""
    load_tolerance_kg: float = 0.25
    """Loads closer than this are the same load."""


@dataclass(frozen=True)
class GateSession:
    """What the gate needs of one analysed session of a task."""

    analysis_id: str
    session_date: date
    score: float
    dose: SessionDose = field(default_factory=SessionDose)
    compensation: str | None = None
    """Title and severity of the worst consistent moderate or severe compensation, or None."""

    @property
    def load_kg(self) -> float | None:
        """External load (0 = body weight), None when not recorded."""
        return self.dose.load_kg


@dataclass(frozen=True)
class GateDecision:
    """The gate's answer for one task."""

    recommendation: Recommendation
    reasons: tuple[str, ...]
    load_kg: float | None
    """The load the decision is about (the latest session's)."""
    suggested_load_kg: float | None
    """For a step back, the last lower load used, if any."""
    sessions: tuple[str, ...]
    """The analyses the decision rests on, oldest first."""
    rules: dict[str, Any]


def worst_consistent_compensation(findings: Sequence[Finding], n_reps: int, share: float = 0.5) -> str | None:
    """Return "Title (severity, k of n reps)" of the worst finding moderate or worse in ``share`` of reps or more.

    Ties go to the more severe, then to the finding in more reps. None when no finding is that consistent.
    """
    if n_reps <= 0:
        return None
    best: tuple[int, int, str] | None = None
    for finding in findings:
        reps = count_reps_at_least(finding, "moderate")
        if reps == 0 or reps / n_reps < share:
            continue
        worst = max(SEVERITY_RANK[s] for s in finding.rep_severity)
        label = "severe" if worst == SEVERITY_RANK["severe"] else "moderate"
        text = f"{finding.title} ({label}, {reps} of {n_reps} reps)"
        if best is None or (worst, reps) > best[:2]:
            best = (worst, reps, text)
    return None if best is None else best[2]


def from_assessment(
    analysis_id: str, session_date: date, assessment: dict[str, Any], dose: SessionDose | None, rules: GateRules
) -> GateSession | None:
    """Build a :class:`GateSession` from a ``report.json`` ``assessment`` object; None when it has no score."""
    if assessment.get("score") is None:
        return None
    findings = [Finding.model_validate(f) for f in assessment["findings"]]
    numbered = [n for f in findings for n in f.reps]  # walking findings count passes, which are not reps
    n_reps = max(len(assessment.get("reps") or []), max(numbered, default=0))
    return GateSession(
        analysis_id,
        session_date,
        float(assessment["score"]),
        dose or SessionDose(),
        worst_consistent_compensation(findings, n_reps, rules.consistent_share),
    )


def same_load(a: float | None, b: float | None, tolerance: float) -> bool:
    """Say whether two loads are the same: both unrecorded, or both recorded and within ``tolerance``."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < tolerance


def describe_load(load: float | None) -> str:
    """``"20 kg"``, ``"body weight"`` or ``"an unrecorded load"``."""
    if load is None:
        return "an unrecorded load"
    return "body weight" if load == 0 else f"{load:g} kg"


def _progress_blockers(session: GateSession, rules: GateRules) -> list[str]:
    """Why one session does not count towards progressing (empty when it does)."""
    when = session.session_date.isoformat()
    blockers = []
    if session.score < rules.target_score:
        blockers.append(f"{when}: score {session.score:g}, below the target of {rules.target_score:g}")
    if session.compensation is not None:
        blockers.append(f"{when}: {session.compensation}")
    change = session.dose.pain_change
    if change is not None and change >= rules.pain_rise_limit:
        blockers.append(f"{when}: pain rose {change} points ({session.dose.pain_before} → {session.dose.pain_after})")
    after = session.dose.pain_after
    if after is not None and after > rules.pain_ceiling:
        blockers.append(f"{when}: pain {after}/10 after the session, above {rules.pain_ceiling}/10")
    return blockers


def _usual_score(sessions: Sequence[GateSession], rules: GateRules, recent: int) -> float | None:
    """Median score of the ``usual_sessions`` sessions before the last ``recent`` ones (None if there are none)."""
    before = sessions[: len(sessions) - recent][-rules.usual_sessions :]
    return statistics.median(s.score for s in before) if before else None


def _lower_load(sessions: Sequence[GateSession], load: float | None, rules: GateRules) -> float | None:
    """Return the most recent load used that is lighter than ``load``."""
    if load is None:
        return None
    for session in reversed(sessions):
        other = session.load_kg
        if other is not None and other < load - rules.load_tolerance_kg:
            return other
    return None


def _flare_up(sessions: Sequence[GateSession], rules: GateRules) -> str | None:
    """Return the flare-up reason when the latest session has pain up and quality down, else None."""
    latest = sessions[-1]
    change = latest.dose.pain_change
    if change is None or change < rules.pain_rise_limit or len(sessions) < 2:
        return None
    previous = sessions[-2]
    dropped = latest.score < previous.score - rules.quality_drop
    new_fault = latest.compensation is not None and previous.compensation is None
    if not (dropped or new_fault):
        return None
    quality = (
        f"the score fell from {previous.score:g} to {latest.score:g}"
        if dropped
        else f"a consistent compensation appeared: {latest.compensation}"
    )
    return (
        f"Flare-up on {latest.session_date.isoformat()}: pain rose from {latest.dose.pain_before} to "
        f"{latest.dose.pain_after} (by {rules.pain_rise_limit} points or more) and {quality}."
    )


def _decision(
    recommendation: Recommendation,
    reasons: list[str],
    sessions: Sequence[GateSession],
    rules: GateRules,
    suggested: float | None = None,
) -> GateDecision:
    return GateDecision(
        recommendation,
        tuple(reasons),
        sessions[-1].load_kg if sessions else None,
        suggested,
        tuple(s.analysis_id for s in sessions),
        asdict(rules),
    )


def recommend_progression(history: Sequence[GateSession], rules: GateRules | None = None) -> GateDecision:
    """Say whether to progress, hold or step back the load of one task, with the reasons.

    Parameters
    ----------
    history : sequence of GateSession
        The scored sessions of one task of one patient, in any order (sorted by date here; sessions on the
        same date keep their given order).
    rules : GateRules, optional
        The parameters; the defaults of ``docs/PROGRESSION.md`` when omitted.

    Returns
    -------
    GateDecision
        *Step back* on a flare-up in the latest session (pain up by ``pain_rise_limit`` or more with
        quality down), or when the last ``sessions_to_progress`` sessions at the current load all scored
        more than ``quality_drop`` below the patient's usual score; *progress* when the last
        ``sessions_to_progress`` sessions were all at the current load and each met the target with no
        consistent moderate or severe compensation, no pain rise by ``pain_rise_limit`` and pain after at
        most ``pain_ceiling``; otherwise *hold*.

    Notes
    -----
    One bad session alone never steps back (fluctuations are expected); only a flare-up, which pairs pain
    with worse movement, acts on one session. Unrecorded pain does not block progressing, but the reasons
    say it was not recorded.
    """
    rules = rules or GateRules()
    sessions = sorted(history, key=lambda s: s.session_date)
    if not sessions:
        return _decision("hold", ["No scored session of this task yet."], sessions, rules)
    latest = sessions[-1]
    load = latest.load_kg
    flare = _flare_up(sessions, rules)
    if flare is not None:
        lower = _lower_load(sessions, load, rules)
        return _decision("step back", [flare, _step_back_advice(lower)], sessions, rules, lower)
    need = rules.sessions_to_progress
    recent = sessions[-need:]
    at_load = len(recent) == need and all(same_load(s.load_kg, load, rules.load_tolerance_kg) for s in recent)
    usual = _usual_score(sessions, rules, need)
    dropped = [usual is not None and s.score < usual - rules.quality_drop for s in recent]
    if at_load and usual is not None and all(dropped):
        lower = _lower_load(sessions, load, rules)
        reason = (
            f"Quality dropped at {describe_load(load)} in the last {need} sessions: scores "
            f"{', '.join(f'{s.score:g}' for s in recent)} against a usual {usual:g} "
            f"(more than the measurement error of {rules.quality_drop:g} points)."
        )
        return _decision("step back", [reason, _step_back_advice(lower)], sessions, rules, lower)
    return _hold_or_progress(sessions, rules, at_load, dropped[-1], usual)


def _step_back_advice(lower: float | None) -> str:
    if lower is None:
        return "Reduce the load, range or speed until the movement is clean again."
    return f"Go back to {describe_load(lower)}, the last lighter load used."


def _hold_or_progress(
    sessions: Sequence[GateSession], rules: GateRules, at_load: bool, latest_dropped: bool, usual: float | None
) -> GateDecision:
    need = rules.sessions_to_progress
    recent = sessions[-need:]
    load = sessions[-1].load_kg
    blockers = [b for s in recent for b in _progress_blockers(s, rules)]
    if at_load and not blockers:
        reasons = [
            f"The last {need} sessions at {describe_load(load)} scored "
            f"{', '.join(f'{s.score:g}' for s in recent)} (target {rules.target_score:g}) with no consistent "
            "moderate or severe compensation and no pain flare."
        ]
        if any(s.dose.pain_change is None for s in recent):
            reasons.append("Pain before and after was not recorded for every one of them; ask before adding load.")
        return _decision("progress", reasons, sessions, rules)
    reasons = []
    if not at_load:
        done = sum(same_load(s.load_kg, load, rules.load_tolerance_kg) for s in recent)
        reasons.append(f"{done} of the {need} sessions needed at {describe_load(load)} so far.")
    reasons += blockers
    if latest_dropped and usual is not None:
        reasons.append(
            f"The latest score ({sessions[-1].score:g}) is well below the usual {usual:g}; one session alone "
            "is not a reason to step back, watch the next one."
        )
    return _decision("hold", reasons, sessions, rules)


@dataclass(frozen=True)
class ThresholdPoint:
    """The quality threshold load after one session."""

    analysis_id: str
    session_date: date
    threshold_kg: float | None
    """Heaviest load whose latest session had no consistent moderate or severe compensation (None: none yet)."""


def compute_threshold_loads(history: Sequence[GateSession], rules: GateRules | None = None) -> list[ThresholdPoint]:
    """Return the quality threshold load after each session, oldest first.

    After each session, every load used so far is judged by its most recent session: clean when that
    session had no consistent moderate or severe compensation. The threshold is the heaviest clean load,
    so it rises when a heavier load is done well and falls when the heaviest clean load is later done
    with a compensation. Sessions without a recorded load are skipped.
    """
    rules = rules or GateRules()
    latest_at: dict[float, bool] = {}
    points = []
    for session in sorted(history, key=lambda s: s.session_date):
        load = session.load_kg
        if load is not None:
            key = next((k for k in latest_at if same_load(k, load, rules.load_tolerance_kg)), load)
            latest_at[key] = session.compensation is None
        clean = [k for k, ok in latest_at.items() if ok]
        points.append(ThresholdPoint(session.analysis_id, session.session_date, max(clean) if clean else None))
    return points
