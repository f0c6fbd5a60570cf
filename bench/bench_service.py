"""Service throughput and web latency: the same burst of uploads through 1 and 2 worker processes.

For each worker count a fresh ``movequal serve`` (real uvicorn, real workers, SQLite) gets ``--uploads``
concurrent uploads of one clip (the sample video, or ``--clip``); the clock runs from the first upload to the last
analysis done. Meanwhile ``/healthz`` and ``GET /v1/analyses/{id}`` are timed every 100 ms from another thread, which is
what a clinician's browser does while the workers are busy. Worker counts are interleaved over ``--repeat``
rounds (order rotated) and medians reported.

Run from the repository root:
``.venv/bin/python bench/bench_service.py [--uploads 8] [--repeat 2] [--clip PATH]``.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.service import create_key, running_service, wait_for

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "squat_side_lnewco7053.mov"


def _upload(client: httpx.Client, clip: Path) -> str:
    kind = mimetypes.guess_type(clip.name)[0] or "application/octet-stream"
    with clip.open("rb") as fh:
        answer = client.post("/v1/analyses", files={"file": (clip.name, fh, kind)})
    answer.raise_for_status()
    return str(answer.json()["id"])


def _burst(url: str, key: str, uploads: int, clip: Path) -> dict[str, float]:
    client = httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=120)
    latencies: list[float] = []
    stop = threading.Event()
    ids: list[str] = []

    def probe() -> None:
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=30) as probe_client:
            while not stop.is_set():
                for path in ("/healthz", *(f"/v1/analyses/{i}" for i in ids[:1])):
                    start = time.perf_counter()
                    probe_client.get(path).raise_for_status()
                    latencies.append(time.perf_counter() - start)
                stop.wait(0.1)

    def send(_: int) -> str:
        return _upload(client, clip)

    watcher = threading.Thread(target=probe)
    start = time.perf_counter()
    with ThreadPoolExecutor(uploads) as pool:
        ids.extend(pool.map(send, range(uploads)))
    watcher.start()
    done = [wait_for(client, i, timeout=1800) for i in ids]
    elapsed = time.perf_counter() - start
    stop.set()
    watcher.join()
    client.close()
    assert all(d["status"] == "done" for d in done), [d["status"] for d in done]
    ordered = sorted(latencies)
    return {
        "seconds": elapsed,
        "analyses_per_min": 60 * uploads / elapsed,
        "web_p50_ms": 1000 * ordered[len(ordered) // 2],
        "web_p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
        "web_max_ms": 1000 * ordered[-1],
        "web_requests": len(ordered),
    }


def _single(url: str, key: str, clip: Path) -> float:
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=120) as client:
        start = time.perf_counter()
        aid = _upload(client, clip)
        assert wait_for(client, aid, timeout=1800)["status"] == "done"
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--clip", type=Path, default=SAMPLE, help="the video uploaded (default: the sample)")
    args = parser.parse_args()
    runs: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    for round_ in range(args.repeat):
        for workers in (1, 2) if round_ % 2 == 0 else (2, 1):
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / "data"
                key = create_key(data, "Bench")
                with running_service(data, "--workers", str(workers)) as service:
                    # the first upload loads the model(s); it also gives the idle upload-to-result time
                    warm = _single(service.url, key, args.clip)
                    result = _burst(service.url, key, args.uploads, args.clip) | {"single_upload_to_result_s": warm}
            runs[workers].append(result)
            print(f"round {round_ + 1}, {workers} worker(s): {json.dumps(result)}", file=sys.stderr)
    medians = {w: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for w, rs in runs.items()}
    ratio = medians[2]["analyses_per_min"] / medians[1]["analyses_per_min"]
    print(f"clip: {args.clip.name}, {args.uploads} uploads at once")
    print(f"| workers | burst of {args.uploads} (s) | analyses/min | web p50 / p95 / max (ms) | one upload, idle (s) |")
    print("|---|---|---|---|---|")
    for w, m in medians.items():
        print(
            f"| {w} | {m['seconds']:.1f} | {m['analyses_per_min']:.1f} | "
            f"{m['web_p50_ms']:.0f} / {m['web_p95_ms']:.0f} / {m['web_max_ms']:.0f} | "
            f"{m['single_upload_to_result_s']:.1f} |"
        )
    print(f"\nthroughput, 2 workers ÷ 1 worker: {ratio:.2f}×")


if __name__ == "__main__":
    main()
