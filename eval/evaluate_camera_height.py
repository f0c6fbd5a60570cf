"""How high may the camera stand? UI-PRMD filmed from the floor, from hip height and from above.

A phone is propped where there is room: on the floor, on a chair, on a shelf, on top of a cupboard. The
synthetic camera (:class:`movequal.synthetic.Camera`, ``height_m``) is placed at each of :data:`HEIGHTS_M`
and tilted to aim at 0.55 × body height, as a person framing the patient would, at :data:`DISTANCES_M`;
UI-PRMD's deep squats and sit-to-stands (subjects s01–s05, correct and incorrect, every episode; exact
landmarks) are filmed from both sides and the front (:mod:`eval.uiprmd`) and assessed with the movement
named and, separately, told nothing.

Printed per movement, view, distance and height: the camera's tilt; the view the core reads; the
incorrect-against-correct AUC of (100 − score); the share of correct reps with a finding and their codes;
reps counted; each rep's peak thigh inclination, knee flexion and trunk inclination against the same rep
filmed by the level camera (mean and largest difference); and the share named right when told nothing.
The level camera (``height_m=None``) is the reference every other row is compared with.

    PYTHONPATH=. .venv/bin/python -m eval.evaluate_camera_height [--data ../shared/datasets/ui-prmd] [--out X]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.evaluate_uiprmd import EPISODES, MOVEMENTS, SUBJECTS, compute_auc, file_path
from eval.uiprmd import VIEWS, Recording, film_recording, load_recording
from movequal.core.movement_registry import Movement
from movequal.core.scoring import assess
from movequal.synthetic import Camera, CameraView
from movequal.synthetic.body import Body
from movequal.synthetic.camera import compute_pitch

HEIGHTS_M: tuple[float | None, ...] = (0.3, None, 1.5, 2.0, 2.5)
"""Lens heights: on the floor, level at the body's middle (reference), a shelf, a cupboard, a wall mount."""
DISTANCES_M = (4.0, 2.5)
"""Horizontal distance from the camera to the hips: a hall, and a treatment room."""
ANGLES = ("thigh", "knee", "trunk")


@dataclass(frozen=True)
class Reading:
    """One recording filmed from one place, assessed."""

    movement: str
    view: str
    distance: float
    height: float | None
    correct: bool
    name: str
    view_read: str
    reps: int
    score: float
    codes: tuple[str, ...]
    peaks: tuple[float, float, float]
    named: str


def read_one(
    recording: Recording, movement: Movement, view: CameraView, place: tuple[float, float | None], *, correct: bool
) -> Reading:
    """Assess one recording filmed from ``place`` (distance, lens height), named and not named."""
    distance, height = place
    filmed = film_recording(recording, view, camera=Camera(view=view, distance_m=distance, height_m=height))
    result = assess(filmed, movement)  # type: ignore[arg-type]
    a = result.assessment
    metrics = result.rep_metrics
    peaks = (
        (
            float(metrics[0].peak_thigh_inclination),
            float(metrics[0].peak_knee_flexion),
            float(metrics[0].peak_trunk_inclination),
        )
        if metrics
        else (np.nan, np.nan, np.nan)
    )
    named = assess(filmed).assessment.movement  # type: ignore[arg-type]
    return Reading(
        movement,
        view,
        distance,
        height,
        correct,
        recording.name,
        a.view,
        a.full_reps,
        100.0 if a.score is None else float(a.score),
        tuple(sorted({f.code for f in a.findings})),
        peaks,
        named,
    )


def run(data: Path) -> list[Reading]:
    """Every single-rep file of both movements from every view, distance and height."""
    out = []
    for code, movement in MOVEMENTS.items():
        for correct in (True, False):
            for subject in SUBJECTS:
                for episode in EPISODES:
                    recording = load_recording(file_path(data, code, subject, episode, correct))
                    for view in VIEWS:
                        for distance in DISTANCES_M:
                            out += [
                                read_one(recording, movement, view, (distance, h), correct=correct) for h in HEIGHTS_M
                            ]
    return out


def _tilt(height: float | None, distance: float) -> str:
    """Give the camera's tilt for a body of UI-PRMD's typical height (1.75 m), in degrees, down positive."""
    pitch = compute_pitch(Camera(distance_m=distance, height_m=height), Body.of_height(1.75))
    return f"{np.degrees(pitch):+.0f}°"


def table(readings: list[Reading]) -> list[str]:
    """One row per movement, view, distance and height."""
    lines = [
        "| movement | view | distance (m) | lens height (m) | tilt | view read | AUC | correct with a finding "
        "| codes on correct | reps = 1 | thigh / knee / trunk vs level: mean (largest) difference (°) "
        "| named right, told nothing |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    level = {(r.movement, r.view, r.distance, r.name): r for r in readings if r.height is None}
    keys = sorted({(r.movement, r.view, r.distance) for r in readings}, key=lambda k: (k[0], k[1], -k[2]))
    for movement, view, distance in keys:
        for height in HEIGHTS_M:
            cell = [
                r for r in readings if (r.movement, r.view, r.distance, r.height) == (movement, view, distance, height)
            ]
            correct = [r for r in cell if r.correct]
            flagged = [r for r in correct if r.codes]
            auc = compute_auc([100 - r.score for r in cell if not r.correct], [100 - r.score for r in correct])
            codes = Counter(c for r in correct for c in r.codes)
            views = Counter(r.view_read for r in cell).most_common()
            diffs = np.array([np.subtract(r.peaks, level[(movement, view, distance, r.name)].peaks) for r in cell])
            shifts = " / ".join(
                f"{np.nanmean(diffs[:, i]):+.1f} ({np.nanmax(np.abs(diffs[:, i])):.1f})" for i in range(len(ANGLES))
            )
            lines.append(
                f"| {movement} | {view} | {distance:g} | {'level' if height is None else f'{height:g}'} "
                f"| {_tilt(height, distance)} | {', '.join(f'{v} {n}' for v, n in views)} | {auc:.2f} "
                f"| {len(flagged)}/{len(correct)} | {', '.join(f'{c} {n}' for c, n in codes.most_common()) or '—'} "
                f"| {sum(r.reps == 1 for r in cell)}/{len(cell)} | {shifts} "
                f"| {sum(r.named == movement for r in cell)}/{len(cell)} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the study and print (and optionally write) its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets/ui-prmd"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    text = "\n".join(table(run(args.data))) + "\n"
    sys.stdout.write(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
