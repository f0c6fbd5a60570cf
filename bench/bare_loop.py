#!/usr/bin/env python
"""The reference: a bare MediaPipe PoseLandmarker VIDEO loop over one clip, as a whole process.

    .venv/bin/python bench/bare_loop.py CLIP [--model full]

Imports MediaPipe, loads the model (provisioned as ``movequal models pull`` does), decodes every frame with
PyAV and runs ``detect_for_video`` on it (one pose); prints the frames and seconds. Nothing else: no tracking,
scoring or output. ``bench_analyze_process.py`` times it beside ``movequal analyze``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline_workloads import bare_loop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clip", type=Path)
    parser.add_argument("--model", default="full")
    args = parser.parse_args()
    frames, extra = bare_loop(args.clip, args.model)
    print(f"{frames} frames in {extra['_seconds']:.2f} s (model load {extra['model_load_s']:.2f} s)")


if __name__ == "__main__":
    main()
