"""Print the movement each development clip is recognised as, with its confidence and the in-place features.

Reads the landmarks cached by ``eval/evaluate_clips.py --pose-cache DIR`` (one ``<clip>.<model>.npz`` per clip)
and prints a markdown table: recognised movement, confidence, the nearest movement the rules pick, the hips'
travel across the frame (leg lengths) and the drivers' up-down range, beside the MANIFEST movement.

    PYTHONPATH=. .venv/bin/python eval/evaluate_recognition.py --pose-cache /tmp/posecache_new [--model full]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from movequal.core.movements import compute_motion_features, recognise_movement
from movequal.core.scoring import KINEMATIC_LANDMARKS, WORLD_LANDMARKS, compute_kinematics, filter_pose
from movequal.core.views import classify_view
from movequal.pose.sequence import PoseSequence


def recognition_row(path: Path) -> str:
    """Return one markdown row for the cached landmarks at ``path``."""
    pose = PoseSequence.from_npz(path)
    filtered = filter_pose(pose, only=KINEMATIC_LANDMARKS, world_only=WORLD_LANDMARKS, image_coords=(0, 1))
    features = compute_motion_features(pose, compute_kinematics(filtered), classify_view(pose))
    r = recognise_movement(features)
    clip = path.name.split(".")[0]
    return (
        f"| `{clip}` | {r.movement} | {r.confidence:.2f} | {r.nearest} | {features.travel:.2f} | "
        f"{features.excursion:.2f} |"
    )


def main() -> None:
    """Print the table for every cached clip."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pose-cache", type=Path, required=True)
    parser.add_argument("--model", default="full")
    args = parser.parse_args()
    sys.stdout.write("| clip | movement | confidence | nearest | travel (leg lengths) | up-down range |\n")
    sys.stdout.write("|---|---|---|---|---|---|\n")
    for path in sorted(args.pose_cache.glob(f"*.{args.model}.npz")):
        sys.stdout.write(recognition_row(path) + "\n")


if __name__ == "__main__":
    main()
