"""How square on must a front view be? The knee's projection angle and the hip shift against the body's turn.

UI-PRMD's deep squats and sit-to-stands (subjects s01–s05, correct and incorrect, every episode) are
turned about the vertical by 0–20° and filmed from the front by the synthetic camera with 1.5 px of
landmark noise (:mod:`eval.uiprmd`). For each rep the front view's two readings that a turned body
contaminates — the knee's frontal plane projection angle (FPPA) and the sideways hip shift — are read with
no yaw limit (:func:`movequal.core.compensations.frontal_metrics.compute_frontal_metrics` with 90°), together with
the turn the core measures at the rep's standing reference (``RepMetrics.body_yaw``, from :func:`~movequal.core.
compensations.frontal_metrics.compute_rep_yaw`). A rep is *flagged* when either reading passes its rule's threshold.

Printed: the share of correct and incorrect reps flagged by measured turn; the limit chosen by the rule
below on all five subjects and, leaving each subject out, on the other four, with the held-out subject's
shares on each side of it; and what the assessment (with its limit) reports at each applied turn.

Choosing rule: the largest 2.5° step *L* such that, in every bin of measured turn below *L*, the share of
correct reps flagged is at most the share in the square-on bin (under 5°) plus :data:`ALLOWANCE`.

    PYTHONPATH=. .venv/bin/python -m eval.evaluate_camera_yaw [--data ../shared/datasets/ui-prmd]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from eval.evaluate_uiprmd import EPISODES, SUBJECTS, file_path
from eval.uiprmd import Recording, film_recording, load_recording
from movequal.core.compensations import DEFAULT_THRESHOLDS
from movequal.core.compensations.frontal_metrics import compute_frontal_metrics
from movequal.core.movement_registry import Movement
from movequal.core.reps import RepWindow
from movequal.core.scoring import assess

TURNS_DEG = (0.0, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0)
"""Turns applied to the recordings (beyond 20° the core's own view classification leaves the front view)."""
MOVEMENTS: dict[str, Movement] = {"m01": "squat", "m05": "sit-to-stand"}
NOISE_PX = 1.5
BIN_DEG = 2.5
SQUARE_BIN_DEG = 5.0
ALLOWANCE = 0.10
"""Extra share of correct reps flagged a limit may let through, above the square-on share."""
EDGES = (0.0, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0, 25.0)


@dataclass(frozen=True)
class Reading:
    """One rep's front-view readings with no yaw limit, and what the assessment with its limit found."""

    movement: str
    subject: str
    correct: bool
    turn: float
    yaw: float
    flagged: bool
    codes: frozenset[str]


def turn_recording(recording: Recording, degrees: float) -> Recording:
    """Rotate a recording's points about the vertical through their mean (the subject turned on the spot)."""
    a = np.radians(degrees)
    rotation = np.array([[np.cos(a), 0.0, np.sin(a)], [0.0, 1.0, 0.0], [-np.sin(a), 0.0, np.cos(a)]])
    centre = np.nanmean(recording.points, axis=(0, 1))
    return replace(recording, points=(recording.points - centre) @ rotation.T + centre)


def read_recording(recording: Recording, movement: Movement, turn: float) -> list[tuple[float, bool, frozenset[str]]]:
    """Per rep: measured set-up turn, whether an unlimited reading passes a threshold, the assessment's codes.

    The windows are rebuilt from the rep metrics with the standing reference at the start, which holds for
    the squat and the sit-to-stand (only a floor lift stands at a lockout inside the rep).
    """
    result = assess(film_recording(turn_recording(recording, turn), "frontal", NOISE_PX), movement)
    frontal, view = DEFAULT_THRESHOLDS.frontal, result.assessment.view
    codes = frozenset(f.code for f in result.assessment.findings)
    out = []
    for m in result.rep_metrics:
        window = RepWindow(m.start, m.bottom, m.end)
        raw = compute_frontal_metrics(result.kinematics, view, window, yaw=m.body_yaw, max_yaw_deg=90.0)
        flagged = bool(raw.valgus > frontal.valgus_deg or abs(raw.lateral_shift) > frontal.lateral_shift_leg)
        out.append((m.body_yaw, flagged, codes))
    return out


def collect(data: Path) -> list[Reading]:
    """Read every single-rep file of both movements at every turn."""
    readings = []
    for code, movement in MOVEMENTS.items():
        for correct in (True, False):
            for subject in SUBJECTS:
                for episode in EPISODES:
                    recording = load_recording(file_path(data, code, subject, episode, correct))
                    for turn in TURNS_DEG:
                        readings += [
                            Reading(movement, subject, correct, turn, yaw, flagged, codes)
                            for yaw, flagged, codes in read_recording(recording, movement, turn)
                        ]
    return readings


def share_flagged(readings: list[Reading], low: float, high: float) -> tuple[float, int]:
    """Share of ``readings`` flagged among those with a measured turn in [low, high), and their number."""
    chosen = [r.flagged for r in readings if low <= r.yaw < high]
    return (float(np.mean(chosen)) if chosen else float("nan")), len(chosen)


def choose_limit(correct: list[Reading]) -> float:
    """Apply the choosing rule of the module docstring to correct reps."""
    base, _ = share_flagged(correct, 0.0, SQUARE_BIN_DEG)
    limit = SQUARE_BIN_DEG
    for low in np.arange(SQUARE_BIN_DEG, max(EDGES), BIN_DEG):
        share, n = share_flagged(correct, float(low), float(low) + BIN_DEG)
        if n and share > base + ALLOWANCE:
            break
        limit = float(low) + BIN_DEG
    return limit


def _pct(value: float, n: int | None = None) -> str:
    text = "–" if not np.isfinite(value) else f"{100 * value:.0f} %"
    return text if n is None else f"{text} ({n})"


def table_by_turn(readings: list[Reading]) -> list[str]:
    """Tabulate the share of correct and incorrect reps flagged with no limit, by measured set-up turn."""
    lines = [
        "| movement | reps | " + " | ".join(f"{lo:g}–{hi:g}°" for lo, hi in itertools.pairwise(EDGES)) + " |",
        "|---|---|" + "---|" * (len(EDGES) - 1),
    ]
    for movement in MOVEMENTS.values():
        for correct in (True, False):
            group = [r for r in readings if r.movement == movement and r.correct == correct]
            cells = [_pct(*share_flagged(group, lo, hi)) for lo, hi in itertools.pairwise(EDGES)]
            lines.append(f"| {movement} | {'correct' if correct else 'incorrect'} | " + " | ".join(cells) + " |")
    return lines


def table_loso(readings: list[Reading]) -> list[str]:
    """Tabulate the limit chosen on all subjects and on four, with the held-out subject's shares either side."""
    correct = [r for r in readings if r.correct]
    lines = [
        f"Limit chosen on all five subjects: **{choose_limit(correct):g}°**.",
        "",
        "| held out | limit chosen on the other four | held-out correct reps flagged, turn under / over it |",
        "|---|---|---|",
    ]
    for subject in SUBJECTS:
        limit = choose_limit([r for r in correct if r.subject != subject])
        held = [r for r in correct if r.subject == subject]
        under, over = share_flagged(held, 0.0, limit), share_flagged(held, limit, 90.0)
        lines.append(f"| {subject} | {limit:g}° | {_pct(*under)} / {_pct(*over)} |")
    return lines


def table_assessed(readings: list[Reading]) -> list[str]:
    """Tabulate, by applied turn, the files with a knee or hip-shift finding: with the limit, and with none."""
    lines = [
        "| movement | applied turn | correct files: finding with the limit / reading past a threshold, no limit "
        "| incorrect files: the same |",
        "|---|---|---|---|",
    ]
    codes = {"knee_valgus", "lateral_shift"}
    for movement in MOVEMENTS.values():
        for turn in TURNS_DEG:
            cells = []
            for correct in (True, False):
                group = [r for r in readings if r.movement == movement and r.turn == turn and r.correct == correct]
                limited = float(np.mean([bool(r.codes & codes) for r in group]))
                cells.append(f"{_pct(limited)} / {_pct(float(np.mean([r.flagged for r in group])))}")
            lines.append(f"| {movement} | {turn:g}° | {cells[0]} | {cells[1]} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the study and print its three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets/ui-prmd"))
    args = parser.parse_args(argv)
    readings = collect(args.data)
    sections = [
        ("Reps flagged with no limit, by the turn measured at the rep's start (reps in brackets)", table_by_turn),
        ("The limit, chosen on all subjects and leaving each out", table_loso),
        ("Files with `knee_valgus` or `lateral_shift`, by applied turn (50 files a cell)", table_assessed),
    ]
    for title, table in sections:
        sys.stdout.write(f"#### {title}\n\n" + "\n".join(table(readings)) + "\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
