"""The report page's walking section: one row per pass, left and right side by side.

Every string from the report is HTML-escaped here, as in :mod:`movequal.report.sections`.
"""

from __future__ import annotations

import html

from movequal.core.assessment import Gait
from movequal.core.task_results import GaitPass

_HEAD = ("Pass", "Direction", "Steps", "Cadence", "Speed", "Step time L / R", "Step length L / R",
         "Stance L / R", "Trunk lean")  # fmt: skip


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _value(value: float | None, unit: str, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def _pair(left: float | None, right: float | None, unit: str) -> str:
    return f"{_value(left, unit)} / {_value(right, unit)}"


def _row(p: GaitPass, metres: bool) -> str:
    left, right = p.sides
    if metres:
        lengths, speed = _pair(left.step_length_m, right.step_length_m, " m"), _value(p.speed_m_s, " m/s")
    else:
        lengths, speed = _pair(left.step_length, right.step_length, " legs"), _value(p.speed, " legs/s")
    cells = (
        f"{p.start_time:.1f}–{p.end_time:.1f} s",
        p.direction,
        str(p.steps),
        f"{p.cadence_spm:.0f}/min",
        speed,
        _pair(left.step_time_s, right.step_time_s, " s"),
        lengths,
        _pair(left.stance_time_s, right.stance_time_s, " s"),
        _value(p.trunk_flexion_deg, "°", 0),
    )
    body = "".join(f"<td class='num'>{_e(c)}</td>" for c in cells)
    return f"<tr><th scope='row'>{p.number}</th>{body}</tr>"


def render_gait_section(gait: Gait) -> str:
    """Return the walking section: the passes measured, or why none was."""
    if not gait.passes:
        return f'<section class="card"><h2>Walking</h2><p class="muted">{_e(gait.message or "")}</p></section>'
    metres = gait.leg_length_m is not None
    head = "".join(f"<th>{_e(h)}</th>" for h in _HEAD)
    rows = "".join(_row(p, metres) for p in gait.passes)
    unit_note = (
        "Distances in metres from the height given."
        if metres
        else "Distances in leg lengths (hip to ankle); give the patient's height to see metres."
    )
    return (
        '<section class="card"><h2>Walking</h2><div class="scroll"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        f'<p class="muted small">A step ends when that foot touches down; stance runs from touch-down to lift-off. '
        f"{_e(unit_note)} {len(gait.heel_strikes)} foot contacts were found in all.</p></section>"
    )
