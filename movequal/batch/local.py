"""The embedded engine: worker processes on this machine, each with its own pose model."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from movequal.batch.inputs import BatchItem
from movequal.batch.score import BatchSettings, Scored, Scorer
from movequal.pose.model_files import ModelVariant

Job = tuple[BatchItem, str, BatchSettings]

_scorer: Scorer | None = None


def _init(model: ModelVariant) -> None:
    global _scorer  # noqa: PLW0603 (one model per worker process, loaded once)
    from movequal.runtime import silence_native_stderr

    silence_native_stderr()
    _scorer = Scorer(model)


def _score(item: BatchItem, key: str, settings: BatchSettings) -> Scored:
    assert _scorer is not None
    return _scorer.score(item, key, settings)


def run_local(jobs: Sequence[Job], model: ModelVariant, workers: int, on_done: Callable[[Scored], None]) -> None:
    """Score ``jobs`` in ``workers`` processes (each loads ``model`` once), calling ``on_done`` as each ends.

    Notes
    -----
    At most ``2 × workers`` jobs are submitted ahead, so Ctrl-C (or a kill)
    stops the batch with little work lost; finished results are already
    written by then, and the next run carries on from them.
    """
    if workers <= 1:
        scorer = Scorer(model)
        try:
            for item, key, settings in jobs:
                on_done(scorer.score(item, key, settings))
        finally:
            scorer.close()
        return
    context = multiprocessing.get_context("spawn")
    pending: set[Future[Scored]] = set()
    todo = iter(jobs)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(model,)) as pool:
        try:
            for job in todo:
                pending.add(pool.submit(_score, *job))
                if len(pending) >= 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        on_done(future.result())
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    on_done(future.result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
