"""``summary.csv`` (one row per video) and ``summary.html`` (distribution, per movement, per patient).

The page is written by :mod:`movequal.batch.summary_html`; :func:`write_summary_html` is re-exported here.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from movequal.batch.score import ItemResult
from movequal.batch.summary_html import write_summary_html
from movequal.core.compensations import FINDING_CODES
from movequal.core.compensations.gait import GAIT_FINDING_CODES
from movequal.core.dose import DOSE_FIELDS
from movequal.core.static_hold import BALANCE_FINDING_CODES
from movequal.core.timed_test import TUG_FINDING_CODES
from movequal.io.atomic import atomic_text

__all__ = ["ALL_FINDING_CODES", "BASE_COLUMNS", "NOT_JUDGED", "write_summary_csv", "write_summary_html"]

BASE_COLUMNS = (
    "path", "patient", "session_date", "movement", "view", "reps", "score", "rating", "cut_off", "tug_total_s",
    "best_hold_left_s", "best_hold_right_s",
    "detected_fraction", "mean_visibility", "status", "error", "key", "frames", "seconds",
)  # fmt: skip
ALL_FINDING_CODES = tuple(
    dict.fromkeys((*FINDING_CODES, *GAIT_FINDING_CODES, *TUG_FINDING_CODES, *BALANCE_FINDING_CODES))
)
"""One column per finding code, repetition rules first, then walking, the timed up-and-go and balance (a code two
task families share, such as ``lateral_trunk_lean`` of a reach and of walking, has one column)."""


NOT_JUDGED = "not judged"
"""A finding code's cell when the video's view could not make the check (an empty cell is no finding: the check
ran and did not fire, does not apply to the movement, or the row has no verdict)."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)


def write_summary_csv(results: Sequence[ItemResult], path: Path) -> None:
    """One row per video: the base columns, the dose's, then one column per finding code.

    The dose columns are :data:`~movequal.core.dose.DOSE_FIELDS` (empty when not given); a finding
    code's column holds its severity, :data:`NOT_JUDGED` when the video's view could not make that
    check, and is empty otherwise (no finding: see :data:`NOT_JUDGED`).
    """
    with atomic_text(path) as fh:
        writer = csv.writer(fh)
        writer.writerow([*BASE_COLUMNS, *DOSE_FIELDS, *ALL_FINDING_CODES])
        for r in sorted(
            results, key=lambda r: (r.patient or "", r.session_date.isoformat() if r.session_date else "", r.path)
        ):
            row = [_cell(getattr(r, c)) for c in BASE_COLUMNS]
            dose = [_cell(None if r.dose is None else getattr(r.dose, f)) for f in DOSE_FIELDS]
            writer.writerow([*row, *dose, *(_finding_cell(r, code) for code in ALL_FINDING_CODES)])


def _finding_cell(result: ItemResult, code: str) -> str:
    """Return a finding code's cell: its severity, ``not judged`` (the view could not make the check), or empty."""
    if code in result.findings:
        return result.findings[code]
    return NOT_JUDGED if code in result.not_judged else ""
