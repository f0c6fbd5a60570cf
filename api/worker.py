"""Analysis worker processes: each loads its pose model once and runs queued jobs.

:func:`run_worker` is one worker's loop. :class:`WorkerPool` starts several as
separate processes (``movequal serve`` and ``movequal worker`` use it), restarts
any that dies and hands a dead worker's job back to the queue at once.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from api.config import Settings
from api.crud import Attempt, record_result
from api.db import make_engine, make_sessionmaker
from api.jobs import Claim, QueuePolicy, claim_next, finish, heartbeat, release_worker, remove_source, remove_staging
from api.models import Analysis
from movequal.errors import JobDeadlineError
from movequal.io.atomic import atomic_folder
from movequal.io.video import DecodeLimits
from movequal.pose.model_files import ModelVariant

if TYPE_CHECKING:
    from movequal.pose.estimation import PoseEstimator

log = logging.getLogger(__name__)

STAGE_SPAN = {"pose": (0.0, 80.0), "video": (80.0, 97.0)}
"""Share of the progress bar each reporting stage covers (percent)."""
HEARTBEAT_S = 1.0
PARENT_CHECK_S = 1.0
"""How often a worker started by the server checks that the server is still there."""


class JobLostError(Exception):
    """The job was deleted or taken over while this worker ran it."""


def worker_id_for(pid: int) -> str:
    """Return the id a worker process claims jobs under."""
    return f"{socket.gethostname()}:{pid}"


@dataclass
class _Progress:
    """Latest progress of the running job, written to the database by the heartbeat thread."""

    stage: str = "starting"
    percent: float = 0.0
    lost: threading.Event = field(default_factory=threading.Event)
    deadline: float = float("inf")
    """``time.monotonic()`` past which the job is stopped; the heartbeat extends the lease, never this."""
    limit_s: float = float("inf")

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.lost.is_set():
            raise JobLostError
        if time.monotonic() > self.deadline:
            raise JobDeadlineError(f"the analysis took longer than this server allows ({self.limit_s:.0f} s)")
        lo, hi = STAGE_SPAN.get(stage, (97.0, 97.0))
        fraction = min(done / total, 1.0) if total else 0.0
        self.stage, self.percent = stage, round(lo + (hi - lo) * fraction, 1)


class Worker:
    """One worker: a database connection, a queue policy and the loaded pose models."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sessions = make_sessionmaker(make_engine(settings.url))
        self.policy = QueuePolicy(settings.job_lease_s, settings.job_max_attempts, settings.job_retry_delay_s)
        self.id = worker_id_for(os.getpid())
        self.estimators: dict[ModelVariant, PoseEstimator] = {}
        self.stopping = threading.Event()

    def estimator(self, model: ModelVariant) -> PoseEstimator:
        """Return the landmarker for ``model`` (loaded on first use, then kept)."""
        if model not in self.estimators:
            from movequal.pose.estimation import EstimatorConfig, PoseEstimator

            self.estimators[model] = PoseEstimator(EstimatorConfig(model=model))
        return self.estimators[model]

    def run(self) -> None:
        """Claim and run jobs until asked to stop (SIGTERM finishes the current job first)."""
        log.info("worker %s ready", self.id)
        while not self.stopping.is_set():
            with self.sessions() as session:
                claim = claim_next(session, self.id, self.policy, self.settings.data_dir)
            if claim is None:
                self.stopping.wait(self.settings.poll_interval_s)
                continue
            self.run_job(claim)
        for estimator in self.estimators.values():
            estimator.close()

    def run_job(self, claim: Claim) -> None:
        """Run one claimed job and record how it ended."""
        from movequal.errors import MovequalError

        limit = self.settings.job_deadline_s
        progress = _Progress(deadline=time.monotonic() + limit, limit_s=limit)
        beat = threading.Thread(target=self._beat, args=(claim.id, progress), daemon=True)
        beat.start()
        error, retry = None, False
        try:
            self._analyse(claim, progress)
        except JobLostError:
            log.info("analysis %s was deleted or taken over; dropped", claim.id)
        except MovequalError as exc:
            error = _public_message(str(exc), self.settings.data_dir, claim)
        except Exception as exc:  # a bug or a transient fault: retried, then failed with the reason
            log.exception("analysis %s failed on attempt %d", claim.id, claim.attempt)
            error, retry = f"internal error ({type(exc).__name__}); the service log has the details", True
        finally:
            progress.lost.set()
            beat.join()
            shutil.rmtree(self._staging(claim), ignore_errors=True)
        with self.sessions() as session:
            status = finish(session, claim.id, self.id, error=error, retry=retry, policy=self.policy)
            if status == "lost" and session.get(Analysis, claim.id) is None:  # deleted meanwhile: leave nothing
                shutil.rmtree(self.settings.results_dir / claim.id, ignore_errors=True)
            if status in ("done", "failed") and not claim.retain_source:
                remove_source(self.settings.data_dir, claim.source_path)
                job = session.get(Analysis, claim.id)
                if job is not None:
                    job.source_path = None
                    session.commit()
        log.info("analysis %s: %s", claim.id, status)

    def _staging(self, claim: Claim) -> Path:
        """Return this attempt's own staging folder (another attempt's is never touched)."""
        return self.settings.results_dir / f".{claim.id}.attempt{claim.attempt}"

    def _beat(self, job_id: str, progress: _Progress) -> None:
        """Write progress and extend the lease every second.

        Notes
        -----
        A database error is logged and retried; if no heartbeat has got through for
        half a lease, the job is given up (marked lost) before another worker can
        re-claim it, so two workers never run it at once.
        """
        last_ok = time.monotonic()
        with self.sessions() as session:
            while not progress.lost.wait(HEARTBEAT_S):
                try:
                    ours = heartbeat(
                        session, job_id, self.id, self.policy, stage=progress.stage, progress=progress.percent
                    )
                except SQLAlchemyError:
                    log.warning("heartbeat of analysis %s failed; retrying", job_id, exc_info=True)
                    session.rollback()
                    ours = time.monotonic() - last_ok < self.policy.lease_s / 2
                else:
                    last_ok = time.monotonic()
                if not ours:
                    progress.lost.set()

    def _analyse(self, claim: Claim, progress: _Progress) -> None:
        from movequal.errors import InputError
        from movequal.pipeline import analyze_video, job_options

        if claim.source_path is None or not (self.settings.data_dir / claim.source_path).is_file():
            raise InputError("the uploaded video is no longer on the server; upload it again")
        remove_staging(self.settings.results_dir, claim.id)  # what an earlier, killed attempt left
        # The folder appears under its final name only once the result is recorded as this attempt's;
        # the staging folder is made when the outputs are written, so a kill before that leaves none.
        final = self.settings.results_dir / claim.id
        with atomic_folder(final, staging=self._staging(claim), create=False) as staging:
            analysis = analyze_video(
                self.settings.data_dir / claim.source_path,
                staging,
                job_options(
                    movement=claim.movement,
                    model=claim.model,
                    blur_faces=claim.blur_faces,
                    display_name=claim.source_name,
                    limits=decode_limits(self.settings),
                    height_m=claim.height_m,
                    dose=claim.dose,
                ),
                on_progress=progress,
                estimator=self.estimator(claim.model),
            )
            progress("report", 0, 0)
            attempt = Attempt(self.id, claim.attempt, self.policy.lease_s)
            with self.sessions() as session:
                if not record_result(session, claim.id, analysis.report.model_dump(mode="json"), attempt=attempt):
                    raise JobLostError
                session.commit()


def decode_limits(settings: Settings) -> DecodeLimits:
    """Return the service's limits, checked on every decoded frame of a job (the upload's header is not trusted)."""
    return DecodeLimits(
        max_duration_s=settings.max_duration_s, max_side_px=settings.max_side_px, max_fps=settings.max_fps
    )


def _public_message(message: str, data_dir: Path, claim: Claim) -> str:
    """Return an input error's message with the server-side path replaced by the uploaded file's name."""
    if not claim.source_path:
        return message
    for path in (data_dir / claim.source_path, data_dir.resolve() / claim.source_path, Path(claim.source_path)):
        message = message.replace(str(path), claim.source_name)
    return message


def _exit_with_parent(worker: Worker, parent: int) -> None:
    """Exit the worker process once the server that started it is gone (killed with -9, crashed).

    Notes
    -----
    An orphaned worker would go on polling the database, unsupervised, and a
    restarted server would then run more workers than configured. Its
    running job is handed back first, so the restarted server retries it.
    """
    while not worker.stopping.wait(PARENT_CHECK_S):
        if os.getppid() != parent:
            log.warning("the server (pid %d) is gone; worker %s exits", parent, worker.id)
            try:
                with worker.sessions() as session:
                    release_worker(session, worker.id)
            except SQLAlchemyError:  # the lease will expire instead
                log.exception("could not hand back the jobs of worker %s", worker.id)
            os._exit(1)


def run_worker(settings_data: dict[str, Any], parent: int | None = None) -> None:
    """Entry point of a worker process; ``parent`` is the server's pid, watched so the worker dies with it."""
    from movequal.runtime import silence_native_stderr

    silence_native_stderr()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s worker %(process)d: %(message)s")
    worker = Worker(Settings(**settings_data))
    signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: worker.stopping.set())
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(worker, parent), name="parent-watch", daemon=True).start()
    worker.run()


class WorkerPool:
    """Keep ``count`` worker processes alive; a dead worker's job is handed back at once."""

    def __init__(self, settings: Settings, count: int) -> None:
        self.settings = settings
        self.count = count
        self.processes: list[BaseProcess] = []
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._sessions = make_sessionmaker(make_engine(settings.url))

    def start(self) -> None:
        """Start the workers and the watcher thread."""
        self.processes = [self._spawn() for _ in range(self.count)]
        self._watcher = threading.Thread(target=self._watch, name="worker-watch", daemon=True)
        self._watcher.start()

    def _spawn(self) -> BaseProcess:
        context = multiprocessing.get_context("spawn")
        process = context.Process(
            target=run_worker,
            args=(self.settings.model_dump(mode="json"), os.getpid()),
            name="movequal-worker",
            daemon=False,
        )
        process.start()
        return process

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for i, process in enumerate(self.processes):
                if process.is_alive() or self._stop.is_set():
                    continue
                assert process.pid is not None
                try:
                    with self._sessions() as session:
                        released = release_worker(session, worker_id_for(process.pid))
                except SQLAlchemyError:  # the lease will expire instead
                    log.exception("could not hand back the jobs of worker %s", process.pid)
                    released = 0
                log.warning(
                    "worker %s exited with %s; %d job(s) handed back; restarting",
                    process.pid,
                    process.exitcode,
                    released,
                )
                self.processes[i] = self._spawn()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the workers to finish their job and stop; kill those that do not in ``timeout`` s."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
            if process.pid is not None:
                with self._sessions() as session:
                    release_worker(session, worker_id_for(process.pid))
