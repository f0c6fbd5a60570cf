"""Live sessions per server: N simulated clients at 30 messages/s, browser pose (landmarks) and server pose (JPEG).

A real ``movequal serve --local --workers 0`` runs on loopback with the live-session limit raised. Each
simulated client (Python asyncio, ``websockets``) opens ``/v1/live``, starts a squat session and sends one
message every 1/30 s for ``--seconds`` (default 20), one message in flight as the protocol wants: as a camera
would, when an answer comes late the client sends the newest frame at once, and the frames it skipped over are
counted as dropped.

* **browser pose** (``"pose": "browser"``): each message is a ``landmarks`` message, made beforehand by the
  project's lite pose model over the clip (as the browser's MediaPipe would make it); the server only checks it
  and runs the incremental scoring. N = 1, 5, 10, 20, 40 (``--browser-n``).
* **server pose**: each message is the clip's frame as a 640×480 JPEG (quality 70), as the page sends; the server
  decodes it and runs its own lite pose model per connection. N = 1, 2, 3 (``--server-n``).

For each N: the answer time each client sees (send to answer, p50/p95 over all clients, after the first second),
the server's own per-message time (``server_ms`` of the answers, p50/p95), frames dropped, the rate each client
achieved, and the server process group's CPU use (from ``/proc``). A mode stops increasing N once its answer p95
exceeds 100 ms or more than 1 % of frames are dropped. The 1-minute load average is printed with each row:
other work on the machine shows up in the figures.

Run from the repository root: ``.venv/bin/python bench/bench_live_sessions.py [--clip PATH] [--seconds 20]
[--browser-n 1 5 10 20 40] [--server-n 1 2 3]``. It prints a markdown table, and JSON lines on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.fake_camera import resampled
from tests.helpers.service import running_service

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "videos" / "squat_side_good_ven.mp4"
RATE = 30.0
JPEG_SIZE = (640, 480)
P95_LIMIT_MS, DROP_LIMIT = 100.0, 0.01


def landmark_payloads(clip: Path) -> tuple[list[dict[str, Any]], tuple[int, int]]:
    """The clip at 30 frames/s through the lite model: one landmarks message body per frame (time set at send)."""
    from movequal.pose.estimation import EstimatorConfig, PoseEstimator

    frames = resampled(clip)
    height, width = frames[0].shape[:2]
    out = []
    with PoseEstimator(EstimatorConfig(model="lite", back_contour=False)) as estimator:
        for k, image in enumerate(frames):
            row = estimator.process(image, k / RATE)
            found = bool(np.isfinite(row.image).all())
            out.append(
                {
                    "type": "landmarks",
                    "size": [width, height],
                    "image": np.round(np.column_stack([row.image, row.visibility]), 5).tolist() if found else None,
                    "world": np.round(row.world, 5).tolist() if found else None,
                }
            )
    return out, (width, height)


def jpeg_payloads(clip: Path) -> list[bytes]:
    """The clip at 30 frames/s, letterboxed to 640×480 JPEGs of quality 70, as the live page sends them."""
    import cv2

    out = []
    for image in resampled(clip, JPEG_SIZE):
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 70])
        assert ok
        out.append(data.tobytes())
    return out


@dataclass
class ClientRun:
    """What one simulated client measured."""

    answer_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    sent: int = 0
    dropped: int = 0
    errors: int = 0


def _message(mode: str, payload: Any, t_ms: float) -> str | bytes:
    if mode == "browser":
        return json.dumps(payload | {"t_ms": t_ms}, separators=(",", ":"))
    return struct.pack("<d", t_ms) + payload


async def client(
    url: str, mode: str, payloads: list[Any], size: tuple[int, int], seconds: float, offset: int
) -> ClientRun:
    """One session sending a message every 1/30 s (one in flight) for ``seconds``, from frame ``offset`` of the clip.

    Notes
    -----
    Clients start at different places in the clip, as patients in different clinics do; clients in lockstep would
    all end a rep on the same frame, and the server would score every rep at once.
    """
    from websockets.asyncio.client import connect

    run = ClientRun()
    start = {"type": "start", "movement": "squat", "model": "lite", "width": size[0], "height": size[1], "pose": mode}
    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps(start))
        ready = json.loads(await ws.recv())
        assert ready["type"] == "ready", ready
        t0, slot, total = time.perf_counter(), 0, int(seconds * RATE)
        while slot < total:
            await asyncio.sleep(max(0.0, t0 + slot / RATE - time.perf_counter()))
            sent = time.perf_counter()
            await ws.send(_message(mode, payloads[(offset + slot) % len(payloads)], 1000.0 * slot / RATE))
            answer = json.loads(await ws.recv())
            now = time.perf_counter()
            run.sent += 1
            if answer.get("type") != "frame":
                run.errors += 1
            elif slot >= RATE:  # after the first second (model warm, calibration under way)
                run.answer_ms.append(1000 * (now - sent))
                run.server_ms.append(float(answer["server_ms"]))
            newest = int((now - t0) * RATE)  # the camera's newest frame when the answer came
            following = max(slot + 1, newest)  # sent at once if already due, else at its time
            run.dropped += following - slot - 1
            slot = following
        await ws.send(json.dumps({"type": "stop"}))
    return run


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the processes of process group ``pgid``."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, …, utime (11), stime (12)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def load_level(
    url: str, pgid: int, mode: str, n: int, payloads: list[Any], size: tuple[int, int], seconds: float
) -> dict[str, Any]:
    """Run ``n`` clients at once; return the level's figures."""

    async def everyone() -> list[ClientRun]:
        offsets = [k * len(payloads) // n for k in range(n)]
        return list(await asyncio.gather(*(client(url, mode, payloads, size, seconds, o) for o in offsets)))

    cpu0, wall0, own0 = group_cpu_s(pgid), time.perf_counter(), time.process_time()
    runs = asyncio.run(everyone())
    cpu, wall, own = group_cpu_s(pgid) - cpu0, time.perf_counter() - wall0, time.process_time() - own0
    answers = np.concatenate([r.answer_ms for r in runs])
    server = np.concatenate([r.server_ms for r in runs])
    sent, dropped = sum(r.sent for r in runs), sum(r.dropped for r in runs)
    return {
        "mode": mode,
        "clients": n,
        "answer_p50_ms": float(np.percentile(answers, 50)),
        "answer_p95_ms": float(np.percentile(answers, 95)),
        "answer_max_ms": float(answers.max()),
        "server_p50_ms": float(np.percentile(server, 50)),
        "server_p95_ms": float(np.percentile(server, 95)),
        "sent": sent,
        "dropped": dropped,
        "drop_fraction": dropped / max(1, sent + dropped),
        "errors": sum(r.errors for r in runs),
        "rate_per_client": sent / n / seconds,
        "server_cpu_cores": cpu / wall,
        "clients_cpu_cores": own / wall,  # the simulated clients share one process: its limit is theirs
        "load_1min": os.getloadavg()[0],
    }


def _row(r: dict[str, Any]) -> str:
    return (
        f"| {r['mode']} | {r['clients']} | {r['answer_p50_ms']:.1f} / {r['answer_p95_ms']:.1f} | "
        f"{r['server_p50_ms']:.2f} / {r['server_p95_ms']:.2f} | {r['rate_per_client']:.1f} | "
        f"{100 * r['drop_fraction']:.1f} % | {r['errors']} | {r['server_cpu_cores']:.2f} | {r['load_1min']:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--browser-n", type=int, nargs="*", default=[1, 5, 10, 20, 40])
    parser.add_argument("--server-n", type=int, nargs="*", default=[1, 2, 3])
    args = parser.parse_args()
    landmarks, size = landmark_payloads(args.clip)
    jpegs = jpeg_payloads(args.clip)
    limit = str(sum(args.browser_n) + sum(args.server_n))  # a closed session may free its slot a moment late
    rows = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_service(
            Path(tmp) / "data",
            "--local",
            "--workers",
            "0",
            MOVEQUAL_MAX_LIVE_SESSIONS=limit,  # the load test measures past the served limits
            MOVEQUAL_MAX_LIVE_SESSIONS_PER_CLINIC=limit,
            MOVEQUAL_MAX_BROWSER_LIVE_SESSIONS=limit,
            MOVEQUAL_MAX_BROWSER_LIVE_SESSIONS_PER_CLINIC=limit,
        ) as service,
    ):
        url = service.url.replace("http://", "ws://") + "/v1/live"
        for mode, levels, payloads, frame in (
            ("browser", args.browser_n, landmarks, size),
            ("server", args.server_n, jpegs, JPEG_SIZE),
        ):
            for n in levels:
                result = load_level(url, service.process.pid, mode, n, payloads, frame, args.seconds)
                print(json.dumps(result), file=sys.stderr)
                rows.append(result)
                if result["answer_p95_ms"] > P95_LIMIT_MS or result["drop_fraction"] > DROP_LIMIT:
                    break
    print("| pose runs | clients | answer p50 / p95 (ms) | server step p50 / p95 (ms) | messages/s per client "
          "| dropped | errors | server CPU (cores) | load (1 min) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(_row(r))
    print(f"\nclip {args.clip.name} at {RATE:g} messages/s for {args.seconds:g} s per client; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
