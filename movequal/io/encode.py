"""H.264 video writing with PyAV: yuv420p, faststart MP4 that browsers play.

Notes
-----
OpenCV wheels cannot encode H.264 and browsers refuse ``mp4v``; PyAV wheels
bundle libx264. ``movflags=+faststart`` moves the index to the front so a
browser can start playing (and seek with range requests) before the download
ends.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np
from numpy.typing import NDArray

_TIME_BASE = Fraction(1, 90000)


def even_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    """Scale (width, height) to fit ``max_side`` and round both to even numbers."""
    scale = min(1.0, max_side / max(width, height)) if max_side else 1.0
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


class H264Writer:
    """Write RGB frames with explicit timestamps to an H.264 MP4.

    The file is written under a temporary name and renamed on :meth:`close`,
    so a crash never leaves a truncated video under the final name.
    """

    def __init__(
        self, path: Path, width: int, height: int, fps: float, *, crf: int = 23, preset: str = "veryfast"
    ) -> None:
        """Open the output; ``width`` and ``height`` must be even."""
        if width % 2 or height % 2:
            raise ValueError(f"frame size: expected even width and height for yuv420p, got {width}x{height}")
        self.path = Path(path)
        self._tmp = self.path.with_name(f".{self.path.name}.part")
        self._container = av.open(str(self._tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
        self._stream = self._container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        self._stream.width, self._stream.height = width, height
        self._stream.pix_fmt = "yuv420p"
        self._stream.time_base = _TIME_BASE
        self._stream.codec_context.time_base = _TIME_BASE
        self._stream.options = {"crf": str(crf), "preset": preset}
        self._last_pts = -1
        self._closed = False

    def __enter__(self) -> H264Writer:
        """Return self."""
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Finish the file, or discard it if an exception is propagating."""
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write(self, image: NDArray[np.uint8], time_s: float) -> None:
        """Encode one RGB frame shown at ``time_s`` seconds."""
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        pts = max(round(time_s / _TIME_BASE), self._last_pts + 1)
        frame.pts, frame.time_base = pts, _TIME_BASE
        self._last_pts = pts
        self._container.mux(self._stream.encode(frame))

    def close(self) -> None:
        """Flush the encoder and move the file into place."""
        if self._closed:
            return
        self._container.mux(self._stream.encode(None))
        self._container.close()
        self._closed = True
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Close and delete the partial file."""
        if not self._closed:
            self._container.close()
            self._closed = True
        self._tmp.unlink(missing_ok=True)
