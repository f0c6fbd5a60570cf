"""How far does the pose model tilt an upright body in its world landmarks? Real clips, standing frames.

MediaPipe's world landmarks are in metres around the hips, with axes that follow the camera (x right, y down, z
away). An upright person's hip → shoulder line should then point straight up, tilted only by the camera's own
tilt. Over the frames of each development clip where the legs are straight (the mid-hip → mid-ankle distance in
the world landmarks at least :data:`STRAIGHT_SHARE` of its 90th percentile), this prints the median angle by which
the trunk and the legs lean towards the camera (top nearer the camera +), and sideways in the picture, with the
view the core reads. Towards the camera is the direction of the model's depth guess: from the front it is the
trunk's forward lean, from the side its sideways lean.

    PYTHONPATH=. .venv/bin/python eval/evaluate_world_tilt.py --pose-cache /tmp/mq-poses
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

STRAIGHT_SHARE = 0.95
FRONT_VIEWS = ("frontal", "oblique")


def _mid(world: NDArray[np.float64], joint: str) -> NDArray[np.float64]:
    return 0.5 * (world[:, IDX[f"left_{joint}"]] + world[:, IDX[f"right_{joint}"]])


def measure_tilt(pose: PoseSequence) -> tuple[int, float, float, float]:
    """Return the straight-leg frames and the trunk's and legs' median lean towards the camera, and the trunk's roll."""
    w = pose.world
    hips, ankles, shoulders = _mid(w, "hip"), _mid(w, "ankle"), _mid(w, "shoulder")
    legs, trunk = hips - ankles, shoulders - hips
    length = np.linalg.norm(legs, axis=1)
    straight = np.isfinite(length) & (length >= STRAIGHT_SHARE * np.nanpercentile(length, 90))
    towards_trunk = np.degrees(np.arctan2(-trunk[:, 2], -trunk[:, 1]))[straight]
    towards_legs = np.degrees(np.arctan2(-legs[:, 2], -legs[:, 1]))[straight]
    roll = np.degrees(np.arctan2(trunk[:, 0], -trunk[:, 1]))[straight]
    return int(straight.sum()), float(np.median(towards_trunk)), float(np.median(towards_legs)), float(np.median(roll))


def main(argv: list[str] | None = None) -> int:
    """Print one row per cached clip and a summary by view."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pose-cache", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = []
    columns = ("clip", "view", "straight-leg frames", "trunk towards camera (°)", "legs towards camera (°)",
               "trunk sideways (°)")  # fmt: skip
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for path in sorted(args.pose_cache.glob("*.full.npz")):
        if path.name.count(".") > 2:  # cropped or altered copies of a clip
            continue
        pose = PoseSequence.from_npz(path)
        view = assess(pose).assessment.view
        n, trunk, legs, roll = measure_tilt(pose)
        rows.append((view, trunk))
        out.append(f"| `{path.name.split('.')[0]}` | {view} | {n} | {trunk:+.1f} | {legs:+.1f} | {roll:+.1f} |")
    every = [t for _, t in rows]
    front = [t for v, t in rows if v in FRONT_VIEWS]
    side = [t for v, t in rows if v not in FRONT_VIEWS]
    out += ["", f"Trunk towards the camera, standing: every clip median {np.median(every):+.1f}° "
            f"(range {min(every):+.1f} to {max(every):+.1f}, {len(every)} clips); front and oblique views "
            f"{min(front):+.1f} to {max(front):+.1f} ({len(front)}); side views {min(side):+.1f} to {max(side):+.1f} "
            f"({len(side)})."]  # fmt: skip
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
