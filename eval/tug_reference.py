"""The timed up-and-go events REPS.md gives by eye, read from its free-text cell, and how far an estimate is off."""

from __future__ import annotations

import re

EVENT_TOLERANCE_S, TOTAL_TOLERANCE_S = 0.3, 0.5
"""Issue 14's acceptance: each stand-up and sit-down time within 0.3 s of REPS.md, the total within 0.5 s."""
EVENTS = ("lean_onset", "seat_off", "upright", "lowering_onset", "seated")
PATTERNS = {
    "lean_onset": r"lean ~",
    "seat_off": r"seat-off ~",
    "upright": r"upright ~",
    "lowering_onset": r"lowering ~",
    "seated": r"seated from ~",
}
"""How REPS.md names each event in a timed up-and-go's cell (the first mention of each is the one used)."""


def parse_reference(cell: str) -> dict[str, tuple[float, float]]:
    """Return the events REPS.md gives in ``cell``, each as (earliest, latest) seconds (equal for a single time)."""
    found = {}
    for event, prefix in PATTERNS.items():
        match = re.search(prefix + r"(\d+(?:\.\d+)?)(?:[–-](\d+(?:\.\d+)?))?", cell)
        if match:
            low = float(match.group(1))
            found[event] = (low, float(match.group(2)) if match.group(2) else low)
    return found


def interval_error(value: float, reference: tuple[float, float]) -> float:
    """Signed distance of ``value`` from the reference range (0 inside it)."""
    low, high = reference
    return value - low if value < low else value - high if value > high else 0.0
