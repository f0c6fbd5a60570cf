"""``/v1/live`` attacked on a real server: decompression bombs, idle sockets, one clinic taking every slot,
client clocks, revoked keys. Every limit answers with a reason and the server keeps serving."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.helpers import shared_clip
from tests.helpers.live_client import frame_message, jpeg_frames
from tests.helpers.service import Service, create_key, revoke_key_cli, running_service

pytestmark = pytest.mark.slow  # a real server loading a pose model per live session

IDLE_S, SESSION_S = 10.0, 8.0  # the idle limit leaves time to run `keys revoke` mid-session
CLIP = "squat_side_good_ven.mp4"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str, str]]:
    data = tmp_path_factory.mktemp("live-limits") / "data"
    north, south = create_key(data, "North"), create_key(data, "South")
    env = {
        "MOVEQUAL_MAX_LIVE_SESSIONS": "3",
        "MOVEQUAL_MAX_LIVE_SESSIONS_PER_CLINIC": "2",
        "MOVEQUAL_MAX_BROWSER_LIVE_SESSIONS": "2",
        "MOVEQUAL_MAX_BROWSER_LIVE_SESSIONS_PER_CLINIC": "1",
        "MOVEQUAL_LIVE_IDLE_TIMEOUT_S": str(IDLE_S),
        "MOVEQUAL_MAX_LIVE_SESSION_S": str(SESSION_S),
    }
    with running_service(data, "--workers", "0", **env) as running:
        yield running, north, south


@contextmanager
def _open(service: Service, key: str, ready: bool = True, pose: str = "server") -> Iterator[ClientConnection]:
    """A live socket that has sent its start message (and, if ``ready``, been answered "ready")."""
    url = service.url.replace("http://", "ws://") + "/v1/live"
    start = {"type": "start", "movement": "squat", "model": "lite", "width": 360, "height": 640, "pose": pose}
    with connect(url, additional_headers={"X-API-Key": key}) as ws:
        ws.send(json.dumps(start))
        if ready:
            answer = json.loads(ws.recv(timeout=120))
            assert answer["type"] == "ready", answer
        yield ws


def _closed_with(ws: ClientConnection, timeout: float = 30.0) -> tuple[int, str]:
    """Read until the server closes; return the close code and the last error detail it sent."""
    detail = ""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            answer = json.loads(ws.recv(timeout=timeout))
            detail = answer.get("detail", detail)
    assert closed.value.rcvd is not None, "the server did not close the socket"
    return closed.value.rcvd.code, detail


def _live_sessions(service: Service) -> int:
    return int(httpx.get(f"{service.url}/readyz").json()["live_sessions"])


def _wait_sessions(service: Service, count: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while _live_sessions(service) != count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _live_sessions(service) == count


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc")


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # Linux: reset the peak RSS (VmHWM) to the current RSS


def _declaring(width: int, height: int, progressive: bool = False) -> bytes:
    """A real 64 × 64 JPEG whose header is rewritten to declare ``width`` × ``height`` (a decompression bomb)."""
    image = np.full((64, 64, 3), 128, np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive)])
    assert ok
    raw = bytearray(data.tobytes())
    sof = raw.find(b"\xff\xc2" if progressive else b"\xff\xc0")
    assert sof > 0
    raw[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(raw)


def test_frames_are_sized_from_their_header_before_decoding(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    ok, png = cv2.imencode(".png", np.zeros((480, 640, 3), np.uint8))
    assert ok
    with _open(running, north) as ws:
        _reset_peak(running.process.pid)
        before = _peak_rss_mb(running.process.pid)
        for bomb in (_declaring(20000, 20000), _declaring(16000, 9000, progressive=True), _declaring(1281, 720)):
            ws.send(frame_message(0.0, bomb))
            assert json.loads(ws.recv(timeout=30)) == {
                "type": "error",
                "detail": "frames may be at most 1280 pixels on a side",
            }
        ws.send(frame_message(0.0, png.tobytes()))
        assert json.loads(ws.recv(timeout=30)) == {"type": "error", "detail": "the frame is not a JPEG image"}
        grown = _peak_rss_mb(running.process.pid) - before
        assert grown < 200, f"the web process grew {grown:.0f} MB on frames it refused"
        _, jpeg = next(jpeg_frames(shared_clip(CLIP)))
        ws.send(frame_message(0.0, jpeg))
        assert json.loads(ws.recv(timeout=60))["type"] == "frame", "a good frame after the refused ones is scored"


def test_frame_times_that_are_not_numbers_are_refused_and_the_session_goes_on(
    service: tuple[Service, str, str],
) -> None:
    running, north, _ = service
    frames = jpeg_frames(shared_clip(CLIP))
    with _open(running, north) as ws:
        for bad in (float("nan"), float("inf"), float("-inf")):
            ws.send(frame_message(bad, next(frames)[1]))
            assert json.loads(ws.recv(timeout=30))["detail"] == (
                "a frame's time must be a finite number of milliseconds"
            )
        t_ms, jpeg = next(frames)
        ws.send(frame_message(t_ms, jpeg))
        assert json.loads(ws.recv(timeout=60))["type"] == "frame"
    assert "Traceback" not in running.log.read_text()


def test_an_idle_socket_is_closed_and_frees_its_slot(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    with _open(running, north) as ws:
        _wait_sessions(running, 1)
        started = time.monotonic()
        code, detail = _closed_with(ws, timeout=IDLE_S + 30)
    assert code == 4408 and detail == f"nothing received for {IDLE_S:g} s: the session is closed"
    assert time.monotonic() - started < IDLE_S + 10
    _wait_sessions(running, 0)


def test_one_clinic_cannot_take_every_slot(service: tuple[Service, str, str]) -> None:
    running, north, south = service
    with _open(running, north) as first, _open(running, north) as second:
        with _open(running, north, ready=False) as third:
            code, detail = _closed_with(third)
            assert code == 4429 and detail == "this clinic already has 2 live sessions open; stop one first"
        with _open(running, south) as other:  # another clinic still gets the last slot
            assert _live_sessions(running) == 3
            with _open(running, south, ready=False) as over:
                assert _closed_with(over)[1] == "too many live sessions at once; try again shortly"
            assert all(ws.close_code is None for ws in (first, second, other)), "the refusals closed no one else"
    _wait_sessions(running, 0)


def test_browser_pose_sessions_have_their_own_slots(service: tuple[Service, str, str]) -> None:
    running, north, south = service
    # north's server-pose slots are all taken, and a browser-pose session is still granted
    with _open(running, north), _open(running, north), _open(running, north, pose="browser"):
        with _open(running, north, ready=False, pose="browser") as again:
            detail = "this clinic already has 1 in-browser live session open; stop one first"
            assert _closed_with(again) == (4429, detail)
        with _open(running, south, pose="browser"), _open(running, south):  # the last slot of each pool
            ready = httpx.get(f"{running.url}/readyz").json()
            assert (ready["live_sessions"], ready["live_pose_models"]) == (5, 3), ready
            with _open(running, south, ready=False, pose="browser") as over:
                detail = "too many in-browser live sessions at once; try again shortly"
                assert _closed_with(over) == (4429, detail)
    _wait_sessions(running, 0)


def test_the_session_limit_runs_on_the_server_clock(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    frames = jpeg_frames(shared_clip(CLIP))
    with _open(running, north) as ws:
        opened = time.monotonic()
        answers = []
        while time.monotonic() - opened < SESSION_S + 2:
            ws.send(frame_message(0.0, next(frames)[1]))  # the client's clock never moves
            answers.append(json.loads(ws.recv(timeout=60)))
            time.sleep(0.1)
        assert answers[0]["type"] == "frame"
        assert answers[-1] == {
            "type": "error",
            "detail": f"the session has reached {SESSION_S / 60:g} minutes: stop and save it, then start a new one",
        }


def _revoke(running: Service, key: str) -> None:
    done = revoke_key_cli(running.data_dir, key[:10])
    assert done.returncode == 0, done.stderr


def _stream_until(ws: ClientConnection, frames: Iterator[tuple[float, bytes]], done: Callable[[], bool]) -> int | None:
    """Stream frames until ``done()`` or two minutes pass; the close code if the server closed meanwhile."""
    deadline = time.monotonic() + 120
    try:
        while not done() and time.monotonic() < deadline:
            ws.send(frame_message(*next(frames)))
            ws.recv(timeout=60)
    except ConnectionClosed:
        return ws.close_code
    return None


def test_a_revoked_key_ends_its_open_session_unsaved(service: tuple[Service, str, str]) -> None:
    running, _, _ = service
    frames = itertools.cycle(list(jpeg_frames(shared_clip(CLIP)))[:60])
    for when in ("stop", "frames"):
        key = create_key(running.data_dir, f"Revoked {when}")
        with _open(running, key) as ws, ThreadPoolExecutor(1) as pool:
            revoking = pool.submit(_revoke, running, key)  # the session keeps streaming meanwhile (no idle close)
            closed = _stream_until(ws, frames, revoking.done)
            revoking.result()
            if closed is None and when == "stop":
                ws.send(json.dumps({"type": "stop"}))
                closed, _ = _closed_with(ws)
            elif closed is None:  # a session that keeps streaming is cut at the next periodic check (every 10 s)
                until = time.monotonic() + 20
                closed = _stream_until(ws, frames, lambda until=until: time.monotonic() > until)
            assert closed == 4401, (when, closed)
        with running.client(key) as client:
            assert client.get("/v1/analyses").status_code == 401
    analyses = list((running.data_dir / "analyses").glob("*/report.json"))
    assert analyses == [], "a session whose key was revoked was saved"
