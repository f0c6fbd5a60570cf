"""Live frame sources that never let latency build up: a camera, or a file played as one.

A producer thread reads frames as fast as they come (a camera) or at their own
pace (a file, in real time) and puts each into a one-slot mailbox, replacing
whatever was there. The consumer always gets the newest frame, so when
processing is slower than the source, frames are dropped, never queued.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

import numpy as np

from movequal.errors import InputError
from movequal.io.video import Frame, iter_frames


class LatestFrame:
    """A one-slot mailbox between a frame producer and a slower consumer."""

    def __init__(self) -> None:
        self._frame: Frame | None = None
        self._closed = False
        self._ready = threading.Condition()
        self.produced = 0
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        """Offer the newest frame; an unread older one is dropped."""
        with self._ready:
            self.dropped += self._frame is not None
            self.produced += 1
            self._frame = frame
            self._ready.notify()

    def close(self) -> None:
        """No more frames will come."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def take(self, timeout: float | None = None) -> Frame | None:
        """Wait for a frame newer than the last one taken; ``None`` once closed and empty (or on timeout)."""
        with self._ready:
            self._ready.wait_for(lambda: self._frame is not None or self._closed, timeout)
            frame, self._frame = self._frame, None
            return frame


class FrameSource:
    """Run a producer on a thread and iterate over the newest frames.

    Parameters
    ----------
    produce : callable
        Called on the thread with the mailbox and a stop event; puts frames until
        it runs out or the event is set.
    """

    def __init__(self, produce: Callable[[LatestFrame, threading.Event], None]) -> None:
        self.mailbox = LatestFrame()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(produce,), name="frame-source", daemon=True)

    def _run(self, produce: Callable[[LatestFrame, threading.Event], None]) -> None:
        try:
            produce(self.mailbox, self._stop)
        except BaseException as exc:  # noqa: BLE001 (handed to the consumer)
            self._error = exc
        finally:
            self.mailbox.close()

    def __enter__(self) -> FrameSource:
        """Start the producer."""
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Stop the producer and wait for it."""
        self._stop.set()
        self._thread.join(timeout=5)

    def __iter__(self) -> Iterator[Frame]:
        """Yield the newest frame each time the consumer is ready for one."""
        while (frame := self.mailbox.take()) is not None:
            yield frame
        if self._error is not None:
            raise self._error


def paced_file(path: str | Path, speed: float = 1.0) -> FrameSource:
    """Play a video file as if it were a camera: each frame appears at its own time (``speed`` × real time)."""

    def produce(mailbox: LatestFrame, stop: threading.Event) -> None:
        start = time.monotonic()
        for frame in iter_frames(path):
            delay = start + frame.time / speed - time.monotonic()
            if stop.wait(max(delay, 0.0)):
                return
            mailbox.put(frame)

    return FrameSource(produce)


def camera(index: int = 0, width: int = 640, height: int = 480) -> FrameSource:
    """Frames from a camera (OpenCV), timed by the monotonic clock from the first frame."""
    import cv2

    def produce(mailbox: LatestFrame, stop: threading.Event) -> None:
        capture = cv2.VideoCapture(index)
        if not capture.isOpened():
            raise InputError(f"camera {index} cannot be opened (is it connected and free?)")
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        start, count = time.monotonic(), 0
        try:
            while not stop.is_set():
                ok, bgr = capture.read()
                if not ok:
                    raise InputError(f"camera {index} stopped sending frames")
                rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
                mailbox.put(Frame(count, time.monotonic() - start, rgb))
                count += 1
        finally:
            capture.release()

    return FrameSource(produce)
