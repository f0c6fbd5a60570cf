"""Sensitivity, specificity and AUC of every compensation detector on planted synthetic faults.

For each detector a grid of synthetic sequences (:mod:`movequal.synthetic`) is
generated with the fault planted at several sizes and, as controls, the same
movement without it, across camera sides, landmark noise, dropouts, body
heights, tempos and seeds. Each sequence is assessed with the full scoring
core; the detector's statistic (its worst per-rep value) gives the AUC, and
whether the finding fired gives sensitivity and specificity.

    .venv/bin/python eval/evaluate_synthetic.py [--seeds 3] [--out docs/synthetic_table.md]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movequal.core.compensations.metrics import RepMetrics
from movequal.core.scoring import assess
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate

Statistic = Callable[[list[RepMetrics]], float]


@dataclass(frozen=True)
class Case:
    """One detector's grid: the fault's sizes, the controls, where it is judged and its statistic."""

    code: str
    movement: str
    views: tuple[str, ...]
    faulty: tuple[Faults, ...]
    clean: tuple[Faults, ...]
    statistic: Statistic
    planted: str


def _worst(attr: str, sign: float = 1.0) -> Statistic:
    def stat(reps: list[RepMetrics]) -> float:
        values = [sign * getattr(r, attr) for r in reps if np.isfinite(getattr(r, attr))]
        return float(max(values)) if values else float("-inf")

    return stat


def _knee_over_hip(reps: list[RepMetrics]) -> float:
    values = [r.peak_knee_flexion / r.peak_hip_flexion for r in reps if r.peak_hip_flexion > 20]
    return float(max(values)) if values else float("-inf")


def _stiffness(reps: list[RepMetrics]) -> float:
    from movequal.core.compensations.base import RuleContext
    from movequal.core.compensations.config import DEFAULT_THRESHOLDS
    from movequal.core.compensations.stiffness import compute_guarding_index

    ctx = RuleContext("sagittal-left", "squat", DEFAULT_THRESHOLDS)
    return float(max((compute_guarding_index(r, ctx) for r in reps), default=float("-inf")))


SIDE = ("sagittal-left", "sagittal-right")
FRONT = ("frontal",)
CLEAN = (Faults(), Faults(depth_factor=0.95), Faults(slow_factor=1.2))
PARALLEL = 0.76
"""Depth of the knee-valgus grid: a parallel squat (knees about 110°, this grid's depth before the deep
squat). At full depth the thighs point at a front camera and their projection angle is not read
(``FPPA_MIN_SEGMENT``), so valgus is planted and controlled where a front view can measure it."""
CLEAN_PARALLEL = (
    Faults(depth_factor=PARALLEL),
    Faults(depth_factor=0.95 * PARALLEL),
    Faults(depth_factor=PARALLEL, slow_factor=1.2),
)
CASES = (
    Case(
        "shallow_depth",
        "squat",
        (*SIDE, "frontal"),
        tuple(Faults(depth_factor=d) for d in (0.55, 0.65, 0.72)),
        CLEAN,
        _worst("peak_thigh_inclination", -1.0),
        "thighs 25-50° short of level (depth × 0.55-0.72)",
    ),
    Case(
        "trunk_lean",
        "squat",
        SIDE,
        tuple(Faults(trunk_lean_deg=d) for d in (20.0, 25.0, 30.0)),
        CLEAN,
        _worst("trunk_minus_tibia"),
        "extra trunk lean 20-30°",
    ),
    Case(
        "heel_lift",
        "squat",
        SIDE,
        tuple(Faults(heel_lift=h) for h in (0.10, 0.11, 0.12)),
        CLEAN,
        _worst("peak_heel_height"),
        "heel rise 10-12 cm",
    ),
    Case(
        "knee_valgus",
        "squat",
        FRONT,
        tuple(Faults(valgus_deg=v, depth_factor=PARALLEL) for v in (10.0, 14.0, 18.0)),
        CLEAN_PARALLEL,
        _worst("peak_valgus"),
        "valgus 10-18° (parallel squat)",
    ),
    Case(
        "lateral_shift",
        "squat",
        FRONT,
        tuple(Faults(lateral_shift=s) for s in (0.12, 0.15, 0.2)),
        CLEAN,
        _worst("lateral_shift"),
        "lateral shift 0.12-0.20 leg lengths",
    ),
    Case(
        "asymmetry",
        "squat",
        FRONT,
        tuple(Faults(asymmetry_deg=a) for a in (20.0, 25.0, 30.0)),
        CLEAN,
        _worst("knee_symmetry_index"),
        "right knee 20-30° less flexed",
    ),
    Case(
        "knee_dominant",
        "squat",
        SIDE,
        tuple(Faults(trunk_lean_deg=d) for d in (-12.0, -16.0, -20.0)),
        CLEAN,
        _knee_over_hip,
        "trunk 12-20° more upright than the tibia (knees lead)",
    ),
    Case(
        "hips_rise_first",
        "squat",
        SIDE,
        tuple(Faults(hips_rise_first=h) for h in (0.5, 0.65, 0.8)),
        CLEAN,
        _worst("hips_rise_first"),
        "knees extend 50-80 % of the ascent ahead of the trunk",
    ),
    Case(
        "hip_avoidant_bending",
        "bend",
        SIDE,
        tuple(Faults(hip_share=h) for h in (0.2, 0.3, 0.4)),
        tuple(Faults(hip_share=h) for h in (0.6, 0.7, 0.8)),
        _worst("hip_share", -1.0),
        "hip share 20-40 % (controls 60-80 %)",
    ),
    Case(
        "stiffness",
        "squat",
        SIDE,
        tuple(Faults(slow_factor=s, hesitations=h) for s, h in ((1.6, 2), (1.8, 2), (2.0, 3))),
        CLEAN,
        _stiffness,
        "reps 1.6-2× slower with 2-3 hesitations",
    ),
)
NOISE_PX = (0.0, 1.5, 3.0)
DROPOUT = (0.0, 0.03)
HEIGHTS_M = (1.6, 1.75, 1.9)


def run_case(case: Case, seeds: int) -> dict[str, float]:
    """Assess every sequence of a case; return AUC, sensitivity, specificity and counts."""
    scores: dict[bool, list[float]] = {True: [], False: []}
    fired: dict[bool, list[bool]] = {True: [], False: []}
    grid = itertools.product(case.views, NOISE_PX, DROPOUT, range(seeds))
    for view, noise, dropout, seed in grid:
        for is_faulty, faults in ((True, case.faulty), (False, case.clean)):
            f = faults[seed % len(faults)]
            spec = SyntheticSpec(
                movement=case.movement,
                reps=3,
                faults=f,
                camera=Camera(view=view),  # type: ignore[arg-type]
                noise_px=noise,
                dropout=dropout,
                height_m=HEIGHTS_M[seed % 3],
                seed=seed,
            )
            pose, _ = generate(spec)
            result = assess(pose, case.movement)  # type: ignore[arg-type]
            scores[is_faulty].append(case.statistic(list(result.rep_metrics)))
            fired[is_faulty].append(any(x.code == case.code for x in result.assessment.findings))
    return {
        "auc": compute_auc(scores[True], scores[False]),
        "sensitivity": float(np.mean(fired[True])),
        "specificity": 1.0 - float(np.mean(fired[False])),
        "n": float(len(scores[True]) + len(scores[False])),
        "faulty_range": (float(np.min(scores[True])), float(np.median(scores[True]))),
        "clean_range": (float(np.median(scores[False])), float(np.max(scores[False]))),
    }


def compute_auc(positive: list[float], negative: list[float]) -> float:
    """Area under the ROC curve: the chance a faulty sequence outscores a clean one (ties count half)."""
    p, n = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(np.mean((p > n) + 0.5 * (p == n)))


def main(argv: list[str] | None = None) -> int:
    """Evaluate every detector and print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    lines = [
        "| detector | planted fault | views | sequences | AUC | sensitivity | specificity |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in CASES:
        r = run_case(case, args.seeds)
        lines.append(
            f"| `{case.code}` | {case.planted} | {', '.join(case.views)} | {r['n']:.0f} | {r['auc']:.3f} | "
            f"{r['sensitivity']:.2f} | {r['specificity']:.2f} |"
        )
        sys.stdout.write(lines[-1] + f"  faulty min/median {r['faulty_range']}, clean median/max {r['clean_range']}\n")
        sys.stdout.flush()
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
