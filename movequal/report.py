"""Self-contained ``report.html`` for one analysis.

The page needs no network access: CSS and JavaScript are inline (from the
package template ``movequal/templates/report.html``), the annotated video is
embedded as a base64 ``data:`` URI and the angle plots are drawn as SVG by a
small vanilla script from a JSON blob of the kinematics series. A
Content-Security-Policy meta tag forbids every other source.

Every string that comes from the report is HTML-escaped; the JSON blob has
``<``, ``>`` and ``&`` escaped so it cannot close its ``<script>`` element.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from movequal.assessment import Finding, MetricSummary, Rep, Report, TrackingQuality
from movequal.io.atomic import atomic_text
from movequal.kinematics import Kinematics
from movequal.metric_registry import METRIC_BY_REP_KEY
from movequal.report_plots import plot_data

_B64_CHUNK = 3 * 256 * 1024
"""Bytes of video read per base64 chunk (a multiple of 3, so chunks concatenate)."""

_VIDEO_MARK = "__MQ_VIDEO_BASE64__"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

_VIEWS = {
    "sagittal-left": "Side view (left side)",
    "sagittal-right": "Side view (right side)",
    "frontal": "Front view",
    "oblique": "Angled view",
    "unknown": "Unknown view",
}
_PIPS = {"mild": "●○○", "moderate": "●●○", "severe": "●●●"}

SCORE_BANDS: tuple[tuple[float, str, str], ...] = (
    (85.0, "Good", "Your movement looked controlled, with at most small points to work on."),
    (70.0, "Fair", "Mostly good movement, with a few habits worth practising."),
    (50.0, "Needs work", "Several compensations showed up; the tips below say what to practise."),
    (0.0, "Poor", "Marked compensations showed up in most repetitions; go through them with your clinician."),
)
"""Lower bound, label and plain-language meaning of each overall-score band."""

SELF_CONTAINED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; media-src data:; img-src data:"
)
"""The downloadable report may load nothing from anywhere."""
APP_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "media-src 'self'; img-src 'self' data:"
)
"""The web app's result page may also stream its video from the app's own origin."""

TRACKING_OK = {"detected_fraction": 0.9, "mean_visibility": 0.6, "longest_gap_s": 0.5}
"""Tracking is called reliable at or above these coverage/visibility values and at or under this gap."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    """Format a number: one decimal from 10 up, three significant digits below."""
    if not math.isfinite(value):
        return "–"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3g}"


def _with_unit(value: float, unit: str) -> str:
    """Format ``value`` with its unit, e.g. ``72.0°``, ``1.2 s``, ``0.85``."""
    if unit in ("deg", "deg/s"):
        return f"{_num(value)}°" + unit[3:]
    if unit in ("ratio", ""):
        return _num(value)
    return f"{_num(value)} {unit}"


def _fmt_date(created_at: str) -> str:
    try:
        when = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%d %b %Y, %H:%M") + (" UTC" if when.tzinfo is not None else "")


def _seek(time: float) -> str:
    return f'<button type="button" class="seek num" data-seek="{time:.3f}" title="Show in video">{time:.2f} s</button>'


def _bar(fraction: float) -> str:
    width = max(0.0, min(1.0, fraction)) * 100
    return f'<span class="bar" aria-hidden="true"><i style="width:{width:.0f}%"></i></span>'


def _header(report: Report) -> str:
    a, src = report.assessment, report.source
    how = "recognised automatically" if a.movement_detected else "chosen by user"
    name = src.file.replace("\\", "/").rsplit("/", 1)[-1]
    items = [
        ("Movement", f'{_e(a.movement.capitalize())} <span class="muted small">({how})</span>'),
        ("Camera view", _e(_VIEWS.get(a.view, a.view))),
        ("Date", _e(_fmt_date(report.created_at))),
        ("Recording", f'<span title="{_e(src.file)}">{_e(name)}</span>'),
        ("Length", f"{src.duration_s:.1f} s · {src.fps:.0f} fps · {src.width}×{src.height}"),
        ("Pose model", _e(src.model)),
    ]
    cells = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in items)
    return (
        '<header class="card"><div class="masthead"><div><div class="brand">movequal</div>'
        "<h1>Movement quality report</h1></div>"
        f'<div class="muted small">movequal {_e(report.movequal_version)}</div></div>'
        f'<dl class="meta">{cells}</dl></header>'
    )


def _score_band(score: float) -> tuple[str, str]:
    for lower, label, meaning in SCORE_BANDS:
        if score >= lower:
            return label, meaning
    return SCORE_BANDS[-1][1], SCORE_BANDS[-1][2]


def _score_section(report: Report) -> str:
    a = report.assessment
    n_reps, n_find = len(a.reps), len(a.findings)
    extra = [f"{a.partial_reps} partial" * bool(a.partial_reps)]
    if a.fms_deep_squat is not None:
        extra.append(f"FMS deep squat ≈ {a.fms_deep_squat.score}/3 ({'; '.join(a.fms_deep_squat.reasons)})")
    if a.trend is not None and a.trend.fatigue:
        extra.append(f"tiring: depth {a.trend.depth_change_pct:+.0f} %, speed {a.trend.speed_change_pct:+.0f} %")
    if a.five_times_sit_to_stand_s is not None:
        extra.append(f"5× sit-to-stand {a.five_times_sit_to_stand_s:.1f} s")
    chips = (
        f'<div class="chips"><span class="chip">{n_reps} repetition{"s" * (n_reps != 1)}</span>'
        f'<span class="chip">{n_find} finding{"s" * (n_find != 1)}</span>'
        + "".join(f'<span class="chip">{_e(x)}</span>' for x in extra if x)
        + "</div>"
    )
    if a.score is None:
        return (
            '<section class="card score noscore" aria-label="Overall score"><div class="score-text">'
            '<h2 class="muted small">Overall movement score</h2>'
            '<div class="band">No complete repetition found</div>'
            "<p>We could not find a full movement down and back up in this recording, so no score was given. "
            "Check the tracking quality below; recording again with the whole body in view usually helps.</p>"
            f"{chips}</div></section>"
        )
    label, meaning = _score_band(a.score)
    return (
        '<section class="card score" aria-label="Overall score"><div class="gauge">'
        '<svg viewBox="0 0 120 120" aria-hidden="true"><circle class="track" cx="60" cy="60" r="52" fill="none" '
        'stroke-width="12"/><circle class="value" cx="60" cy="60" r="52" fill="none" stroke-width="12" '
        f'stroke-linecap="round" pathLength="100" stroke-dasharray="{a.score:.1f} 100"/></svg>'
        f'<div class="label"><span class="big num">{a.score:.0f}</span>'
        '<span class="muted small">out of 100</span></div>'
        '</div><div class="score-text"><h2 class="muted small">Overall movement score</h2>'
        f'<div class="band">{_e(label)}</div><p>{_e(meaning)}</p>'
        f'<p class="muted small">Each repetition starts at 100 and loses points for every issue seen in it; '
        f"the overall score is the average over {n_reps} repetition{'s' * (n_reps != 1)}.</p>"
        f"{chips}</div></section>"
    )


def _reps_text(reps: list[int], n_reps: int) -> str:
    if not reps:
        return "none"
    listed = ", ".join(str(r) for r in reps)
    return f"{'rep' if len(reps) == 1 else 'reps'} {listed} of {n_reps}"


def _finding_card(f: Finding, rep_start: dict[int, float], n_reps: int) -> str:
    rows = "".join(
        f"<tr><td>{_e(ev.name)}</td><td class='r num'><b>{_e(_with_unit(ev.value, ev.unit))}</b></td>"
        f"<td class='r num muted'>{'–' if ev.threshold is None else _e(_with_unit(ev.threshold, ev.unit))}</td></tr>"
        for ev in f.evidence
    )
    evidence = (
        '<table class="evidence"><thead><tr><th>Measured</th><th class="r">Value</th><th class="r">Threshold</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
        if f.evidence
        else ""
    )
    first = next((rep_start[r] for r in f.reps if r in rep_start), None)
    show = f" · {_seek(first)}" if first is not None else ""
    sev = _e(f.severity)
    return (
        f'<article class="finding sev-{sev}"><div class="finding-head"><h3>{_e(f.title)}</h3>'
        f'<span class="badge sev-{sev}"><span class="pips" aria-hidden="true">{_PIPS.get(f.severity, "")}</span>'
        f"{sev.capitalize()}</span></div>"
        f'<div class="code">{_e(f.code)}</div>'
        f'<div class="cue"><strong>Try this:</strong> {_e(f.cue)}</div>{evidence}'
        f'<div class="facts"><span>Seen in <b>{_e(_reps_text(f.reps, n_reps))}</b>{show}</span>'
        f"<span>Confidence <b class='num'>{f.confidence * 100:.0f}%</b>{_bar(f.confidence)}</span>"
        f"<span>Score impact <b class='num'>&minus;{_num(f.points_lost)} points</b></span></div></article>"
    )


def _findings_section(report: Report) -> str:
    a = report.assessment
    if a.findings:
        rep_start = {r.number: r.start_time for r in a.reps}
        body = "".join(_finding_card(f, rep_start, len(a.reps)) for f in a.findings)
    elif a.reps:
        body = "<p>No compensations were found in this recording. Keep moving the same way.</p>"
    else:
        body = "<p class='muted'>Findings need at least one complete repetition.</p>"
    return f'<section class="card"><h2>What we noticed</h2>{body}</section>'


def _metric_label(key: str) -> tuple[str, str]:
    """Label and unit of a per-rep metric (a key of ``Rep.metrics``), looked up in the metric registry."""
    metric = METRIC_BY_REP_KEY.get(key)
    return (metric.rep_label, metric.unit) if metric is not None else (key.replace("_", " "), "")


def _rep_row(rep: Rep, findings: list[Finding]) -> str:
    metrics = "".join(
        f"<li><span>{_e(label)}</span> <b class='num'>{_e(_with_unit(value, unit))}</b></li>"
        for label, unit, value in ((*_metric_label(k), v) for k, v in rep.metrics.items())
    )
    tags = "".join(
        f'<span class="badge sev-{_e(f.severity)}">{_e(f.title)}</span>' for f in findings if rep.number in f.reps
    )
    return (
        f"<tr><th scope='row'>{rep.number}</th><td>{_seek(rep.start_time)}</td><td>{_seek(rep.bottom_time)}</td>"
        f"<td>{_seek(rep.end_time)}</td><td class='r num'>{rep.descent_s:.2f} s</td>"
        f"<td class='r num'>{rep.ascent_s:.2f} s</td><td class='r num'>{rep.depth:.2f}</td>"
        f"<td class='r num'><b>{rep.score:.0f}</b>{_bar(rep.score / 100)}</td>"
        f"<td><ul class='kv'>{metrics}</ul>{f'<div class=tags>{tags}</div>' if tags else ''}</td></tr>"
    )


def _reps_section(report: Report) -> str:
    a = report.assessment
    if not a.reps:
        return '<section class="card"><h2>Repetitions</h2><p class="muted">No complete repetition found.</p></section>'
    rows = "".join(_rep_row(r, a.findings) for r in a.reps)
    head = "".join(
        f"<th{' class=r' if h in ('Descent', 'Ascent', 'Depth', 'Score') else ''}>{h}</th>"
        for h in ("Rep", "Start", "Bottom", "End", "Descent", "Ascent", "Depth", "Score", "Key metrics")
    )
    return (
        '<section class="card"><h2>Repetitions</h2><div class="scroll"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        '<p class="muted small">Times are from the start of the video; click one to jump there. '
        "Depth is 0 standing; 1 means the hips dropped by half their standing height "
        "(or, for lifts and bends, the trunk reached horizontal), so deep squats go above 1.</p></section>"
    )


def _metric_row(m: MetricSummary) -> str:
    if m.value is None:
        value = f'<span class="note">{_e(m.note or "not measured")}</span>'
    else:
        note = f' <span class="note small">({_e(m.note)})</span>' if m.note else ""
        value = f"<b class='num'>{_e(_with_unit(m.value, m.unit))}</b>{note}"
    confidence = f"{m.confidence * 100:.0f}%{_bar(m.confidence)}"
    return f"<tr><td>{_e(m.name)}</td><td>{value}</td><td class='num'>{confidence}</td></tr>"


def _metrics_section(report: Report) -> str:
    rows = "".join(_metric_row(m) for m in report.assessment.metrics)
    if not rows:
        rows = "<tr><td colspan='3' class='muted'>No metrics.</td></tr>"
    return (
        '<section class="card"><h2>Measurements</h2><div class="scroll"><table>'
        "<thead><tr><th>Metric</th><th>Average over reps</th><th>Confidence</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></section>"
    )


def _tracking_section(tq: TrackingQuality) -> str:
    ok = (
        tq.detected_fraction >= TRACKING_OK["detected_fraction"]
        and tq.mean_visibility >= TRACKING_OK["mean_visibility"]
        and tq.longest_gap_s <= TRACKING_OK["longest_gap_s"]
    )
    verdict = "Tracking looks reliable." if ok else "Tracking was patchy in places; read the results with some caution."
    tiles = [
        (
            f"{tq.detected_fraction * 100:.0f}%",
            f"frames with the person found ({tq.frames_with_person} of {tq.frames})",
        ),
        (f"{tq.mean_visibility * 100:.0f}%", "mean visibility of hips, knees, ankles and shoulders"),
        (f"{tq.longest_gap_s:.2f} s", "longest stretch without the person"),
    ]
    cells = "".join(
        f'<div class="tile"><div class="v num">{v}</div><div class="k">{_e(k)}</div></div>' for v, k in tiles
    )
    warnings = (
        '<ul class="warnings">' + "".join(f"<li>{_e(w)}</li>" for w in tq.warnings) + "</ul>"
        if tq.warnings
        else '<p class="muted small">No warnings.</p>'
    )
    return (
        f'<section class="card"><h2>Tracking quality</h2><div class="tiles">{cells}</div>'
        f'<p class="verdict">{verdict}</p>{warnings}</section>'
    )


def _replay_section(video_src: str | None) -> str:
    key = (
        '<div class="key"><span><span class="sw" style="background:rgba(29,78,137,.15)"></span>repetition</span>'
        "<span>▼ deepest point</span><span>│ video position</span></div>"
    )
    plots = (
        f'<section class="card plots-card"><div class="plots-head"><h2>Joint angles over time</h2>{key}</div>'
        '<p class="muted small no-print">Hover to read values, click to jump the video there, '
        "and use the legend buttons to show or hide a side.</p>"
        '<div id="mq-plots"></div><noscript><p>The interactive plots need JavaScript.</p></noscript></section>'
    )
    if video_src is None:
        return (
            f'<div class="replay-wrap"><div class="replay">{plots}</div></div>'
            '<p class="muted small">The annotated video is not included in this report.</p>'
        )
    video = (
        '<section class="card video-card"><h2>Annotated video</h2>'
        '<video id="mq-video" controls preload="metadata" playsinline>'
        f'<source type="video/mp4" src="{_e(video_src)}">'
        "Your browser cannot play the embedded video.</video></section>"
    )
    return f'<div class="replay-wrap"><div class="replay has-video">{video}{plots}</div></div>'


def _script_json(data: dict[str, Any]) -> str:
    r"""Serialise for an inline ``<script>``: ``<``, ``>`` and ``&`` become ``\u003c``-style escapes."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _template() -> str:
    return resources.files("movequal").joinpath("templates/report.html").read_text(encoding="utf-8")


def _render_parts(report: Report, plots: dict[str, Any], video_src: str | None, *, csp: str, nav: str) -> str:
    """Render the whole page around ``video_src`` (a URL, or the base64 mark to splice the video in)."""
    a = report.assessment
    content = "\n".join(
        (
            _header(report),
            _score_section(report),
            _findings_section(report),
            _reps_section(report),
            _metrics_section(report),
            _tracking_section(report.tracking),
            _replay_section(video_src),
            f"<footer>Generated by movequal {_e(report.movequal_version)} (report schema {_e(report.schema_version)}). "
            "This report supports, and does not replace, the judgement of your clinician.</footer>",
        )
    )
    values = {
        "title": _e(f"{a.movement.capitalize()} movement report – {_fmt_date(report.created_at)}"),
        "version": _e(report.movequal_version),
        "csp": csp,
        "nav": nav,
        "content": content,
        "data": _script_json(plots),
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), _template())


def _split_at_video(report: Report, kinematics: Kinematics, has_video: bool) -> tuple[str, str]:
    """Render the self-contained page as the text before and after the video's base64 payload."""
    src = f"data:video/mp4;base64,{_VIDEO_MARK}" if has_video else None
    page = _render_parts(report, plot_data(report, kinematics), src, csp=SELF_CONTAINED_CSP, nav="")
    before, mark, after = page.partition(_VIDEO_MARK)
    return (before, after) if mark else (page, "")


def render_report_page(report: Report, plots: dict[str, Any], video_url: str | None, nav: str = "") -> str:
    """Render the report as a page of a web app, with the video streamed from ``video_url``.

    Parameters
    ----------
    report : Report
        The analysis result.
    plots : dict
        The angle-plot data, as :func:`movequal.report_plots.plot_data` made it.
    video_url : str or None
        Same-origin URL of the annotated video; ``None`` leaves the video out.
    nav : str
        Trusted HTML placed above the report (the app's navigation bar).

    Returns
    -------
    str
        The whole HTML document; its Content-Security-Policy allows the app's
        own origin and nothing else.
    """
    return _render_parts(report, plots, video_url, csp=APP_CSP, nav=nav)


def _iter_base64(path: Path) -> Iterator[str]:
    """Yield the file's base64 encoding in pieces that concatenate to the whole."""
    size = _B64_CHUNK
    buffer = bytearray(size)
    view = memoryview(buffer)
    with path.open("rb") as fh:
        while True:
            filled = 0
            while filled < size and (n := fh.readinto(view[filled:])):
                filled += n
            if filled:
                yield base64.b64encode(view[:filled]).decode("ascii")
            if filled < size:
                return


def render_report_html(report: Report, kinematics: Kinematics, video_path: Path | None) -> str:
    """Render the self-contained HTML report.

    Parameters
    ----------
    report : Report
        The analysis result.
    kinematics : Kinematics
        Per-frame series behind the angle plots.
    video_path : Path or None
        Annotated H.264 mp4 to embed; ``None`` leaves the video out.

    Returns
    -------
    str
        The whole HTML document.
    """
    before, after = _split_at_video(report, kinematics, video_path is not None)
    if video_path is None:
        return before + after
    return "".join([before, *_iter_base64(video_path), after])


def write_report_html(path: Path, report: Report, kinematics: Kinematics, video_path: Path | None) -> None:
    """Write the HTML report atomically, streaming the video into the file.

    The page goes to a temporary file in the same directory, which then
    replaces ``path``; a failure leaves ``path`` untouched.

    Parameters
    ----------
    path : Path
        Destination, normally ``<out>/report.html``.
    report : Report
        The analysis result.
    kinematics : Kinematics
        Per-frame series behind the angle plots.
    video_path : Path or None
        Annotated H.264 mp4 to embed; ``None`` leaves the video out.
    """
    path = Path(path)
    before, after = _split_at_video(report, kinematics, video_path is not None)
    with atomic_text(path, mode=0o644) as fh:
        fh.write(before)
        if video_path is not None:
            for chunk in _iter_base64(video_path):
                fh.write(chunk)
        fh.write(after)
