"""``analyze``: one video in, one report folder out.

The steps are pure functions of what came before, except I/O at both ends:
decode + pose (:mod:`movequal.pose.estimation`), scoring (:func:`movequal.core.scoring.assess`),
then the outputs: ``report.json``, ``angles.csv``, ``landmarks.trc``,
``pose.npz``, ``annotated.mp4`` and ``report.html``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from movequal.core.assessment import MovementChoice, Report
from movequal.core.dose import SessionDose
from movequal.core.scoring import AssessmentResult, assess
from movequal.errors import NoPersonError
from movequal.io.atomic import atomic_text
from movequal.io.encode import H264Writer, even_size
from movequal.io.video import (
    DecodeLimits,
    VideoInfo,
    describe_missing_frames,
    iter_frames,
    prefetch_frames,
    probe_video,
)
from movequal.pose.estimation import EstimatorConfig, PoseEstimator, estimate_video
from movequal.pose.model_files import DEFAULT_VARIANT, ModelVariant
from movequal.pose.sequence import PoseSequence
from movequal.pose.tracking import filter_identity_switches
from movequal.report.annotate import FrameAnnotator
from movequal.report.build import build_report
from movequal.report.export import to_angles_csv, to_trc

StageProgress = Callable[[str, int, int], None]
"""Called with (stage name, items done, items expected or 0)."""

AUTO_PARALLEL_MIN_S = 15.0
"""Videos at least this long are estimated chunk-parallel by default."""
MAX_AUTO_WORKERS = 4
MIN_DETECTED_FRAMES = 5
MIN_DETECTED_FRACTION = 0.1
ANNOTATED_MAX_SIDE = 1280
ANNOTATED_CRF = 25
ANNOTATED_PRESET = "superfast"
"""libx264 settings of the annotated video: of the settings measured, the cheapest whose picture is as close to
the drawn frames as ``veryfast``/CRF 23's was (PSNR median and 5th percentile within 0.1 dB), for about 30 % less
encoder CPU and about 40 % larger files (``bench/bench_encoder.py``, BENCHMARKS.md)."""

OUTPUT_FILES = ("report.json", "angles.csv", "landmarks.trc", "pose.npz", "plots.json", "annotated.mp4", "report.html")


@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse and which outputs to write."""

    movement: MovementChoice = "auto"
    model: ModelVariant = DEFAULT_VARIANT
    """Pose model to load; an estimator passed to :func:`analyze_video` runs its own instead."""
    workers: int = 0
    """Pose-estimation processes; 0 picks :func:`auto_workers` from the video's length."""
    blur_faces: bool = False
    write_video: bool = True
    write_html: bool = True
    display_name: str | None = None
    """Name of the recording shown in the report (default: the file's name); a service stores
    uploads under generated names and passes the uploaded file's name here."""
    limits: DecodeLimits | None = None
    """Limits checked on what is decoded (a service's duration, frame-rate and picture-size limits)."""
    height_m: float | None = None
    """The patient's height: walking distances and speed in metres (leg lengths without it)."""
    dose: SessionDose | None = None
    """Load, sets × reps and pain entered for the session; stored in the report, not scored."""
    baseline: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)
    """An earlier session's ``report.json`` object, compared with in ``report.html`` only (not in report.json)."""


def job_options(
    *,
    movement: MovementChoice,
    model: ModelVariant,
    blur_faces: bool,
    display_name: str,
    write_video: bool = True,
    limits: DecodeLimits | None = None,
    height_m: float | None = None,
    dose: SessionDose | None = None,
) -> AnalysisOptions:
    """Return the options of a job run by a service or batch worker.

    Such a worker estimates in its own process with the model it keeps loaded
    (``workers=1``), and names the report after the file the user gave, not
    the name it was stored under.
    """
    return AnalysisOptions(
        movement=movement,
        model=model,
        workers=1,
        blur_faces=blur_faces,
        write_video=write_video,
        display_name=display_name,
        limits=limits,
        height_m=height_m,
        dose=dose,
    )


@dataclass(frozen=True)
class VideoAnalysis:
    """The result of :func:`analyze_video`."""

    report: Report
    result: AssessmentResult
    pose: PoseSequence
    out_dir: Path | None


def auto_workers(duration_s: float, cpus: int | None = None) -> int:
    """Choose how many pose processes to use for a video of ``duration_s`` seconds.

    Notes
    -----
    One landmarker keeps about one core busy. Starting a worker process costs
    a few seconds (importing MediaPipe, loading the model), which only pays off
    on longer videos, so short clips stay in-process.
    """
    available = cpus if cpus is not None else (os.cpu_count() or 1)
    if duration_s < AUTO_PARALLEL_MIN_S:
        return 1
    return max(1, min(available, MAX_AUTO_WORKERS))


def validate_detection(pose: PoseSequence, path: Path) -> None:
    """Raise :class:`NoPersonError` when too few frames show a person."""
    found = int(pose.detected.sum())
    if found < MIN_DETECTED_FRAMES or found < MIN_DETECTED_FRACTION * max(len(pose), 1):
        raise NoPersonError(
            f"{path}: no person found (detected on {found} of {len(pose)} frames; is the whole body in view and lit?)"
        )


def analyze_video(
    path: str | Path,
    out_dir: str | Path | None,
    options: AnalysisOptions | None = None,
    on_progress: StageProgress | None = None,
    estimator: PoseEstimator | None = None,
) -> VideoAnalysis:
    """Analyse one video and, if ``out_dir`` is given, write every output there.

    ``estimator`` is a loaded landmarker to reuse (a service worker keeps one
    for all its jobs); it is used for single-process estimation only and its
    model wins over ``options.model``.

    Raises
    ------
    movequal.errors.InputError
        For a file that cannot be used (with the reason), or no person found.
    """
    options = options or AnalysisOptions()
    path = Path(path)
    info = probe_video(path, max_side_px=None if options.limits is None else options.limits.max_side_px)
    report_progress = on_progress or (lambda stage, done, total: None)
    workers = options.workers or auto_workers(info.duration)
    reused = estimator if workers == 1 else None
    config = reused.config if reused is not None else EstimatorConfig(model=options.model)
    pose = estimate_video(
        path,
        config,
        workers=workers,
        on_progress=lambda done, total: report_progress("pose", done, total),
        estimator=reused,
        limits=options.limits,
    )
    missing = describe_missing_frames(info, len(pose))
    pose, switched = filter_identity_switches(pose)
    validate_detection(pose, path)
    warnings = list(pose.source.get("decode_warnings", [])) + ([missing] if missing else [])
    if switched:
        warnings.append(f"{switched} frames ignored: the tracker briefly followed another person or a reflection")
    result = assess(pose, options.movement, warnings=warnings, height_m=options.height_m)
    pose, result = pose.without_cache(), replace(result, filtered=result.filtered.without_cache())  # scoring's caches
    report = build_report(
        result,
        file=options.display_name or info.path.name,
        duration_s=pose.duration + (1.0 / pose.fps if len(pose) else 0.0),
        fps=info.fps,
        frame_size=(info.width, info.height),
        rotation=info.rotation,
        model=config.model,
        dose=options.dose,
    )
    target = Path(out_dir) if out_dir is not None else None
    if target is not None:
        write_outputs(
            target, info=info, pose=pose, report=report, result=result, options=options, on_progress=report_progress
        )
    return VideoAnalysis(report, result, pose, target)


def write_outputs(
    out_dir: Path,
    *,
    info: VideoInfo,
    pose: PoseSequence,
    report: Report,
    result: AssessmentResult,
    options: AnalysisOptions,
    on_progress: StageProgress,
) -> None:
    """Render the annotated video (if asked for), then write the report folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    video = out_dir / "annotated.mp4"
    if options.write_video:
        render_annotated_video(info, result, video, blur_faces=options.blur_faces, on_progress=on_progress)
    write_report_folder(
        out_dir, pose, report, result, video if video.exists() else None, html=options.write_html,
        baseline=options.baseline,
    )  # fmt: skip


def write_report_folder(
    out_dir: Path,
    pose: PoseSequence,
    report: Report,
    result: AssessmentResult,
    video: Path | None,
    *,
    html: bool = True,
    baseline: Mapping[str, Any] | None = None,
) -> None:
    """Write everything but the video; ``report.json`` last, so it marks a complete folder.

    ``plots.json`` holds the angle-plot data the web app's result page draws; ``baseline`` (an earlier
    session's ``report.json`` object) is compared with in ``report.html`` only.
    """
    from movequal.report.html import write_report_html
    from movequal.report.plots import plot_data

    out_dir.mkdir(parents=True, exist_ok=True)
    to_angles_csv(result.kinematics, out_dir / "angles.csv")
    to_trc(pose, out_dir / "landmarks.trc")
    pose.to_npz(out_dir / "pose.npz")
    plots = plot_data(report, result.kinematics)
    with atomic_text(out_dir / "plots.json") as fh:
        fh.write(json.dumps(plots, separators=(",", ":")))
    if html:
        write_report_html(out_dir / "report.html", report, result.kinematics, video, baseline)
    with atomic_text(out_dir / "report.json") as fh:
        fh.write(json.dumps(report.model_dump(mode="json"), indent=2) + "\n")


def render_annotated_video(
    info: VideoInfo,
    result: AssessmentResult,
    dest: Path,
    *,
    blur_faces: bool = False,
    on_progress: StageProgress | None = None,
) -> None:
    """Decode the video again and write it with the analysis drawn on every frame."""
    width, height = even_size(info.width, info.height, ANNOTATED_MAX_SIDE)
    annotator = FrameAnnotator(result.filtered, result.kinematics, result.assessment, blur_faces=blur_faces)
    total = len(result.filtered)
    with H264Writer(dest, width, height, info.fps, crf=ANNOTATED_CRF, preset=ANNOTATED_PRESET) as writer:
        for done, frame in enumerate(prefetch_frames(iter_frames(info.path, size=(width, height))), start=1):
            writer.write(annotator.annotate(frame.image, frame.index), frame.time)
            if on_progress is not None:
                on_progress("video", done, total)
