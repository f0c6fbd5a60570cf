"""Walking on the synthetic generator, where every foot event is known exactly.

For each view (side both ways, front, oblique), pixel noise 0 and 2 px and several seeds, a clean walk and walks
with a planted limp, slouch, slow pace and reduced left arm swing go through :func:`movequal.core.scoring.assess`
with ``movement="auto"``.
Reported: heel strikes found, the step-time error (each detected strike matched to the nearest true one; a step's
time compared with the true step between the same two contacts), cadence error, the AUC of the worst symmetry
ratio for a planted limp against clean walks, and which findings clean and faulty walks get.

Usage::

    PYTHONPATH=. .venv/bin/python eval/evaluate_gait_synthetic.py [--seeds 4]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

from movequal.core.assessment import Assessment
from movequal.core.compensations.gait import asymmetry_angle_pct
from movequal.core.scoring import assess
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate
from movequal.synthetic.gait import Gait, GaitTruth

VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")
LIMPS = (0.1, 0.2, 0.3)
ARMS = (0.6, 0.4)
"""Planted arm swing: the left arm swings this share of the right's (asymmetry angles 14 % and 24 %)."""


@dataclass(frozen=True)
class Walk:
    """One synthetic walk's result against its truth."""

    view: str
    noise: float
    strikes_found: int
    strikes_true: int
    step_errors: list[float]
    cadence_error_pct: float
    worst_ratio: float
    arm_asymmetry: float
    codes: tuple[str, ...]
    movement: str


def camera_for(view: str) -> Camera:
    """Landscape frames across the picture (the subject stays ~200 px tall), the default otherwise."""
    return Camera(view=view, frame_size=(1280, 720)) if view.startswith("sagittal") else Camera(view=view)  # type: ignore[arg-type]


def true_strikes(truth: GaitTruth) -> np.ndarray:
    """Every heel strike of the walk, both feet, in time order."""
    return np.sort(np.concatenate([truth.heel_strike_s["left"], truth.heel_strike_s["right"]]))


def step_time_errors(detected: np.ndarray, truth: np.ndarray) -> list[float]:
    """Errors of each detected step whose two contacts match two consecutive true contacts."""
    nearest = [int(np.argmin(np.abs(truth - t))) for t in detected]
    return [
        float((detected[i + 1] - detected[i]) - (truth[nearest[i + 1]] - truth[nearest[i]]))
        for i in range(len(detected) - 1)
        if nearest[i + 1] == nearest[i] + 1
    ]


def _worst_ratio(a: Assessment) -> float:
    ratios = [r for p in (a.gait.passes if a.gait else []) for r in (p.step_length_ratio, p.stance_time_ratio)]
    finite = [r for r in ratios if r is not None]
    return max(finite) if finite else 1.0


def _arm_asymmetry(a: Assessment) -> float:
    """Return the largest arm swing asymmetry angle (%) over the passes; NaN where an arm is not measurable."""
    angles = [
        asymmetry_angle_pct(max(left, right) / min(left, right))
        for p in (a.gait.passes if a.gait else [])
        for left, right in [(p.sides[0].arm_swing_deg, p.sides[1].arm_swing_deg)]
        if left is not None and right is not None and min(left, right) > 0
    ]
    return max(angles) if angles else float("nan")


def run_walk(view: str, noise: float, seed: int, gait: Gait, faults: Faults | None = None) -> Walk:
    """Generate, assess and compare one walk."""
    spec = SyntheticSpec(movement="walk", camera=camera_for(view), noise_px=noise, seed=seed, gait=gait,
                         faults=faults or Faults())  # fmt: skip
    pose, truth = generate(spec)
    assert truth.gait is not None
    a = assess(pose).assessment
    strikes = np.array([e.time for e in a.gait.heel_strikes]) if a.gait else np.zeros(0)
    expected = true_strikes(truth.gait)
    cadence = a.gait.passes[0].cadence_spm if a.gait and a.gait.passes else float("nan")
    return Walk(
        view=view,
        noise=noise,
        strikes_found=len(strikes),
        strikes_true=len(expected),
        step_errors=step_time_errors(strikes, expected),
        cadence_error_pct=100.0 * abs(cadence - truth.gait.cadence_spm) / truth.gait.cadence_spm,
        worst_ratio=_worst_ratio(a),
        arm_asymmetry=_arm_asymmetry(a),
        codes=tuple(f.code for f in a.findings),
        movement=a.movement,
    )


def auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def _arm_aucs(arms: dict[float, list[Walk]], clean: list[Walk]) -> str:
    """AUC of the arm asymmetry angle, planted against clean; "not measurable" where an arm is not seen."""
    if any(np.isnan(w.arm_asymmetry) for w in clean):
        return "not measurable (far arm)"
    return " / ".join(f"{auc([w.arm_asymmetry for w in arms[x]], [w.arm_asymmetry for w in clean]):.2f}" for x in ARMS)


def main(argv: list[str] | None = None) -> int:
    """Run the grid and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args(argv)
    out = ["| view | noise (px) | walks (clean + faulty) | strikes found | step-time error mean / max (s) | "
           "cadence error max (%) | clean walks with a finding | limp AUC (0.1 / 0.2 / 0.3) | "
           "slouch 20° → flexed_trunk | arm swing asymmetry AUC (×0.6 / ×0.4) | arm ×0.4 → reduced_arm_swing |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for view in VIEWS:
        for noise in (0.0, 2.0):
            clean = [run_walk(view, noise, s, Gait()) for s in range(args.seeds)]
            limps = {x: [run_walk(view, noise, s, Gait(limp=x)) for s in range(args.seeds)] for x in LIMPS}
            slouch = [run_walk(view, noise, s, Gait(), Faults(trunk_lean_deg=20.0)) for s in range(args.seeds)]
            arms = {x: [run_walk(view, noise, s, Gait(arm_swing_left=x)) for s in range(args.seeds)] for x in ARMS}
            errors = np.abs([e for w in clean + limps[0.3] for e in w.step_errors])
            found = sum(w.strikes_found for w in clean)
            total = sum(w.strikes_true for w in clean)
            aucs = " / ".join(
                f"{auc([w.worst_ratio for w in limps[x]], [w.worst_ratio for w in clean]):.2f}" for x in LIMPS
            )
            out.append(
                f"| {view} | {noise:g} | {len(clean)} + {len(clean) * (len(LIMPS) + 1)} | {found}/{total} | "
                f"{errors.mean():.3f} / {errors.max():.3f} | {max(w.cadence_error_pct for w in clean):.2f} | "
                f"{sum(bool(w.codes) for w in clean)}/{len(clean)} | {aucs} | "
                f"{sum('flexed_trunk' in w.codes for w in slouch)}/{len(slouch)} | {_arm_aucs(arms, clean)} | "
                f"{sum('reduced_arm_swing' in w.codes for w in arms[0.4])}/{len(arms[0.4])} |"
            )
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
