"""The core's single-leg balance phase and sway on UI-PRMD hurdle steps and leg raises, against motion capture.

Every file of ``m02`` (hurdle step) and ``m06`` (standing active straight leg
raise), subjects s01–s05, episodes e01–e10, correct and incorrect, holds one
repetition with one single-leg phase. For each file:

1. the truth, from the motion capture at 100 Hz (:mod:`eval.uiprmd_balance_truth`):
   foot-off and touch-down of the moving foot from its 3D height, with the
   core's thresholds, and the pelvis and shoulder sway over that phase,
   mediolateral and anteroposterior (body frame), in leg lengths;
2. the camera: the file filmed by the synthetic camera (:func:`eval.uiprmd.film_recording`)
   from the front and from both sides, with 0 and 3 px of landmark noise, read
   by :func:`movequal.core.balance.detect_single_leg_holds` with
   ``min_hold_s=0.3`` and :data:`movequal.core.sway.PHASE_WINDOW`.

Reported: how often the camera finds exactly one phase on the right stance
foot, its foot-off and touch-down error, its sway against the truth on the
same axis; the test–retest reliability (ICC(2,1), SEM, MDC95) of each measure
over the ten episodes of a subject; and the correct vs incorrect AUC of each
sway measure in the direction declared before computing
(:data:`eval.uiprmd_balance_truth.MEASURES`).
The moving leg is found per subject from the correct files, as in
:mod:`eval.evaluate_uiprmd_tasks`; side views are named near or far from it.

    PYTHONPATH=. .venv/bin/python -m eval.evaluate_uiprmd_balance [--data ../shared/datasets/ui-prmd]
        [--out FILE.md]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from eval import uiprmd_balance_truth as tr
from eval.evaluate_uiprmd import REPO, SUBJECTS, compute_auc
from eval.uiprmd_balance_trials import (
    CAMERAS,
    MOVEMENTS,
    NOISE_LEVELS,
    NOISE_PX,
    Trial,
    measure_value,
    run,
    sources_of,
    view_axis,
)

AGREEMENT = ("pelvis_path", "pelvis_range", "shoulders_path", "shoulders_range", "arm_excursion")


def _fmt(value: float, fmt: str = ".3f") -> str:
    return "—" if not np.isfinite(value) else f"{value:{fmt}}"


def truth_table(trials: list[Trial]) -> list[str]:
    """Motion-capture truth per movement and condition: phases, censored starts, duration and sway."""
    lines = [
        "| movement | condition | files | one phase | foot up at the file's start or end | median duration (s) "
        "| median pelvis path ML / AP (leg lengths) | median shoulders path ML / AP (leg lengths) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for code in MOVEMENTS:
        for correct in (True, False):
            group = [t for t in trials if t.code == code and t.correct == correct]
            phased = [t for t in group if t.phase is not None]
            one = sum(t.phase.runs == 1 for t in phased if t.phase is not None)
            censored = sum(t.phase.start_censored or t.phase.end_censored for t in phased if t.phase is not None)
            cells = [f"{len(group)}", f"{one}", f"{censored}"]
            cells.append(_fmt(float(np.median([t.phase.duration_s for t in phased if t.phase is not None])), ".2f"))
            for part in ("pelvis_path", "shoulders_path"):
                ml, ap = (np.nanmedian([getattr(t.truth[axis], part) for t in phased]) for axis in tr.AXIS_COLUMN)
                cells.append(f"{ml:.3f} / {ap:.3f}")
            lines.append(f"| {code} | {'correct' if correct else 'incorrect'} | " + " | ".join(cells) + " |")
    return lines


def timing_cells(trials: list[Trial], source: str, noise: float) -> list[str]:
    """Files, exactly one phase, right stance foot, foot-off and touch-down error (ms) of one view.

    Errors are camera minus truth; a file whose truth phase starts (ends) at
    the file's start (end) leaves its foot-off (touch-down) out.
    """
    seen = [(t, t.seen[(source, noise)]) for t in trials]
    off, down = [], []
    for t, s in seen:
        if s.holds and t.phase is not None:
            off += [] if t.phase.start_censored else [1000.0 * (s.start - t.phase.start)]
            down += [] if t.phase.end_censored else [1000.0 * (s.end - t.phase.end)]
    cells = [f"{len(seen)}", f"{sum(s.holds == 1 for _, s in seen)}", f"{sum(s.stance == t.stance for t, s in seen)}"]
    return cells + tr.error_cells(off) + tr.error_cells(down)


def timing_table(trials: list[Trial]) -> list[str]:
    """Tabulate detection and timing per movement, view and noise level."""
    lines = [
        "| movement | view | noise (px) | files | exactly one phase | stance side right | n foot-off "
        "| foot-off error, median (ms) | foot-off, 95th pct abs (ms) | n touch-down "
        "| touch-down error, median (ms) | touch-down, 95th pct abs (ms) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for code in MOVEMENTS:
        group = [t for t in trials if t.code == code]
        for source in CAMERAS:
            for noise in NOISE_LEVELS:
                cells = timing_cells(group, source, noise)
                lines.append(f"| {code} | {source} | {noise:g} | " + " | ".join(cells) + " |")
    return lines


def misses_table(trials: list[Trial]) -> list[str]:
    """Files where a view found no phase or several, with the truth's phase and standing-knee flexion."""
    lines = [
        "| file | truth phase (s) | mocap stance-knee flexion, median (°) | no phase found, 0 px | no phase found, "
        f"{NOISE_PX:g} px | several phases, 0 px | several phases, {NOISE_PX:g} px |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in trials:
        counts = [[t.seen[(source, noise)].holds for source in CAMERAS] for noise in NOISE_LEVELS]
        cells = [
            ", ".join(s for s, n in zip(CAMERAS, row, strict=True) if (n > 1 if several else n == 0)) or "—"
            for several in (False, True)
            for row in counts
        ]
        if any(c != "—" for c in cells) and t.phase is not None:
            phase = f"{t.phase.start:.2f}–{t.phase.end:.2f}"
            lines.append(f"| {t.name} | {phase} | {t.stance_knee:.0f} | " + " | ".join(cells) + " |")
    return lines


def agreement_cells(trials: list[Trial], source: str, noise: float, part: str) -> list[str]:
    """Camera vs truth of one sway quantity: medians, % errors, Spearman ρ; and % errors over the camera's window."""
    axis = view_axis(source)
    rows = [
        (getattr(s.sway, part), getattr(t.truth[axis], part), getattr(s.truth_same_window, part))
        for t, s in ((t, t.seen[(source, noise)]) for t in trials)
        if s.sway is not None and s.truth_same_window is not None and axis in t.truth
    ]
    return tr.agreement_cells(np.asarray(rows, dtype=np.float64).reshape(-1, 3))


def agreement_table(trials: list[Trial]) -> list[str]:
    """Camera sway vs the motion capture's on the view's axis, per movement, view, noise and quantity."""
    lines = [
        "| movement | view (axis) | noise (px) | quantity | n | truth median | camera median "
        "| % error, median | abs % error, median | Spearman ρ | % error, camera's window "
        "| abs % error, camera's window |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for code in MOVEMENTS:
        group = [t for t in trials if t.code == code]
        for source in CAMERAS:
            for noise in NOISE_LEVELS:
                for part in AGREEMENT:
                    cells = agreement_cells(group, source, noise, part)
                    label = f"{source} ({'ML' if view_axis(source) == 'mediolateral' else 'AP'})"
                    lines.append(
                        f"| {code} | {label} | {noise:g} | {part.replace('_', ' ')} | " + " | ".join(cells) + " |"
                    )
    return lines


def reliability(trials: list[Trial], source: str, measure: tr.Measure) -> tr.Reliability | None:
    """ICC(2,1) over subjects × episodes (:func:`eval.uiprmd_balance_truth.balanced`), None with too few."""
    per_subject = [[measure_value(t, source, measure) for t in trials if t.subject == s] for s in SUBJECTS]
    table = tr.balanced(per_subject)
    return None if table is None else tr.icc_a1(table)


def reliability_table(trials: list[Trial], code: str) -> list[str]:
    """Test–retest reliability of every measure and source for one movement, correct and incorrect apart."""
    lines = [
        "| condition | measure | source | subjects × trials | mean | ICC(2,1) [95 % CI] | SEM | MDC95 "
        "| MDC95 (% of mean) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for correct in (True, False):
        group = [t for t in trials if t.code == code and t.correct == correct]
        for m in tr.MEASURES:
            for source in sources_of(m):
                r = reliability(group, source, m)
                head = f"| {'correct' if correct else 'incorrect'} | {m.label} | {source} | "
                if r is None:
                    lines.append(head + "too few measured trials | | | | | |")
                    continue
                icc = f"{r.icc:.2f} [{r.low:.2f}, {r.high:.2f}]"
                cells = [f"{r.n} × {r.k}", f"{r.mean:{m.fmt}}", icc, f"{r.sem:{m.fmt}}", f"{r.mdc95:{m.fmt}}"]
                lines.append(head + " | ".join([*cells, f"{100.0 * r.mdc95 / r.mean:.0f}"]) + " |")
    return lines


def auc_table(trials: list[Trial]) -> list[str]:
    """Correct vs incorrect AUC of each sway measure, larger = incorrect (declared in ``tr.MEASURES``)."""
    lines = [
        "| movement | measure (declared: incorrect is larger) | source | n correct / incorrect "
        "| median correct | median incorrect | AUC |",
        "|---|---|---|---|---|---|---|",
    ]
    for code in MOVEMENTS:
        for m in (m for m in tr.MEASURES if m.sway):
            for source in sources_of(m):
                good, bad = (
                    [
                        v
                        for t in trials
                        if t.code == code and t.correct == c
                        if np.isfinite(v := measure_value(t, source, m))
                    ]
                    for c in (True, False)
                )
                auc = compute_auc(bad, good)
                flag = " (< 0.5)" if auc < 0.5 else ""
                cells = [
                    f"{len(good)} / {len(bad)}",
                    _fmt(float(np.median(good)), m.fmt),
                    _fmt(float(np.median(bad)), m.fmt),
                ]
                lines.append(f"| {code} | {m.label} | {source} | " + " | ".join([*cells, f"{auc:.2f}{flag}"]) + " |")
    return lines


CAPTIONS = {
    "truth": "**Table 1. Motion-capture truth.** Single-leg phase: the moving foot's lowest point (ankle, heel, toe) "
    "above its own floor level (5th percentile over the file) with the core's LIFT_ON / LIFT_OFF hysteresis. "
    '"Foot up at the file\'s start or end": that foot-off or touch-down is left out of Table 2. Sway low-passed at '
    "SWAY_CUTOFF_HZ, over the phase.",
    "timing": "**Table 2. Detection and timing from the camera** (`detect_single_leg_holds`, `min_hold_s=0.3`, "
    "`PHASE_WINDOW`). Error = camera − truth; the longest phase when several are found.",
    "misses": "**Table 2b. Files where a view found no single-leg phase or several**, with the motion capture's "
    "standing-knee flexion over the phase.",
    "agreement": "**Table 3. Camera sway vs the motion capture on the view's axis.** % error = (camera − truth) / "
    "truth over the truth's phase (end to end: timing and measurement), Spearman ρ across files against it; "
    "\"camera's window\": against the truth over the camera's own phase (measurement only).",
    "reliability": "**Table {number}. Test–retest reliability, {code} ({title}), camera at {noise:g} px.** Episodes "
    "of one subject and condition = repeated trials; each subject gives its first k measured trials (k = the "
    "fewest any subject has). ICC(2,1): two-way random, absolute agreement, single measurement; 95 % CI from "
    "McGraw & Wong's (1996) F-based formulas. SEM = SD × √(1 − ICC), SD = pooled SD of all trials; MDC95 = "
    "1.96 × √2 × SEM. With only 5 subjects the ICC's interval is wide.",
    "auc": "**Table 6. Correct vs incorrect, camera at {noise:g} px.** AUC = P(incorrect > correct) over all files "
    "of s01–s05; direction declared before computing (incorrect sways more); below 0.5 shown as it is.",
}


def report(trials: list[Trial], skipped: list[str], left: list[str], seconds: float) -> str:
    """Every table with its caption, as markdown."""
    note = (
        "Sources: `mocap` = motion-capture joint centres, 3D, 100 Hz (`ML` mediolateral, `AP` anteroposterior, "
        "body frame); `frontal` = front view (sees ML sway); `side, near` / `side, far` = side view on the moving "
        f"leg's side / the other (see AP sway). Distances in leg lengths (hip to ankle). Moving the left leg: "
        f"{', '.join(left) or 'none'}. Files left out: {', '.join(skipped) or 'none'}. Run time {seconds:.0f} s."
    )
    blocks = [note, _block("truth", truth_table(trials)), _block("timing", timing_table(trials))]
    blocks += [_block("misses", misses_table(trials)), _block("agreement", agreement_table(trials))]
    for number, (code, title) in enumerate(MOVEMENTS.items(), start=4):
        blocks.append(_block("reliability", reliability_table(trials, code), number=number, code=code, title=title))
    blocks.append(_block("auc", auc_table(trials)))
    return "\n\n".join(blocks) + "\n"


def _block(key: str, lines: list[str], **fields: object) -> str:
    return CAPTIONS[key].format(noise=NOISE_PX, **fields) + "\n\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Study every file, print the tables and optionally write them to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "datasets" / "ui-prmd")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    trials, skipped, left = run(args.data)
    text = report(trials, skipped, left, time.perf_counter() - started)
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
