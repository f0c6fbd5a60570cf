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

The timed workloads are in ``bench/pipeline_workloads.py``, the peak-RSS run in
``bench/peak_rss.py``, the machine's load and the timed, interleaved runs in
``bench/timing.py``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import av  # noqa: E402

from bench.peak_rss import peak_rss_cli  # noqa: E402
from bench.pipeline_workloads import analyze_once, bare_loop, estimate_once  # noqa: E402
from bench.timing import (  # noqa: E402
    QUIET_LOAD,
    Run,
    interleave,
    loadavg,
    machine_info,
    median,
    progress,
    wait_for_quiet,
)

DEFAULT_CLIP = REPO.parent / "shared" / "videos" / "squat_front-oblique_unknown_nqs.mp4"
RESULTS_JSON = REPO / "bench" / "results" / "latest.json"
CONCAT_TIMES = 10

# Issue 16's goals on 2 cores: analyze fps / bare fps at least 1.4 (defaults) and 1.0 (--workers 1); peak RSS
# of the 10x video at most 10 % above the 1x; pose estimation alone with 2 workers at least 1.8x the bare loop.
TARGET_A = {"analyze_default": 1.40, "analyze_workers1": 1.00}
TARGET_B = 0.10
TARGET_C = 1.80


# --------------------------------------------------------------------------- analyze (a)


def _analyze_summary(runs: list[Run], bare_fps: float, target: float) -> dict[str, Any]:
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
        "target": target,
        "met": excl / bare_fps >= target,
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
        **{
            key: _analyze_summary([r for r in runs if r.variant == variant], bare_fps, TARGET_A[key])
            for key, variant in (("analyze_workers1", "analyze workers=1"), ("analyze_default", "analyze default"))
        },
        "runs": [r.as_dict() for r in runs],
    }


# --------------------------------------------------------------------------- 10x clip


def count_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        return sum(1 for _ in container.decode(stream))


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
        f"≥ {v['target']:.2f}× | {_yes(v['met'])} |"
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
