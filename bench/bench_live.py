"""Live latency: the server step and the round trip at 640×480 (model lite, or --model), and the browser loop.

1. A Python WebSocket client streams a real clip (letterboxed to 640×480 JPEGs, quality 70) to a real
   ``movequal serve`` on loopback, one frame in flight, as the browser does. The server reports each
   step's own time (JPEG decode + pose + scoring + JSON encode, ``server_ms``); the client times the
   round trip. Frames sent back to back, so the loop rate is the most one client can get.
2. Debian's Chromium opens ``/live`` with the same clip as its (fake) camera, 640×480, and runs for
   ``--browser-s`` seconds; the page counts answered frames (``window.mqLive``), so that is the real
   browser loop: capture, JPEG encode in the browser, WebSocket both ways, drawing.

Run from the repository root: ``.venv/bin/python bench/bench_live.py [--clip PATH] [--browser-s 30] [--model lite]``
(``--model full`` times the same with the session's model ``full``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.fake_camera import resampled, write_mjpeg
from tests.helpers.live_client import stream
from tests.helpers.service import running_service

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "videos" / "squat_front_good_aith.mp4"
SIZE = (640, 480)


def _jpegs(clip: Path) -> list[tuple[float, bytes]]:
    import cv2

    out = []
    for k, image in enumerate(resampled(clip, SIZE)):
        _, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 70])
        out.append((k * 1000 / 30.0, data.tobytes()))
    return out


def _python_client(url: str, frames: list[tuple[float, bytes]], model: str = "lite") -> dict[str, float]:
    from websockets.sync.client import connect

    with connect(url.replace("http://", "ws://") + "/v1/live") as ws:
        ws.send(json.dumps({"type": "start", "movement": "squat", "model": model, "width": SIZE[0], "height": SIZE[1]}))
        assert json.loads(ws.recv())["type"] == "ready"
        start = time.perf_counter()
        result = stream(ws, iter(frames))
        elapsed = time.perf_counter() - start
    server, trip = result.server_ms()[30:], np.array(result.round_trip_ms[30:])  # after the first second
    return {
        "frames": len(result.answers),
        "server_p50_ms": float(np.percentile(server, 50)),
        "server_p95_ms": float(np.percentile(server, 95)),
        "round_trip_p50_ms": float(np.percentile(trip, 50)),
        "round_trip_p95_ms": float(np.percentile(trip, 95)),
        "loop_fps": len(result.answers) / elapsed,
        "reps": result.reps,
    }


def _two_clients(url: str, frames: list[tuple[float, bytes]], model: str) -> dict[str, float]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: _python_client(url, frames, model), range(2)))
    return {
        "two_clients_server_p95_ms": max(r["server_p95_ms"] for r in runs),
        "two_clients_loop_fps_each": min(r["loop_fps"] for r in runs),
    }


def _browser(url: str, clip: Path, seconds: float, model: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.helpers.browser import camera_page

    with tempfile.TemporaryDirectory() as tmp:
        camera = write_mjpeg(clip, Path(tmp) / "camera.mjpeg", SIZE)
        with sync_playwright() as p:
            page = camera_page(p, camera)
            page.goto(f"{url}/live")
            page.select_option("#live-model", model)
            page.click("#live-start")
            page.wait_for_function("() => window.mqLive && window.mqLive.framesAnswered > 30", timeout=60_000)
            first = page.evaluate("() => window.mqLive.framesAnswered")
            start = time.perf_counter()
            samples = []
            while time.perf_counter() - start < seconds:
                time.sleep(0.5)
                samples.append(page.evaluate("() => window.mqLive.lastMessage && window.mqLive.lastMessage.server_ms"))
            answered = page.evaluate("() => window.mqLive.framesAnswered") - first
            elapsed = time.perf_counter() - start
            page.context.browser.close()
    server = np.array([s for s in samples if s is not None], dtype=float)
    return {
        "browser_fps": answered / elapsed,
        "browser_server_p50_ms": float(np.median(server)) if server.size else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--browser-s", type=float, default=30.0)
    parser.add_argument("--model", default="lite", choices=["lite", "full", "heavy"], help="the session's pose model")
    args = parser.parse_args()
    frames = _jpegs(args.clip)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_service(Path(tmp) / "data", "--local", "--workers", "0") as service,
    ):
        python = _python_client(service.url, frames, args.model)
        print(json.dumps(python), file=sys.stderr)
        two = _two_clients(service.url, frames, args.model)
        print(json.dumps(two), file=sys.stderr)
        browser = _browser(service.url, args.clip, args.browser_s, args.model)
        print(json.dumps(browser), file=sys.stderr)
    print("| measure | value | target |\n|---|---|---|")
    print(f"| server step (decode + pose + scoring + encode), p50 / p95 | {python['server_p50_ms']:.1f} / "
          f"{python['server_p95_ms']:.1f} ms | p95 ≤ 40 ms |")  # fmt: skip
    print(f"| round trip, Python client on loopback, p50 / p95 | {python['round_trip_p50_ms']:.1f} / "
          f"{python['round_trip_p95_ms']:.1f} ms | — |")  # fmt: skip
    print(f"| one client's loop, Python (frames back to back) | {python['loop_fps']:.1f} frames/s | — |")
    print(f"| browser loop, Chromium with the clip as its camera | {browser['browser_fps']:.1f} frames/s | ≥ 15 |")
    both = f"{two['two_clients_server_p95_ms']:.1f} ms / {two['two_clients_loop_fps_each']:.1f} frames/s"
    print(f"| two Python clients at once: server step p95 / slower client's loop | {both} | — |")
    print(f"\nclip {args.clip.name}, {python['frames']} frames at 640×480, model {args.model}; "
          f"reps counted live: {python['reps']}")  # fmt: skip


if __name__ == "__main__":
    main()
