"""How the terminal summary and the report page show each task family that is not done in repetitions.

Walking is measured in passes, a timed up-and-go in phases, a balance test in
holds. Each has one :class:`TaskView` in :data:`TASK_VIEWS`: which block of
the assessment it reads, whether something was measured, what was counted, its
terminal table and its page section. The CLI and the page look the view up
(:func:`find_task_view`) instead of testing each block in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.table import Table

from movequal.core.assessment import Assessment, Balance, Gait, TimedUpAndGo
from movequal.report.balance_view import render_balance_section, to_balance_table
from movequal.report.gait_section import render_gait_section
from movequal.report.gait_table import to_gait_table
from movequal.report.tug_section import render_tug_section
from movequal.report.tug_table import to_tug_table


@dataclass(frozen=True)
class TaskView:
    """How one task family's block of the assessment is shown.

    Parameters
    ----------
    noun : tuple of str
        What a finding's ``reps`` number, singular and plural ("pass", "passes").
    block : callable
        The assessment's block for this family, or None when it is another family's.
    measured : callable
        Whether the block holds something measured (a pass, a timed test, a hold).
    counted : callable
        One line of what was counted, for the summary's first line.
    starts : callable
        Start time (s) of each numbered unit, for the page's links into the video.
    table : callable
        The terminal table of what was measured.
    section : callable
        The page's section (HTML), measured or not.
    """

    noun: tuple[str, str]
    block: Callable[[Assessment], Any]
    measured: Callable[[Any], bool]
    counted: Callable[[Any], str]
    starts: Callable[[Any], dict[int, float]]
    table: Callable[[Any], Table]
    section: Callable[[Any], str]

    def message(self, block: Any) -> str | None:
        """Why nothing was measured (the block's message), or None."""
        text = block.message
        return str(text) if text else None


def _gait_counted(gait: Gait) -> str:
    counted = f"{len(gait.passes)} pass(es), {sum(p.steps for p in gait.passes)} step(s)"
    if gait.load == "both-hands":
        return f"{counted}, a load in each hand"
    if gait.load == "one-hand":
        return f"{counted}, a load in the {gait.loaded_side} hand" if gait.loaded_side else f"{counted}, one-hand load"
    return counted


def _tug_counted(tug: TimedUpAndGo) -> str:
    return "not timed" if tug.total_s is None else f"total {tug.total_s:.2f} s (cut-off {tug.cutoff_s:g} s)"


def _balance_counted(balance: Balance) -> str:
    best = [f"{side} {value:.1f} s" for side, value in (("left", balance.best_left_s), ("right", balance.best_right_s))
            if value is not None]  # fmt: skip
    if not best:
        return "no hold found"
    return f"{len(balance.holds)} hold(s), best {', '.join(best)} (cut-off {balance.cutoff_s:g} s)"


TASK_VIEWS: tuple[TaskView, ...] = (
    TaskView(
        noun=("pass", "passes"),
        block=lambda a: a.gait,
        measured=lambda g: bool(g.passes),
        counted=_gait_counted,
        starts=lambda g: {p.number: p.start_time for p in g.passes},
        table=to_gait_table,
        section=render_gait_section,
    ),
    TaskView(
        noun=("test", "tests"),
        block=lambda a: a.tug,
        measured=lambda t: t.total_s is not None,
        counted=_tug_counted,
        starts=lambda t: {1: t.lean_onset or 0.0},
        table=to_tug_table,
        section=render_tug_section,
    ),
    TaskView(
        noun=("hold", "holds"),
        block=lambda a: a.balance,
        measured=lambda b: bool(b.holds),
        counted=_balance_counted,
        starts=lambda b: {h.number: h.start for h in b.holds},
        table=to_balance_table,
        section=render_balance_section,
    ),
)
"""The task families shown in their own units, in the order the blocks are looked up."""


def find_task_view(a: Assessment) -> tuple[TaskView, Any] | None:
    """Return the view of the assessment's task block and the block, or None for a repetition task."""
    for view in TASK_VIEWS:
        block = view.block(a)
        if block is not None:
            return view, block
    return None
