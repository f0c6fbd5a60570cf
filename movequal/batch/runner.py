"""Run a batch: key every video, skip what is done, score the rest on an engine, write the summaries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from movequal.batch.inputs import BatchItem
from movequal.batch.local import Job, run_local
from movequal.batch.score import BatchSettings, ItemResult, Scored, content_key
from movequal.batch.store import ResultStore
from movequal.batch.summary import write_summary_csv, write_summary_html

Engine = Literal["local", "ray"]


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch."""

    out_dir: Path
    settings: BatchSettings = field(default_factory=BatchSettings)
    engine: Engine = "local"
    workers: int = 1
    address: str | None = None
    ship_bytes: bool | None = None
    retry_failed: bool = False


@dataclass
class BatchOutcome:
    """What a run did: every item's result, and how many were scored now versus found done."""

    results: list[ItemResult]
    scored_now: int = 0
    already_done: int = 0
    folders: dict[str, Path] = field(default_factory=dict)


BatchRecorder = Callable[[BatchOutcome], int]
"""Records a finished run's results somewhere (e.g. the service's database); returns how many it added."""


def plan(items: list[BatchItem], options: BatchOptions, store: ResultStore) -> tuple[list[Job], list[ItemResult]]:
    """Split the items into jobs still to run and results already stored (done, or failed for good)."""
    jobs, done = [], []
    for item in items:
        settings = options.settings.for_item(item)
        key = content_key(item.path, settings)
        stored = store.get(key)
        if stored is not None and (stored.status == "done" or not options.retry_failed):
            done.append(stored)
        else:
            jobs.append((item, key, settings))
    return jobs, done


def run_batch(
    items: list[BatchItem],
    options: BatchOptions,
    on_result: Callable[[ItemResult, bool], None] | None = None,
) -> BatchOutcome:
    """Score every item not yet scored with these settings; write ``summary.csv`` and ``summary.html``.

    ``on_result(result, scored_now)`` is called for every item, first for those already done.
    """
    store = ResultStore(options.out_dir)
    jobs, done = plan(items, options, store)
    outcome = BatchOutcome(list(done), already_done=len(done))
    report = on_result or (lambda result, now: None)
    for result in done:
        outcome.folders[result.key] = store.folder(result)
        report(result, False)

    def finished(scored: Scored) -> None:
        outcome.folders[scored.result.key] = store.put(scored)
        outcome.results.append(scored.result)
        outcome.scored_now += 1
        report(scored.result, True)

    try:
        if options.engine == "ray":
            from movequal.batch.ray_engine import run_ray

            run_ray(
                jobs,
                options.settings.model,
                options.workers,
                finished,
                address=options.address,
                ship_bytes=options.ship_bytes,
            )
        else:
            run_local(jobs, options.settings.model, options.workers, finished)
    finally:
        write_summary_csv(outcome.results, options.out_dir / "summary.csv")
        write_summary_html(outcome.results, options.out_dir / "summary.html")
    return outcome
