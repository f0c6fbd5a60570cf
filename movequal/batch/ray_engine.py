"""The scale-out engine: Ray actors, each holding one pose model, possibly on other machines.

The driver hashes and reads the videos; each job goes to whichever actor is
free (``ray.util.ActorPool``). With ``ship_bytes`` the video travels through
Ray's object store, so worker nodes need no shared filesystem; otherwise every
node must see the same paths. Results (the summary row and the report files)
come back to the driver, which writes them like the local engine does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from movequal.batch.local import Job
from movequal.batch.score import BatchSettings, Scored, Scorer
from movequal.errors import MovequalError
from movequal.pose.model_files import ModelVariant


class RayUnavailableError(MovequalError):
    """Ray is not installed or the cluster cannot be reached."""

    exit_code = 20


class _ScorerActor:
    """A Ray actor: one :class:`Scorer` for its lifetime."""

    def __init__(self, model: ModelVariant) -> None:
        self.scorer = Scorer(model)

    def score(self, item: Any, key: str, settings: BatchSettings, video: bytes | None) -> Scored:
        return self.scorer.score(item, key, settings, video)


def run_ray(
    jobs: Sequence[Job],
    model: ModelVariant,
    workers: int,
    on_done: Callable[[Scored], None],
    *,
    address: str | None = None,
    ship_bytes: bool | None = None,
) -> None:
    """Score ``jobs`` on ``workers`` Ray actors (a local Ray instance when ``address`` is None)."""
    try:
        import ray
        from ray.util import ActorPool
    except ImportError as exc:
        raise RayUnavailableError("the Ray engine needs Ray: pip install -e '.[ray]'") from exc
    started_here = not ray.is_initialized()
    if started_here:
        try:
            if address:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise RayUnavailableError(f"cannot reach the Ray cluster at {address}: {exc}") from exc
    ship = (address is not None) if ship_bytes is None else ship_bytes
    actor = ray.remote(num_cpus=1)(_ScorerActor)
    try:
        pool = ActorPool([actor.remote(model) for _ in range(max(1, workers))])

        def submit(a: Any, job: Job) -> Any:
            item, key, settings = job
            video = ray.put(item.path.read_bytes()) if ship else None  # read only when an actor is free
            return a.score.remote(item, key, settings, video)

        for job in jobs:  # one job per idle actor, then one more each time a result comes back
            pool.submit(submit, job)
            if not pool.has_free():
                on_done(pool.get_next_unordered())
        while pool.has_next():
            on_done(pool.get_next_unordered())
    finally:
        if started_here:
            ray.shutdown()
