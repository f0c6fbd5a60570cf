"""Accepting an uploaded video: sniff it, store it under a safe name, check it against the limits.

Nothing the client sends becomes part of a server path: the file is stored as
``uploads/<analysis id><extension of the sniffed container>``; the original
name is kept, cleaned, for display only.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fastapi import HTTPException, status

from movequal.errors import (
    CorruptVideoError,
    EmptyFileError,
    InputError,
    NotAVideoError,
    NoVideoStreamError,
    VideoLimitError,
)
from movequal.io.probe_process import probe_video_isolated
from movequal.io.video import VideoInfo

SNIFF_BYTES = 512
_PROBES = threading.BoundedSemaphore(os.cpu_count() or 1)
"""Uploads probed at once: one child process per core, the rest wait (30 uploads at once start 30 interpreters)."""
_COPY_CHUNK = 1 << 20
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x1a\x45\xdf\xa3", 0, ".mkv"),  # Matroska / WebM (EBML)
    (b"FLV", 0, ".flv"),
    (b"\x00\x00\x01\xba", 0, ".mpg"),  # MPEG program stream
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", 0, ".wmv"),  # ASF
)
_NOT_VIDEO: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"ID3", "an MP3 audio file"),
)


@dataclass(frozen=True)
class StoredUpload:
    """An accepted upload."""

    relative_path: str
    size: int
    info: VideoInfo


def clean_filename(name: str | None) -> str:
    """Return a display-safe version of the client's file name (no path, no control characters)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "video"


def sniff_extension(head: bytes) -> str:
    """Return the container extension ``head`` (the first bytes) shows; raise 415 for no video container."""
    if len(head) >= 12 and head[4:8] in _ISO_BOXES:
        return ".mp4"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return ".ts"
    for magic, offset, ext in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return ext
    what = next((label for magic, label in _NOT_VIDEO if head.startswith(magic)), None)
    if what is None:
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
        what = "text" if head and printable / len(head) > 0.95 else "an unrecognised format"
    raise HTTPException(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        f"not a video: the file looks like {what}; upload an MP4, MOV, MKV/WebM, AVI or MPEG video",
    )


def store_upload(source: BinaryIO, data_dir: Path, analysis_id: str, max_bytes: int) -> tuple[str, int]:
    """Copy the upload to ``uploads/<id><ext>`` and return (relative path, size).

    Raises ``HTTPException`` 400 for an empty file, 415 for a non-video, 413 over ``max_bytes``.
    """
    head = source.read(SNIFF_BYTES)
    if not head:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "the uploaded file is empty (0 bytes)")
    relative = f"uploads/{analysis_id}{sniff_extension(head)}"
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    size = len(head)
    try:
        with target.open("xb") as out:
            out.write(head)
            while chunk := source.read(_COPY_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, _too_large(max_bytes))
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return relative, size


def _too_large(max_bytes: int) -> str:
    return f"the video is larger than this server accepts ({max_bytes / 2**20:.0f} MiB)"


def check_video(path: Path, display_name: str, max_duration_s: float, max_side_px: int) -> VideoInfo:
    """Probe a stored upload; raise ``HTTPException`` with the reason when it cannot be analysed.

    Notes
    -----
    The probe runs in a child process with a memory ceiling
    (:func:`~movequal.io.probe_process.probe_video_isolated`) and refuses a
    declared picture over ``max_side_px`` before decoding anything. What the
    header says about duration is only a first check: the worker enforces
    the duration, frame-rate and size limits on what it decodes.
    """
    try:
        with _PROBES:
            info = probe_video_isolated(path, max_side_px=max_side_px)
    except VideoLimitError as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, _reason(exc, path, display_name)) from exc
    except (EmptyFileError, NotAVideoError, NoVideoStreamError) as exc:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, _reason(exc, path, display_name)) from exc
    except (CorruptVideoError, InputError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, _reason(exc, path, display_name)) from exc
    if info.duration > max_duration_s:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"the video lasts {info.duration:.0f} s; this server accepts up to {max_duration_s:.0f} s",
        )
    if max(info.width, info.height) > max_side_px:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"the video is {info.width}×{info.height}; this server accepts up to {max_side_px} pixels per side",
        )
    return info


def _reason(exc: Exception, path: Path, display_name: str) -> str:
    return str(exc).replace(str(path), display_name)
