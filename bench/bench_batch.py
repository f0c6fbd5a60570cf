"""Batch throughput over the development clips with 1 and 2 local workers, and the per-worker/per-video overhead.

Each run scores every clip in ``../shared/videos`` into a fresh folder (default outputs, annotated video
included, no database record) through :func:`movequal.batch.runner.run_batch`; 1 and 2 workers are
interleaved over ``--repeat`` rounds, order rotated, medians reported. Overheads: a worker's start-up
(spawn a process, import movequal, load the model) timed in a fresh process, and the per-video content
hash, both medians of 3.

Run from the repository root: ``.venv/bin/python bench/bench_batch.py [--repeat 1] [--model full]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from movequal.batch.inputs import collect_inputs
from movequal.batch.runner import BatchOptions, run_batch
from movequal.batch.score import BatchSettings, content_key

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "videos"
_STARTUP = (
    "import time; t = time.perf_counter(); from movequal.batch.score import Scorer; Scorer('{m}'); "
    "print(time.perf_counter() - t)"
)


def _run(workers: int, model: str) -> dict[str, float]:
    items = collect_inputs([str(CLIPS)])
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        outcome = run_batch(items, BatchOptions(Path(tmp) / "out", BatchSettings(model=model), workers=workers))
        elapsed = time.perf_counter() - start
    frames = sum(r.frames for r in outcome.results)
    return {"seconds": elapsed, "videos": len(outcome.results), "frames": frames, "frames_per_s": frames / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--model", default="full")
    args = parser.parse_args()
    runs: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    for round_ in range(args.repeat):
        for workers in (1, 2) if round_ % 2 == 0 else (2, 1):
            runs[workers].append(_run(workers, args.model))
            print(f"{workers} worker(s): {json.dumps(runs[workers][-1])}", file=sys.stderr)
    startup = [
        float(
            subprocess.run(
                [sys.executable, "-c", _STARTUP.format(m=args.model)], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    hashes = []
    for item in collect_inputs([str(CLIPS)])[:3]:
        t = time.perf_counter()
        content_key(item.path, BatchSettings())
        hashes.append(time.perf_counter() - t)
    median = {w: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for w, rs in runs.items()}
    ratio = median[2]["frames_per_s"] / median[1]["frames_per_s"]
    print("| workers | wall time (s) | videos | frames/s |\n|---|---|---|---|")
    for w, m in median.items():
        print(f"| {w} | {m['seconds']:.1f} | {m['videos']:.0f} | {m['frames_per_s']:.1f} |")
    print(f"\nthroughput 2 ÷ 1 workers: {ratio:.2f}× (target ≥ 1.8×)")
    print(f"worker start-up (spawn, imports, model load): {statistics.median(startup):.2f} s once per worker")
    print(f"content hash per video: {1000 * statistics.median(hashes):.0f} ms")


if __name__ == "__main__":
    main()
