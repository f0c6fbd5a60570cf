"""The report's "Rep curves" section: each angle's mean ± 1 SD over a repetition, drawn as static SVG.

A rep curve (:mod:`movequal.core.rep_curves`) is an angle resampled from the
start (0 %) to the end (100 %) of every full rep, averaged over the reps. The
section draws one chart per angle: the mean as a line, the spread across reps
as a band of ±1 standard deviation. Given a baseline session's ``report.json``,
its curve is overlaid in a second colour (and dashed), but only where the two
sessions read the angle the same way: a side view's image angle and another
view's 3D angle are not drawn on one axis.

The charts are plain SVG written here, so the page needs no script or network
to show them and they print as they look; the web app's comparison panel
(``api/web/static/compare.js``) draws the same markup from the API's data.
Both sides work on ``report.json`` objects (dicts), so the service can pass its
stored reports as they are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from movequal.report.sections import escape, format_date

WIDTH, HEIGHT = 360, 210
"""The SVG's coordinate box; it scales to the column width."""
MARGIN = {"l": 36, "r": 18, "t": 10, "b": 36}
X_TICKS = (0, 25, 50, 75, 100)
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


def _ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering ``lo``–``hi`` at a 1, 2 or 5 × 10ⁿ step."""
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    fraction = raw / magnitude
    step = (1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10) * magnitude
    first = math.ceil(lo / step)
    return [round(k * step, 6) for k in range(first, math.floor(hi / step + 1e-6) + 1)]


class _Axes:
    """Map percent of the rep and degrees to SVG coordinates."""

    def __init__(self, curves: Sequence[Mapping[str, Any]]) -> None:
        low = [m - s for c in curves for m, s in zip(c["mean"], c["sd"], strict=True)]
        high = [m + s for c in curves for m, s in zip(c["mean"], c["sd"], strict=True)]
        lo, hi = min(low), max(high)
        pad = max((hi - lo) * 0.08, 2.0)
        self.lo, self.hi = lo - pad, hi + pad

    def x(self, percent: float) -> float:
        return MARGIN["l"] + percent / 100 * (WIDTH - MARGIN["l"] - MARGIN["r"])

    def y(self, value: float) -> float:
        return MARGIN["t"] + (self.hi - value) / (self.hi - self.lo) * (HEIGHT - MARGIN["t"] - MARGIN["b"])


def _percents(n: int) -> list[float]:
    return [100 * i / (n - 1) for i in range(n)] if n > 1 else [0.0]


def _line(curve: Mapping[str, Any], axes: _Axes) -> str:
    points = zip(_percents(len(curve["mean"])), curve["mean"], strict=True)
    return "M" + "L".join(f"{axes.x(p):.1f} {axes.y(v):.1f}" for p, v in points)


def _band(curve: Mapping[str, Any], axes: _Axes) -> str:
    percents = _percents(len(curve["mean"]))
    upper = [(p, m + s) for p, m, s in zip(percents, curve["mean"], curve["sd"], strict=True)]
    lower = [(p, m - s) for p, m, s in zip(percents, curve["mean"], curve["sd"], strict=True)][::-1]
    return "M" + "L".join(f"{axes.x(p):.1f} {axes.y(v):.1f}" for p, v in upper + lower) + "Z"


def describe_curve(curve: Mapping[str, Any]) -> str:
    """Put a curve in words (the chart's text alternative): start, peak and where it is, end, reps."""
    mean = curve["mean"]
    peak = max(range(len(mean)), key=mean.__getitem__)
    at = round(_percents(len(mean))[peak])
    reps = int(curve["reps"])
    return (
        f"starts at {mean[0]:.0f}°, peaks at {mean[peak]:.0f}° at {at} % of the rep and ends at {mean[-1]:.0f}° "
        f"(mean of {reps} rep{'s' * (reps != 1)}, widest spread ±{max(curve['sd']):.1f}°)"
    )


def _axes_markup(axes: _Axes) -> list[str]:
    parts = []
    for v in _ticks(axes.lo, axes.hi):
        y = axes.y(v)
        parts.append(f'<line class="rc-grid" x1="{MARGIN["l"]}" x2="{WIDTH - MARGIN["r"]}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{MARGIN["l"] - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    bottom = HEIGHT - MARGIN["b"]
    for p in X_TICKS:
        parts.append(f'<text x="{axes.x(p):.1f}" y="{bottom + 15}" text-anchor="middle">{p} %</text>')
    parts.append(f'<line class="rc-axis" x1="{MARGIN["l"]}" x2="{WIDTH - MARGIN["r"]}" y1="{bottom}" y2="{bottom}"/>')
    parts.append(f'<text x="{axes.x(50):.1f}" y="{HEIGHT - 4}" text-anchor="middle">% of the repetition</text>')
    return parts


def curve_chart(curve: Mapping[str, Any], baseline: Mapping[str, Any] | None = None, *, ident: str) -> str:
    """Return one angle's chart (a ``<figure>``): this session's mean ± 1 SD and, when given, the baseline's.

    Parameters
    ----------
    curve : Mapping
        This session's curve, as in ``report.json``'s ``rep_curves``.
    baseline : Mapping, optional
        The baseline session's curve of the same angle, measured the same way (the caller checks).
    ident : str
        A prefix unique on the page, for the SVG's title and description ids.
    """
    axes = _Axes([curve] if baseline is None else [curve, baseline])
    words = f"This session {describe_curve(curve)}."
    if baseline is not None:
        words += f" Baseline {describe_curve(baseline)}."
    drawn = [("base", baseline)] if baseline is not None else []
    shapes = [
        f'<path class="rc-band-{kind}" d="{_band(c, axes)}"/><path class="rc-mean-{kind}" d="{_line(c, axes)}"/>'
        for kind, c in [*drawn, ("now", curve)]
    ]
    reps = int(curve["reps"])
    return (
        f'<figure class="curve"><figcaption>{escape(curve["label"])} <span class="muted small">(degrees; '
        f"{reps} rep{'s' * (reps != 1)}, {escape(method_text(curve['method']))})</span></figcaption>"
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(curve["label"])} over a repetition</title>'
        f'<desc id="{ident}-d">{escape(words)}</desc>' + "".join(_axes_markup(axes) + shapes) + "</svg></figure>"
    )


def curve_key(now_name: str, baseline_name: str | None) -> str:
    """Return the legend: which colour and line is this session, which the baseline."""
    now = (
        '<span><svg class="rc-swatch" width="26" height="12" aria-hidden="true"><rect class="rc-band-now" x="0" '
        'y="1" width="26" height="10"/><line class="rc-mean-now" x1="0" x2="26" y1="6" y2="6"/></svg>'
        f"This session, {escape(now_name)}: mean ± 1 SD</span>"
    )
    if baseline_name is None:
        return f'<div class="key">{now}</div>'
    base = (
        '<span><svg class="rc-swatch" width="26" height="12" aria-hidden="true"><rect class="rc-band-base" x="0" '
        'y="1" width="26" height="10"/><line class="rc-mean-base" x1="0" x2="26" y1="6" y2="6"/></svg>'
        f"Baseline, {escape(baseline_name)}</span>"
    )
    return f'<div class="key">{now}{base}</div>'


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
    for i, curve in enumerate(curves):
        other = before.get(curve["angle"])
        comparable = other is not None and other["method"] == curve["method"]
        overlaid = overlaid or comparable
        figure = curve_chart(curve, other if comparable else None, ident=f"rc{i}")
        if same_task and not comparable:
            note = f'<p class="note small">{escape(_not_overlaid(curve, other))}</p>'
            figure = figure.replace("</figure>", note + "</figure>")
        figures.append(figure)
    notes = []
    if baseline is not None and not same_task:
        notes.append("The baseline is a different movement: its curves are not overlaid.")
    if not curves:
        notes.append("This session has no full repetition to draw.")
    key = curve_key(session_name(report), session_name(baseline) if overlaid and baseline is not None else None)
    return (
        '<section class="card" id="rep-curves"><div class="plots-head"><h2>Rep curves</h2>'
        f"{key if curves else ''}</div>"
        '<p class="muted small">Each angle over one repetition, from its start (0 %) to its end (100 %): the line is '
        "the mean over the full reps, the band ±1 standard deviation across them.</p>"
        + "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
        + f'<div class="curves">{"".join(figures)}</div></section>'
    )
