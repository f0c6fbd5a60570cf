"""Pose estimation over a whole video file, in one process or chunk-parallel.

:func:`estimate_video` decodes a file and runs the MediaPipe landmarker of
:mod:`movequal.pose.landmarker` over it (:class:`PoseEstimator`, :class:`EstimatorConfig`
and the other per-frame pieces are re-exported here), or hands it to
:mod:`movequal.pose.parallel` to cut into chunks for several processes.
"""

from __future__ import annotations

from pathlib import Path

from movequal.io.video import DecodeLimits, iter_frames, probe_video
from movequal.pose.landmarker import (
    EstimatorConfig,
    PoseEstimator,
    ProgressCallback,
    estimate_frames,
    select_subject,
    source_metadata,
)
from movequal.pose.parallel import estimate_video_parallel
from movequal.pose.sequence import PoseRow, PoseSequence

__all__ = [
    "EstimatorConfig",
    "PoseEstimator",
    "PoseRow",
    "ProgressCallback",
    "estimate_frames",
    "estimate_video",
    "select_subject",
    "source_metadata",
]


def estimate_video(
    path: str | Path,
    config: EstimatorConfig | None = None,
    *,
    workers: int = 1,
    on_progress: ProgressCallback | None = None,
    estimator: PoseEstimator | None = None,
    limits: DecodeLimits | None = None,
) -> PoseSequence:
    """Estimate the pose on every frame of a video file.

    Parameters
    ----------
    path : str or Path
        The video.
    config : EstimatorConfig, optional
        Landmarker settings.
    workers : int
        Above 1, the video is cut into overlapping time chunks estimated by
        separate processes (see :mod:`movequal.pose.parallel`).
    on_progress : callable, optional
        Called with (frames done, frames expected).
    estimator : PoseEstimator, optional
        An already loaded landmarker to reuse (it is reset first, and its
        ``config`` wins over ``config``); used when ``workers`` is 1.
    limits : DecodeLimits, optional
        Checked on the header before decoding and on every decoded frame
        (:class:`~movequal.io.video.DecodeLimits`).

    Returns
    -------
    PoseSequence
        One row per decoded frame; frames with nobody detected are NaN rows.
    """
    config = config or EstimatorConfig()
    info = probe_video(path, max_side_px=None if limits is None else limits.max_side_px)
    if workers > 1:
        return estimate_video_parallel(info, config, workers=workers, on_progress=on_progress, limits=limits)
    warnings: list[str] = []
    total = info.frame_count
    progress = None if on_progress is None else (lambda done: on_progress(done, total))
    if estimator is not None:
        estimator.reset()
        config = estimator.config
        rows, times, _ = estimate_frames(iter_frames(path, warnings=warnings, limits=limits), estimator, progress)
    else:
        with PoseEstimator(config) as own:
            rows, times, _ = estimate_frames(iter_frames(path, warnings=warnings, limits=limits), own, progress)
    return PoseSequence.from_rows(
        rows, times, fps=info.fps, frame_size=(info.width, info.height), source=source_metadata(info, config, warnings)
    )
