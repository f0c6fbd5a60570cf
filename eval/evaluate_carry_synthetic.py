"""Carries on synthetic walks: the loaded hand found, a lean named against it, arm swing judged where it should be.

A suitcase carry is a synthetic walk whose loaded arm does not swing (``Gait.arm_swing_<side> = 0``), with or
without a planted sideways lean; a farmer's carry one with both arms nearly still, or one arm swinging. Each is
assessed as the carry (and once as plain walking, for comparison), 2 px landmark noise, four seeds per cell.

    PYTHONPATH=. .venv/bin/python eval/evaluate_carry_synthetic.py
"""

from __future__ import annotations

import sys
from collections import Counter

from movequal.core.movement_registry import Movement
from movequal.core.scoring import assess
from movequal.synthetic import Camera, CameraView, Gait, SyntheticSpec, generate

VIEWS: tuple[CameraView, ...] = ("frontal", "oblique", "sagittal-left")
SEEDS = range(4)
CASES: tuple[tuple[str, Movement, Gait], ...] = (
    ("suitcase, right hand, upright", "suitcase-carry", Gait(arm_swing_right=0.0)),
    ("suitcase, right hand, leans 8° away", "suitcase-carry", Gait(arm_swing_right=0.0, lateral_lean_deg=8.0)),
    ("suitcase, right hand, leans 8° towards", "suitcase-carry", Gait(arm_swing_right=0.0, lateral_lean_deg=-8.0)),
    ("the same still right arm, as plain walking", "walk", Gait(arm_swing_right=0.0)),
    ("farmer's, both arms still", "farmer-carry", Gait(arm_swing_left=0.05, arm_swing_right=0.05)),
    ("farmer's, the left arm swinging", "farmer-carry", Gait(arm_swing_left=1.0, arm_swing_right=0.05)),
)


def cell(movement: Movement, gait: Gait, view: CameraView) -> tuple[str, str]:
    """Return the loaded side found and the findings (titles), counted over the seeds."""
    sides: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for seed in SEEDS:
        spec = SyntheticSpec(movement="walk", camera=Camera(view=view), noise_px=2.0, gait=gait, seed=seed)
        a = assess(generate(spec)[0], movement).assessment
        sides[str(a.gait.loaded_side if a.gait else None)] += 1
        found.update([f.title for f in a.findings] or ["no finding"])

    def show(c: Counter[str]) -> str:
        return "; ".join(f"{k} {v}/{len(SEEDS)}" for k, v in sorted(c.items()))

    return show(sides), show(found)


def main() -> int:
    """Print the table (markdown)."""
    lines = ["| planted | assessed as | view | loaded hand found | findings |", "|---|---|---|---|---|"]
    for name, movement, gait in CASES:
        for view in VIEWS:
            sides, found = cell(movement, gait, view)
            lines.append(f"| {name} | `{movement}` | {view} | {sides} | {found} |")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
