"""The report's "Rep curves" section: each angle's mean ± 1 SD over a repetition, as an interactive chart.

A rep curve (:mod:`movequal.core.rep_curves`) is an angle resampled from the
start (0 %) to the end (100 %) of every full rep, averaged over the reps. The
section draws one chart per angle: the mean as a line, the spread across reps
as a band of ±1 standard deviation. Given a baseline session's ``report.json``,
its curve is overlaid in a second colour (and dashed), but only where the two
sessions read the angle the same way: a side view's image angle and another
view's 3D angle are not drawn on one axis.

Each chart is a ``<figure>`` whose ``data-mq-curve`` attribute carries the
curves; the report's script draws them with ``MQCharts.repCurve``
(:mod:`movequal.report.charts`, uPlot), as the web app's comparison panel
(``api/web/static/compare.js``) does from the API's data. The PDF, which runs
no script, draws them as SVG (:mod:`movequal.report.pdf_charts`). All work on
``report.json`` objects (dicts), so the service can pass its stored reports as
they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from movequal.report.sections import escape, format_date

METHOD_TEXT = {"image": "read from the picture (side view)", "3d": "from the 3D landmarks"}
"""How an angle was measured, as the section says it."""


def method_text(method: str) -> str:
    """Say how a curve was measured, for a reader."""
    return METHOD_TEXT.get(method, method)


def session_name(report: Mapping[str, Any]) -> str:
    """Name a session by its date and recording: ``01 Sep 2026, 10:00 UTC (squat.mp4)``."""
    file = str(report.get("source", {}).get("file", "")).replace("\\", "/").rsplit("/", 1)[-1]
    when = format_date(str(report.get("created_at", "")))
    return f"{when} ({file})" if file else when


def percents(n: int) -> list[float]:
    """Return ``n`` evenly spaced positions from 0 to 100 % of a repetition."""
    return [100 * i / (n - 1) for i in range(n)] if n > 1 else [0.0]


def describe_curve(curve: Mapping[str, Any]) -> str:
    """Put a curve in words (the chart's text alternative): start, peak and where it is, end, reps."""
    mean = curve["mean"]
    peak = max(range(len(mean)), key=mean.__getitem__)
    at = round(percents(len(mean))[peak])
    reps = int(curve["reps"])
    return (
        f"starts at {mean[0]:.0f}°, peaks at {mean[peak]:.0f}° at {at} % of the rep and ends at {mean[-1]:.0f}° "
        f"(mean of {reps} rep{'s' * (reps != 1)}, widest spread ±{max(curve['sd']):.1f}°)"
    )


def curve_figure(curve: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> str:
    """Return one angle's chart: a ``<figure>`` the report's script draws from its ``data-mq-curve`` attribute.

    Parameters
    ----------
    curve : Mapping
        This session's curve, as in ``report.json``'s ``rep_curves``.
    baseline : Mapping, optional
        The baseline session's curve of the same angle, measured the same way (the caller checks).
    """
    words = f"{curve['label']} over a repetition. This session {describe_curve(curve)}."
    if baseline is not None:
        words += f" Baseline {describe_curve(baseline)}."
    keep = ("label", "mean", "sd", "reps", "method")
    data = {
        "now": {k: curve[k] for k in keep},
        "base": None if baseline is None else {k: baseline[k] for k in keep},
        "words": words,
        "names": {"now": "This session", "base": "Baseline"},
    }
    reps = int(curve["reps"])
    return (
        f'<figure class="curve"><figcaption>{escape(curve["label"])} <span class="muted small">(degrees; '
        f"{reps} rep{'s' * (reps != 1)}, {escape(method_text(curve['method']))})</span></figcaption>"
        f'<div class="curve-chart" data-mq-curve="{escape(json.dumps(data, separators=(",", ":")))}"></div>'
        f'<noscript><p class="small">{escape(words)}</p></noscript></figure>'
    )


def _sessions_line(report: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> str:
    now = f"This session: {escape(session_name(report))}"
    if baseline is None:
        return f'<p class="small">{now}.</p>'
    return f'<p class="small">{now}; baseline (orange, dashed): {escape(session_name(baseline))}.</p>'


def _not_overlaid(curve: Mapping[str, Any], other: Mapping[str, Any] | None) -> str:
    if other is None:
        return "The baseline has no curve of this angle."
    read = {"image": "read from the picture (side view)", "3d": "read from the 3D landmarks"}
    return (
        f"Baseline not drawn: it was {read.get(other['method'], other['method'])}, this session "
        f"{read.get(curve['method'], curve['method'])}; the two readings can differ by tens of degrees."
    )


def rep_curves_section(report: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> str:
    """Return the "Rep curves" section of a ``report.json`` object, with a baseline's curves overlaid when given.

    Returns an empty string when the session has no curve (no full rep, or a movement without reps) and no
    baseline is given. A baseline of another movement is not overlaid at all; one of the same movement is
    overlaid angle by angle where both sessions measured the angle the same way, and a note says why not
    elsewhere.
    """
    curves = list(report.get("rep_curves") or [])
    if not curves and baseline is None:
        return ""
    same_task = baseline is not None and baseline["assessment"]["movement"] == report["assessment"]["movement"]
    before = {c["angle"]: c for c in (baseline or {}).get("rep_curves") or []} if same_task else {}
    figures, overlaid = [], False
    for curve in curves:
        other = before.get(curve["angle"])
        comparable = other is not None and other["method"] == curve["method"]
        overlaid = overlaid or comparable
        figure = curve_figure(curve, other if comparable else None)
        if same_task and not comparable:
            note = f'<p class="note small">{escape(_not_overlaid(curve, other))}</p>'
            figure = figure.replace("</figure>", note + "</figure>")
        figures.append(figure)
    notes = []
    if baseline is not None and not same_task:
        notes.append("The baseline is a different movement: its curves are not overlaid.")
    if not curves:
        notes.append("This session has no full repetition to draw.")
    sessions = _sessions_line(report, baseline if overlaid else None) if curves else ""
    return (
        '<section class="card" id="rep-curves"><div class="plots-head"><h2>Rep curves</h2></div>'
        f"{sessions}"
        '<p class="muted small">Each angle over one repetition, from its start (0 %) to its end (100 %): the line is '
        "the mean over the full reps, the band ±1 standard deviation across them.</p>"
        + "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
        + f'<div class="curves">{"".join(figures)}</div></section>'
    )
