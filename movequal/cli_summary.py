"""The summary ``movequal analyze`` prints: movement, score and verdict, findings, reps, tracking.

Kept beside :mod:`movequal.cli` to keep that module short; the printed verdict is the report's
(:func:`movequal.core.verdict.from_assessment`), so terminal and page say the same thing.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from movequal.cli_dose import dose_lines
from movequal.core.assessment import Assessment, Report
from movequal.core.chair_stands import FIVE_TIMES_CUTOFF_S
from movequal.core.functional_reach import describe_functional_reach
from movequal.core.movement_registry import find_profile
from movequal.core.verdict import from_assessment
from movequal.report.not_judged import describe_not_judged
from movequal.report.task_views import find_task_view

out = Console()
_SEVERITY_STYLE = {"mild": "yellow", "moderate": "dark_orange", "severe": "bold red"}


def _extra_lines(a: Assessment) -> list[str]:
    """FMS estimate, fatigue, 5x sit-to-stand time and partial reps, where the assessment has them."""
    lines = []
    if a.fms_deep_squat is not None:
        lines.append(f"FMS deep squat estimate: {a.fms_deep_squat.score}/3 ({'; '.join(a.fms_deep_squat.reasons)})")
    if a.trend is not None and a.trend.fatigue:
        trend = a.trend
        lines.append(
            f"Tiring over the set: depth {trend.depth_change_pct:+.0f} %, speed {trend.speed_change_pct:+.0f} %"
        )
    if a.five_times_sit_to_stand_s is not None:
        lines.append(
            f"5x sit-to-stand time: {a.five_times_sit_to_stand_s:.1f} s "
            f"(recurrent-fall cut-off {FIVE_TIMES_CUTOFF_S:g} s, Buatois et al. 2008)"
        )
    if a.thirty_second_chair_stand is not None:
        lines.append(f"30-second chair stand: {a.thirty_second_chair_stand} stands")
    if a.functional_reach is not None:
        lines.append(f"Functional reach: {describe_functional_reach(a.functional_reach)} (Duncan et al. 1992)")
    judged = len(a.reps) - a.full_reps
    if judged:
        lines.append(f"{judged} partial repetition(s) judged on what the clip shows (a pull with no lowering)")
    if a.partial_reps > judged:
        lines.append(f"{a.partial_reps - judged} partial repetition(s) seen but not scored")
    return lines


def _score_lines(a: Assessment) -> list[str]:
    """Return the score line with its verdict and, when a finding capped the verdict, why (rich markup)."""
    if a.cut_off:
        return [f"[bold yellow]{escape(a.message or '')}[/]"]
    if a.movement == "unrecognised":
        return [f"[bold yellow]Movement not recognised[/]: {escape(a.message or '')}"]
    rating = from_assessment(a)
    task = find_task_view(a)
    why = task[0].message(task[1]) if task is not None else None
    if why:
        return [f"[bold yellow]{escape(why)}[/]"]
    if a.score is None or rating is None:
        return [f"[bold]Movement quality score: {escape(a.message or 'no complete repetition found')}[/]"]
    lines = [
        f"[bold]Movement quality score: {a.score:.0f} / 100 — {escape(rating.label)}[/]: {escape(rating.sentence)}"
    ]
    if rating.reason:
        lines.append(f"  [yellow]{escape(rating.reason)}[/]")
    if (unjudged := describe_not_judged(a.not_judged)) is not None:
        lines.append(f"  [dim]{escape(unjudged)}[/]")
    return lines


def _recognition_text(a: Assessment) -> str:
    """`` (recognised, confidence 0.93)`` after an automatically recognised movement, else nothing."""
    if not a.movement_detected or a.movement == "unrecognised":
        return ""
    return " (recognised" + ("" if a.movement_confidence is None else f", confidence {a.movement_confidence:.2f}") + ")"


def _finding_lines(a: Assessment) -> list[str]:
    """Each finding with its severity, where it was seen, evidence and cue (rich markup)."""
    task = find_task_view(a)
    unit = task[0].noun[1] if task is not None else "reps"
    lines = []
    for f in a.findings:
        style = _SEVERITY_STYLE[f.severity]
        evidence = "; ".join(f"{e.name} {e.value:g} {e.unit}" for e in f.evidence)
        seen = ", ".join(map(str, f.reps))
        lines.append(f"  [{style}]{f.severity:>8}[/] {f.title} ({unit} {seen}; -{f.points_lost:g} pts) — {evidence}")
        lines.append(f"           cue: {f.cue}")
    if not a.findings and (a.reps or (task is not None and task[0].measured(task[1]))):
        lines.append("  No compensation found.")
    profile = find_profile(a.movement)
    if profile is not None and profile.breathing_cue is not None:
        lines.append(f"  breathing: {profile.breathing_cue}")
    return lines


def _counted(a: Assessment) -> str:
    """Return what was counted: reps, walking passes and steps, a timed test's total or balance holds."""
    task = find_task_view(a)
    return task[0].counted(task[1]) if task is not None else f"{a.full_reps} rep(s)"


def print_summary(report: Report, out_dir: Path | None) -> None:
    """Print score, findings and reps as a human-readable summary."""
    a = report.assessment
    detected = _recognition_text(a)
    out.print(f"[bold]{report.source.file}[/]: {a.movement}{detected}, view {a.view}, {_counted(a)}")
    for line in _score_lines(a):
        out.print(line)
    for line in _finding_lines(a):
        out.print(line)
    for line in [*_extra_lines(a), *dose_lines(report.dose)]:
        out.print(escape(line))
    if a.reps:
        table = Table("rep", "bottom (s)", "descent (s)", "ascent (s)", "depth", "score")
        for r in a.reps:
            table.add_row(
                f"{r.number} (partial)" if r.partial else str(r.number),
                f"{r.bottom_time:.2f}",
                f"{r.descent_s:.2f}",
                f"{r.ascent_s:.2f}",
                f"{r.depth:.2f}",
                f"{r.score:.0f}",
            )
        out.print(table)
    task = find_task_view(a)
    if task is not None and task[0].measured(task[1]):
        out.print(task[0].table(task[1]))
    t = report.tracking
    out.print(
        f"Tracking: person on {100 * t.detected_fraction:.0f}% of frames, mean visibility {t.mean_visibility:.2f}"
    )
    for warning in t.warnings:
        out.print(f"[yellow]warning:[/] {warning}")
    if out_dir is not None:
        out.print(f"Report folder: {out_dir}")
