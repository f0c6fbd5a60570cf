"""``movequal batch``: progress bar, the run, the database record and the closing summary."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from movequal.batch.inputs import collect_inputs
from movequal.batch.runner import BatchOptions, BatchOutcome, BatchRecorder, Engine, run_batch
from movequal.batch.score import BatchSettings, ItemResult
from movequal.core.assessment import MovementChoice
from movequal.pose.model_files import ModelVariant


class _Bar:
    """Videos done, frames/s over the videos scored in this run, and the ETA."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.started, self.frames = progress, time.monotonic(), 0
        self.task = progress.add_task("scoring", total=total, rate="")

    def __call__(self, result: ItemResult, scored_now: bool) -> None:
        if not scored_now:
            self.progress.advance(self.task)
            return
        self.frames += result.frames
        rate = self.frames / max(time.monotonic() - self.started, 1e-6)
        self.progress.update(self.task, advance=1, rate=f"{rate:5.0f} frames/s")
        if result.status != "done":
            self.progress.console.print(
                f"[yellow]not scored:[/] {Path(result.path).name}: {result.error}", highlight=False
            )


def run_batch_command(
    inputs: list[str],
    out_dir: Path,
    *,
    workers: int,
    engine: str,
    address: str | None,
    movement: MovementChoice,
    model: ModelVariant,
    video: bool,
    retry_failed: bool,
    recorder: BatchRecorder | None,
    console: Console,
    err: Console,
    ship_bytes: bool | None = None,
    pdf: bool = False,
) -> BatchOutcome:
    """Collect inputs, run the batch with a progress bar, record sessions, print the summary.

    ``recorder`` (``None``: record nothing) is handed the outcome once the run ends and
    returns how many new results it recorded; the command line builds it from a plugin
    (:func:`movequal.plugins.load_batch_recorder`), so this package never knows where results go.
    """
    items = collect_inputs(inputs)
    settings = BatchSettings(model=model, movement=movement, write_video=video, write_pdf=pdf)
    options = BatchOptions(
        out_dir, settings, engine=_engine(engine), workers=workers or (os.cpu_count() or 1), address=address,
        retry_failed=retry_failed, ship_bytes=ship_bytes,
    )  # fmt: skip
    columns: list[Any] = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=False) as progress:
        outcome = run_batch(items, options, _Bar(progress, len(items)))
    recorded = 0 if recorder is None else recorder(outcome)
    done = sum(r.status == "done" for r in outcome.results)
    console.print(
        f"{len(outcome.results)} video(s): {outcome.scored_now} scored now, {outcome.already_done} already done; "
        f"{done} with a report, {len(outcome.results) - done} not scored (reasons in summary.csv)"
    )
    if recorder is not None:
        console.print(f"{recorded} new session(s) recorded in the database")
    console.print(f"Summary: {out_dir / 'summary.csv'} and {out_dir / 'summary.html'}")
    return outcome


def _engine(name: str) -> Engine:
    return "ray" if name == "ray" else "local"
