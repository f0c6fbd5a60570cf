"""The forward reach (Functional Reach Test) on synthetic trials of known reach: error per view and strategy.

Synthetic forward-reach sets (:class:`movequal.synthetic.ForwardReach`, three trials, 2 px landmark noise) are
assessed as ``forward-reach`` with the patient's height; each trial's measured reach is set against the planted
one, and the test's result against the cut-offs. A second table films the 30 cm reach with frames the model lost
(``dropout``), at 15 and 30 frames/s, with and without landmark noise (without it, the hold at the furthest point
is flat to the last bit): how many trials are counted and read, and how far off.

    PYTHONPATH=. .venv/bin/python eval/evaluate_forward_reach_synthetic.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from movequal.core.scoring import assess
from movequal.synthetic import Camera, CameraView, ForwardReach, SyntheticSpec, generate

HEIGHT_M = 1.75
LEG_M = 0.491 * HEIGHT_M
VIEWS: tuple[CameraView, ...] = ("sagittal-left", "sagittal-right")
CASES: dict[str, ForwardReach] = {
    "30 cm, hips and ankles (0.6)": ForwardReach(reach_m=0.30, reach_sd_m=0.03),
    "30 cm, ankle strategy": ForwardReach(reach_m=0.30, reach_sd_m=0.03, hip_share=0.0),
    "30 cm, hip strategy": ForwardReach(reach_m=0.30, reach_sd_m=0.03, hip_share=1.0),
    "30 cm, left arm": ForwardReach(reach_m=0.30, reach_sd_m=0.03, arms="left"),
    "30 cm, heels rise 4 cm": ForwardReach(reach_m=0.30, reach_sd_m=0.03, heel_rise_m=0.04),
    "20 cm": ForwardReach(reach_m=0.20, reach_sd_m=0.03),
    "12 cm": ForwardReach(reach_m=0.12, reach_sd_m=0.02),
}
SEEDS = range(6)
CONDITIONS: dict[str, dict[str, float]] = {
    "2 px noise, 30 frames/s": {"noise_px": 2.0, "fps": 30.0, "dropout": 0.0},
    "2 px noise, 30 frames/s, 10 % of frames lost": {"noise_px": 2.0, "fps": 30.0, "dropout": 0.1},
    "2 px noise, 15 frames/s, 10 % of frames lost": {"noise_px": 2.0, "fps": 15.0, "dropout": 0.1},
    "2 px noise, 30 frames/s, 20 % of frames lost": {"noise_px": 2.0, "fps": 30.0, "dropout": 0.2},
    "no noise, 30 frames/s": {"noise_px": 0.0, "fps": 30.0, "dropout": 0.0},
    "no noise, 15 frames/s, 10 % of frames lost": {"noise_px": 0.0, "fps": 15.0, "dropout": 0.1},
}
"""How the lost-frames table films the 30 cm reach (hips and ankles)."""


@dataclass(frozen=True)
class Cell:
    """Errors (cm) of every trial in one case and view, and the tests flagged."""

    errors_cm: list[float]
    flagged: int
    tests: int


def run_cell(case: ForwardReach, view: CameraView) -> Cell:
    """Assess every seed of one case from one view."""
    errors, flagged = [], 0
    for seed in SEEDS:
        spec = SyntheticSpec(movement="forward-reach", reps=3, forward_reach=case, camera=Camera(view=view),
                             noise_px=2.0, seed=seed)  # fmt: skip
        pose, truth = generate(spec)
        assert truth.forward_reach is not None
        result = assess(pose, "forward-reach", height_m=HEIGHT_M)
        truth_cm = 100.0 * np.asarray(truth.forward_reach.reach_leg) * LEG_M
        measured = [100.0 * m.reach_distance * LEG_M for m in result.rep_metrics]
        errors += [m - t for m, t in zip(measured, truth_cm, strict=False) if np.isfinite(m)]
        flagged += any(f.code == "short_functional_reach" for f in result.assessment.findings)
    return Cell(errors, flagged, len(SEEDS))


def run_condition(condition: dict[str, float], view: CameraView) -> tuple[int, int, list[float], int]:
    """Trials counted, trials read (a reach measured), errors (cm) and analyses that failed, over the seeds."""
    counted, errors, failed = 0, [], 0
    for seed in SEEDS:
        spec = SyntheticSpec(movement="forward-reach", reps=3, forward_reach=CASES["30 cm, hips and ankles (0.6)"],
                             camera=Camera(view=view), seed=seed, **condition)  # type: ignore[arg-type]  # fmt: skip
        pose, truth = generate(spec)
        assert truth.forward_reach is not None
        try:
            result = assess(pose, "forward-reach", height_m=HEIGHT_M)
        except ValueError:  # the analysis itself failed: nothing counted
            failed += 1
            continue
        counted += result.assessment.full_reps
        truth_cm = 100.0 * np.asarray(truth.forward_reach.reach_leg) * LEG_M
        if result.assessment.full_reps == truth_cm.size:  # trials paired in order only when all were found
            measured = [100.0 * m.reach_distance * LEG_M for m in result.rep_metrics]
            errors += [m - t for m, t in zip(measured, truth_cm, strict=True) if np.isfinite(m)]
    return counted, len(errors), errors, failed


def lost_frames_table() -> list[str]:
    """Return the second table: the 30 cm reach filmed with frames lost, by condition and view."""
    lines = [
        "",
        f"Lost frames: the 30 cm reach, {len(SEEDS)} sets of 3 trials per row",
        "",
        "| filmed | view | trials counted (of 18) | trials read | error median (cm) | error max abs (cm) "
        "| analyses failed |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, condition in CONDITIONS.items():
        for view in VIEWS:
            counted, read, errors, failed = run_condition(condition, view)
            err = np.asarray(errors)
            spread = f"{np.median(err):+.1f} | {np.max(np.abs(err)):.1f}" if err.size else "– | –"
            lines.append(f"| {name} | {view} | {counted} | {read} | {spread} | {failed} |")
    return lines


def main() -> int:
    """Print the tables (markdown)."""
    lines = [
        "| planted | view | trials | error median (cm) | error max abs (cm) | tests flagged `short_functional_reach` |",
        "|---|---|---|---|---|---|",
    ]
    for name, case in CASES.items():
        for view in VIEWS:
            cell = run_cell(case, view)
            err = np.asarray(cell.errors_cm)
            lines.append(
                f"| {name} | {view} | {err.size} | {np.median(err):+.1f} | {np.max(np.abs(err)):.1f} | "
                f"{cell.flagged}/{cell.tests} |"
            )
    sys.stdout.write("\n".join(lines + lost_frames_table()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
