"""``/v1/live`` on a real server: a real clip streamed frame by frame, saving, isolation, limits, leaks."""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from movequal.core.movement_registry import get_profile
from tests.helpers import shared_clip
from tests.helpers.live_client import frame_message, jpeg_frames, stream
from tests.helpers.service import Service, create_key, running_service

pytestmark = pytest.mark.slow  # a real server running the pose model on streamed clips

MULTI_REP, HAND_COUNT = "squat_side_good_ven.mp4", 3
FAULTY = "deadlift_side_bad-roundedback_tbyr1.mp4"  # rounded back: hip-avoidant bending is flagged offline
TUG_CLIP, TUG_TOTAL_S = "sts_front-oblique_unknown_amtug1.mp4", 10.7  # REPS.md: trunk lean 4.8 s to seated 15.5 s
TUG_TOLERANCE_S = 0.5
"""The issue's acceptance for the offline total against REPS.md, kept for the live stopwatch."""
WALK_CLIP = "walk_side_unknown_marvp2.mp4"  # one pass left to right, about 116 steps/min offline
WALK_CADENCE_TOLERANCE = 0.05
"""The live cadence at the end of the pass against the saved (offline) pass's cadence: within 5 %."""


@pytest.fixture(scope="module")
def live_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str, str]]:
    data = tmp_path_factory.mktemp("live") / "data"
    north, south = create_key(data, "North"), create_key(data, "South")
    with running_service(data, "--workers", "0", MOVEQUAL_MAX_LIVE_SESSIONS="2") as service:
        yield service, north, south


def _ws_url(service: Service) -> str:
    return service.url.replace("http://", "ws://") + "/v1/live"


def _start(ws, **fields: object) -> dict:
    ws.send(json.dumps({"type": "start", "movement": "squat", "model": "lite", "width": 360, "height": 640, **fields}))
    return json.loads(ws.recv())


def _live_sessions(service: Service) -> int:
    return int(httpx.get(f"{service.url}/readyz").json()["live_sessions"])


def test_streamed_clip_counts_reps_and_is_saved_for_the_patient(live_service: tuple[Service, str, str]) -> None:
    service, north, south = live_service
    with service.client(north) as client:
        pid = client.post("/v1/patients", json={"reference": "LIVE-1"}).json()["id"]
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        ready = _start(ws, patient_id=pid)
        assert ready["type"] == "ready" and [11, 12] in ready["bones"]
        result = stream(ws, jpeg_frames(shared_clip(MULTI_REP)))
        ws.send(json.dumps({"type": "stop"}))
        saved = json.loads(ws.recv())
    assert abs(result.reps - HAND_COUNT) <= 1, result.reps
    breathing = [a["cue"]["text"] for a in result.answers if a.get("cue") and a["cue"]["code"] == "breathing"]
    assert breathing and set(breathing) == {get_profile("squat").breathing_cue}, breathing  # on the first reps' effort
    assert sum(a["pose"] is not None for a in result.answers) > 0.9 * len(result.answers)
    assert [a["rep"]["number"] for a in result.answers if a["rep"]] == list(range(1, result.reps + 1))
    assert all(a["rep"]["rating"] in ("Good", "Fair", "Needs work", "Poor") for a in result.answers if a["rep"])
    assert result.answers[0]["calibrating"] and not result.answers[-1]["calibrating"]
    assert saved["type"] == "saved" and abs(saved["reps"] - HAND_COUNT) <= 1
    assert saved["rating"] in ("Good", "Fair", "Needs work", "Poor")
    with service.client(north) as client:
        analysis = client.get(f"/v1/analyses/{saved['analysis_id']}").json()
        assert analysis["status"] == "done" and analysis["patient_id"] == pid
        assert analysis["source_name"].startswith("Live session")
        assert client.get(analysis["links"]["video"]).status_code == 404, "no video is kept from a live session"
        assert client.get(analysis["links"]["report"]).status_code == 200
        assert client.get(f"/v1/patients/{pid}").json()["sessions"] == 1
    with service.client(south) as other:
        assert other.get(f"/v1/analyses/{saved['analysis_id']}").status_code == 404
    assert _live_sessions(service) == 0


def test_a_labelled_fault_gives_a_cue(live_service: tuple[Service, str, str]) -> None:
    service, north, _ = live_service
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws, movement="lift")["type"] == "ready"
        result = stream(ws, jpeg_frames(shared_clip(FAULTY)))
    assert result.reps >= 8, result.reps
    assert "hip_avoidant_bending" in result.cues, result.cues
    cue_times = [a["t"] for a in result.answers if a.get("cue") and a["cue"]["code"] != "breathing"]
    assert all(b - a >= 4000 for a, b in itertools.pairwise(cue_times)), "correction cues closer than 4 s"


def test_a_balance_session_runs_the_hold_timer_on_a_real_clip(live_service: tuple[Service, str, str]) -> None:
    service, north, _ = live_service
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws, movement="single-leg-stance")["type"] == "ready"
        result = stream(ws, jpeg_frames(shared_clip(MULTI_REP)))
        ws.send(json.dumps({"type": "stop"}))
        saved = json.loads(ws.recv())
    holds = [a["hold"] for a in result.answers]
    assert all(h is not None for h in holds) and result.reps == 0
    # a squat never stands on one leg: the timer never starts
    assert all(h["side"] is None and h["holds"] == 0 and h["best_left_s"] is None for h in holds)
    assert saved["type"] == "saved" and saved["reps"] == 0
    with service.client(north) as client:
        assessment = client.get(f"/v1/analyses/{saved['analysis_id']}").json()["result"]["assessment"]
    assert assessment["movement"] == "single-leg-stance" and assessment["balance"]["holds"] == []


def test_a_timed_up_and_go_is_timed_live_on_a_real_clip(live_service: tuple[Service, str, str]) -> None:
    service, north, _ = live_service
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws, movement="tug", model="full", width=640, height=480)["type"] == "ready"
        result = stream(ws, jpeg_frames(shared_clip(TUG_CLIP)))
        ws.send(json.dumps({"type": "stop"}))
        saved = json.loads(ws.recv())
    watches = [a["stopwatch"] for a in result.answers]
    assert all(w is not None for w in watches) and any(w["running"] for w in watches)
    ended = [w["ended_s"] for w in watches if w["ended_s"] is not None]
    assert len(ended) == 1 and abs(ended[0] - TUG_TOTAL_S) <= TUG_TOLERANCE_S, ended
    with service.client(north) as client:
        assessment = client.get(f"/v1/analyses/{saved['analysis_id']}").json()["result"]["assessment"]
    assert assessment["movement"] == "tug" and abs(assessment["tug"]["total_s"] - ended[0]) <= TUG_TOLERANCE_S


def test_a_walk_is_followed_live_with_steps_and_cadence_on_a_real_clip(
    live_service: tuple[Service, str, str],
) -> None:
    service, north, _ = live_service
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws, movement="walk", model="full", width=640, height=480)["type"] == "ready"
        result = stream(ws, jpeg_frames(shared_clip(WALK_CLIP)))
        ws.send(json.dumps({"type": "stop"}))
        saved = json.loads(ws.recv())
    gaits = [a["gait"] for a in result.answers]
    assert all(g is not None for g in gaits) and any(g["walking"] for g in gaits)
    last = gaits[-1]
    with service.client(north) as client:
        assessment = client.get(f"/v1/analyses/{saved['analysis_id']}").json()["result"]["assessment"]
    assert assessment["movement"] == "walk" and len(assessment["gait"]["passes"]) == 1
    offline = assessment["gait"]["passes"][0]["cadence_spm"]
    assert abs(last["last_cadence_per_min"] - offline) <= WALK_CADENCE_TOLERANCE * offline, (last, offline)
    assert abs(last["steps"] - len(assessment["gait"]["heel_strikes"])) <= 2, last


def test_refusals_close_with_a_reason(live_service: tuple[Service, str, str]) -> None:
    service, north, south = live_service
    with connect(_ws_url(service)) as ws:  # refused before it can even send its start message
        answer = json.loads(ws.recv())
        assert answer == {
            "type": "error",
            "detail": "an API key is required (X-API-Key header or Authorization: Bearer)",
        }
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    with service.client(south) as client:
        foreign = client.post("/v1/patients", json={"reference": "S-9"}).json()["id"]
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws, patient_id=foreign) == {"type": "error", "detail": "no such patient"}
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws, movement="cartwheel")["type"] == "error"
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        ws.send(frame_message(0.0, b"a frame before any start message"))
        assert json.loads(ws.recv())["detail"].startswith("invalid start message")
    forged = {"Cookie": f"movequal_session={north}", "Origin": "http://evil.example"}
    with connect(_ws_url(service), additional_headers=forged) as ws:
        assert json.loads(ws.recv()) == {"type": "error", "detail": "cross-site WebSocket refused"}
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws)["type"] == "ready"
        ws.send(frame_message(0.0, b"not a jpeg"))
        assert json.loads(ws.recv()) == {"type": "error", "detail": "the frame is not a JPEG image"}


def test_disconnect_mid_session_leaks_nothing_and_others_keep_going(live_service: tuple[Service, str, str]) -> None:
    service, north, _ = live_service
    frames = list(jpeg_frames(shared_clip(MULTI_REP)))
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as steady:
        assert _start(steady)["type"] == "ready"
        with (
            contextlib.suppress(ConnectionClosed, OSError),
            connect(_ws_url(service), additional_headers={"X-API-Key": north}) as quitter,
        ):
            assert _start(quitter)["type"] == "ready"
            assert _live_sessions(service) == 2
            with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as third:
                assert _start(third)["detail"].startswith("too many live sessions")
            stream(quitter, iter(frames[:20]))
            quitter.socket.close()  # the browser tab is closed: no stop, no close handshake
        first = stream(steady, iter(frames[:60]))
        deadline = time.monotonic() + 10
        while _live_sessions(service) != 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _live_sessions(service) == 1, "the dropped client's session (and pose model) was not released"
        rest = stream(steady, iter(frames[60:]))
        assert rest.reps >= first.reps and abs(rest.reps - HAND_COUNT) <= 1
    deadline = time.monotonic() + 10
    while _live_sessions(service) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _live_sessions(service) == 0
    assert httpx.get(f"{service.url}/healthz").status_code == 200


def test_saved_files_exist_on_disk(live_service: tuple[Service, str, str]) -> None:
    service, north, _ = live_service
    with connect(_ws_url(service), additional_headers={"X-API-Key": north}) as ws:
        assert _start(ws)["type"] == "ready"
        stream(ws, jpeg_frames(shared_clip(MULTI_REP)))
        ws.send(json.dumps({"type": "stop"}))
        saved = json.loads(ws.recv())
    folder = Path(service.data_dir) / "analyses" / saved["analysis_id"]
    assert {p.name for p in folder.iterdir()} >= {"report.json", "plots.json", "angles.csv", "pose.npz", "report.html"}
    assert not (folder / "annotated.mp4").exists()
