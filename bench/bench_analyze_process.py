#!/usr/bin/env python
"""Whole-process ``movequal analyze`` against the bare MediaPipe loop, as a user runs them (start-up included).

Run from the repository root::

    .venv/bin/python bench/bench_analyze_process.py [--model full] [--clip PATH] [--repeat 5] [--code DIR]
        [--baseline DIR]

Variants, each a fresh process, interleaved with the order rotated between repeats (medians reported):

- ``bare``: ``bench/bare_loop.py`` — import MediaPipe, load the model, decode every frame with PyAV and run
  ``detect_for_video`` (VIDEO mode, one pose), nothing else;
- ``analyze``: ``movequal analyze CLIP --out TMP --model M`` with the default options (annotated video and
  report included);
- ``analyze --workers 1``, ``analyze --workers 2``, ``analyze --workers 2 --no-video``.

Each figure is the process's wall time (and its children's CPU time from ``os.wait4``), and each ratio is the
bare loop's wall time divided by the variant's, pair by pair within a repeat, then the median. ``--code DIR``
runs ``movequal`` from another checkout of the project (``PYTHONPATH=DIR``), to put an older version side by
side with this one in one run. The 1-minute load average before each run is recorded; the script waits (up to
``--max-wait`` s) for a quiet machine first.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.timing import loadavg, machine_info, wait_for_quiet  # noqa: E402

DEFAULT_CLIP = REPO.parent / "shared" / "videos" / "squat_front-oblique_unknown_nqs.mp4"
VARIANTS = {
    "analyze": [],
    "analyze --workers 1": ["--workers", "1"],
    "analyze --workers 2": ["--workers", "2"],
    "analyze --workers 2 --no-video": ["--workers", "2", "--no-video"],
}


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one process; return (wall seconds, CPU seconds of it and its children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--model", default="full")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--code", type=Path, help="another checkout of movequal to run instead of this one")
    parser.add_argument("--baseline", type=Path, help="another checkout to time beside this one, in the same run")
    parser.add_argument("--max-wait", type=float, default=600.0)
    args = parser.parse_args()
    env = dict(os.environ)
    if args.code is not None:
        env["PYTHONPATH"] = str(args.code.resolve())
    envs = {"": env}
    if args.baseline is not None:
        envs[" (baseline)"] = env | {"PYTHONPATH": str(args.baseline.resolve())}
    quiet = wait_for_quiet(args.max_wait)
    commands = {"bare": [sys.executable, str(REPO / "bench" / "bare_loop.py"), str(args.clip), "--model", args.model]}
    run_env = {"bare": env}
    with tempfile.TemporaryDirectory() as tmp:
        for (name, extra), (suffix, code_env) in itertools.product(VARIANTS.items(), envs.items()):
            out = ["--out", str(Path(tmp) / f"{name}{suffix}".replace(" ", "_")), "--model", args.model]
            commands[name + suffix] = [sys.executable, "-m", "movequal", "analyze", str(args.clip), *out, *extra]
            run_env[name + suffix] = code_env
        names = list(commands)
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
        for k in range(args.repeat):
            for name in names[k % len(names) :] + names[: k % len(names)]:
                load = loadavg()
                wall, cpu = _run(commands[name], run_env[name])
                runs[name].append((wall, cpu, load))
                print(f"# repeat {k + 1} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, load {load:.2f}", file=sys.stderr)
    bare = [w for w, _, _ in runs["bare"]]
    print(f"clip {args.clip.name}, model {args.model}, {args.repeat} repeats, code {args.code or REPO}")
    if args.baseline is not None:
        print(f"(baseline) rows: code {args.baseline}")
    print("| run | wall s (median) | CPU s (median) | vs bare loop (median of paired ratios) |")
    print("|---|---|---|---|")
    for name, timed in runs.items():
        ratios = [b / w for b, (w, _, _) in zip(bare, timed, strict=True)]
        print(
            f"| {name} | {statistics.median(w for w, _, _ in timed):.2f} | "
            f"{statistics.median(c for _, c, _ in timed):.2f} | {statistics.median(ratios):.2f}× |"
        )
    settings = {k: str(v) for k, v in vars(args).items()}
    record = {"machine": machine_info(), "quiet": quiet, "args": settings, "runs": runs}
    out = REPO / "bench" / "results" / "analyze_process.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
