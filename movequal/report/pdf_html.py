"""The print page behind the PDF report: plain HTML and CSS for A4, no script, nothing to fetch.

:func:`report_print_html` lays out one analysis for the patient record (header,
score, findings, the rep-curve charts, the session dose, and optionally the
progression gate's recommendation and a baseline comparison);
:func:`progress_print_html` lays out a patient's progress summary. Both take the
service's answers as plain dicts (``TaskProgressionPublic``, ``ComparisonPublic``,
``ProgressionPublic``, ``ProgressPublic`` as JSON), so the core needs no service.
Every string from the data is HTML-escaped here; :mod:`movequal.report.pdf` renders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from movequal.core.assessment import Finding, Report
from movequal.core.verdict import from_assessment
from movequal.report.not_judged import describe_not_judged
from movequal.report.pdf_charts import curve_chart
from movequal.report.sections import escape as _e
from movequal.report.sections import format_date, with_unit

VIEWS = {
    "sagittal-left": "Side view (left side)",
    "sagittal-right": "Side view (right side)",
    "frontal": "Front view",
    "oblique": "Angled view",
    "unknown": "Unknown view",
}

PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm;
  @bottom-left { content: "movequal · movement quality report"; font-size: 8pt; color: #666; }
  @bottom-right { content: "Page " counter(page); font-size: 8pt; color: #666; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #1b1f24; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 5mm 0 2mm; border-bottom: 0.4pt solid #999; }
h3 { font-size: 10pt; margin: 0 0 1mm; }
.muted { color: #555; } .small { font-size: 8pt; }
dl.meta { display: flex; flex-wrap: wrap; margin: 0; } dl.meta div { width: 33%; margin-bottom: 1.5mm; }
dt { font-size: 7.5pt; color: #555; text-transform: uppercase; } dd { margin: 0; }
.score { display: flex; align-items: center; border: 0.6pt solid #999; padding: 3mm; margin-top: 3mm; }
.score .big { font-size: 30pt; font-weight: bold; width: 32mm; text-align: center; }
.score .band { font-size: 12pt; font-weight: bold; }
.finding { border-left: 2.5pt solid #999; padding: 1mm 0 1mm 3mm; margin-bottom: 3mm; break-inside: avoid; }
.sev-mild { border-color: #c9a227; } .sev-moderate { border-color: #d9822b; } .sev-severe { border-color: #c23030; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; font-size: 8.5pt; }
th, td { text-align: left; padding: 0.8mm 1.5mm; border-bottom: 0.3pt solid #ccc; } th { background: #eee; }
td.r, th.r { text-align: right; }
.decision { font-size: 12pt; font-weight: bold; }
figure.curve { display: inline-block; vertical-align: top; width: 48%; margin: 0 1% 2mm 0; break-inside: avoid; }
figure.curve svg { width: 100%; height: auto; } figure.curve text { font-size: 10px; fill: #444; }
.rc-grid { stroke: #ddd; stroke-width: 0.6; } .rc-axis { stroke: #777; stroke-width: 0.8; }
.rc-band-now { fill: #1f6fb2; fill-opacity: 0.18; } .rc-mean-now { stroke: #1f6fb2; stroke-width: 2; fill: none; }
.rc-band-base { fill: #b2561f; fill-opacity: 0.15; }
.rc-mean-base { stroke: #b2561f; stroke-width: 1.6; fill: none; stroke-dasharray: 5 3; }
"""
"""The print stylesheet: A4 pages with numbered footers, DejaVu Sans (offline) or any installed sans-serif."""


def page(title: str, body: str) -> str:
    """Wrap ``body`` in a complete print document with the stylesheet inline."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{PRINT_CSS}</style></head><body>{body}</body></html>"
    )


def _num(value: object, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{float(str(value)):g}{unit}"


def _header(report: Report) -> str:
    a, src = report.assessment, report.source
    items = [
        ("Date", format_date(report.created_at)),
        ("Movement", "Movement not recognised" if a.movement == "unrecognised" else a.movement.capitalize()),
        ("Camera view", VIEWS.get(a.view, a.view)),
        ("Recording", src.file.replace("\\", "/").rsplit("/", 1)[-1]),
        ("Length", f"{src.duration_s:.1f} s · {src.fps:.0f} fps"),
        ("Pose model", src.model),
    ]
    cells = "".join(f"<div><dt>{k}</dt><dd>{_e(v)}</dd></div>" for k, v in items)
    dose = f"<p><strong>Session:</strong> {_e(report.dose.describe())}</p>" if report.dose is not None else ""
    note = report.dose.pain_rise_note() if report.dose is not None else None
    alert = f"<p><strong>{_e(note)}</strong></p>" if note else ""
    return (
        '<header><div class="muted small">movequal ' + _e(report.movequal_version) + "</div>"
        f'<h1>Your movement quality report</h1><dl class="meta">{cells}</dl>{dose}{alert}</header>'
    )


def _score(report: Report) -> str:
    a = report.assessment
    if a.score is None:
        why = a.message or "No complete repetition was found, so no score was given."
        return f'<section class="score"><div><div class="band">No score</div><p>{_e(why)}</p></div></section>'
    rating = from_assessment(a)
    label, sentence = (rating.label, rating.sentence) if rating is not None else ("", "")
    reason = f"<p>{_e(rating.reason)}</p>" if rating is not None and rating.reason else ""
    if (unjudged := describe_not_judged(a.not_judged)) is not None:
        reason += f'<p class="muted small">{_e(unjudged)}</p>'
    reps = f"{a.full_reps} repetition{'s' * (a.full_reps != 1)} · {len(a.findings)} finding(s)"
    return (
        f'<section class="score" aria-label="Overall score"><div class="big">{a.score:.0f}</div>'
        f'<div><div class="muted small">Overall movement score (out of 100)</div><div class="band">{_e(label)}</div>'
        f'<p>{_e(sentence)}</p>{reason}<div class="muted small">{_e(reps)}</div></div></section>'
    )


def _finding(f: Finding, n_reps: int) -> str:
    rows = "".join(
        f"<tr><td>{_e(ev.name)}</td><td class='r'>{_e(with_unit(ev.value, ev.unit))}</td>"
        f"<td class='r'>{'–' if ev.threshold is None else _e(with_unit(ev.threshold, ev.unit))}</td></tr>"
        for ev in f.evidence
    )
    table = (
        f'<table><tr><th>Measured</th><th class="r">Value</th><th class="r">Threshold</th></tr>{rows}</table>'
        if rows
        else ""
    )
    reps = ", ".join(str(r) for r in f.reps) or "none"
    return (
        f'<div class="finding sev-{_e(f.severity)}"><h3>{_e(f.title)}</h3>'
        f'<div class="small">Severity <b>{_e(f.severity)}</b> · seen in rep(s) {_e(reps)} of {n_reps} · '
        f"score impact −{f.points_lost:.1f} points</div>"
        f"<p><strong>Try this:</strong> {_e(f.cue)}</p>{table}</div>"
    )


def _findings(report: Report) -> str:
    a = report.assessment
    if a.findings:
        body = "".join(_finding(f, a.full_reps) for f in a.findings)
    elif a.score is not None:
        body = "<p>No compensations were found in this recording. Keep moving the same way.</p>"
    else:
        body = '<p class="muted">Findings need at least one complete repetition.</p>'
    return f"<section><h2>What we noticed</h2>{body}</section>"


def _curves(report: Report) -> str:
    curves = [c.model_dump(mode="json") for c in report.rep_curves]
    if not curves:
        return ""
    figures = "".join(curve_chart(c, ident=f"pc{i}") for i, c in enumerate(curves))
    return (
        '<section><h2>Rep curves</h2><p class="muted small">Each angle over one repetition (0–100 %): the line is '
        f'the mean over the full reps, the band ±1 standard deviation.</p><div class="curves">{figures}</div></section>'
    )


def progression_block(task: Mapping[str, Any], heading: str = "Progression recommendation") -> str:
    """Return the gate's recommendation for one task (a ``TaskProgressionPublic`` dict) with its reasons."""
    override = task.get("override")
    decided = (
        f"<p><strong>Clinician's decision:</strong> {_e(override['decision'])} — {_e(override['reason'])}</p>"
        if override
        else ""
    )
    load = task.get("suggested_load_kg")
    step = f"<p>Suggested load: {_num(load, ' kg')}</p>" if load is not None else ""
    reasons = "".join(f"<li>{_e(r)}</li>" for r in task.get("reasons") or [])
    return (
        f'<section class="progression"><h2>{_e(heading)}</h2>'
        f'<p class="decision">Recommendation: {_e(str(task["recommendation"]).capitalize())}</p>'
        f"<ul>{reasons}</ul>{step}{decided}</section>"
    )


def baseline_block(comparison: Mapping[str, Any]) -> str:
    """Return the comparison with a baseline session (a ``ComparisonPublic`` dict) as a table."""
    rows = "".join(
        f"<tr><td>{_e(m['label'])}</td><td class='r'>{_num(m['baseline'])}</td><td class='r'>{_num(m['value'])}</td>"
        f"<td class='r'>{float(m['change']):+g}</td><td>{_e(m['error_text'])}</td><td>{_e(m['verdict'])}</td></tr>"
        for m in comparison.get("metrics") or []
    )
    differences = "".join(f"<li>{_e(d)}</li>" for d in comparison.get("differences") or [])
    return (
        f"<section><h2>Compared with the baseline session of {_e(comparison.get('baseline_date', ''))}</h2>"
        f"<ul>{differences}</ul><table><tr><th>Metric</th><th class='r'>Baseline</th><th class='r'>This session</th>"
        f"<th class='r'>Change</th><th>Error (MDC95)</th><th>Verdict</th></tr>{rows}</table></section>"
    )


def report_print_html(
    report: Report, progression: Mapping[str, Any] | None = None, baseline: Mapping[str, Any] | None = None
) -> str:
    """Return the print document of one analysis."""
    parts = [_header(report), _score(report), _findings(report), _curves(report)]
    if progression is not None:
        parts.append(progression_block(progression))
    if baseline is not None:
        parts.append(baseline_block(baseline))
    return page("Movement quality report", "".join(parts))


def _sessions_table(points: Sequence[Mapping[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{_e(p['session_date'])}</td><td class='r'>{_num(p.get('load_kg'), ' kg')}</td>"
        f"<td class='r'>{float(p['score']):.0f}</td><td>{_e(p.get('compensation') or '–')}</td>"
        f"<td class='r'>{_num(p.get('pain_before'))} → {_num(p.get('pain_after'))}</td>"
        f"<td class='r'>{_num(p.get('threshold_kg'), ' kg')}</td></tr>"
        for p in points
    )
    return (
        "<table><tr><th>Session</th><th class='r'>Load</th><th class='r'>Score</th><th>Compensation</th>"
        f"<th class='r'>Pain</th><th class='r'>Threshold load</th></tr>{rows}</table>"
    )


def progress_print_html(
    patient: Mapping[str, Any], progression: Mapping[str, Any], progress: Mapping[str, Any] | None = None
) -> str:
    """Return the print document of a patient's progress: each task's recommendation and its sessions."""
    name = patient.get("display_name")
    who = f"{patient['reference']}" + (f" ({name})" if name else "")
    parts = [
        f'<header><div class="muted small">movequal</div><h1>Progress summary</h1><p>Patient {_e(who)}</p></header>'
    ]
    tasks = list(progression.get("tasks") or [])
    if not tasks:
        parts.append('<p class="muted">No scored session yet.</p>')
    for task in tasks:
        parts.append(progression_block(task, heading=str(task["movement"]).capitalize()))
        parts.append(_sessions_table(task.get("points") or []))
    series = list((progress or {}).get("series") or [])
    if series:
        rows = "".join(
            f"<tr><td>{_e(s['movement'])}</td><td>{_e(s['label'])}</td><td class='r'>{len(s.get('points') or [])}</td>"
            f"<td class='r'>{_num(s.get('change'), ' ' + str(s.get('unit', '')))}</td>"
            f"<td>{_e(s.get('verdict') or '–')}</td></tr>"
            for s in series
        )
        parts.append(
            "<h2>Measurements across sessions</h2><table><tr><th>Movement</th><th>Metric</th>"
            f"<th class='r'>Sessions</th><th class='r'>Change</th><th>Verdict</th></tr>{rows}</table>"
        )
    return page("Progress summary", "".join(parts))
