"""Hypothesis fuzzes the live WebSocket of a real server (it is not in the OpenAPI schema that schemathesis covers):
every message gets an answer, an error has a reason, and the server neither crashes nor logs a traceback."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from tests.helpers import shared_clip
from tests.helpers.live_client import jpeg_frames
from tests.helpers.service import Service, create_key, running_service

pytestmark = pytest.mark.slow  # a real server running the pose model on what the fuzzer sends

_, JPEG = next(jpeg_frames(shared_clip("squat_side_good_ven.mp4")))


START = json.dumps({"type": "start", "movement": "squat", "model": "lite", "width": 360, "height": 640})


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, ClientConnection, str]]:
    data = tmp_path_factory.mktemp("fuzz-live") / "data"
    key = create_key(data, "North")
    with (
        running_service(data, "--workers", "0") as service,
        connect(_live_url(service), additional_headers={"X-API-Key": key}) as ws,
    ):
        ws.send(START)
        assert json.loads(ws.recv(timeout=120))["type"] == "ready"
        yield service, ws, key


def _live_url(service: Service) -> str:
    return service.url.replace("http://", "ws://") + "/v1/live"


times = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e3, 1e7))
mangled = st.builds(
    lambda cut, flips: bytes(b ^ flips.get(i, 0) for i, b in enumerate(JPEG[:cut])),
    st.integers(2, len(JPEG)),
    st.dictionaries(st.integers(0, len(JPEG) - 1), st.integers(1, 255), max_size=8),
)
frames = st.one_of(
    st.binary(max_size=64),  # shorter than a time and a JPEG
    st.builds(lambda t, body: struct.pack("<d", t) + body, times, st.binary(max_size=2048)),
    st.builds(lambda t, body: struct.pack("<d", t) + b"\xff\xd8\xff" + body, times, st.binary(max_size=2048)),
    st.builds(lambda t, body: struct.pack("<d", t) + body, times, mangled),  # a real JPEG, cut and bit-flipped
)
texts = st.one_of(
    st.text(max_size=200).filter(lambda s: '"stop"' not in s),
    st.dictionaries(st.sampled_from(["type", "movement", "t"]), st.text(max_size=20))
    .map(json.dumps)
    .filter(lambda s: '"stop"' not in s),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.one_of(frames, texts))
def test_every_live_message_is_answered_and_nothing_breaks(
    live: tuple[Service, ClientConnection, str], message: bytes | str
) -> None:
    _, ws, _ = live
    ws.send(message)
    answer = json.loads(ws.recv(timeout=60))
    assert answer["type"] in ("frame", "error"), answer
    if answer["type"] == "error":
        assert isinstance(answer["detail"], str) and answer["detail"], answer
    else:
        assert isinstance(message, bytes) and answer["server_ms"] >= 0


def test_the_server_is_intact_after_the_fuzzing(live: tuple[Service, ClientConnection, str]) -> None:
    service, fuzzed, key = live
    fuzzed.send(struct.pack("<d", 1e6) + JPEG)
    assert json.loads(fuzzed.recv(timeout=60))["type"] in ("frame", "error")  # still answering; its clock may be full
    # A new session scores a real frame: the fuzzed one may have been stamped hours ahead, which ends it by design.
    with connect(_live_url(service), additional_headers={"X-API-Key": key}) as ws:
        ws.send(START)
        assert json.loads(ws.recv(timeout=120))["type"] == "ready"
        ws.send(struct.pack("<d", 0.0) + JPEG)
        assert json.loads(ws.recv(timeout=60))["type"] == "frame"
    assert httpx.get(f"{service.url}/healthz").status_code == 200
    log = service.log.read_text()
    assert "Traceback" not in log and "Exception in ASGI application" not in log
