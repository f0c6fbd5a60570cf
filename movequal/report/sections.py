"""The sections of a report page: header and session dose, score, findings, repetitions, measurements, tracking, replay.

Each function turns one part of a :class:`~movequal.core.assessment.Report` into an
HTML fragment, and :func:`render_content` strings them together in page order.
Every string that comes from the report is HTML-escaped here; the page around
the fragments (template, CSP, plot data, video) is :mod:`movequal.report.html`'s job.
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime

from movequal.core.assessment import Assessment, Finding, MetricSummary, Rep, Report, TrackingQuality
from movequal.core.chair_stands import FIVE_TIMES_CUTOFF_S
from movequal.core.dose import SessionDose
from movequal.core.functional_reach import describe_functional_reach
from movequal.core.metric_registry import METRIC_BY_REP_KEY
from movequal.core.movement_registry import find_profile
from movequal.core.verdict import from_assessment
from movequal.report.not_judged import describe_not_judged
from movequal.report.task_views import find_task_view

_VIEWS = {
    "sagittal-left": "Side view (left side)",
    "sagittal-right": "Side view (right side)",
    "frontal": "Front view",
    "oblique": "Angled view",
    "unknown": "Unknown view",
}
_PIPS = {"mild": "●○○", "moderate": "●●○", "severe": "●●●"}

TRACKING_OK = {"detected_fraction": 0.9, "mean_visibility": 0.6, "longest_gap_s": 0.5}
"""Tracking is called reliable at or above these coverage/visibility values and at or under this gap."""


def escape(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


_e = escape  # short, for the many f-strings below


def _num(value: float) -> str:
    """Format a number: one decimal from 10 up, three significant digits below."""
    if not math.isfinite(value):
        return "–"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3g}"


def with_unit(value: float, unit: str) -> str:
    """Format ``value`` with its unit, e.g. ``72.0°``, ``1.2 s``, ``0.85``."""
    if unit in ("deg", "deg/s"):
        return f"{_num(value)}°" + unit[3:]
    if unit in ("ratio", ""):
        return _num(value)
    return f"{_num(value)} {unit}"


def format_date(created_at: str) -> str:
    """Format an ISO time stamp for people (``02 Dec 2026, 06:23 UTC``); other text is returned as is."""
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


def _movement_name(movement: str) -> str:
    """Name the movement for a heading: "Squat", or "Movement not recognised"."""
    return "Movement not recognised" if movement == "unrecognised" else movement.capitalize()


def _header(report: Report) -> str:
    a, src = report.assessment, report.source
    how = "recognised automatically" if a.movement_detected else "chosen by user"
    if a.movement_detected and a.movement_confidence is not None:
        how += f", confidence {a.movement_confidence:.2f}"
    name = src.file.replace("\\", "/").rsplit("/", 1)[-1]
    items = [
        ("Movement", f'{_e(_movement_name(a.movement))} <span class="muted small">({how})</span>'),
        ("Camera view", _e(_VIEWS.get(a.view, a.view))),
        ("Date", _e(format_date(report.created_at))),
        ("Recording", f'<span title="{_e(src.file)}">{_e(name)}</span>'),
        ("Length", f"{src.duration_s:.1f} s · {src.fps:.0f} fps · {src.width}×{src.height}"),
        ("Pose model", _e(src.model)),
    ]
    cells = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in items)
    return (
        '<header class="card"><div class="masthead"><div><div class="brand">movequal</div>'
        "<h1>Movement quality report</h1></div>"
        f'<div class="muted small">movequal {_e(report.movequal_version)}</div></div>'
        f'<dl class="meta">{cells}</dl>{_session_line(report.dose)}</header>'
    )


def _session_line(dose: SessionDose | None) -> str:
    """Return the session's dose and symptoms and, when pain rose by 2 points or more, a plain warning."""
    if dose is None:
        return ""
    note = dose.pain_rise_note()
    source = '<span class="muted small">(Farrar et al. 2001; Childs et al. 2005)</span>'
    alert = f'<p class="pain-rise">{_e(note)} {source}</p>' if note else ""
    return f'<p class="session"><strong>Session:</strong> {_e(dose.describe())}</p>{alert}'


def _score_section(report: Report) -> str:
    a = report.assessment
    n_reps, n_find = a.full_reps, len(a.findings)
    extra = [f"{a.partial_reps} partial" * bool(a.partial_reps)]
    if a.fms_deep_squat is not None:
        extra.append(f"FMS deep squat ≈ {a.fms_deep_squat.score}/3 ({'; '.join(a.fms_deep_squat.reasons)})")
    if a.trend is not None and a.trend.fatigue:
        extra.append(f"tiring: depth {a.trend.depth_change_pct:+.0f} %, speed {a.trend.speed_change_pct:+.0f} %")
    if a.five_times_sit_to_stand_s is not None:
        extra.append(
            f"5× sit-to-stand {a.five_times_sit_to_stand_s:.1f} s (fall-risk cut-off {FIVE_TIMES_CUTOFF_S:g} s)"
        )
    if a.thirty_second_chair_stand is not None:
        extra.append(f"30-second chair stand {a.thirty_second_chair_stand} stands")
    if a.functional_reach is not None:
        extra.append(describe_functional_reach(a.functional_reach))
    chips = (
        f'<div class="chips"><span class="chip">{n_reps} repetition{"s" * (n_reps != 1)}</span>'
        f'<span class="chip">{n_find} finding{"s" * (n_find != 1)}</span>'
        + "".join(f'<span class="chip">{_e(x)}</span>' for x in extra if x)
        + "</div>"
    )
    if a.cut_off:
        return (
            '<section class="card score noscore" aria-label="Overall score"><div class="score-text">'
            '<h2 class="muted small">Overall movement score</h2>'
            '<div class="band">Not measurable: the body was not all in the picture</div>'
            f"<p>{_e(a.message or '')}</p></div></section>"
        )
    if a.movement == "unrecognised":
        return (
            '<section class="card score noscore" aria-label="Overall score"><div class="score-text">'
            '<h2 class="muted small">Overall movement score</h2>'
            '<div class="band">Movement not recognised</div>'
            f"<p>{_e(a.message or '')}</p></div></section>"
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
    rating = from_assessment(a)
    label, meaning = (rating.label, rating.sentence) if rating is not None else ("", "")
    why = f'<p class="capped">{_e(rating.reason)}</p>' if rating is not None and rating.reason else ""
    if (unjudged := describe_not_judged(a.not_judged)) is not None:
        why += f'<p class="muted small not-judged">{_e(unjudged)}</p>'
    return (
        '<section class="card score" aria-label="Overall score"><div class="gauge">'
        '<svg viewBox="0 0 120 120" aria-hidden="true"><circle class="track" cx="60" cy="60" r="52" fill="none" '
        'stroke-width="12"/><circle class="value" cx="60" cy="60" r="52" fill="none" stroke-width="12" '
        f'stroke-linecap="round" pathLength="100" stroke-dasharray="{a.score:.1f} 100"/></svg>'
        f'<div class="label"><span class="big num">{a.score:.0f}</span>'
        '<span class="muted small">out of 100</span></div>'
        '</div><div class="score-text"><h2 class="muted small">Overall movement score</h2>'
        f'<div class="band">{_e(label)}</div><p>{_e(meaning)}</p>{why}'
        f'<p class="muted small">{_e(_averaging_text(a))}</p>'
        f"{chips}</div></section>"
    )


def _averaging_text(a: Assessment) -> str:
    """How the overall score comes from the reps (or from the one partial the clip shows)."""
    if a.full_reps == 0 and a.reps:
        return (
            "The clip shows only part of a repetition (a lift from the floor to lockout, with no lowering): "
            "it is scored on that part, which starts at 100 and loses points for every issue seen in it."
        )
    n = a.full_reps
    return (
        "Each repetition starts at 100 and loses points for every issue seen in it; "
        f"the overall score is the average over {n} repetition{'s' * (n != 1)}."
    )


def _reps_text(reps: list[int], n_reps: int, noun: tuple[str, str] = ("rep", "reps")) -> str:
    if not reps:
        return "none"
    listed = ", ".join(str(r) for r in reps)
    return f"{noun[0] if len(reps) == 1 else noun[1]} {listed} of {n_reps}"


def _finding_card(f: Finding, rep_start: dict[int, float], n_reps: int, noun: tuple[str, str] = ("rep", "reps")) -> str:
    rows = "".join(
        f"<tr><td>{_e(ev.name)}</td><td class='r num'><b>{_e(with_unit(ev.value, ev.unit))}</b></td>"
        f"<td class='r num muted'>{'–' if ev.threshold is None else _e(with_unit(ev.threshold, ev.unit))}</td></tr>"
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
        f'<div class="facts"><span>Seen in <b>{_e(_reps_text(f.reps, n_reps, noun))}</b>{show}</span>'
        f"<span>Confidence <b class='num'>{f.confidence * 100:.0f}%</b>{_bar(f.confidence)}</span>"
        f"<span>Score impact <b class='num'>&minus;{_num(f.points_lost)} points</b></span></div></article>"
    )


def _findings_section(report: Report) -> str:
    a = report.assessment
    task = find_task_view(a)
    if a.findings:
        rep_start, noun = {r.number: r.start_time for r in a.reps}, ("rep", "reps")
        if task is not None:  # passes, the one timed test, or holds
            rep_start, noun = task[0].starts(task[1]), task[0].noun
        body = "".join(_finding_card(f, rep_start, len(rep_start), noun) for f in a.findings)
    elif a.reps or (task is not None and task[0].measured(task[1])):
        body = "<p>No compensations were found in this recording. Keep moving the same way.</p>"
    else:
        body = "<p class='muted'>Findings need at least one complete repetition.</p>"
    profile = find_profile(a.movement)
    words = profile.breathing_cue if profile is not None else None
    breathing = f'<p class="cue"><strong>Breathing:</strong> {_e(words)}</p>' if words else ""
    return f'<section class="card"><h2>What we noticed</h2>{body}{breathing}</section>'


def _metric_label(key: str) -> tuple[str, str]:
    """Label and unit of a per-rep metric (a key of ``Rep.metrics``), looked up in the metric registry."""
    metric = METRIC_BY_REP_KEY.get(key)
    return (metric.rep_label, metric.unit) if metric is not None else (key.replace("_", " "), "")


def _rep_row(rep: Rep, findings: list[Finding]) -> str:
    metrics = "".join(
        f"<li><span>{_e(label)}</span> <b class='num'>{_e(with_unit(value, unit))}</b></li>"
        for label, unit, value in ((*_metric_label(k), v) for k, v in rep.metrics.items())
    )
    tags = "".join(
        f'<span class="badge sev-{_e(f.severity)}">{_e(f.title)}</span>' for f in findings if rep.number in f.reps
    )
    return (
        f"<tr><th scope='row'>{rep.number}{' (partial)' * rep.partial}</th><td>{_seek(rep.start_time)}</td>"
        f"<td>{_seek(rep.bottom_time)}</td>"
        f"<td>{_seek(rep.end_time)}</td><td class='r num'>{rep.descent_s:.2f} s</td>"
        f"<td class='r num'>{rep.ascent_s:.2f} s</td><td class='r num'>{rep.depth:.2f}</td>"
        f"<td class='r num'><b>{rep.score:.0f}</b>{_bar(rep.score / 100)}</td>"
        f"<td><ul class='kv'>{metrics}</ul>{f'<div class=tags>{tags}</div>' if tags else ''}</td></tr>"
    )


def _reps_section(report: Report) -> str:
    a = report.assessment
    task = find_task_view(a)
    if task is not None:  # walking passes, a timed test's phases or balance holds, not reps
        return task[0].section(task[1])
    if not a.reps:
        text = "Not counted: the movement was not recognised." if a.movement == "unrecognised" else ""
        text = "Not counted: the body was not all in the picture." if a.cut_off else text
        text = text or "No complete repetition found."
        return f'<section class="card"><h2>Repetitions</h2><p class="muted">{text}</p></section>'
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
        value = f"<b class='num'>{_e(with_unit(m.value, m.unit))}</b>{note}"
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
    outside = [
        f"The {part} lay outside the picture in {share * 100:.0f} % of the frames with the person."
        for part, share in tq.out_of_picture.items()
        if share > 0
    ]
    notes = [*tq.warnings, *outside]
    warnings = (
        '<ul class="warnings">' + "".join(f"<li>{_e(w)}</li>" for w in notes) + "</ul>"
        if notes
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


def render_content(report: Report, video_src: str | None, after_metrics: str = "") -> str:
    """Return the report's sections, in page order, with the annotated video read from ``video_src``.

    ``after_metrics`` is trusted HTML placed after the measurements (the rep curves and, with a baseline,
    the comparison; :mod:`movequal.report.html` makes it).
    """
    return "\n".join(
        (
            _header(report),
            _score_section(report),
            _findings_section(report),
            _reps_section(report),
            _metrics_section(report),
            after_metrics,
            _tracking_section(report.tracking),
            _replay_section(video_src),
            f"<footer>Generated by movequal {_e(report.movequal_version)} (report schema {_e(report.schema_version)}). "
            "This report supports, and does not replace, the judgement of your clinician.</footer>",
        )
    )
