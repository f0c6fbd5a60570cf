"""The timed up-and-go phases as a terminal table (``movequal analyze``'s summary).

The report page's is :mod:`.tug_section`.
"""

from __future__ import annotations

from rich.table import Table

from movequal.core.assessment import TimedUpAndGo


def tug_rows(tug: TimedUpAndGo) -> list[tuple[str, float | None, float | None]]:
    """Return the phases as (name, start, end) in seconds from the clip's start, then the total, in test order."""
    return [
        ("stand up", tug.lean_onset, tug.upright),
        ("  of which seated until", tug.lean_onset, tug.seat_off),
        ("walk, turn, walk back", tug.upright, tug.lowering_onset),
        ("sit down", tug.lowering_onset, tug.seated),
        ("total", tug.lean_onset, tug.seated),
    ]


def _clock(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def to_tug_table(tug: TimedUpAndGo) -> Table:
    """Return one row per phase: when it began and ended (s into the clip) and how long it took."""
    table = Table("phase", "from (s)", "to (s)", "duration (s)")
    for name, start, end in tug_rows(tug):
        duration = None if start is None or end is None else end - start
        table.add_row(name, _clock(start), _clock(end), _clock(duration))
    return table
