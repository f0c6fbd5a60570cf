"""A session compared with the patient's own baseline in ``report.html``: reading the baseline, the change table.

``movequal analyze --baseline PATH`` reads an earlier analysis's ``report.json``
(:func:`load_baseline`, checked before any video work) and the report page then
shows, beside this session's rep curves, the baseline's where comparable
(:mod:`movequal.report.curves_section`) and :func:`baseline_section`: what
differs between the sessions (camera view, pose model, movement) and each
metric's change against its minimal detectable change, or "not comparable"
when the two sessions measured it differently
(:func:`movequal.core.comparison.compare_to_baseline`). The baseline is shown,
never stored: ``report.json`` stays this session's own record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from movequal.core.assessment import Report
from movequal.core.comparison import MetricChange, SessionFacts, compare_to_baseline, describe_differences
from movequal.errors import InputError
from movequal.report.curves_section import session_name
from movequal.report.sections import escape, with_unit

_VERDICT_CLASS = {
    "improved": "vd-improved",
    "worsened": "vd-worsened",
    "changed": "vd-changed",
    "no real change": "vd-same",
    "not comparable": "vd-not-comparable",
}


class BaselineError(InputError):
    """The baseline given for a comparison is missing or is not a movequal ``report.json``."""

    exit_code = 19


def load_baseline(path: Path) -> dict[str, Any]:
    """Read and check a baseline ``report.json`` (or a report folder holding one).

    Returns
    -------
    dict
        The report as JSON data, normalised by the :class:`~movequal.core.assessment.Report` model.

    Raises
    ------
    BaselineError
        When the file is missing, unreadable, not JSON or not a report, with a one-line reason.
    """
    path = Path(path)
    if path.is_dir() and (path / "report.json").is_file():
        path = path / "report.json"
    if not path.is_file():
        raise BaselineError(f"baseline {path}: no such file (give an earlier analysis's report.json)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"baseline {path}: not a movequal report.json ({type(exc).__name__})") from exc
    try:
        return Report.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise BaselineError(f"baseline {path}: not a movequal report.json ({where}: {first['msg']})") from exc


def _signed(value: float, unit: str) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + with_unit(abs(value), unit)


def _row(change: MetricChange) -> str:
    verdict = escape(change.verdict)
    note = f'<div class="note small">{escape(change.note)}</div>' if change.note else ""
    return (
        f"<tr><th scope='row'>{escape(change.label)}</th>"
        f"<td class='r num'>{escape(with_unit(change.baseline, change.unit))}</td>"
        f"<td class='r num'>{escape(with_unit(change.value, change.unit))}</td>"
        f"<td class='r num'>{escape(_signed(change.change, change.unit))}</td>"
        f"<td class='r num'>{escape(change.error_text)}</td>"
        f"<td><span class='{_VERDICT_CLASS.get(change.verdict, '')}'>{verdict}</span>{note}</td></tr>"
    )


def change_table(changes: list[MetricChange]) -> str:
    """Return the table of metric changes: baseline, now, change, MDC95 and the verdict."""
    head = "".join(
        f"<th scope='col'{' class=r' if n in (1, 2, 3, 4) else ''}>{h}</th>"
        for n, h in enumerate(("Metric", "Baseline", "Now", "Change", "MDC (95 %)", "Verdict"))
    )
    return (
        '<div class="scroll"><table class="change-table"><caption class="muted small">Each metric both sessions '
        "measured; a change is real only when it exceeds the minimal detectable change (MDC).</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(_row(c) for c in changes)}</tbody></table></div>"
    )


def baseline_section(report: Mapping[str, Any], baseline: Mapping[str, Any]) -> str:
    """Return the "Compared with the baseline" section of two ``report.json`` objects (this session, the baseline).

    Lists every change of movement, camera view or pose model, then each metric's change against its MDC95
    (a metric measured differently in the two sessions is "not comparable", with the reason).
    """
    facts = SessionFacts.from_report(baseline), SessionFacts.from_report(report)
    differences = describe_differences(*facts)
    changes = compare_to_baseline(baseline, report)
    if differences:
        same = '<ul class="warnings">' + "".join(f"<li>{escape(d)}</li>" for d in differences) + "</ul>"
    else:
        same = "<p>Same movement, camera view and pose model: every metric is measured the same way.</p>"
    if facts[0].movement != facts[1].movement:
        body = ""
    elif changes:
        body = change_table(changes)
    else:
        body = '<p class="muted">No metric was measured in both sessions.</p>'
    return (
        '<section class="card" id="baseline-comparison"><h2>Compared with the baseline</h2>'
        f"<p><strong>Baseline:</strong> {escape(session_name(baseline))} · {escape(facts[0].movement)} · "
        f"{escape(facts[0].view)} view · model {escape(facts[0].model or 'unknown')}</p>{same}{body}"
        '<p class="muted small">MDC (95 %) = 1.96 × √2 × the metric\'s measurement error: a smaller change can be '
        "measurement noise. A metric read from the picture in one session and from the 3D landmarks in the other "
        "is not comparable and gets no verdict.</p></section>"
    )
