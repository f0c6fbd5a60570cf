"""The checks a camera view could not make, as one sentence for the page, the PDF, the terminal and the live panel."""

from __future__ import annotations

from collections.abc import Sequence

from movequal.core.assessment import UnjudgedCheck


def _join(items: list[str]) -> str:
    """Join names as ``a``, ``a and b`` or ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_not_judged(items: Sequence[UnjudgedCheck]) -> str | None:
    """One sentence naming the checks this view could not make and the view each needs; None when there are none.

    Notes
    -----
    Checks needing the same view are named together, in report order, so a
    side-view squat reads "Not checked from this camera angle: left and right
    sides working unevenly, knees falling inwards and the hips shifting to one
    side (these need a front view)."
    """
    groups: dict[str, list[str]] = {}
    for item in items:
        groups.setdefault(item.needs, []).append(item.check)
    if not groups:
        return None
    parts = [
        f"{_join(checks)} ({'these need' if len(checks) > 1 else 'needs'} {needs})" for needs, checks in groups.items()
    ]
    return "Not checked from this camera angle: " + "; ".join(parts) + "."
