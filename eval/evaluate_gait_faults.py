"""Sideways trunk lean, short steps and circumduction planted on the synthetic walker, against clean walks.

For each view (side both ways, front, oblique), pixel noise 0 and 2 px and several seeds, clean walks and walks
with each planted fault (two sizes) are measured by :func:`movequal.core.gait.analyse_gait` and assessed by
:func:`movequal.core.scoring.assess`. Reported per fault: the AUC of its metric (largest over the passes) for
planted against clean walks, "not measurable" where the metric is NaN on every walk of the view (it must then
also be NaN on the faulty walks, and the finding absent), and how many walks of each size get the finding (the
smaller sizes lie inside the healthy range and should not).
Clean walks must get no finding of any code in any view.

Usage::

    PYTHONPATH=. .venv/bin/python eval/evaluate_gait_faults.py [--seeds 4]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from eval.evaluate_gait_synthetic import VIEWS, auc, camera_for
from movequal.core.compensations.gait import GAIT_THRESHOLDS, longer_step
from movequal.core.gait import GaitAnalysis, analyse_gait
from movequal.core.scoring import assess
from movequal.synthetic import SyntheticSpec, generate
from movequal.synthetic.gait import Gait


def _largest(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return max(finite) if finite else float("nan")


def mean_lean(a: GaitAnalysis) -> float:
    """Largest absolute mean sideways lean over the passes (degrees; NaN where not measurable)."""
    return _largest([abs(p.lateral_lean_deg) for p in a.passes])


def lean_swing(a: GaitAnalysis) -> float:
    """Largest median sideways swing per stride over the passes (degrees)."""
    return _largest([p.lean_swing_deg for p in a.passes])


def step_shortness(a: GaitAnalysis) -> float:
    """Minus the shortest longer-side step over the passes (leg lengths): larger is shorter."""
    return _largest([-longer_step(p, GAIT_THRESHOLDS.min_steps_per_side) for p in a.passes])


def swing_arc(a: GaitAnalysis) -> float:
    """Largest median outward arc of a swinging foot over the passes and sides (leg lengths)."""
    return _largest([p.sides[s].swing_arc for p in a.passes for s in p.sides])


@dataclass(frozen=True)
class Fault:
    """A planted fault: its name, the finding code, the metric, and two walks of growing size."""

    name: str
    code: str
    metric: Callable[[GaitAnalysis], float]
    sizes: tuple[tuple[str, Gait], tuple[str, Gait]]


FAULTS = (
    Fault("lean", "lateral_trunk_lean", mean_lean,
          (("4°", Gait(lateral_lean_deg=4.0)), ("8°", Gait(lateral_lean_deg=8.0)))),
    Fault("sway", "lateral_trunk_lean", lean_swing,
          (("±3°", Gait(lean_sway_deg=3.0)), ("±6°", Gait(lean_sway_deg=6.0)))),
    Fault("short steps", "short_steps", step_shortness,
          (("0.45 m", Gait(step_length_m=0.45)), ("0.35 m", Gait(step_length_m=0.35)))),
    Fault("circumduction", "circumduction", swing_arc,
          (("5 cm", Gait(circumduction_m=0.05)), ("12 cm", Gait(circumduction_m=0.12, circumduction_side="left")))),
)  # fmt: skip
"""The default walker is 1.75 m tall (leg 0.86 m) and steps 0.70 m: 0.45 and 0.35 m are 0.52 and 0.41 leg lengths;
the arcs are 0.06 and 0.14 leg lengths."""


@dataclass(frozen=True)
class Walk:
    """One walk's metrics and finding codes."""

    metrics: dict[str, float]
    codes: tuple[str, ...]


def run_walk(view: str, noise: float, seed: int, gait: Gait) -> Walk:
    """Generate one walk; measure it and assess it."""
    spec = SyntheticSpec(movement="walk", camera=camera_for(view), noise_px=noise, seed=seed, gait=gait)
    pose, _ = generate(spec)
    analysis = analyse_gait(pose)
    codes = tuple(f.code for f in assess(pose).assessment.findings)
    return Walk({f.name: f.metric(analysis) for f in FAULTS}, codes)


def _cell(fault: Fault, planted: list[list[Walk]], clean: list[Walk]) -> str:
    """AUC of each size against clean, or "not measurable"; then each size's walks with the finding."""
    found = " / ".join(f"{sum(fault.code in w.codes for w in size)}/{len(size)}" for size in planted)
    if all(np.isnan(w.metrics[fault.name]) for w in clean):
        nan_too = all(np.isnan(w.metrics[fault.name]) for size in planted for w in size)
        return f"not measurable{'' if nan_too else ' (but a faulty walk read a value!)'}; {found}"
    aucs = " / ".join(
        f"{auc([w.metrics[fault.name] for w in size], [w.metrics[fault.name] for w in clean]):.2f}" for size in planted
    )
    return f"{aucs}; {found}"


def main(argv: list[str] | None = None) -> int:
    """Run the grid and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args(argv)
    head = " | ".join(f"{f.name} ({' / '.join(s for s, _ in f.sizes)}): AUC; with `{f.code}`" for f in FAULTS)
    out = [f"| view | noise (px) | clean walks with a finding | {head} |", "|---|---|---|" + "---|" * len(FAULTS)]
    for view in VIEWS:
        for noise in (0.0, 2.0):
            seeds = range(args.seeds)
            clean = [run_walk(view, noise, s, Gait()) for s in seeds]
            cells = []
            for fault in FAULTS:
                planted = [[run_walk(view, noise, s, gait) for s in seeds] for _, gait in fault.sizes]
                cells.append(_cell(fault, planted, clean))
            flagged = sum(bool(w.codes) for w in clean)
            out.append(f"| {view} | {noise:g} | {flagged}/{len(clean)} | " + " | ".join(cells) + " |")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
