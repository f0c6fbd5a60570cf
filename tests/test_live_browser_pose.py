"""The live page in browser-pose mode: real Chromium runs MediaPipe's WebAssembly on a real clip as its camera.

The runtime and the lite model come from the app (``/live-runtime/…``); only landmarks go over the socket.
The session must count the clip's reps (hand count ±1), load no pose model on the server, send no
binary (video) message, and the page must make no request to any other host than the app.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.helpers import shared_clip
from tests.helpers.browser import camera_page
from tests.helpers.fake_camera import clip_duration, write_mjpeg
from tests.helpers.service import Service, create_key, running_service

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium against a real server

MULTI_REP, HAND_COUNT = "squat_side_good_ven.mp4", 3
GLOG = re.compile(r"error: (INFO|WARNING|[IW]\d{4} )")
LEAD_S, TAIL_S = 3.0, 20.0
"""Still lead-in while the page loads the runtime and calibrates; still tail so one pass is counted (as
tests/test_live_browser.py)."""


@pytest.fixture(scope="module")
def live_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    data = tmp_path_factory.mktemp("livebrowserpose-web") / "data"
    key = create_key(data, "Live Clinic")
    with running_service(data, "--workers", "0") as service:
        yield service, key


def open_live_page(playwright, camera: Path, url: str, key: str) -> Page:
    """Chromium with ``camera`` as its webcam, signed in on ``/live``."""
    page = camera_page(playwright, camera)
    page.goto(f"{url}/live")
    page.fill("#key", key)
    page.click("#login-submit")
    expect(page.locator("#live-movement option")).not_to_have_count(0)
    return page


def test_browser_pose_counts_reps_with_no_video_sent(live_web: tuple[Service, str], tmp_path: Path) -> None:
    service, key = live_web
    clip = shared_clip(MULTI_REP)
    camera = write_mjpeg(clip, tmp_path / "camera.mjpeg", lead_s=LEAD_S, tail_s=TAIL_S)
    app_host = urlsplit(service.url).netloc
    with sync_playwright() as p:
        page = open_live_page(p, camera, service.url, key)
        requests: list[str] = []
        console: list[str] = []
        binary_frames: list[int] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        page.on("websocket", lambda ws: ws.on("framesent", lambda f: binary_frames.append(isinstance(f, bytes))))
        page.select_option("#live-movement", "squat")
        page.select_option("#live-model", "full")
        page.select_option("#live-pose", "browser")
        expect(page.locator("#live-model")).to_be_disabled()  # the browser runs lite, whatever was chosen
        expect(page.locator("#live-model")).to_have_value("lite")
        page.click("#live-start")
        try:
            page.wait_for_function("() => window.mqLive && window.mqLive.framesAnswered > 0", timeout=120_000)
        except Exception as exc:
            raise AssertionError(f"no frame answered; console: {console}") from exc
        models_during = httpx.get(f"{service.url}/readyz").json()
        started = time.monotonic()
        page.wait_for_timeout(1000 * (LEAD_S + clip_duration(clip) + 1.0))
        live = page.evaluate("() => ({...window.mqLive, lastMessage: null})")
        pose = page.evaluate("() => window.mqBrowserPose.stats")
        elapsed = time.monotonic() - started
        page.click("#live-stop")
        expect(page.locator("#live-saved")).to_be_visible(timeout=60_000)
        # MediaPipe's WebAssembly writes its own log lines (INFO…, W0000…) to console.error: those are not errors.
        errors = [line for line in console if line.startswith(("pageerror", "error")) and not GLOG.match(line)]
    assert not errors, errors
    wasm = sorted({u.rsplit("/", 1)[1] for u in requests if u.endswith(".wasm")})
    print(f"browser pose: {live['framesAnswered'] / elapsed:.1f} answered frames/s, {pose}, WebAssembly {wasm}")
    assert models_during["live_sessions"] == 1 and models_during["live_pose_models"] == 0, models_during
    assert abs(live["reps"] - HAND_COUNT) <= 1, (live, pose)
    assert live["skeletonsDrawn"] > 0.8 * live["framesAnswered"], live
    assert live["framesAnswered"] / elapsed >= 5, (
        f"browser-pose loop at {live['framesAnswered'] / elapsed:.1f} frames/s"
    )
    assert pose["inferences"] >= live["framesAnswered"] and pose["people"] > 0.8 * pose["inferences"], pose
    assert binary_frames and not any(binary_frames), "only text (landmark) messages went over the socket"
    foreign = sorted(
        {u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != app_host}
    )
    assert not foreign, foreign
    runtime = [u for u in requests if "/live-runtime/" in u]
    assert any(u.endswith("/live-runtime/model/lite.task") for u in runtime), runtime
    assert any(u.endswith(".wasm") for u in runtime), runtime
    assert httpx.get(f"{service.url}/readyz").json()["live_sessions"] == 0
