"""Turn a real clip into a file Chromium plays as a webcam (``--use-file-for-fake-video-capture``).

Chromium reads Y4M (raw, with its frame rate in the header) and MJPEG (a
sequence of JPEG images, played at 30 frames/s). MJPEG keeps the file small, so
clips are resampled to 30 frames/s: frame k shows the source frame nearest to
k/30 s, and the clip plays in real time.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from movequal.io.video import iter_frames

MJPEG_FPS = 30.0


def letterbox(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale ``image`` to fit ``size`` (width, height) and pad with black, keeping its aspect."""
    width, height = size
    scale = min(width / image.shape[1], height / image.shape[0])
    w, h = round(image.shape[1] * scale), round(image.shape[0] * scale)
    out = np.zeros((height, width, 3), np.uint8)
    x, y = (width - w) // 2, (height - h) // 2
    out[y : y + h, x : x + w] = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    return out


def resampled(clip: Path, size: tuple[int, int] | None = None, fps: float = MJPEG_FPS) -> list[np.ndarray]:
    """The clip's RGB frames at ``fps`` (nearest source frame), letterboxed to ``size`` if given."""
    frames = list(iter_frames(clip))
    times = np.array([f.time for f in frames])
    count = int(times[-1] * fps) + 1
    picks = [int(np.argmin(np.abs(times - k / fps))) for k in range(count)]
    return [letterbox(frames[i].image, size) if size else frames[i].image for i in picks]


def write_mjpeg(
    clip: Path,
    dest: Path,
    size: tuple[int, int] | None = None,
    quality: int = 85,
    lead_s: float = 0.0,
    tail_s: float = 0.0,
) -> Path:
    """Write the clip as an MJPEG fake-camera file (30 frames/s); return ``dest``.

    ``lead_s`` seconds of the first frame come first: the patient standing still in front of the camera
    while the session starts and calibrates, as a clinic session begins. ``tail_s`` seconds of the last
    frame follow the clip: the patient stands still after the set, so a session stopped a little late
    (Chromium starts the camera before the page's first answer) does not see the looping clip again.
    """
    frames = resampled(clip, size)
    frames = [frames[0]] * round(lead_s * MJPEG_FPS) + frames + [frames[-1]] * round(tail_s * MJPEG_FPS)
    with dest.open("wb") as out:
        for image in frames:
            ok, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
            assert ok
            out.write(data.tobytes())
    return dest


def clip_duration(clip: Path) -> float:
    """Length of the clip as the fake camera plays it (seconds)."""
    return len(resampled(clip)) / MJPEG_FPS
