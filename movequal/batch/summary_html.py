"""``summary.html``: a batch's counts, score distribution, per-movement table, per-patient trends and failures.

The page is self-contained like ``report.html``: no network (a Content-Security-Policy meta forbids every
source), the charting layer (uPlot and ``mq-charts.js``, :func:`movequal.report.charts.chart_assets`) inline,
and the charts drawn by ``MQCharts.create`` from one inline JSON blob (``<``, ``>`` and ``&`` escaped, so it
cannot close its ``<script>``). Every chart has its data table, PNG and CSV export; the per-movement and
failure tables stay plain HTML, and a ``<noscript>`` line gives each chart's numbers without JavaScript.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from movequal.batch.score import ItemResult
from movequal.io.atomic import atomic_text
from movequal.report.charts import chart_assets
from movequal.report.html import _script_json

SUMMARY_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
"""The summary may load nothing from anywhere; its own inline style and scripts only."""

_EPOCH = date(1970, 1, 1)

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:24px auto;max-width:960px;padding:0 16px;color:#1c2733}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde3ea;padding:6px;text-align:left}"
    "figure{margin:12px 0}figcaption{font-weight:600}"
    ".trends{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:4px 24px}"
    ".mq-chart-data table{width:auto}"
)

_SCRIPT = """
(function () {
  "use strict";
  var C = window.MQCharts, blob = document.getElementById("mq-summary-data");
  if (!C || !blob) { return; }
  var D = JSON.parse(blob.textContent);
  function day(v) { return new Date(Math.round(v) * 86400000).toISOString().slice(0, 10); }
  function score(v) { return v === null || v === undefined ? "\\u2014" : String(Math.round(v)); }
  var hist = document.getElementById("score-histogram");
  if (hist && D.histogram) {
    var h = D.histogram, top = Math.max.apply(null, h.counts.concat([1]));
    C.create(hist, {
      name: "score-distribution", title: "Score distribution (videos per 10 points)",
      description: "Score distribution, videos per 10 points: " + h.words + ".",
      x: { label: "score", values: h.centres, csv: h.labels, range: [0, 100],
        format: function (v) { return h.labels[Math.min(9, Math.max(0, Math.floor(v / 10)))]; },
        ticks: function (v) { return String(Math.round(v)); } },
      axes: { y: { label: "videos", range: [0, Math.ceil(top * 1.15) + 0.5],
        format: function (v) { return Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : ""; } } },
      series: [{ label: "videos", values: h.counts, kind: "bars", color: "#1d4e89",
        fill: "rgba(29, 78, 137, .45)", format: score }]
    });
  }
  document.querySelectorAll("[data-trend]").forEach(function (host) {
    var t = D.trends[Number(host.getAttribute("data-trend"))];
    C.create(host, {
      name: t.name, title: t.title,
      description: t.title + ": " + t.words + ".",
      x: { label: "session date", values: t.days, csv: t.dates, splits: t.days, range: t.range,
        format: day, ticks: day },
      axes: { y: { label: "score", range: [0, 100] } },
      series: [{ label: t.patient, values: t.scores, color: "#1d4e89", format: score, points: true }]
    });
  });
})();
"""


def _histogram_data(scores: list[float]) -> dict[str, Any]:
    """Videos per 10 points: bin centres (5 … 95), labels ("0–10" … "90–100") and counts (100 in the top bin)."""
    counts = [0] * 10
    for s in scores:
        counts[min(max(int(s // 10), 0), 9)] += 1
    labels = [f"{10 * i}–{10 * i + 10}" for i in range(10)]
    words = ", ".join(f"{label}: {n}" for label, n in zip(labels, counts, strict=True))
    return {"centres": [10 * i + 5 for i in range(10)], "labels": labels, "counts": counts, "words": words}


def _trend_data(patient: str, movement: str, points: list[tuple[date, float]]) -> dict[str, Any]:
    """One patient's scores of one movement by session date (x: days since 1970, labelled by date)."""
    points = sorted(points)
    days = [(d - _EPOCH).days for d, _ in points]
    pad = max(1, round((days[-1] - days[0]) * 0.05))
    scores = [round(v, 2) for _, v in points]
    words = ", ".join(f"{d.isoformat()}: {v:.0f}" for (d, _), v in zip(points, scores, strict=True))
    return {
        "patient": patient,
        "title": f"{patient} · {movement}: score by session",
        "name": f"{patient}-{movement}-scores",
        "dates": [d.isoformat() for d, _ in points],
        "days": days,
        "scores": scores,
        "range": [days[0] - pad, days[-1] + pad],
        "words": words,
    }


def _trends(done: list[ItemResult]) -> list[dict[str, Any]]:
    """Return a trend per (patient, movement) with at least two dated scores, in that order."""
    points: defaultdict[tuple[str, str], list[tuple[date, float]]] = defaultdict(list)
    for r in done:
        if r.patient and r.score is not None and r.session_date:
            points[(r.patient, r.movement or "?")].append((r.session_date, r.score))
    return [_trend_data(p, m, pts) for (p, m), pts in sorted(points.items()) if len(pts) >= 2]


def _figure(caption: str, host: str, words: str) -> str:
    return (
        f"<figure><figcaption>{html.escape(caption)}</figcaption>{host}"
        f'<noscript><p class="small">{html.escape(words)}</p></noscript></figure>'
    )


def _histogram_html(data: dict[str, Any]) -> str:
    host = '<div class="chart" id="score-histogram"></div>'
    return _figure("Score distribution (videos per 10 points)", host, data["words"])


def _trends_html(trends: list[dict[str, Any]]) -> str:
    figures = []
    for i, t in enumerate(trends):
        figures.append(_figure(t["title"], f'<div class="chart" data-trend="{i}"></div>', t["words"]))
    return f'<div class="trends">{"".join(figures)}</div>'


def _table(rows: list[list[str]], head: list[str]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{cells}</tbody></table>"
    )


def _movement_rows(done: list[ItemResult]) -> list[list[str]]:
    by_movement: dict[str, list[ItemResult]] = defaultdict(list)
    for r in done:
        by_movement[r.movement or "?"].append(r)
    rows = []
    for movement, group in sorted(by_movement.items()):
        scores = [r.score for r in group if r.score is not None]
        codes: defaultdict[str, int] = defaultdict(int)
        for r in group:
            for code in r.findings:
                codes[code] += 1
        common = ", ".join(f"{c} ({n})" for c, n in sorted(codes.items(), key=lambda kv: -kv[1])[:3]) or "none"
        mean = f"{sum(scores) / len(scores):.0f}" if scores else "–"
        rows.append([movement, str(len(group)), mean, common])
    return rows


def summary_data(results: Sequence[ItemResult]) -> dict[str, Any]:
    """Return what the page's charts draw: ``histogram`` (``None`` without a score) and ``trends``."""
    done = [r for r in results if r.status == "done"]
    scores = [r.score for r in done if r.score is not None]
    return {"histogram": _histogram_data(scores) if scores else None, "trends": _trends(done)}


def _body(results: Sequence[ItemResult], data: dict[str, Any]) -> str:
    done = [r for r in results if r.status == "done"]
    failed = [r for r in results if r.status != "done"]
    unrecognised = sum(r.movement == "unrecognised" for r in done)
    scored = sum(r.score is not None for r in done)
    nothing = len(done) - scored - unrecognised  # a walk with no step in view, a body cut off, no complete rep
    failures = (
        _table([[Path(r.path).name, r.error or ""] for r in failed], ["video", "reason"]) if failed else "<p>None.</p>"
    )
    histogram = _histogram_html(data["histogram"]) if data["histogram"] else "<p>No scores.</p>"
    trends = _trends_html(data["trends"]) if data["trends"] else "<p>No patient has two dated sessions yet.</p>"
    return (
        f"<h1>Batch summary</h1><p>{len(results)} videos: {scored} scored, "
        f"{unrecognised} movement not recognised (no score), "
        f"{nothing} with nothing measurable (no score; each report says why), {len(failed)} not scored.</p>"
        f"<h2>Scores</h2>{histogram}"
        f"<h2>By movement</h2>{_table(_movement_rows(done), ['movement', 'videos', 'mean score', 'common findings'])}"
        f"<h2>Patients over time</h2>{trends}"
        f"<h2>Not scored</h2>{failures}"
    )


def summary_page(results: Sequence[ItemResult]) -> str:
    """Return the self-contained ``summary.html`` page of a batch's results."""
    data = summary_data(results)
    css, js = chart_assets()
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>movequal batch summary</title>'
        f'<meta http-equiv="Content-Security-Policy" content="{SUMMARY_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>\n{css}\n{_STYLE}</style></head><body>{_body(results, data)}"
        f'<script type="application/json" id="mq-summary-data">{_script_json(data)}</script>'
        f"<script>\n{js}</script><script>{_SCRIPT}</script></body></html>"
    )


def write_summary_html(results: Sequence[ItemResult], path: Path) -> None:
    """Write the self-contained ``summary.html``: counts, score distribution, per movement, per patient, failures."""
    with atomic_text(path) as fh:
        fh.write(summary_page(results))
