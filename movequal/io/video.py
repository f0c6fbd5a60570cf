"""Streaming video decode with PyAV: upright RGB frames and PTS timestamps.

Frames are decoded one at a time, so memory does not grow with the video's
length. Display-matrix rotation (phone recordings) is applied, timestamps come
from each frame's presentation timestamp (variable frame rate safe), and every
way a file can be unusable maps to a :mod:`movequal.errors` exception that
names the file and the reason.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from movequal.errors import (
    CorruptVideoError,
    EmptyFileError,
    InputError,
    NotAVideoError,
    NoVideoStreamError,
    VideoLimitError,
)

log = logging.getLogger(__name__)

_STILL_IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "webp_pipe", "gif", "tiff_pipe")
_MP4_MAGIC_OFFSET = 4
PREFETCH_FRAMES = 8
"""Frames decoded ahead by :func:`prefetch_frames` (bounds its memory)."""


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video, before decoding it.

    ``width`` and ``height`` are of the upright picture (after rotation).
    ``frame_count`` is the container's estimate (0 when it does not say).
    """

    path: Path
    width: int
    height: int
    fps: float
    duration: float
    frame_count: int
    rotation: int
    codec: str
    container: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DecodeLimits:
    """Limits checked on what is decoded, frame by frame, not on what the file declares.

    A container's header can say 0 s for ten minutes of video, 0.3 s for
    30,000 frames, or 320 × 240 for a stream that switches to 8K; a service
    that trusts it decodes whatever follows. ``None`` means no limit.
    """

    max_duration_s: float | None = None
    """Largest frame time (seconds from the first frame)."""
    max_side_px: int | None = None
    """Largest side of any decoded frame, checked before it is converted."""
    max_fps: float | None = None
    """Frames decoded may not outrun this rate: more than ``max_fps × (t + 1 s)`` frames by time ``t``."""

    def check(self, path: Path, frame: av.VideoFrame, time: float, decoded: int) -> None:
        """Raise :class:`~movequal.errors.VideoLimitError` when ``frame``, the ``decoded``-th, is past a limit."""
        if self.max_side_px is not None and max(frame.width, frame.height) > self.max_side_px:
            raise VideoLimitError(
                f"{path}: a frame is {frame.width}×{frame.height}; the limit is {self.max_side_px} pixels per side"
            )
        if self.max_duration_s is not None and time > self.max_duration_s:
            raise VideoLimitError(
                f"{path}: the video runs past {self.max_duration_s:.0f} s, the longest accepted "
                "(its header may say otherwise)"
            )
        if self.max_fps is not None and decoded > self.max_fps * (max(time, 0.0) + 1.0):
            raise VideoLimitError(
                f"{path}: {decoded} frames in the first {max(time, 0.0):.2f} s, "
                f"more than {self.max_fps:.0f} frames per second"
            )


@dataclass(frozen=True)
class Frame:
    """One decoded, upright RGB frame."""

    index: int
    time: float
    image: NDArray[np.uint8]


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a video file")
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path}: file is empty (0 bytes)")
    try:
        container = av.open(str(path), mode="r")
    except av.error.InvalidDataError as exc:
        if _looks_like_iso_media(path):
            raise CorruptVideoError(f"{path}: MP4/MOV file is truncated or damaged ({exc.strerror or exc})") from exc
        raise NotAVideoError(f"{path}: not a video file FFmpeg can read") from exc
    except (av.error.FFmpegError, OSError) as exc:
        raise NotAVideoError(f"{path}: cannot be opened as a video ({exc})") from exc
    if container.format.name in _STILL_IMAGE_FORMATS:
        container.close()
        raise NotAVideoError(f"{path}: is a still image ({container.format.name}), not a video")
    if not container.streams.video:
        kinds = ", ".join(sorted({s.type for s in container.streams})) or "no streams"
        container.close()
        raise NoVideoStreamError(f"{path}: has no video stream (found {kinds})")
    return container


def _looks_like_iso_media(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(12)
    return head[_MP4_MAGIC_OFFSET : _MP4_MAGIC_OFFSET + 4] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")


def _stream_fps(stream: av.video.stream.VideoStream) -> float:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate and float(rate) > 0:
            return float(rate)
    return 30.0


def probe_video(path: str | Path, max_side_px: int | None = None) -> VideoInfo:
    """Read a video's properties, decoding only its first frame.

    Parameters
    ----------
    path : str or Path
        The video.
    max_side_px : int, optional
        Refuse, before decoding anything, a stream whose header declares a
        picture with a longer side (a decoder allocates what it declares).

    Raises
    ------
    InputError
        (or a subclass) if the file is missing, empty, not a video, has no
        video stream, or no frame can be decoded; ``VideoLimitError`` past
        ``max_side_px``.
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        declared = (stream.codec_context.width, stream.codec_context.height)
        if max_side_px is not None and max(declared) > max_side_px:
            raise VideoLimitError(
                f"{path}: the video is {declared[0]}×{declared[1]}; the limit is {max_side_px} pixels per side"
            )
        first = _first_frame(container, stream, path)
        rotation = int(first.rotation) % 360
        width, height = (first.height, first.width) if rotation in (90, 270) else (first.width, first.height)
        duration = float(container.duration) / av.time_base if container.duration else 0.0
        if stream.duration and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        return VideoInfo(
            path=path,
            width=width,
            height=height,
            fps=_stream_fps(stream),
            duration=duration,
            frame_count=int(stream.frames or 0),
            rotation=rotation,
            codec=stream.codec_context.name,
            container=container.format.name,
            metadata={str(k): str(v) for k, v in container.metadata.items()},
        )
    finally:
        container.close()


def _first_frame(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, path: Path
) -> av.VideoFrame:
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise CorruptVideoError(f"{path}: no frame could be decoded ({exc})") from exc
    raise CorruptVideoError(f"{path}: video stream holds no decodable frame")


MISSING_FRAMES_WARN = 0.05
"""Share of the frames a container declares that may fail to decode before the report warns."""


def describe_missing_frames(info: VideoInfo, decoded: int) -> str | None:
    """Describe a shortfall of decoded frames against the container's count (a file cut after its index).

    Notes
    -----
    An MP4 whose index sits at the start ("fast start") still opens when its
    end is cut off; the decoder then stops early without an error, and the
    analysis would cover only the first part of the set, silently. Containers
    that do not declare a frame count (Matroska, MPEG-TS) are not judged. On
    the 36 development clips every declared count matched the decoded one.

    Returns
    -------
    str or None
        The warning for the report, or None when (nearly) every frame decoded.
    """
    declared = info.frame_count
    if declared <= 0 or decoded >= declared * (1.0 - MISSING_FRAMES_WARN):
        return None
    return (
        f"only {decoded} of the {declared} frames the file declares could be decoded: the video looks cut short, "
        "so the analysis covers only its first part"
    )


def upright(image: NDArray[np.uint8], rotation: int) -> NDArray[np.uint8]:
    """Rotate a decoded frame by its display rotation (degrees counter-clockwise)."""
    turns = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=turns)) if turns else image


def iter_frames(
    path: str | Path,
    *,
    start: float = 0.0,
    end: float | None = None,
    warnings: list[str] | None = None,
    size: tuple[int, int] | None = None,
    limits: DecodeLimits | None = None,
) -> Iterator[Frame]:
    """Yield upright RGB frames with PTS-based times in seconds from the first frame.

    Parameters
    ----------
    path : str or Path
        Any container and codec FFmpeg reads.
    start, end : float
        Optional window in seconds (relative to the first frame); frames
        before ``start`` are decoded and skipped after a keyframe seek.
    warnings : list of str, optional
        Receives a message if decoding stops early (a truncated file); the
        frames decoded until then are still yielded.
    size : tuple of int, optional
        ``(width, height)`` of the upright output; frames are scaled by
        FFmpeg's swscale while converting to RGB (cheaper than resizing later).
    limits : DecodeLimits, optional
        Checked on every decoded frame; past one, ``VideoLimitError`` stops
        the decode (frames decoded before it have been yielded).

    Notes
    -----
    Times are made strictly increasing: a frame without a PTS, or with a PTS
    not after the previous one, gets the previous time plus one nominal frame
    interval. ``index`` counts decoded frames from the start of the file even
    after a seek (it is derived from the time and nominal fps then).
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = _stream_fps(stream)
        origin = _origin_seconds(stream)
        if start > 0 and stream.time_base is not None:
            container.seek(int((start + origin) / stream.time_base), stream=stream, backward=True)
        yield from _decode(container, stream, path, fps, origin, (start, end), warnings, size, limits)
    finally:
        container.close()


def _origin_seconds(stream: av.video.stream.VideoStream) -> float:
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def _decode(  # noqa: PLR0917 (internal generator fed by iter_frames)
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    path: Path,
    fps: float,
    origin: float,
    window: tuple[float, float | None],
    warnings: list[str] | None,
    size: tuple[int, int] | None,
    limits: DecodeLimits | None = None,
) -> Iterator[Frame]:
    start, end = window
    interval = 1.0 / fps
    last = -np.inf
    index = -1
    decoded = 0
    try:
        for frame in container.decode(stream):
            decoded += 1
            pts, base = frame.pts, frame.time_base
            time = float(pts * base) - origin if pts is not None and base is not None else last + interval
            if time <= last:
                time = last + interval
            last = time
            if limits is not None:
                limits.check(path, frame, time, decoded)
            index = index + 1 if start <= 0 else round(time * fps)
            if time < start - 1e-6:
                continue
            if end is not None and time >= end:
                break
            rotation = int(frame.rotation) % 360
            coded = None if size is None else size if rotation in (0, 180) else (size[1], size[0])
            image = np.asarray(
                frame.to_ndarray(format="rgb24")
                if coded is None
                else frame.to_ndarray(format="rgb24", width=coded[0], height=coded[1]),
                dtype=np.uint8,
            )
            yield Frame(index, time, upright(image, rotation))
    except av.error.FFmpegError as exc:
        if decoded == 0:
            raise CorruptVideoError(f"{path}: no frame could be decoded ({exc})") from exc
        message = f"{path.name}: decoding stopped after {decoded} frames ({exc}); the file looks truncated"
        log.warning(message)
        if warnings is not None:
            warnings.append(message)


def prefetch_frames(frames: Iterator[Frame], depth: int = PREFETCH_FRAMES) -> Iterator[Frame]:
    """Decode on a background thread so decoding overlaps inference.

    Notes
    -----
    PyAV releases the GIL while decoding and converting, so this uses the
    second core; the queue bound keeps memory constant.
    """
    box: queue.Queue[Frame | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def worker() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        box.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(None)
        except BaseException as exc:  # noqa: BLE001 (re-raised in the consumer)
            box.put(exc)

    thread = threading.Thread(target=worker, name="movequal-decode", daemon=True)
    thread.start()
    try:
        while (item := box.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
