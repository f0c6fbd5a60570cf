"""Walking into the picture before a set, or out of it after: is the set still read as the set.

Clinic recordings often start before the patient has reached the mark, or run on while they walk away. A few
seconds of walking carry the hips across the frame, which is how recognition tells walking from a task done in
place. Each synthetic set (squat, lift, lunge, sit-to-stand; 4 reps; side, front and oblique cameras; 1.5 px
noise) is joined to the last (walk-in) or first (walk-out) 2 or 4 s of a synthetic walk filmed by the same
camera, scaled to the set's leg length in the picture and placed so that the walker's feet meet the set's first
(or last) feet. The join is a splice, not a recording: the walker arrives in the set's first posture with no
slowing down. Nothing here is fitted; it lists what recognition names and how many reps the set reads.

    PYTHONPATH=. .venv/bin/python eval/evaluate_walk_in.py [--out /tmp/walk_in.md]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from movequal.core.kinematics import compute_leg_length
from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, SyntheticSpec, generate

MOVEMENTS = ("squat", "lift", "lunge", "sit-to-stand")
VIEWS = ("sagittal-left", "frontal", "oblique")
WALK_S = (2.0, 4.0)
REPS = 4


def _feet(px: np.ndarray, frame: int) -> np.ndarray:
    return (px[frame, IDX["left_ankle"], :2] + px[frame, IDX["right_ankle"], :2]) / 2.0


def join_walk(task: PoseSequence, walk: PoseSequence, seconds: float, where: str) -> PoseSequence:
    """Return ``task`` with ``seconds`` of ``walk`` before it (``where="in"``) or after it (``"out"``).

    The walk is scaled about the picture's origin to the task's leg length in pixels and moved so that its feet
    meet the task's feet on the frame where they join.
    """
    step = float(np.median(np.diff(task.timestamps)))
    count = round(seconds / step)
    part = walk[len(walk) - count :] if where == "in" else walk[:count]
    size = np.asarray(task.frame_size, dtype=np.float64)
    walk_px, task_px = part.image_pixels(), task.image_pixels()
    scale = compute_leg_length(task_px) / compute_leg_length(walk_px)
    points = part.image[..., :2] * size * scale
    meet = (-1, 0) if where == "in" else (0, -1)  # the walk's frame, the task's frame
    walk_feet = (points[meet[0], IDX["left_ankle"]] + points[meet[0], IDX["right_ankle"]]) / 2.0
    image = part.image.copy()
    image[..., :2] = (points + _feet(task_px, meet[1]) - walk_feet) / size
    part = replace(part, image=image)
    first, second = (part, task) if where == "in" else (task, part)
    first = first.with_timestamps(first.timestamps - first.timestamps[0])
    second = second.with_timestamps(second.timestamps - second.timestamps[0] + first.timestamps[-1] + step)
    return PoseSequence.concatenate([first, replace(second, source=first.source)])


def evaluate() -> list[str]:
    """Return the markdown table: what each joined clip is named and how many reps it reads."""
    header = "| movement | view | alone | " + " | ".join(
        f"walk {where} {seconds:g} s" for where in ("in", "out") for seconds in WALK_S
    )
    lines = [header + " |", "|---" * (3 + 2 * len(WALK_S)) + "|"]
    right = total = refused = 0
    for movement in MOVEMENTS:
        for view in VIEWS:
            camera = Camera(view=view)
            task, _ = generate(SyntheticSpec(movement=movement, reps=REPS, camera=camera, noise_px=1.5, seed=1))
            walk, _ = generate(SyntheticSpec(movement="walk", camera=camera, noise_px=1.5, seed=1))
            cells = []
            for clip in [task] + [join_walk(task, walk, s, w) for w in ("in", "out") for s in WALK_S]:
                a = assess(clip).assessment
                named = a.movement == movement
                right, total, refused = right + named, total + 1, refused + bool(a.cut_off)
                cut = f" (not scored: {', '.join(a.cut_off)} out of the picture)" if a.cut_off else ""
                cells.append(
                    f"{a.movement}, {a.full_reps} reps{cut}" if named else f"**{a.movement}**, {a.full_reps} reps{cut}"
                )
            lines.append(f"| {movement} | {view} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Named as the set: {right} of {total} clips (bold: named otherwise).")
    lines.append(f"Not scored because the body left the picture during the set: {refused} of {total}.")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="write the markdown here as well")
    args = parser.parse_args(argv)
    lines = evaluate()
    sys.stdout.write("\n".join(lines) + "\n")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
