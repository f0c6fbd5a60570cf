"""Breathing with effort (experimental) on synthetic still holds, where the planted breathing is known.

Breathing is planted on the balance-hold generator (:class:`~movequal.synthetic.breathing.Breathing`): the shoulders
and arms rise 3-5 mm per breath (De Groote et al. 1997, upper rib cage in tidal breathing), inspiration 40 % of the
breath. Two stillness levels: *quiet* (tandem stance, centre-of-mass sway 2 / 2.5 mm RMS side to side / fore-aft,
a quarter of the generator's defaults, as in quiet standing: Prieto et al. 1996) and *single-leg* (the generator's
defaults, 8 / 10 mm). Two breathing patterns: *regular* and *natural* (breath-to-breath coefficient of variation 0.21
of the duration and 0.33 of the depth: Tobin et al. 1988). Default camera (4 m, 350 px per metre, at hip height).

Reported:

1. rate error per rate x noise x view on 60-s windows (measurable share, max and 95th percentile of |error| among
   the measurable), by stillness and pattern, with the default rate method (the phase's turn); the spectral peak and
   peak counting against it on the same clips;
2. the same on 30-s windows (a balance test's length);
3. holds without breathing: how often a rate is reported (must be never) and the highest SNR;
4. breath holds of 12-20 s inside 70-s windows: judged share, detection among the judged, pause length error, and
   false holds on the same clips' breathing without a hold;
5. movement (squats, sit-to-stand, a walk, arm bursts in a hold, a hold with sway x5): "not measurable" share.

Seeds 0.. are the evaluation's; the thresholds were calibrated on seeds 100-102 (breath-free holds).

Usage::

    PYTHONPATH=. .venv/bin/python eval/evaluate_breathing_synthetic.py [--seeds 2] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from movequal.core.breathing import detect_breath_hold, estimate_breathing
from movequal.pose.sequence import PoseSequence
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.balance_spec import Balance
from movequal.synthetic.breathing import Breathing
from movequal.synthetic.camera_spec import CameraView
from movequal.synthetic.spec import Movement

VIEWS: tuple[CameraView, ...] = ("frontal", "sagittal-left", "sagittal-right", "oblique")
RATES = (6.0, 9.0, 12.0, 15.0, 20.0, 25.0, 30.0)
NOISES = (0.0, 1.0, 2.0, 3.0)
STILLNESS = {"quiet": ("tandem", 0.25), "single-leg": ("single-leg", 1.0)}
"""Stance and sway scale (of the generator's 8 / 10 mm) of each stillness level."""
PATTERNS = {"regular": (0.0, 0.0), "natural": (0.21, 0.33)}
"""Breath-to-breath coefficient of variation of (duration, depth)."""
SETTLE_S = 1.0


@dataclass(frozen=True)
class Case:
    """One synthetic hold: where, how still, how it breathes, and the window read."""

    view: CameraView
    stillness: str
    pattern: str
    rate: float
    noise: float
    seed: int
    window_s: float
    excursion_m: float
    holds: tuple[tuple[float, float], ...] = ()


def draw_excursion(seed: int) -> float:
    """Peak-to-peak shoulder rise of one clip: uniform in 3-5 mm (De Groote et al. 1997)."""
    return float(np.random.default_rng([seed, 77]).uniform(0.003, 0.005))


def make_hold(case: Case) -> tuple[PoseSequence, Breathing | None, tuple[float, float]]:
    """Generate a hold of ``case`` (clip-end, so the window is the whole hold less its settling)."""
    stance, sway = STILLNESS[case.stillness]
    period_cv, depth_cv = PATTERNS[case.pattern]
    breathing = None
    if case.excursion_m > 0:
        breathing = Breathing(case.rate, case.excursion_m, 0.4, period_cv, depth_cv, case.holds)
    balance = Balance(
        stance=stance,  # type: ignore[arg-type]
        hold_s=case.window_s + SETTLE_S + 0.1,
        ends_with="clip-end",
        sway_ml_m=0.008 * sway,
        sway_ap_m=0.010 * sway,
        breathing=breathing,
    )
    movement: Movement = "tandem-stance" if stance == "tandem" else "single-leg-stance"
    camera = Camera(view=case.view)
    pose, _ = generate(
        SyntheticSpec(movement=movement, balance=balance, camera=camera, noise_px=case.noise, seed=case.seed)
    )
    lay = balance.layout()
    return pose, breathing, (lay.hold_start + SETTLE_S, lay.hold_start + SETTLE_S + case.window_s)


def run_rate(case: Case) -> dict[str, Any]:
    """Estimate the rate of one hold with both methods."""
    pose, breathing, (a, b) = make_hold(case)
    out: dict[str, Any] = {**case.__dict__}
    out["truth"] = None if breathing is None else breathing.true_rate(a, b, case.seed)
    for method in ("spectrum", "peaks", "phase"):
        est = estimate_breathing(pose, a, b, height_m=1.75, method=method)  # type: ignore[arg-type]
        out[f"{method}_rate"] = est.rate_per_min
        out[f"{method}_reason"] = est.reason
        out["snr"] = est.signal_to_noise
        out["amplitude_mm"] = est.amplitude_mm
    return out


def run_hold(case: Case) -> dict[str, Any]:
    """Judge a possible breath hold on one clip."""
    pose, _, (a, b) = make_hold(case)
    judged = detect_breath_hold(pose, a, b)
    longest = max((hi - lo for lo, hi in judged.pauses), default=0.0)
    return {**case.__dict__, "found": judged.possible_breath_hold, "reason": judged.reason, "longest": longest}


def rate_cases(seeds: int, window_s: float, patterns: Iterable[str]) -> list[Case]:
    """Return the rate grid: view x stillness x pattern x rate x noise x seed."""
    return [
        Case(view, still, pattern, rate, noise, seed, window_s, draw_excursion(seed))
        for view, still, pattern, rate, noise, seed in itertools.product(
            VIEWS, STILLNESS, patterns, RATES, NOISES, range(seeds)
        )
    ]


def hold_cases(seeds: int, with_hold: bool) -> list[Case]:
    """Quiet holds of 70 s, natural breathing, a 12-20 s breath hold 25-35 s in (or none)."""
    cases = []
    for view, rate, noise, seed in itertools.product(VIEWS, (6.0, 12.0, 20.0, 30.0), (0.0, 1.0, 2.0), range(seeds)):
        rng = np.random.default_rng([seed, int(rate), 5])
        hold = (float(rng.uniform(25.0, 35.0)), float(rng.uniform(12.0, 20.0))) if with_hold else None
        holds = (hold,) if hold else ()
        cases.append(Case(view, "quiet", "natural", rate, noise, seed, 70.0, draw_excursion(seed), holds))
    return cases


def movement_clips(seeds: int) -> list[tuple[str, SyntheticSpec, bool]]:
    """Clips with movement: (name, spec, window is the whole clip)."""
    out = []
    for view, seed in itertools.product(VIEWS, range(seeds)):
        cam = Camera(view=view)
        breathing = Breathing(15.0, draw_excursion(seed))
        for name, movement in (("squats", "squat"), ("sit-to-stand", "sit-to-stand"), ("lifts", "lift")):
            spec = SyntheticSpec(movement=movement, reps=8, camera=cam, noise_px=1.0, seed=seed)  # type: ignore[arg-type]
            out.append((name, spec, True))
        slow = SyntheticSpec(movement="squat", reps=6, rep_duration_s=4.0, camera=cam, noise_px=1.0, seed=seed)
        out.append(("slow squats", slow, True))
        arms = Balance(stance="tandem", hold_s=40.0, ends_with="clip-end", arm_excursion_m=0.15, breathing=breathing)
        out.append(("arm bursts in a hold", SyntheticSpec(movement="tandem-stance", balance=arms, camera=cam), False))
        sway = Balance(stance="tandem", hold_s=40.0, ends_with="clip-end", sway_ml_m=0.04, sway_ap_m=0.05)
        out.append(("a hold with sway x5", SyntheticSpec(movement="tandem-stance", balance=sway, camera=cam), False))
        walk = SyntheticSpec(movement="walk", camera=Camera(view=view, frame_size=(1280, 720)), noise_px=1.0, seed=seed)
        out.append(("a walk (7 s)", walk, True))
    return out


def run_movement(item: tuple[str, SyntheticSpec, bool]) -> dict[str, Any]:
    """Read breathing over a moving clip (the whole clip, or a hold less its settling)."""
    name, spec, whole = item
    pose, _ = generate(spec)
    start, end = (0.0, pose.duration) if whole else (SETTLE_S, pose.duration)
    est = estimate_breathing(pose, start, end)
    return {"name": name, "view": spec.camera.view, "measurable": est.measurable, "reason": est.reason}


def summarise_rates(rows: list[dict[str, Any]], keys: tuple[str, ...], method: str = "phase") -> list[str]:
    """Markdown rows: per group, measurable share and |error| (max, p95) among the measurable."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[k] for k in keys)].append(row)
    lines = [f"| {' | '.join(keys)} | measurable | max abs error | p95 abs error |", "|" + " --- |" * (len(keys) + 3)]
    for key in sorted(groups):
        group = groups[key]
        errors = [abs(r[f"{method}_rate"] - r["truth"]) for r in group if r[f"{method}_rate"] is not None]
        share = f"{len(errors)}/{len(group)}"
        worst = f"{max(errors):.2f}" if errors else "-"
        p95 = f"{np.percentile(errors, 95):.2f}" if errors else "-"
        lines.append(f"| {' | '.join(str(k) for k in key)} | {share} | {worst} | {p95} |")
    return lines


def parallel(func: Any, items: list[Any]) -> list[Any]:
    """Map ``func`` over ``items`` on two processes (the machine's cores)."""
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(func, items, chunksize=8))


def main(argv: list[str] | None = None) -> int:
    """Run every table and print it as markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", type=str, default=None, help="write every row as JSON here")
    args = parser.parse_args(argv)
    long_rows = parallel(run_rate, rate_cases(args.seeds, 60.0, PATTERNS))
    short_rows = parallel(run_rate, rate_cases(args.seeds, 30.0, ("natural",)))
    free_rows = parallel(
        run_rate,
        [
            Case(v, s, "regular", 12.0, n, seed + 50, 60.0, 0.0)
            for v, s, n, seed in itertools.product(VIEWS, STILLNESS, NOISES, range(3 * args.seeds))
        ],
    )
    hold_rows = parallel(run_hold, hold_cases(args.seeds, True))
    plain_rows = parallel(run_hold, hold_cases(args.seeds, False))
    move_rows = parallel(run_movement, movement_clips(args.seeds))
    rows = {
        "long": long_rows,
        "short": short_rows,
        "free": free_rows,
        "holds": hold_rows,
        "plain": plain_rows,
        "movement": move_rows,
    }
    sys.stdout.write("\n".join(build_report(rows)) + "\n")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1)
    return 0


def build_report(rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Return every table of the module docstring as markdown lines (``rows`` as :func:`main` gathers them)."""
    long_rows, short_rows, free_rows = rows["long"], rows["short"], rows["free"]
    hold_rows, plain_rows, move_rows = rows["holds"], rows["plain"], rows["movement"]
    out = ["## 1. Rate on 60-s windows, by stillness, pattern and noise (all views, rates 6-30 /min)", ""]
    out += summarise_rates(long_rows, ("stillness", "pattern", "noise"))
    out += ["", "### 1b. Quiet stance, natural breathing: by view and noise", ""]
    out += summarise_rates(
        [r for r in long_rows if r["stillness"] == "quiet" and r["pattern"] == "natural"], ("view", "noise")
    )
    out += ["", "### 1c. Quiet stance, natural breathing: by rate and noise", ""]
    out += summarise_rates(
        [r for r in long_rows if r["stillness"] == "quiet" and r["pattern"] == "natural"], ("rate", "noise")
    )
    for method, name in (("spectrum", "spectral peak"), ("peaks", "peak counting"), ("phase", "phase slope")):
        out += ["", f"### 1d. {name} (same clips, all views, rates and noise)", ""]
        out += summarise_rates(long_rows, ("stillness", "pattern"), method=method)
    out += ["", "## 2. Rate on 30-s windows, natural breathing", ""]
    out += summarise_rates(short_rows, ("stillness", "noise"))
    out += ["", "## 3. Holds without breathing (a rate here is a false finding)", ""]
    snrs = [r["snr"] for r in free_rows if r["snr"] is not None]
    false = sum(r["spectrum_rate"] is not None for r in free_rows)
    out.append(f"{false} of {len(free_rows)} breath-free holds got a rate; highest SNR {max(snrs, default=0):.1f}")
    out += ["", "## 4. Breath holds of 12-20 s in 70-s quiet windows (natural breathing)", ""]
    out += summarise_holds(hold_rows, plain_rows)
    out += ["", "## 5. Movement: not measurable share", ""]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in move_rows:
        groups[row["name"]].append(row)
    out += ["| clip | not measurable | reasons |", "| --- | --- | --- |"]
    for name, group in groups.items():
        reasons = sorted({(r["reason"] or "measurable").split(":")[0].split(" (")[0] for r in group})
        out.append(f"| {name} | {sum(not r['measurable'] for r in group)}/{len(group)} | {'; '.join(reasons)} |")
    return out


def summarise_holds(hold_rows: list[dict[str, Any]], plain_rows: list[dict[str, Any]]) -> list[str]:
    """Markdown: per rate and noise, judged share, detections, pause length error, false holds without a hold."""
    lines = [
        "| rate | noise | judged (hold) | detected | pause length error (s) | judged (none) | false holds |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    key = lambda r: (r["rate"], r["noise"])  # noqa: E731
    plain = defaultdict(list)
    for row in plain_rows:
        plain[key(row)].append(row)
    groups = defaultdict(list)
    for row in hold_rows:
        groups[key(row)].append(row)
    for k in sorted(groups):
        judged = [r for r in groups[k] if r["found"] is not None]
        found = [r for r in judged if r["found"]]
        errors = [r["longest"] - r["holds"][0][1] for r in found]
        err = f"{np.median(errors):+.1f} (max {max(errors, key=abs):+.1f})" if errors else "-"
        none = [r for r in plain[k] if r["found"] is not None]
        lines.append(
            f"| {k[0]:g} | {k[1]:g} | {len(judged)}/{len(groups[k])} | {len(found)}/{len(judged)} | {err} | "
            f"{len(none)}/{len(plain[k])} | {sum(bool(r['found']) for r in none)}/{len(none)} |"
        )
    return lines


if __name__ == "__main__":
    sys.exit(main())
