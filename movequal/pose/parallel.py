"""Chunk-parallel pose estimation over one long video.

The video's time line is cut into one chunk per worker process. Each worker
loads its own landmarker, seeks to a little before its chunk (the warm-up lets
the tracker settle, and those frames are discarded), and returns its rows; the
chunks are stitched back in time order.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from movequal.io.video import DecodeLimits, VideoInfo, iter_frames
from movequal.pose.landmarker import (
    EstimatorConfig,
    PoseEstimator,
    ProgressCallback,
    estimate_frames,
    source_metadata,
)
from movequal.pose.sequence import PoseRow, PoseSequence

WARMUP_S = 1.0
"""Seconds decoded before each chunk (after the first) and thrown away."""
_PROGRESS_EVERY = 10
_progress_queue: Any = None


@dataclass(frozen=True)
class ChunkResult:
    """The kept rows of one chunk, their times and the decoder's warnings."""

    rows: list[PoseRow]
    times: list[float]
    warnings: list[str]


def plan_chunks(duration: float, workers: int) -> list[tuple[float, float | None]]:
    """Split ``[0, duration)`` into ``workers`` equal (start, end) windows; the last is open."""
    if workers < 1:
        raise ValueError(f"workers: expected at least 1, got {workers}")
    bounds = [duration * k / workers for k in range(workers)]
    return [(start, bounds[k + 1] if k + 1 < workers else None) for k, start in enumerate(bounds)]


def _init_worker(progress_queue: Any) -> None:
    global _progress_queue  # noqa: PLW0603 (per-process handle set by the pool initializer)
    _progress_queue = progress_queue


def _estimate_chunk(  # noqa: PLR0917 (the arguments of one pool task)
    path: str, config: EstimatorConfig, chunk: int, start: float, end: float | None, limits: DecodeLimits | None
) -> ChunkResult:
    warnings: list[str] = []
    decode_from = max(0.0, start - WARMUP_S) if start > 0 else 0.0

    def report(done: int) -> None:
        if _progress_queue is not None and done % _PROGRESS_EVERY == 0:
            _progress_queue.put((chunk, done))

    with PoseEstimator(config) as estimator:
        rows, times, _ = estimate_frames(
            iter_frames(path, start=decode_from, end=end, warnings=warnings, limits=limits), estimator, report
        )
    keep = [i for i, t in enumerate(times) if t >= start - 1e-6]
    return ChunkResult([rows[i] for i in keep], [times[i] for i in keep], warnings)


def estimate_video_parallel(
    info: VideoInfo,
    config: EstimatorConfig,
    *,
    workers: int,
    on_progress: ProgressCallback | None = None,
    limits: DecodeLimits | None = None,
) -> PoseSequence:
    """Estimate a video with ``workers`` processes, one landmarker each (each chunk decoded within ``limits``)."""
    chunks = plan_chunks(max(info.duration, 0.0), workers)
    context = multiprocessing.get_context("spawn")
    progress_queue = context.Queue()
    done = [0] * len(chunks)
    with ProcessPoolExecutor(
        len(chunks), mp_context=context, initializer=_init_worker, initargs=(progress_queue,)
    ) as pool:
        futures: list[Future[ChunkResult]] = [
            pool.submit(_estimate_chunk, str(info.path), config, k, start, end, limits)
            for k, (start, end) in enumerate(chunks)
        ]
        while not all(f.done() for f in futures):
            try:
                chunk, count = progress_queue.get(timeout=0.2)
            except queue_module.Empty:
                continue
            done[chunk] = count
            if on_progress is not None:
                on_progress(sum(done), info.frame_count)
        results = [f.result() for f in futures]
    warnings = [w for r in results for w in r.warnings]
    sequence = PoseSequence.from_rows(
        [row for r in results for row in r.rows],
        [t for r in results for t in r.times],
        fps=info.fps,
        frame_size=(info.width, info.height),
        source=source_metadata(info, config, warnings) | {"workers": workers},
    )
    if on_progress is not None:
        on_progress(len(sequence), info.frame_count)
    return sequence
