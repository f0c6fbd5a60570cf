"""Static SVG rep-curve charts for the PDF, which WeasyPrint prints without running any script.

Every interactive chart (the report page, the result page, the patient page) is drawn by uPlot through
:mod:`movequal.report.charts`; a PDF is paper, printed server-side by WeasyPrint, which runs no JavaScript,
so its rep curves are drawn here as SVG: the mean as a line and ±1 SD as a band, in the same colours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from movequal.report.curves_section import describe_curve, method_text, percents
from movequal.report.sections import escape

WIDTH, HEIGHT = 360, 210
"""The SVG's coordinate box; it scales to the column width."""
MARGIN = {"l": 36, "r": 18, "t": 10, "b": 36}
X_TICKS = (0, 25, 50, 75, 100)


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


def _line(curve: Mapping[str, Any], axes: _Axes) -> str:
    points = zip(percents(len(curve["mean"])), curve["mean"], strict=True)
    return "M" + "L".join(f"{axes.x(p):.1f} {axes.y(v):.1f}" for p, v in points)


def _band(curve: Mapping[str, Any], axes: _Axes) -> str:
    at = percents(len(curve["mean"]))
    upper = [(p, m + s) for p, m, s in zip(at, curve["mean"], curve["sd"], strict=True)]
    lower = [(p, m - s) for p, m, s in zip(at, curve["mean"], curve["sd"], strict=True)][::-1]
    return "M" + "L".join(f"{axes.x(p):.1f} {axes.y(v):.1f}" for p, v in upper + lower) + "Z"


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
