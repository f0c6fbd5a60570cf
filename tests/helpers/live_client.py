"""A Python client of ``/v1/live`` that streams a real clip's frames as JPEGs, one in flight at a time."""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from movequal.io.video import iter_frames


def jpeg_frames(clip: Path, size: tuple[int, int] | None = None, quality: int = 70) -> Iterator[tuple[float, bytes]]:
    """(time in ms, JPEG bytes) of every frame of ``clip``, optionally resized."""
    for frame in iter_frames(clip, size=size):
        ok, data = cv2.imencode(
            ".jpg", cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
        )
        assert ok
        yield frame.time * 1000.0, data.tobytes()


def frame_message(time_ms: float, jpeg: bytes) -> bytes:
    """A binary frame message: 8-byte little-endian float64 time, then the JPEG."""
    return struct.pack("<d", time_ms) + jpeg


@dataclass
class StreamResult:
    """What the server answered over a whole clip."""

    answers: list[dict[str, Any]] = field(default_factory=list)
    round_trip_ms: list[float] = field(default_factory=list)

    @property
    def reps(self) -> int:
        return int(self.answers[-1]["reps"]) if self.answers else 0

    @property
    def cues(self) -> list[str]:
        return [a["cue"]["code"] for a in self.answers if a.get("cue")]

    def server_ms(self) -> np.ndarray:
        return np.array([a["server_ms"] for a in self.answers])


def stream(ws: Any, frames: Iterator[tuple[float, bytes]]) -> StreamResult:
    """Send each frame and wait for its answer before the next (the protocol's backpressure)."""
    result = StreamResult()
    for time_ms, jpeg in frames:
        start = time.perf_counter()
        ws.send(frame_message(time_ms, jpeg))
        answer = json.loads(ws.recv())
        result.round_trip_ms.append(1000 * (time.perf_counter() - start))
        assert answer["type"] == "frame", answer
        assert answer["t"] == time_ms
        result.answers.append(answer)
    return result
