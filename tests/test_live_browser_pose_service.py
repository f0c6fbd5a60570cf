"""``/v1/live`` in browser-pose mode on a real server: landmarks made by the real pose model over a real clip.

The browser would run MediaPipe's lite model itself and send landmarks only; here the project's own
lite model (the same bundle the page is served) runs in the test process over the clip's frames, so the
server sees exactly the kind of messages the page sends. The same clip streamed as JPEG frames (server
pose) gives the count to compare with.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.sync.client import connect

from movequal.io.video import iter_frames, probe_video
from movequal.pose.estimation import EstimatorConfig, PoseEstimator
from tests.helpers import shared_clip
from tests.helpers.live_client import jpeg_frames, stream
from tests.helpers.service import Service, create_key, running_service

pytestmark = pytest.mark.slow  # a real server, and the pose model run over a clip twice

MULTI_REP, HAND_COUNT = "squat_side_good_ven.mp4", 3


def landmark_messages(clip: Path) -> list[dict[str, Any]]:
    """The ``landmarks`` messages a browser running the lite model would send for each frame of ``clip``."""
    info = probe_video(clip)
    messages = []
    with PoseEstimator(EstimatorConfig(model="lite", back_contour=False)) as estimator:
        for frame in iter_frames(clip):
            row = estimator.process(frame.image, frame.time)
            found = bool(np.isfinite(row.image).all())
            image = np.column_stack([row.image, row.visibility]).tolist() if found else None
            messages.append(
                {
                    "type": "landmarks",
                    "t_ms": frame.time * 1000.0,
                    "size": [info.width, info.height],
                    "image": image,
                    "world": row.world.tolist() if found else None,
                }
            )
    return messages


@pytest.fixture(scope="module")
def service_and_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    data = tmp_path_factory.mktemp("livebrowserpose") / "data"
    key = create_key(data, "North")
    with running_service(data, "--workers", "0") as service:
        yield service, key


def _ws_url(service: Service) -> str:
    return service.url.replace("http://", "ws://") + "/v1/live"


def _ready(service: Service) -> dict[str, Any]:
    return httpx.get(f"{service.url}/readyz").json()


class _Watcher:
    """Polls ``/readyz`` while a session runs and keeps the most pose models and sessions it saw."""

    def __init__(self, service: Service) -> None:
        self.service, self.models, self.sessions = service, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            ready = _ready(self.service)
            self.models = max(self.models, ready["live_pose_models"])
            self.sessions = max(self.sessions, ready["live_sessions"])
            time.sleep(0.2)

    def __enter__(self) -> _Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def _stream_landmarks(ws: Any, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answers = []
    for message in messages:
        ws.send(json.dumps(message))
        answer = json.loads(ws.recv())
        assert answer["type"] == "frame" and answer["t"] == message["t_ms"], answer
        answers.append(answer)
    return answers


def test_browser_pose_counts_like_server_pose_without_a_pose_model(service_and_key: tuple[Service, str]) -> None:
    service, key = service_and_key
    clip = shared_clip(MULTI_REP)
    info = probe_video(clip)
    messages = landmark_messages(clip)
    start = {"type": "start", "movement": "squat", "model": "lite", "width": info.width, "height": info.height}
    with _Watcher(service) as server_side, connect(_ws_url(service), additional_headers={"X-API-Key": key}) as ws:
        ws.send(json.dumps(start))
        assert json.loads(ws.recv())["type"] == "ready"
        jpeg_reps = stream(ws, jpeg_frames(clip)).reps
    with _Watcher(service) as browser_side, connect(_ws_url(service), additional_headers={"X-API-Key": key}) as ws:
        ws.send(json.dumps(start | {"pose": "browser"}))
        assert json.loads(ws.recv())["type"] == "ready"
        answers = _stream_landmarks(ws, messages)
        ws.send(json.dumps({"type": "stop"}))
        saved = json.loads(ws.recv())
    assert server_side.sessions == 1 and server_side.models == 1, "the server-pose session loads a pose model"
    assert browser_side.sessions == 1 and browser_side.models == 0, "the browser-pose session loads none"
    reps = answers[-1]["reps"]
    assert abs(jpeg_reps - HAND_COUNT) <= 1 and abs(reps - jpeg_reps) <= 1, (reps, jpeg_reps)
    assert [a["rep"]["number"] for a in answers if a["rep"]] == list(range(1, reps + 1))
    assert sum(a["pose"] is not None for a in answers) > 0.9 * len(answers)
    assert answers[0]["calibrating"] and not answers[-1]["calibrating"]
    assert saved["type"] == "saved" and abs(saved["reps"] - HAND_COUNT) <= 1, saved
    with httpx.Client(base_url=service.url, headers={"X-API-Key": key}) as client:
        analysis = client.get(f"/v1/analyses/{saved['analysis_id']}").json()
    assert analysis["status"] == "done" and analysis["model"] == "lite"
    assert analysis["result"]["source"]["model"] == "lite"
    assert _ready(service)["live_sessions"] == 0 and _ready(service)["live_pose_models"] == 0


def test_bad_messages_are_answered_and_the_session_goes_on(service_and_key: tuple[Service, str]) -> None:
    service, key = service_and_key
    good = landmark_messages(shared_clip(MULTI_REP))[:3]
    start = {"type": "start", "movement": "squat", "model": "lite", "width": 360, "height": 640, "pose": "browser"}
    with connect(_ws_url(service), additional_headers={"X-API-Key": key}) as ws:
        ws.send(json.dumps(start))
        assert json.loads(ws.recv())["type"] == "ready"
        assert _stream_landmarks(ws, good[:1])[0]["pose"] is not None
        problems = [
            ("image must be a list of 33 landmarks", good[1] | {"image": good[1]["image"][:10]}),
            ("must be a finite number", good[1] | {"image": [[float("nan"), 0.5, 0.0, 1.0], *good[1]["image"][1:]]}),
            ("aspect ratio", good[1] | {"size": [640, 360]}),
            ("expected a landmarks message", b"\0" * 8 + b"\xff\xd8 not a frame here"),
            ("at most", json.dumps(good[1] | {"pad": "x" * 20_000})),
            ("expected a landmarks message", "[" * 15_000),  # nesting past the JSON parser's limit
            ("expected a landmarks message", '{"type": "landmarks", "t_ms": ' + "1" * 5000 + "}"),  # too many digits
        ]
        for reason, bad in problems:
            ws.send(bad if isinstance(bad, bytes | str) else json.dumps(bad))
            answer = json.loads(ws.recv())
            assert answer["type"] == "error" and reason in answer["detail"], (reason, answer)
        assert _stream_landmarks(ws, good[1:])[-1]["type"] == "frame", "the session went on after the bad ones"
    with connect(_ws_url(service), additional_headers={"X-API-Key": key}) as ws:
        ws.send(json.dumps(start | {"model": "full"}))
        refused = json.loads(ws.recv())
        assert refused["type"] == "error" and "lite" in refused["detail"], refused
