"""The live page's loop in browser-pose mode: Chromium runs MediaPipe's WebAssembly on the camera, sends landmarks.

Debian's Chromium opens ``/live`` of a real ``movequal serve --local`` on loopback with a clip (letterboxed to
640×480, as ``bench_live.py``) as its fake camera, picks "Pose runs: on this computer" and runs for
``--browser-s`` seconds after the first 30 answers. The page's counters give the loop rate (answered frames/s:
video frame → pose in the browser → landmarks over the WebSocket → scoring on the server → answer → drawing),
the mean time of one ``detectForVideo`` call in the browser, the time the runtime and model took to load, and
the server's per-message time (``server_ms`` of the answers, sampled twice a second).

Run from the repository root: ``.venv/bin/python bench/bench_live_browser_pose.py [--clip PATH] [--browser-s 30]``.
It prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.fake_camera import write_mjpeg
from tests.helpers.service import running_service

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "videos" / "squat_front_good_aith.mp4"
SIZE = (640, 480)
COUNTERS = "() => ({answered: window.mqLive.framesAnswered, ...window.mqBrowserPose.stats})"


def browser_pose_loop(url: str, clip: Path, seconds: float) -> dict[str, float]:
    """Run the page in browser-pose mode for ``seconds``; return its loop figures."""
    from playwright.sync_api import sync_playwright

    from tests.helpers.browser import camera_page

    with tempfile.TemporaryDirectory() as tmp:
        camera = write_mjpeg(clip, Path(tmp) / "camera.mjpeg", SIZE)
        with sync_playwright() as p:
            page = camera_page(p, camera)
            page.goto(f"{url}/live")
            page.select_option("#live-pose", "browser")
            page.click("#live-start")
            page.wait_for_function("() => window.mqLive && window.mqLive.framesAnswered > 30", timeout=120_000)
            first = page.evaluate(COUNTERS)
            start = time.perf_counter()
            samples = []
            while time.perf_counter() - start < seconds:
                time.sleep(0.5)
                samples.append(page.evaluate("() => window.mqLive.lastMessage && window.mqLive.lastMessage.server_ms"))
            last = page.evaluate(COUNTERS)
            elapsed = time.perf_counter() - start
            page.context.browser.close()
    server = np.array([s for s in samples if s is not None], dtype=float)
    inferences = last["inferences"] - first["inferences"]
    return {
        "browser_pose_fps": (last["answered"] - first["answered"]) / elapsed,
        "inference_mean_ms": (last["inferenceMs"] - first["inferenceMs"]) / max(1, inferences),
        "person_found_fraction": (last["people"] - first["people"]) / max(1, inferences),
        "runtime_load_ms": float(last["loadMs"]),
        "server_ms_p50": float(np.median(server)) if server.size else float("nan"),
        "server_ms_p95": float(np.percentile(server, 95)) if server.size else float("nan"),
        "seconds": elapsed,
        "load_1min": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--browser-s", type=float, default=30.0)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_service(Path(tmp) / "data", "--local", "--workers", "0") as service,
    ):
        result = browser_pose_loop(service.url, args.clip, args.browser_s)
    print(json.dumps({"clip": args.clip.name, "size": SIZE, **result}, indent=2))


if __name__ == "__main__":
    main()
