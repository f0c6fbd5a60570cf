"""The report page's timed up-and-go section: each phase with its start, end and duration, and the cut-off.

Every string from the report is HTML-escaped here, as in :mod:`movequal.report.sections`.
"""

from __future__ import annotations

import html

from movequal.core.assessment import TimedUpAndGo
from movequal.report.tug_table import tug_rows


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _clock(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def render_tug_section(tug: TimedUpAndGo) -> str:
    """Return the timed up-and-go section: the phases timed, or why the test could not be."""
    if tug.total_s is None:
        return f'<section class="card"><h2>Timed up-and-go</h2><p class="muted">{_e(tug.message or "")}</p></section>'
    rows = "".join(
        f"<tr><th scope='row'>{_e(name.strip())}</th><td class='num'>{_clock(start)}</td>"
        f"<td class='num'>{_clock(end)}</td>"
        f"<td class='num'>{_clock(None if start is None or end is None else end - start)}</td></tr>"
        for name, start, end in tug_rows(tug)
    )
    unseen = (
        f" The patient was out of view for {tug.unseen_s:.1f} s of the walk (usually the turn); "
        "the total does not depend on it."
        if tug.unseen_s
        else ""
    )
    side = "above" if tug.total_s >= tug.cutoff_s else "below"
    return (
        '<section class="card"><h2>Timed up-and-go</h2><div class="scroll"><table>'
        "<thead><tr><th>Phase</th><th>From</th><th>To</th><th>Duration</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        f'<p class="muted small">Total {tug.total_s:.2f} s, {side} the fall-risk cut-off of {tug.cutoff_s:g} s '
        f"({_e(tug.cutoff_source)}). The test starts when the trunk first leans forward and ends when the hips are "
        f"back on the seat; times are from the video's own frame timestamps.{_e(unseen)}</p></section>"
    )
