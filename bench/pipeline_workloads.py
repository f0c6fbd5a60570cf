"""What the pipeline benchmark times: the bare MediaPipe loop, ``analyze_video`` and ``estimate_video``.

Each workload returns ``(frames, extra)`` for :func:`bench.timing.timed`; an ``extra["_seconds"]``
replaces the wall time of the whole call with the workload's own (model load left out). MediaPipe and
movequal are imported inside the functions: ``bench_pipeline.main`` imports them once before any run.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np


def create_landmarker(model: str) -> Any:
    """The reference PoseLandmarker: VIDEO mode, num_poses=1, default thresholds."""
    from mediapipe.tasks.python import BaseOptions, vision

    from movequal.pose.model_files import ensure_model

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(ensure_model(model, progress=False))),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    return vision.PoseLandmarker.create_from_options(options)


def bare_loop(path: Path, model: str) -> tuple[int, dict[str, Any]]:
    """Decode + detect_for_video on every frame; the model is loaded before the clock starts."""
    import mediapipe as mp

    t_load = time.perf_counter()
    landmarker = create_landmarker(model)
    load_s = time.perf_counter() - t_load
    frames = detected = 0
    last_ms = -1
    try:
        t0 = time.perf_counter()
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                img = np.ascontiguousarray(frame.to_ndarray(format="rgb24"))
                ms = max(round((frame.time or 0.0) * 1000), last_ms + 1)
                last_ms = ms
                result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=img), ms)
                frames += 1
                detected += bool(result.pose_landmarks)
        seconds = time.perf_counter() - t0
    finally:
        landmarker.close()
    return frames, {"_seconds": seconds, "model_load_s": round(load_s, 3), "detected": detected}


@contextlib.contextmanager
def stage_timers(stages: dict[str, float]) -> Iterator[None]:
    """Time the pipeline's stages by wrapping module attributes (this process only).

    Each wrapper runs once per stage, so the overhead is microseconds per
    analysis. ``model_load`` is ``PoseEstimator.__init__`` (sha256 check of the
    bundle + graph creation); it is only seen when pose estimation runs in this
    process (workers=1). Attributes missing from the current code are skipped.
    """
    import movequal.pipeline as pipeline
    import movequal.pose.estimation as estimation
    import movequal.report.html as report

    targets = [
        (pipeline, "probe_video", "probe"),
        (pipeline, "estimate_video", "pose (incl. model load)"),
        (pipeline, "filter_identity_switches", "tracking filter"),
        (pipeline, "assess", "assess"),
        (pipeline, "to_angles_csv", "angles.csv"),
        (pipeline, "to_trc", "landmarks.trc"),
        (pipeline, "render_annotated_video", "annotated.mp4"),
        (report, "write_report_html", "report.html"),
        (estimation.PoseEstimator, "__init__", "model_load"),
    ]
    saved = [(owner, name, getattr(owner, name), label) for owner, name, label in targets if hasattr(owner, name)]

    def wrap(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[label] = stages.get(label, 0.0) + time.perf_counter() - t0

        return wrapper

    for owner, name, original, label in saved:
        setattr(owner, name, wrap(original, label))
    try:
        yield
    finally:
        for owner, name, original, _ in saved:
            setattr(owner, name, original)


def analyze_once(path: Path, model: str, out_root: Path, workers: int | None) -> tuple[int, dict[str, Any]]:
    """One in-process ``analyze_video`` into a fresh folder, whole call timed.

    ``workers=None`` keeps ``AnalysisOptions``' default (what the CLI does).
    """
    from movequal.pipeline import OUTPUT_FILES, AnalysisOptions, analyze_video

    options = AnalysisOptions(model=model) if workers is None else AnalysisOptions(model=model, workers=workers)
    out_dir = Path(tempfile.mkdtemp(prefix="analyze-", dir=out_root))
    stages: dict[str, float] = {}
    with stage_timers(stages):
        t0 = time.perf_counter()
        analysis = analyze_video(path, out_dir, options)
        seconds = time.perf_counter() - t0
    missing = [name for name in OUTPUT_FILES if not (out_dir / name).is_file()]
    if missing:
        raise RuntimeError(f"analyze wrote no {missing} in {out_dir}")
    sizes = {name: (out_dir / name).stat().st_size for name in ("annotated.mp4", "report.html")}
    shutil.rmtree(out_dir)
    frames = len(analysis.pose)
    load_s = stages.get("model_load")  # None when the model was loaded in worker processes
    return frames, {
        "_seconds": seconds,
        "workers_used": int(analysis.pose.source.get("workers", 1)),
        "model_load_s": None if load_s is None else round(load_s, 3),
        "fps_excl_model_load": round(frames / (seconds - (load_s or 0.0)), 2),
        "detected": int(analysis.pose.detected.sum()),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "output_bytes": sizes,
    }


def estimate_once(path: Path, model: str, workers: int) -> tuple[int, dict[str, Any]]:
    from movequal.pose.estimation import EstimatorConfig, estimate_video

    sequence = estimate_video(path, EstimatorConfig(model=model), workers=workers)
    times = np.asarray(sequence.timestamps)
    return len(sequence), {
        "detected": int(sequence.detected.sum()),
        "timestamps_increasing": bool(np.all(np.diff(times) > 0)),
    }
