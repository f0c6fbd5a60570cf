#!/usr/bin/env python
"""The annotated video's libx264 settings: CPU time, size and picture quality, side by side on one clip.

Run from the repository root::

    .venv/bin/python bench/bench_encoder.py [--clip PATH] [--repeat 3]

The clip is estimated once (model ``lite``), scored, and every frame drawn by ``FrameAnnotator`` is kept in
memory; then each (preset, CRF) encodes the same drawn frames, interleaved, ``--repeat`` times. Reported per
setting: the encoder's CPU seconds (this process's user + system time, so it counts libx264's threads and is
little moved by other load), wall seconds, the file size, and the PSNR of every decoded frame against the drawn
frame (median and 5th percentile: the worst frames). The annotated video's setting is the cheapest whose PSNR
(median and 5th percentile) is within 0.1 dB of the old setting's (``veryfast``, CRF 23) or above it.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from movequal.core.scoring import assess  # noqa: E402
from movequal.io.encode import H264Writer, even_size  # noqa: E402
from movequal.io.video import iter_frames, probe_video  # noqa: E402
from movequal.pipeline import ANNOTATED_MAX_SIDE  # noqa: E402
from movequal.pose.estimation import EstimatorConfig, estimate_video  # noqa: E402
from movequal.report.annotate import FrameAnnotator  # noqa: E402

DEFAULT_CLIP = REPO.parent / "shared" / "videos" / "squat_front-oblique_unknown_nqs.mp4"
SETTINGS = (("veryfast", 23), ("superfast", 24), ("superfast", 25), ("superfast", 26), ("ultrafast", 26))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def drawn_frames(clip: Path) -> tuple[list[tuple[float, np.ndarray]], float]:
    """Every frame of the clip with the analysis drawn, and the clip's frame rate."""
    info = probe_video(clip)
    result = assess(estimate_video(clip, EstimatorConfig(model="lite")), "auto")
    size = even_size(info.width, info.height, ANNOTATED_MAX_SIDE)
    annotator = FrameAnnotator(result.filtered, result.kinematics, result.assessment)
    return [(f.time, annotator.annotate(f.image, f.index)) for f in iter_frames(clip, size=size)], info.fps


def encode(frames: list[tuple[float, np.ndarray]], fps: float, out: Path, preset: str, crf: int) -> tuple[float, float]:
    """Encode the frames; return (CPU seconds, wall seconds)."""
    height, width = frames[0][1].shape[:2]
    cpu, wall = _cpu(), time.perf_counter()
    with H264Writer(out, width, height, fps, preset=preset, crf=crf) as writer:
        for t, image in frames:
            writer.write(image, t)
    return _cpu() - cpu, time.perf_counter() - wall


def psnr(frames: list[tuple[float, np.ndarray]], out: Path) -> list[float]:
    with av.open(str(out)) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(decoded) == len(frames), (len(decoded), len(frames))
    pairs = zip(decoded, frames, strict=True)
    errors = [float(np.mean((d.astype(np.float32) - f.astype(np.float32)) ** 2)) for d, (_, f) in pairs]
    return [10 * np.log10(255**2 / max(e, 1e-9)) for e in errors]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frames, fps = drawn_frames(args.clip)
    runs: dict[tuple[str, int], list[tuple[float, float]]] = {s: [] for s in SETTINGS}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):
            for preset, crf in SETTINGS if k % 2 == 0 else SETTINGS[::-1]:
                runs[(preset, crf)].append(encode(frames, fps, Path(tmp) / f"{preset}{crf}.mp4", preset, crf))
        print(f"clip {args.clip.name}: {len(frames)} frames; medians of {args.repeat}")
        print("| preset | CRF | CPU s | wall s | size KiB | PSNR median dB | PSNR 5th pct dB |")
        print("|---|---|---|---|---|---|---|")
        for (preset, crf), timed in runs.items():
            out = Path(tmp) / f"{preset}{crf}.mp4"
            quality = psnr(frames, out)
            cpu, wall = statistics.median(c for c, _ in timed), statistics.median(w for _, w in timed)
            print(
                f"| {preset} | {crf} | {cpu:.2f} | {wall:.2f} | {out.stat().st_size // 1024} | "
                f"{np.median(quality):.2f} | {np.percentile(quality, 5):.2f} |"
            )


if __name__ == "__main__":
    main()
