"""Write the frames of a video nearest given times side by side, each labelled with its own timestamp.

For checking a by-eye reference (REPS.md) frame by frame: times come from each frame's presentation timestamp,
so variable-frame-rate clips (whose container may claim a wrong rate) are labelled correctly.

Usage::

    .venv/bin/python eval/frame_strip.py VIDEO OUT.png 4.2 4.4 4.6 [--crop Y0,Y1,X0,X1] [--columns 4]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import av
import cv2
import numpy as np


def read_frames(video: Path, times: list[float]) -> list[tuple[float, np.ndarray]]:
    """Return, for each wanted time in order, the first frame at or after it (its timestamp and BGR pixels)."""
    wanted = sorted(times)
    found = []
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.pts is None or frame.time_base is None:
                continue
            t = float(frame.pts * frame.time_base)
            while wanted and t >= wanted[0]:
                found.append((t, frame.to_ndarray(format="bgr24")))
                wanted.pop(0)
            if not wanted:
                break
    return found


def compose(frames: list[tuple[float, np.ndarray]], crop: tuple[int, int, int, int] | None, columns: int) -> np.ndarray:
    """Lay the frames out in rows of ``columns``, each cropped and labelled with its timestamp in seconds."""
    tiles = []
    for t, image in frames:
        tile = np.ascontiguousarray(image if crop is None else image[crop[0] : crop[1], crop[2] : crop[3]])
        cv2.putText(tile, f"{t:.2f}", (5, 25), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 255), 2)
        tiles.append(tile)
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)]
    return np.vstack(rows)


def main(argv: list[str] | None = None) -> int:
    """Read the arguments and write the strip."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("times", type=float, nargs="+")
    parser.add_argument("--crop", default=None, help="Y0,Y1,X0,X1 in pixels")
    parser.add_argument("--columns", type=int, default=4)
    args = parser.parse_args(argv)
    crop = tuple(int(v) for v in args.crop.split(",")) if args.crop else None
    frames = read_frames(args.video, args.times)
    if not frames:
        parser.error("no frame at or after the first time")
    cv2.imwrite(str(args.out), compose(frames, crop, args.columns))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
