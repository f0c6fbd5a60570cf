"""Shared test helpers: repository paths, the development clips, the CLI in a subprocess, H.264 writing.

The modules beside this one hold the larger helpers: a real service on loopback (``service``), in-process
app clients (``api_helpers``), Chromium (``browser``), a fake webcam file (``fake_camera``), a live client
(``live_client``) and a throwaway PostgreSQL server (``pg``). Fixtures stay in ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parents[2]
SHARED_VIDEOS = Path(os.environ.get("MOVEQUAL_SHARED_VIDEOS", REPO.parent / "shared" / "videos"))
SHARED_DATASETS = Path(os.environ.get("MOVEQUAL_SHARED_DATASETS", REPO.parent / "shared" / "datasets"))
SAMPLE = REPO / "sample_videos" / "squat_side_lnewco7053.mov"
MOVEQUAL = [sys.executable, "-m", "movequal"]


def shared_clip(name: str) -> Path:
    """Path of a development clip; fails (never skips) when it is missing."""
    path = SHARED_VIDEOS / name
    assert path.is_file(), f"test clip missing: {path} (../shared/videos must sit beside the repo)"
    return path


def shared_dataset(relative: str) -> Path:
    """Path of a file or folder of a shared research data set; fails (never skips) when it is missing."""
    path = SHARED_DATASETS / relative
    assert path.exists(), f"data set missing: {path} (../shared/datasets must sit beside the repo)"
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the movequal CLI in a subprocess and capture its output."""
    return subprocess.run([*MOVEQUAL, *args], check=False, capture_output=True, text=True, cwd=cwd or REPO, timeout=600)


def write_h264(
    path: Path, frames: list[np.ndarray], times: list[float] | None = None, fps: int = 30, rotation: int = 0
) -> Path:
    """Encode RGB frames to an H.264 MP4 with optional explicit times and display rotation."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = round((times[i] if times else i / fps) * 1000)
            frame.time_base = Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path
