"""The walking passes as a terminal table (``movequal analyze``'s summary); the page's is :mod:`.gait_section`."""

from __future__ import annotations

from rich.table import Table

from movequal.core.assessment import Gait


def _pair(values: tuple[float | None, float | None], fmt: str) -> str:
    return " / ".join("–" if v is None else format(v, fmt) for v in values)


def to_gait_table(gait: Gait) -> Table:
    """Return one row per walking pass: timing, distance, symmetry and posture (left / right where per side)."""
    metres = gait.leg_length_m is not None
    table = Table("pass", "direction", "steps", "cadence /min", "speed " + ("m/s" if metres else "legs/s"),
                  "step time L/R (s)", "step length L/R " + ("(m)" if metres else "(legs)"), "stance L/R (s)",
                  "trunk (deg)")  # fmt: skip
    for p in gait.passes:
        left, right = p.sides
        lengths = (left.step_length_m, right.step_length_m) if metres else (left.step_length, right.step_length)
        table.add_row(
            f"{p.number} ({p.start_time:.1f}–{p.end_time:.1f} s)",
            p.direction,
            str(p.steps),
            f"{p.cadence_spm:.0f}",
            f"{p.speed_m_s if metres and p.speed_m_s is not None else p.speed:.2f}",
            _pair((left.step_time_s, right.step_time_s), ".2f"),
            _pair(lengths, ".2f"),
            _pair((left.stance_time_s, right.stance_time_s), ".2f"),
            "–" if p.trunk_flexion_deg is None else f"{p.trunk_flexion_deg:.0f}",
        )
    return table
