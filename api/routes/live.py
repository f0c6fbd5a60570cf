"""``/v1/live``: a WebSocket that scores a browser's camera frames as they come.

Protocol (JSON text messages, and binary frames):

1. client → ``{"type": "start", "movement": …, "patient_id": …, "model": "lite"|"full", "width", "height",
   "dose": {"load_kg": …, "pain_before": …, …}}`` (``dose`` optional: stored with the saved session)
2. server → ``{"type": "ready", "session": id, "bones": [[a, b], …]}`` (or ``error``, then close)
3. client → binary: 8-byte little-endian float64 capture time in ms, then one JPEG; server → one
   ``{"type": "frame", …}`` answer per frame. The client sends the next frame only after the answer,
   so at most one frame per client is ever in flight and latency cannot build up.
   With ``"pose": "browser"`` in the start (the browser runs the lite model itself, no video is sent),
   each frame is instead a text message ``{"type": "landmarks", "t_ms", "size", "image", "world"}``
   (:mod:`movequal.live.landmark_message`), answered with the same ``frame`` message; no pose model is
   loaded for that connection.
4. client → ``{"type": "stop"}``; server → ``{"type": "saved", "analysis_id", "page", "reps", "score", "rating"}``,
   then closes. A client that disconnects without ``stop`` leaves nothing saved.

Each connection has its own pose model (server pose only) and scoring state, loaded
when it starts and closed when it ends, however it ends. A message that cannot be
used (a bad JPEG, a landmarks message that fails its checks) is answered with an
``error`` message and the session goes on.

Limits (``docs/SERVICE.md``, "Security model and limits"): a frame must be a
JPEG whose header declares at most ``MAX_FRAME_SIDE`` pixels a side, checked
before anything is decoded; a socket that sends nothing for
``live_idle_timeout_s`` is closed; a session lasts at most
``max_live_session_s`` by the server's clock, whatever times the client
sends; the key is checked again every ``KEY_RECHECK_S`` and before saving,
so a revoked key ends its open sessions unsaved.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import math
import struct
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio
import cv2
import numpy as np
from anyio import to_thread
from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect, status
from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from api.crud import find_patient
from api.deps import authenticate_connection
from api.live_sessions import MAX_FRAME_BYTES, MAX_FRAME_SIDE, LiveRegistry, LiveStart, SavedSession, save_live_session
from api.models import Clinic
from movequal.core.verdict import compute_rep_rating
from movequal.live.landmark_message import MAX_MESSAGE_CHARS, parse_landmark_message, same_aspect
from movequal.live.session import LiveFrame, LiveSession
from movequal.pose.skeleton import SKELETON_EDGES
from movequal.report.not_judged import describe_not_judged

if TYPE_CHECKING:
    from movequal.pose.estimation import PoseEstimator

router = APIRouter(tags=["live"])
log = logging.getLogger(__name__)

START_TIMEOUT_S = 30.0
KEY_RECHECK_S = 10.0
"""How often an open session checks that its key has not been revoked."""
STOP_GRACE_S = 60.0
"""After the server-clock limit, frames are refused; a client that has not stopped this much later is closed."""
BAD_TIME = "a frame's time must be a finite number of milliseconds"
CLOSE_UNAUTHORISED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_TIMEOUT, CLOSE_BUSY = 4401, 4403, 4404, 4408, 4429


class _RefusedError(Exception):
    """Close the socket with ``code`` after telling the client why."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def _frame_message(t_ms: float, frame: LiveFrame) -> dict[str, Any]:
    rep = None
    if frame.rep is not None:
        findings = [{"code": f.code, "title": f.title, "severity": f.severity} for f in frame.findings]
        rating = compute_rep_rating(frame.rep, frame.findings).label
        rep = {
            "number": frame.rep.number,
            "score": frame.rep.score,
            "rating": rating,
            "findings": findings,
            "not_judged": describe_not_judged(frame.not_judged),
        }
    pose = None if frame.landmarks is None else np.round(np.nan_to_num(frame.landmarks, nan=-1.0), 4).tolist()
    return {
        "type": "frame",
        "t": t_ms,
        "pose": pose,
        "calibrating": frame.calibrating,
        "depth": None if not np.isfinite(frame.depth) else round(float(frame.depth), 3),
        "reps": frame.reps,
        "rep": rep,
        "cue": None if frame.cue is None else {"code": frame.cue.code, "text": frame.cue.text},
        "framing": {"ok": frame.framing.ok, "problems": list(frame.framing.problems)},
        "hold": None if frame.hold is None else dataclasses.asdict(frame.hold),
        "stopwatch": None if frame.stopwatch is None else dataclasses.asdict(frame.stopwatch),
        "gait": None if frame.gait is None else dataclasses.asdict(frame.gait),
    }


def read_jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) a JPEG declares in its header, read without decoding; ``ValueError`` if not a JPEG."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:  # Pillow's own ceiling, far above ours
        raise ValueError(f"frames may be at most {MAX_FRAME_SIDE} pixels on a side") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValueError("the frame is not a JPEG image") from exc
    return int(width), int(height)


def decode_jpeg(data: bytes) -> np.ndarray:
    """RGB image of a JPEG; ``ValueError`` with the reason when it is not a usable one.

    Notes
    -----
    The size is read from the JPEG header and refused *before* decoding: a few
    hundred kilobytes can declare 20000 × 20000 pixels, and a decoder
    allocates what the header declares (a PNG or a progressive JPEG of that
    size took the web process up by gigabytes). Only JPEG is accepted, since
    only its header is read here; a decoded image of another size than its
    header declared is refused too.
    """
    width, height = read_jpeg_size(data)
    if max(width, height) > MAX_FRAME_SIDE:
        raise ValueError(f"frames may be at most {MAX_FRAME_SIDE} pixels on a side")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.shape[:2] != (height, width):
        raise ValueError("the frame is not a JPEG image")
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))


class _Connection:
    """One client's live session over its WebSocket."""

    def __init__(self, websocket: WebSocket, clinic: Clinic, start: LiveStart) -> None:
        self.ws, self.clinic, self.start = websocket, clinic, start
        self.app = websocket.app
        self.session: LiveSession | None = None
        self.estimator: PoseEstimator | None = None
        self.first_ms: float | None = None
        self.last_s = -1.0
        self.settings = self.app.state.settings
        self.opened = self.key_checked = time.monotonic()

    @property
    def browser_pose(self) -> bool:
        """True when the browser runs the pose model and sends landmarks."""
        return self.start.pose == "browser"

    async def open(self) -> None:
        size = (self.start.width, self.start.height)
        if self.browser_pose:  # landmarks come ready-made: no pose model for this connection
            self.session = LiveSession(None, self.start.movement, size, model=self.start.model)
            return
        from movequal.pose.estimation import EstimatorConfig, PoseEstimator

        config = EstimatorConfig(model=self.start.model)  # with the body mask: the back's outline
        self.estimator = await to_thread.run_sync(PoseEstimator, config)
        self.app.state.live.count_pose_model(+1)
        self.session = LiveSession(self.estimator, self.start.movement, size)

    async def close(self) -> None:
        if self.estimator is not None:
            await to_thread.run_sync(self.estimator.close)
            self.estimator = None
            self.app.state.live.count_pose_model(-1)

    def _clock(self, t_ms: float) -> float | str:
        """Return the session time of a frame stamped ``t_ms`` by the client, or the error message refusing it."""
        if not math.isfinite(t_ms):
            return json.dumps({"type": "error", "detail": BAD_TIME})
        if time.monotonic() - self.opened >= self.settings.max_live_session_s:
            minutes = self.settings.max_live_session_s / 60
            detail = f"the session has reached {minutes:g} minutes: stop and save it, then start a new one"
            return json.dumps({"type": "error", "detail": detail})
        self.first_ms = t_ms if self.first_ms is None else self.first_ms
        time_s = max((t_ms - self.first_ms) / 1000.0, self.last_s + 0.001)
        self.last_s = time_s
        return time_s

    def _answer(self, t_ms: float, score: Callable[[LiveSession, float], LiveFrame], began: float) -> str:
        """Score one frame at its session time and encode the answer, with the step's time since ``began``."""
        time_s = self._clock(t_ms)
        if isinstance(time_s, str):
            return time_s
        assert self.session is not None
        try:
            frame = score(self.session, time_s)
        except ValueError as exc:  # the session is full
            return json.dumps({"type": "error", "detail": str(exc)})
        text = json.dumps(_frame_message(t_ms, frame), separators=(",", ":"))
        # The step's time, encoding included, is appended to the object it measured.
        return f'{text[:-1]},"server_ms":{1000 * (time.perf_counter() - began):.1f}}}'

    def _step(self, data: bytes) -> str:
        """Decode, estimate, score and encode one frame: the server step whose time is reported."""
        began = time.perf_counter()
        if len(data) < 9 or len(data) > MAX_FRAME_BYTES:
            detail = f"a frame is 8 bytes of time then a JPEG of at most {MAX_FRAME_BYTES} bytes"
            return json.dumps({"type": "error", "detail": detail})
        (t_ms,) = struct.unpack("<d", data[:8])
        if not math.isfinite(t_ms):
            return json.dumps({"type": "error", "detail": BAD_TIME})
        try:
            image = decode_jpeg(data[8:])
        except ValueError as exc:
            return json.dumps({"type": "error", "detail": str(exc)})
        return self._answer(t_ms, lambda live, time_s: live.process(image, time_s), began)

    def _step_landmarks(self, message: dict[str, Any], began: float) -> str:
        """Check, score and encode one landmarks message (browser pose): the step whose time is reported."""
        try:
            frame = parse_landmark_message(message)
        except ValueError as exc:
            return json.dumps({"type": "error", "detail": f"bad landmarks message: {exc}"})
        if not same_aspect(frame.size, (self.start.width, self.start.height)):
            detail = f"the landmarks' frame size {frame.size} does not have the start's aspect ratio"
            return json.dumps({"type": "error", "detail": detail})
        return self._answer(frame.t_ms, lambda live, time_s: live.process_row(frame.row, time_s), began)

    async def run(self) -> None:
        """Answer frames until the client stops (saving the session), goes away, idles or overstays."""
        while True:
            await self._check_key()
            if time.monotonic() - self.opened > self.settings.max_live_session_s + STOP_GRACE_S:
                raise _RefusedError(CLOSE_TIMEOUT, "the session ran past its time limit without a stop: closed unsaved")
            try:
                with anyio.fail_after(self.settings.live_idle_timeout_s):
                    message = await self.ws.receive()
            except TimeoutError as exc:
                idle = self.settings.live_idle_timeout_s
                raise _RefusedError(CLOSE_TIMEOUT, f"nothing received for {idle:g} s: the session is closed") from exc
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None and not self.browser_pose:
                await self.ws.send_text(await to_thread.run_sync(self._step, message["bytes"]))
                continue
            began, text = time.perf_counter(), message.get("text") or ""
            if len(text) > MAX_MESSAGE_CHARS:
                await self.ws.send_json(
                    {"type": "error", "detail": f"messages are at most {MAX_MESSAGE_CHARS} characters"}
                )
                continue
            payload = _parse(text)
            if self.browser_pose and payload.get("type") == "landmarks":
                await self.ws.send_text(await to_thread.run_sync(self._step_landmarks, payload, began))
                continue
            if payload.get("type") == "stop":
                await self._check_key(force=True)
                await self._save()
                return
            expected = "a landmarks message" if self.browser_pose else "a JPEG frame"
            await self.ws.send_json({"type": "error", "detail": f'expected {expected} or {{"type": "stop"}}'})

    async def _check_key(self, force: bool = False) -> None:
        """Refuse to go on once the key (or sign-in) this socket opened with is revoked: checked every few seconds."""
        now = time.monotonic()
        if not force and now - self.key_checked < KEY_RECHECK_S:
            return
        self.key_checked = now
        await to_thread.run_sync(_authorise, self.ws)

    async def _save(self) -> None:
        live = self.session
        assert live is not None
        if not live.seen_anyone:  # without stacking every frame, as finish() will
            await self.ws.send_json({"type": "error", "detail": "nothing to save: nobody was seen"})
            await self.ws.close()
            return
        state = self.app.state
        try:
            saved = await self._store(state, live)
        except SQLAlchemyError:
            log.exception("saving live session failed")
            await self.ws.send_json(
                {"type": "error", "detail": "the session could not be saved (was the patient deleted?)"}
            )
            await self.ws.close(status.WS_1011_INTERNAL_ERROR)
            return
        await self.ws.send_json(
            {
                "type": "saved",
                "analysis_id": saved.analysis_id,
                "page": f"/analyses/{saved.analysis_id}",
                "reps": saved.reps,
                "score": saved.score,
                "rating": saved.rating,
            }
        )
        await self.ws.close()

    async def _store(self, state: Any, live: LiveSession) -> SavedSession:
        return await to_thread.run_sync(
            lambda: save_live_session(
                state.sessions, state.settings.results_dir, clinic_id=self.clinic.id, start=self.start, live=live
            )
        )


def _parse(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "")
    except (ValueError, RecursionError):  # not JSON, an integer of thousands of digits, or nesting past the limit
        return {}
    return value if isinstance(value, dict) else {}


def _authorise(websocket: WebSocket) -> Clinic:
    try:
        return authenticate_connection(websocket)
    except HTTPException as exc:
        code = CLOSE_UNAUTHORISED if exc.status_code == status.HTTP_401_UNAUTHORIZED else CLOSE_FORBIDDEN
        raise _RefusedError(code, str(exc.detail)) from exc


async def _read_start(websocket: WebSocket, clinic: Clinic) -> LiveStart:
    with anyio.fail_after(START_TIMEOUT_S):
        first = await websocket.receive()
    if first["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(first.get("code", 1000))
    text = first.get("text")
    try:
        start = LiveStart.model_validate(_parse(text))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise _RefusedError(status.WS_1008_POLICY_VIOLATION, f"invalid start message: {problems}") from exc
    if start.patient_id is not None and not await to_thread.run_sync(
        _patient_of, websocket, start.patient_id, clinic.id
    ):
        raise _RefusedError(CLOSE_NOT_FOUND, "no such patient")
    return start


def _patient_of(websocket: WebSocket, patient_id: str, clinic_id: int) -> bool:
    with websocket.app.state.sessions() as session:
        return find_patient(session, clinic_id, patient_id) is not None


@router.websocket("/v1/live")
async def live_socket(websocket: WebSocket) -> None:
    """Score a live camera: see the module docstring for the protocol."""
    registry: LiveRegistry = websocket.app.state.live
    sid = uuid.uuid4().hex[:12]
    await websocket.accept()
    connection: _Connection | None = None
    start: LiveStart | None = None
    slot = False
    try:
        clinic = await to_thread.run_sync(_authorise, websocket)
        start = await _read_start(websocket, clinic)
        refused = registry.acquire(clinic.id, start.pose)
        if refused is not None:
            raise _RefusedError(CLOSE_BUSY, refused)
        slot = True
        connection = _Connection(websocket, clinic, start)
        await connection.open()
        await websocket.send_json({"type": "ready", "session": sid, "bones": [list(e) for e in SKELETON_EDGES]})
        await connection.run()
    except _RefusedError as refused:
        await websocket.send_json({"type": "error", "detail": refused.detail})
        await websocket.close(refused.code)
    except (WebSocketDisconnect, TimeoutError):
        pass
    finally:
        if connection is not None:
            await connection.close()
        if slot and start is not None:
            registry.release(clinic.id, start.pose)
        log.info("live session %s ended", sid)
