"""A balance test's holds as a terminal table (``movequal analyze``) and as the report page's section.

Every string from the report is HTML-escaped in the section, as in :mod:`movequal.report.sections`.
"""

from __future__ import annotations

import html

from rich.table import Table

from movequal.core.assessment import Balance
from movequal.core.task_results import BalanceHold

END_TEXT = {
    "touch-down": "foot down",
    "stance-move": "standing foot moved",
    "clip-end": "clip ended (still holding)",
    "lost": "out of view (still holding)",
}
"""How each way a hold ended reads in the table."""
AXIS_TEXT = {"mediolateral": "side to side", "anteroposterior": "forwards-backwards", "mixed": "oblique view"}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _sway(hold: BalanceHold, metric: bool) -> tuple[str, str]:
    """Return the pelvis's mean sway speed and range as text (cm when the height was given, else leg lengths)."""
    if hold.pelvis_velocity is None or hold.pelvis_range is None:
        return "–", "–"
    if metric and hold.pelvis_velocity_cm_s is not None and hold.pelvis_range_cm is not None:
        return f"{hold.pelvis_velocity_cm_s:.1f} cm/s", f"{hold.pelvis_range_cm:.1f} cm"
    return f"{hold.pelvis_velocity:.3f} legs/s", f"{hold.pelvis_range:.3f} legs"


def _censored(hold: BalanceHold) -> bool:
    """Whether the hold lasted longer than the clip shows."""
    return hold.end_reason in ("clip-end", "lost") or not hold.start_seen


def _side_text(hold: BalanceHold) -> str:
    return f"on {hold.side} foot" if hold.stance == "single-leg" else f"{hold.side} foot in front"


def to_balance_table(balance: Balance) -> Table:
    """Return one row per hold: side, time, how it ended, sway of the pelvis and arm use."""
    metric = balance.leg_length_m is not None
    table = Table("hold", "side", "from–to (s)", "held (s)", "ended by", "pelvis sway speed", "pelvis range", "arms")
    for h in balance.holds:
        speed, extent = _sway(h, metric)
        arms = "–" if h.arm_excursion is None else f"{h.arm_excursion:.2f} legs"
        table.add_row(
            str(h.number),
            _side_text(h),
            f"{h.start:.2f}–{h.end:.2f}",
            f"{h.hold_s:.1f}" + ("+" if _censored(h) else ""),
            END_TEXT[h.end_reason],
            speed,
            extent,
            arms,
        )
    return table


def _counts_from(balance: Balance) -> str:
    if balance.stance == "single-leg":
        return "A hold counts from the foot leaving the floor until it touches down or the standing foot moves"
    return "A hold counts from the feet being placed one in front of the other until either foot moves"


def render_balance_section(balance: Balance) -> str:
    """Return the balance section: every hold with its time and sway, or why none was found."""
    title = "Single-leg stance" if balance.stance == "single-leg" else "Tandem stance"
    if not balance.holds:
        return f'<section class="card"><h2>{title}</h2><p class="muted">{_e(balance.message or "")}</p></section>'
    metric = balance.leg_length_m is not None
    rows = []
    for h in balance.holds:
        speed, extent = _sway(h, metric)
        axis = AXIS_TEXT[h.sway_axis] if h.sway_axis else _e(h.sway_message or "not measured")
        held = f"{h.hold_s:.1f} s" + (" or more" if _censored(h) else "")
        rows.append(
            f"<tr><th scope='row'>{h.number}</th><td>{_e(_side_text(h))}</td><td class='num'>{h.start:.2f} s</td>"
            f"<td class='num'><b>{_e(held)}</b></td><td>{_e(END_TEXT[h.end_reason])}</td>"
            f"<td class='num'>{_e(speed)}</td><td class='num'>{_e(extent)}</td><td>{axis}</td></tr>"
        )
    return (
        f'<section class="card"><h2>{title}</h2><div class="scroll"><table>'
        "<thead><tr><th>Hold</th><th>Side</th><th>From</th><th>Held</th><th>Ended by</th>"
        "<th>Pelvis sway speed</th><th>Pelvis range</th><th>Sway seen</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="muted small">{_e(_counts_from(balance))}; below {balance.cutoff_s:g} s it is short '
        f"({_e(balance.cutoff_source)}). Sway is the pelvis's movement along the direction the camera sees, from 1 s "
        "into the hold; a single camera cannot see the other direction.</p></section>"
    )
