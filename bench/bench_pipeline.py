#!/usr/bin/env python
"""Benchmarks of the ``analyze`` pipeline against a bare MediaPipe loop.

Run from the repository root::

    .venv/bin/python bench/bench_pipeline.py [--model full] [--clip PATH] [--repeat 3]

Three measurements, all on the same clip and model:

(a) end-to-end ``analyze_video`` (every output, including annotated.mp4 and
    report.html) frames/s divided by the frames/s of a bare PoseLandmarker
    VIDEO-mode loop. Variants are interleaved within each repeat (the order
    alternates between repeats) and medians are reported.
(b) peak RSS of the ``movequal analyze`` command for the clip and for the clip
    concatenated 10x (stream copy, built here with PyAV), one fresh child
    process per measurement, read with ``os.wait4``.
(c) pose-estimation frames/s of ``estimate_video(..., workers=2)`` (and
    ``workers=1``) over the 10x video divided by the bare loop over the same
    video, interleaved per repeat.

Results: a markdown table on stdout and JSON in ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import av  # noqa: E402
import numpy as np  # noqa: E402

DEFAULT_CLIP = REPO.parent / "shared" / "videos" / "squat_front-oblique_unknown_nqs.mp4"
RESULTS_JSON = REPO / "bench" / "results" / "latest.json"
CONCAT_TIMES = 10
QUIET_LOAD = 0.7
QUIET_POLL_S = 30.0

TARGET_A = 0.95  # analyze fps / bare fps, at least
TARGET_B = 0.10  # RSS growth for the 10x video, at most
TARGET_C = 1.60  # workers=2 fps / bare fps on the 10x video, at least


# --------------------------------------------------------------------------- machine


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet(max_wait_s: float) -> dict[str, Any]:
    """Sleep until the 1-minute load is <= QUIET_LOAD, or give up after max_wait_s."""
    start = time.monotonic()
    first = loadavg()
    load = first
    while load > QUIET_LOAD and time.monotonic() - start < max_wait_s:
        print(f"# load {load:.2f} > {QUIET_LOAD}: waiting {QUIET_POLL_S:.0f} s", file=sys.stderr, flush=True)
        time.sleep(QUIET_POLL_S)
        load = loadavg()
    waited = time.monotonic() - start
    quiet = load <= QUIET_LOAD
    if not quiet:
        print(f"# load still {load:.2f} after {waited:.0f} s: measuring anyway", file=sys.stderr, flush=True)
    return {"initial_load1": first, "load1_at_start": load, "waited_s": round(waited, 1), "quiet": quiet}


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return 0.0


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "mem_total_gib": _mem_total_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {d: _version(d) for d in ("mediapipe", "av", "numpy", "movequal")},
    }


# --------------------------------------------------------------------------- helpers


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def count_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        return sum(1 for _ in container.decode(stream))


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


@dataclass
class Run:
    """One timed run of one variant."""

    variant: str
    frames: int
    seconds: float
    cpu_s: float
    load1: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fps(self) -> float:
        return self.frames / self.seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "frames": self.frames,
            "seconds": round(self.seconds, 3),
            "fps": round(self.fps, 2),
            "cpu_s": round(self.cpu_s, 2),
            "cpu_util": round(self.cpu_s / self.seconds, 2),
            "load1_before": self.load1,
            **self.extra,
        }


def timed(variant: str, body: Callable[[], tuple[int, dict[str, Any]]]) -> Run:
    """Run ``body`` (returns frames, extra) and time it, wall and CPU."""
    load = loadavg()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    frames, extra = body()
    seconds = extra.pop("_seconds", None) or time.perf_counter() - t0
    return Run(variant, frames, seconds, cpu_seconds() - cpu0, load, extra)


# --------------------------------------------------------------------------- bare loop


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


# --------------------------------------------------------------------------- analyze (a)


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


def interleave(variants: dict[str, Callable[[], tuple[int, dict[str, Any]]]], repeat: int, tag: str) -> list[Run]:
    """Run every variant once per repeat, rotating the order between repeats."""
    names = list(variants)
    runs: list[Run] = []
    for k in range(repeat):
        shift = k % len(names)
        for name in names[shift:] + names[:shift]:
            run = timed(name, variants[name])
            runs.append(run)
            progress(f"{tag} repeat {k + 1}/{repeat} {name}: {run.fps:.1f} frames/s ({run.seconds:.1f} s)")
    return runs


def _analyze_summary(runs: list[Run], bare_fps: float) -> dict[str, Any]:
    loads = [r.extra["model_load_s"] for r in runs if r.extra["model_load_s"] is not None]
    excl = median([r.extra["fps_excl_model_load"] for r in runs])
    incl = median([r.fps for r in runs])
    stage_names = list(runs[0].extra["stages_s"])
    return {
        "workers_used": sorted({r.extra["workers_used"] for r in runs}),
        "seconds": median([r.seconds for r in runs]),
        "fps_incl_model_load": incl,
        "fps_excl_model_load": excl,
        "model_load_s": median(loads) if loads else None,
        "stage_median_s": {s: median([r.extra["stages_s"].get(s, 0.0) for r in runs]) for s in stage_names},
        "ratio": excl / bare_fps,
        "ratio_incl_model_load": incl / bare_fps,
        "met": excl / bare_fps >= TARGET_A,
    }


def bench_a(clip: Path, model: str, repeat: int, work: Path) -> dict[str, Any]:
    runs = interleave(
        {
            "bare": lambda: bare_loop(clip, model),
            "analyze workers=1": lambda: analyze_once(clip, model, work, 1),
            "analyze default": lambda: analyze_once(clip, model, work, None),
        },
        repeat,
        "(a)",
    )
    bare = [r for r in runs if r.variant == "bare"]
    bare_fps = median([r.fps for r in bare])
    return {
        "frames": bare[0].frames,
        "bare_fps": bare_fps,
        "bare_model_load_s": median([r.extra["model_load_s"] for r in bare]),
        "analyze_workers1": _analyze_summary([r for r in runs if r.variant == "analyze workers=1"], bare_fps),
        "analyze_default": _analyze_summary([r for r in runs if r.variant == "analyze default"], bare_fps),
        "target": TARGET_A,
        "runs": [r.as_dict() for r in runs],
    }


# --------------------------------------------------------------------------- 10x clip


def concat_copies(src: Path, dst: Path, times: int) -> None:
    """Write ``times`` copies of src's video stream back to back (stream copy, no re-encode).

    Each copy's packets are shifted by the span of one copy (whichever is
    longer of the pts and dts ranges plus one packet duration), so pts and dts
    stay strictly increasing across the joins. Each copy starts on a keyframe.
    """
    with av.open(str(src)) as probe:
        packets = [(p.pts, p.dts, p.duration) for p in probe.demux(probe.streams.video[0]) if p.dts is not None]
    step = max(d for _, _, d in packets)
    pts = [p for p, _, _ in packets]
    dts = [d for _, d, _ in packets]
    shift = max(max(pts) - min(pts), max(dts) - min(dts)) + step
    with av.open(str(dst), mode="w", format="mp4") as out:
        ost = None
        for k in range(times):
            with av.open(str(src)) as inp:
                ist = inp.streams.video[0]
                if ost is None:
                    ost = out.add_stream_from_template(ist)
                for packet in inp.demux(ist):
                    if packet.dts is None:
                        continue
                    packet.pts += k * shift
                    packet.dts += k * shift
                    packet.stream = ost
                    out.mux(packet)


# --------------------------------------------------------------------------- peak RSS (b)


def movequal_command() -> list[str]:
    script = Path(sys.executable).with_name("movequal")
    return [str(script)] if script.exists() else [sys.executable, "-m", "movequal"]


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                kids += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return kids


def tree_rss_kib(pid: int) -> int:
    """Sum of VmRSS over ``pid`` and all its live descendants (shared pages count once per process)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack += _children(current)
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def wait_sampling(pid: int, interval_s: float = 0.1) -> tuple[int, int]:
    """Wait for ``pid``; return (status, peak sampled RSS in KiB of its descendants, itself excluded)."""
    peak = 0
    while True:
        done, status, _ = os.wait4(pid, os.WNOHANG)
        if done:
            return status, peak
        peak = max(peak, sum(tree_rss_kib(child) for child in _children(pid)))
        time.sleep(interval_s)


# Run by a small intermediate Python so that the measured command is forked from a ~10 MiB process.
# (Linux carries the pre-exec RSS high-water mark into ru_maxrss, and Popen uses vfork, so a command
# started straight from this benchmark would report at least this process's own peak RSS.)
_RUSAGE_WRAPPER = """
import json, resource, subprocess, sys
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    json.dump({"rc": rc, "maxrss_kib": ru.ru_maxrss, "cpu_s": ru.ru_utime + ru.ru_stime}, fh)
"""


def peak_rss_cli(video: Path, model: str, out_root: Path, extra_args: list[str]) -> dict[str, Any]:
    """Run ``movequal analyze`` in a fresh grandchild and read its peak RSS.

    ``ru_maxrss`` (RUSAGE_CHILDREN of the intermediate process, i.e. of the one
    CLI run) is the largest peak of any single process in the CLI's tree (the
    CLI or one of its reaped workers), not a sum; the sum over the CLI's
    process tree is sampled from /proc every 0.1 s alongside.
    """
    out_dir = Path(tempfile.mkdtemp(prefix="cli-", dir=out_root))
    log_path = out_root / f"{out_dir.name}.stderr"
    usage_path = out_root / f"{out_dir.name}.rusage.json"
    cmd = [*movequal_command(), "analyze", str(video), "--model", model, "--out", str(out_dir), *extra_args]
    load = loadavg()
    t0 = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", _RUSAGE_WRAPPER, str(usage_path), *cmd], stderr=log)
        status, tree_peak = wait_sampling(proc.pid)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    usage = json.loads(usage_path.read_text()) if usage_path.exists() else {"rc": proc.returncode}
    if proc.returncode != 0 or usage["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {usage['rc']}: {log_path.read_text()[-2000:]}")
    report = json.loads((out_dir / "report.json").read_text())
    shutil.rmtree(out_dir)
    return {
        "cmd": " ".join(cmd),
        "peak_rss_mib": round(usage["maxrss_kib"] / 1024, 1),  # Linux: KiB
        "tree_peak_rss_mib": round(tree_peak / 1024, 1),
        "wall_s": round(seconds, 2),
        "cpu_s": round(usage["cpu_s"], 2),
        "duration_s": report["source"]["duration_s"],
        "load1_before": load,
    }


RSS_VARIANTS = {"default": [], "--workers 1": ["--workers", "1"]}


def bench_b(clip: Path, long_clip: Path, model: str, repeat: int, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"target": TARGET_B}
    for variant, extra in RSS_VARIANTS.items():
        runs: dict[str, list[dict[str, Any]]] = {"1x": [], "10x": []}
        for k in range(repeat):
            for name, video in (("1x", clip), ("10x", long_clip)):
                r = peak_rss_cli(video, model, work, extra)
                runs[name].append(r)
                progress(
                    f"(b) {variant} repeat {k + 1}/{repeat} {name}: peak RSS {r['peak_rss_mib']} MiB "
                    f"(process tree {r['tree_peak_rss_mib']} MiB; {r['wall_s']} s)"
                )
        summary: dict[str, Any] = {"runs": runs}
        for key in ("peak_rss_mib", "tree_peak_rss_mib"):
            short = median([r[key] for r in runs["1x"]])
            long = median([r[key] for r in runs["10x"]])
            summary[key] = {"1x": short, "10x": long, "growth": long / short - 1, "met": long / short - 1 <= TARGET_B}
        out[variant] = summary
    return out


# --------------------------------------------------------------------------- workers (c)


def estimate_once(path: Path, model: str, workers: int) -> tuple[int, dict[str, Any]]:
    from movequal.pose.estimation import EstimatorConfig, estimate_video

    sequence = estimate_video(path, EstimatorConfig(model=model), workers=workers)
    times = np.asarray(sequence.timestamps)
    return len(sequence), {
        "detected": int(sequence.detected.sum()),
        "timestamps_increasing": bool(np.all(np.diff(times) > 0)),
    }


def bench_c(long_clip: Path, model: str, repeat: int) -> dict[str, Any]:
    variants: dict[str, Callable[[], tuple[int, dict[str, Any]]]] = {
        "bare": lambda: bare_loop(long_clip, model),
        "workers=2": lambda: estimate_once(long_clip, model, 2),
        "workers=1": lambda: estimate_once(long_clip, model, 1),
    }
    names = list(variants)
    runs = interleave(variants, repeat, "(c)")
    fps = {name: median([r.fps for r in runs if r.variant == name]) for name in names}
    frames = {name: sorted({r.frames for r in runs if r.variant == name}) for name in names}
    return {
        "frames": frames,
        "fps": fps,
        "cpu_util": {name: median([r.cpu_s / r.seconds for r in runs if r.variant == name]) for name in names},
        "ratio_workers2": fps["workers=2"] / fps["bare"],
        "ratio_workers1": fps["workers=1"] / fps["bare"],
        "target": TARGET_C,
        "met": fps["workers=2"] / fps["bare"] >= TARGET_C,
        "runs": [r.as_dict() for r in runs],
    }


# --------------------------------------------------------------------------- report


def progress(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def _yes(met: bool) -> str:
    return "**yes**" if met else "**no**"


def _row_a(a: dict[str, Any], key: str, label: str) -> str:
    v = a[key]
    load = (
        ""
        if v["model_load_s"] is None
        else f"; {v['ratio_incl_model_load']:.3f}× counting its {v['model_load_s']:.2f} s model load"
    )
    return (
        f"| (a) analyze ÷ bare loop, {label} (workers used: {v['workers_used']}) | {v['ratio']:.3f}× "
        f"({v['fps_excl_model_load']:.1f} vs {a['bare_fps']:.1f} frames/s{load}) | "
        f"≥ {a['target']:.2f}× | {_yes(v['met'])} |"
    )


def _rows_b(b: dict[str, Any]) -> list[str]:
    rows = []
    for variant in RSS_VARIANTS:
        for key, what in (("peak_rss_mib", "ru_maxrss"), ("tree_peak_rss_mib", "process-tree sum")):
            v = b[variant][key]
            rows.append(
                f"| (b) peak RSS 10× vs 1×, `movequal analyze` {variant}, {what} | {100 * v['growth']:+.1f} % "
                f"({v['10x']:.0f} vs {v['1x']:.0f} MiB) | ≤ +{100 * b['target']:.0f} % | {_yes(v['met'])} |"
            )
    return rows


def markdown_table(results: dict[str, Any]) -> str:
    rows = ["| benchmark | measured (medians) | target | met |", "|---|---|---|---|"]
    if a := results.get("a"):
        rows.append(_row_a(a, "analyze_workers1", f"{a['frames']} frames, workers=1"))
        rows.append(_row_a(a, "analyze_default", f"{a['frames']} frames, default options"))
    if b := results.get("b"):
        rows += _rows_b(b)
    if c := results.get("c"):
        fps = c["fps"]
        rows.append(
            f"| (c) estimate_video workers=2 ÷ bare loop, 10× clip | {c['ratio_workers2']:.2f}× "
            f"({fps['workers=2']:.1f} vs {fps['bare']:.1f} frames/s) | ≥ {c['target']:.1f}× | {_yes(c['met'])} |"
        )
        rows.append(
            f"| (c) reference: estimate_video workers=1 ÷ bare loop, 10× clip | {c['ratio_workers1']:.2f}× "
            f"({fps['workers=1']:.1f} frames/s) | — | — |"
        )
    return "\n".join(rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="full", choices=["lite", "full", "heavy"])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--repeat", type=int, default=3, help="repeats of (a) and (c); medians are reported")
    parser.add_argument("--rss-repeat", type=int, default=1, help="repeats of (b) (peak RSS barely varies)")
    parser.add_argument("--only", default="abc", help="subset of benchmarks to run, e.g. 'a' or 'bc'")
    parser.add_argument("--max-wait", type=float, default=600.0, help="seconds to wait for load <= 0.7")
    parser.add_argument("--json", type=Path, default=RESULTS_JSON, help="where to write the JSON results")
    return parser.parse_args(argv)


def prepare_long_clip(clip: Path, work: Path) -> tuple[Path, dict[str, Any]]:
    long_clip = work / f"{clip.stem}_x{CONCAT_TIMES}.mp4"
    concat_copies(clip, long_clip, CONCAT_TIMES)
    short_frames, long_frames = count_frames(clip), count_frames(long_clip)
    if long_frames != CONCAT_TIMES * short_frames:
        raise RuntimeError(f"{long_clip}: decodes to {long_frames} frames, expected {CONCAT_TIMES}x{short_frames}")
    progress(f"10x clip: {long_frames} frames ({long_clip.stat().st_size / 2**20:.1f} MiB)")
    return long_clip, {"frames_1x": short_frames, "frames_10x": long_frames, "bytes_10x": long_clip.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    clip = args.clip.resolve()
    if not clip.is_file():
        sys.exit(f"clip not found: {clip}")
    from movequal.runtime import silence_native_stderr

    silence_native_stderr()  # MediaPipe/TFLite log to fd 2; Python's stderr stays visible
    # Imported up front so that no timed run pays the imports (MediaPipe's import alone takes ~1 s;
    # movequal defers it to the first PoseEstimator).
    for module in ("mediapipe", "mediapipe.tasks.python.vision", "movequal.pipeline", "movequal.report.html"):
        importlib.import_module(module)

    results: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/bench_pipeline.py", *(argv or sys.argv[1:])]),
        "clip": str(clip),
        "model": args.model,
        "repeat": args.repeat,
        "machine": machine_info(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with tempfile.TemporaryDirectory(prefix="movequal-bench-") as tmp:
        work = Path(tmp)
        long_clip, results["long_clip"] = prepare_long_clip(clip, work)
        results["load"] = wait_for_quiet(args.max_wait)
        progress(f"measuring at 1-min load {results['load']['load1_at_start']:.2f}")
        if "a" in args.only:
            results["a"] = bench_a(clip, args.model, args.repeat, work)
        if "b" in args.only:
            results["b"] = bench_b(clip, long_clip, args.model, args.rss_repeat, work)
        if "c" in args.only:
            results["c"] = bench_c(long_clip, args.model, args.repeat)
    results["load"]["load1_at_end"] = loadavg()
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    table = markdown_table(results)
    results["table_markdown"] = table
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    load = results["load"]
    print(
        f"Load (1-min) at start {load['load1_at_start']:.2f}, at end {load['load1_at_end']:.2f}; "
        f"quiet (<= {QUIET_LOAD}) at start: {load['quiet']}\n"
    )
    print(table)
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
