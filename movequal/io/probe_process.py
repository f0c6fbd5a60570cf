"""Probe an untrusted video in a child process with a memory ceiling and a time limit.

A service probes every upload before queueing it, and probing decodes the
first frame. A small file can declare a huge picture (a 2 MB MJPEG declaring
16000 × 16000 took a web process from 0.3 to 1 GB, four at once to 3 GB), or
make the demuxer spin. :func:`probe_video_isolated` runs
:func:`~movequal.io.video.probe_video` in ``python -m movequal.io.probe_process``,
which lowers its own address-space limit before it imports FFmpeg, so the
worst a file can do is end that child, not the service.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from movequal import errors
from movequal.errors import CorruptVideoError, InputError

if TYPE_CHECKING:
    from movequal.io.video import VideoInfo

PROBE_MEMORY_MB = 512
"""Address space the probing child may map: the interpreter, PyAV and one decoded frame of a large video."""
PROBE_TIMEOUT_S = 60.0
PROBE_NICENESS = 10
"""Scheduling priority the child lowers itself by: a burst of uploads must not starve the web process."""
_ERRORS: dict[str, type[InputError]] = {
    cls.__name__: cls
    for cls in (
        errors.InputError,
        errors.EmptyFileError,
        errors.NotAVideoError,
        errors.NoVideoStreamError,
        errors.CorruptVideoError,
        errors.VideoLimitError,
    )
}


def probe_video_isolated(
    path: Path,
    max_side_px: int | None = None,
    *,
    memory_mb: int = PROBE_MEMORY_MB,
    timeout_s: float = PROBE_TIMEOUT_S,
) -> VideoInfo:
    """Probe ``path`` as :func:`~movequal.io.video.probe_video` does, in a child process.

    Raises
    ------
    InputError
        The same subclass the probe raised in the child, with its message; a
        ``CorruptVideoError`` when the child ran out of memory or time.
    """
    from movequal.io.video import VideoInfo

    command = [sys.executable, "-m", "movequal.io.probe_process", str(path), "--memory-mb", str(memory_mb)]
    if max_side_px is not None:
        command += ["--max-side", str(max_side_px)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CorruptVideoError(f"{path}: reading the video took longer than {timeout_s:.0f} s") from exc
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError) as exc:
        raise CorruptVideoError(
            f"{path}: the video could not be read within {memory_mb} MB of memory (exit code {done.returncode})"
        ) from exc
    if "error" in answer:
        kind = _ERRORS.get(answer["error"]["kind"], InputError)
        raise kind(answer["error"]["message"])
    info = answer["info"]
    return VideoInfo(**{**info, "path": Path(info["path"])})


def _limit_memory(memory_mb: int) -> None:
    ceiling = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def main(argv: list[str] | None = None) -> int:
    """Probe one video and print its properties, or the error, as one line of JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--max-side", type=int, default=None)
    parser.add_argument("--memory-mb", type=int, default=PROBE_MEMORY_MB)
    args = parser.parse_args(argv)
    _limit_memory(args.memory_mb)  # before FFmpeg is loaded: everything after lives under the ceiling
    os.nice(PROBE_NICENESS)  # the service that waits for this answer keeps the CPU first
    from movequal.io.video import probe_video

    try:
        info = probe_video(args.path, max_side_px=args.max_side)
    except InputError as exc:
        sys.stdout.write(json.dumps({"error": {"kind": type(exc).__name__, "message": str(exc)}}) + "\n")
        return 0
    sys.stdout.write(json.dumps({"info": {**asdict(info), "path": str(info.path)}}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
