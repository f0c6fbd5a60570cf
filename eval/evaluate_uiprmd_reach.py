"""The scoring core's overhead reach on UI-PRMD scaptions (``m10``), and the sideways-lean limit from data.

Every usable ``m10`` file of subjects s01–s05 (one rep, the right arm raised)
is filmed (:mod:`eval.uiprmd`) from the raised arm's side ("side, near"), the
other side ("side, far") and the front, with exact landmarks and 3 px of noise,
and assessed by :func:`movequal.core.scoring.assess` as ``"overhead-reach"``:
reps per file, AUC of (100 − score) and findings, correct against incorrect;
peak arm elevation and sideways lean against the motion capture; the trunk
measures correct against incorrect.

Then ``ReachThresholds.max_lateral_lean_deg`` (front view): the normal limit is
the mean + 2 SD (sample SD) of the correct files' sideways lean as the core reads
it, fitted leaving one subject out and applied to the held-out subject as the
rule applies it (flagged above the limit plus the metric's SEM margin; a file
with no rep is not flagged).

    PYTHONPATH=. .venv/bin/python -m eval.evaluate_uiprmd_reach [--data ../shared/datasets/ui-prmd] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from eval import uiprmd_measures as mq
from eval.evaluate_uiprmd import REPO, SUBJECTS, compute_auc
from eval.evaluate_uiprmd_tasks import _load, moving_side, source_label, usable
from eval.uiprmd import VIEWS, Recording, film_recording
from movequal.core.metric_registry import get_metric
from movequal.core.movement_registry import Movement
from movequal.core.scoring import assess
from movequal.synthetic import CameraView

CODE = "m10"
MOVEMENT: Movement = "overhead-reach"
NOISE_LEVELS = (0.0, 3.0)
SOURCES = ("side, near", "side, far", "frontal")
FINDING_CODES = ("incomplete_overhead_reach", "back_arching", "lateral_trunk_lean")
SD_FACTOR = 2.0
"""The normal limit is the correct reps' mean plus this many (sample) standard deviations."""
ROUND_TO = 0.5
NAN = float("nan")
MEAN_FRAMES = 5
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Outcome:
    """One file assessed from one source at one noise level: what the core said and measured."""

    name: str
    subject: str
    correct: bool
    source: str
    noise: float
    core_view: str
    reps: int
    partial: int
    cut: bool
    """The motion capture's arm is more than half-way up at the file's first or last frame (cut mid-rep)."""
    score: float | None
    findings: tuple[str, ...]
    elevation: tuple[tuple[float, float], ...]
    """(core, motion capture) peak elevation of each rep, the mocap's over the rep's frames, raised arm."""
    lean: float
    """Largest ``lateral_trunk_lean`` over the file's reps (NaN: no rep, or not measurable from this view)."""
    lean_mocap: float
    """The same measure on the motion capture's 3D trunk over the same frames (:func:`lean_change`)."""
    extension: float
    """Largest ``trunk_extension`` over the file's reps (NaN likewise)."""


def lean_margin() -> float:
    """Margin the rule adds to ``max_lateral_lean_deg``: one SEM of the registry's ``lateral_trunk_lean``."""
    return float(get_metric("lateral_trunk_lean").sem or 0.0)


def _largest(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return max(finite) if finite else NAN


def lean_change(lean: FloatArray) -> float:
    """Largest |change| of a rep's sideways lean from its start, both as 5-frame means (the core's definition)."""
    if lean.size < MEAN_FRAMES:
        return NAN
    means = np.convolve(lean, np.ones(MEAN_FRAMES) / MEAN_FRAMES, "valid")
    return float(np.nanmax(np.abs(means - means[0])))


def cut_mid_rep(elevation: FloatArray) -> bool:
    """Whether the arm is more than half-way from its lowest to its highest at the first or the last frame."""
    finite = elevation[np.isfinite(elevation)]
    low, high = finite.min(), finite.max()
    return bool(max(finite[0], finite[-1]) - low > 0.5 * (high - low))


def assess_file(
    recording: Recording, view: CameraView, noise: float, *, subject: str, moving: str, correct: bool
) -> Outcome:
    """Film one recording from ``view`` and assess it as an overhead reach; pair its reps with the mocap."""
    result = assess(film_recording(recording, view, noise), MOVEMENT)
    elevation = mq.arm_elevation(recording.points, moving)
    lean = mq.lateral_lean(recording.points, np.array([0.0, 1.0, 0.0]))
    reps, a = result.rep_metrics, result.assessment
    return Outcome(
        name=recording.name,
        subject=subject,
        correct=correct,
        source=source_label(view, moving),
        noise=noise,
        core_view=str(a.view),
        reps=a.full_reps,
        partial=a.partial_reps,
        cut=cut_mid_rep(elevation),
        score=a.score,
        findings=tuple(sorted({f.code for f in a.findings})),
        elevation=tuple((float(m.peak_arm_elevation), mq.peak(elevation[m.start : m.end + 1])) for m in reps),
        lean=_largest([float(m.lateral_trunk_lean) for m in reps]),
        lean_mocap=_largest([lean_change(lean[m.start : m.end + 1]) for m in reps]),
        extension=_largest([float(m.trunk_extension) for m in reps]),
    )


def run(data: Path) -> tuple[list[Outcome], list[str]]:
    """Assess every usable m10 file from every view and noise level; also return the files left out."""
    out: list[Outcome] = []
    skipped: list[str] = []
    for subject in SUBJECTS:
        files = {correct: _load(data, CODE, subject, correct) for correct in (True, False)}
        moving = moving_side(CODE, [r for r in files[True] if usable(r)])
        for correct, recordings in files.items():
            skipped += [r.name for r in recordings if not usable(r)]
            for recording in filter(usable, recordings):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    out += [
                        assess_file(recording, view, noise, subject=subject, moving=moving, correct=correct)
                        for noise in NOISE_LEVELS
                        for view in VIEWS
                    ]
    return out, skipped


def select(outcomes: list[Outcome], source: str, noise: float, correct: bool | None = None) -> list[Outcome]:
    """Pick the outcomes of one source and noise level (and correctness, when given)."""
    return [o for o in outcomes if (o.source, o.noise) == (source, noise) and correct in (None, o.correct)]


def badness(o: Outcome) -> float:
    """100 − score; a file without a score (no rep found) counts as nothing found (0)."""
    return 0.0 if o.score is None else 100.0 - o.score


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f} % ({part}/{whole})" if whole else "—"


def _groups() -> list[tuple[str, float, str]]:
    return [(s, n, f"| {s} | {n:g} px |") for s in SOURCES for n in NOISE_LEVELS]


def _no_rep(group: list[Outcome]) -> str:
    none = [o for o in group if o.reps == 0]
    if len(none) > 6:
        return f"{len(none)} ({sum(o.correct for o in none)} correct, {sum(o.partial > 0 for o in none)} partial)"
    return ", ".join(f"{o.name}{' (cut)' if o.cut else ''}{f' +{o.partial}p' if o.partial else ''}" for o in none)


def table_reps(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: full reps found per file (expected 1) per source and noise."""
    lines = [
        "| source | noise | exactly 1 rep, all files | exactly 1 rep, files holding a whole rep "
        "| reps per file (count: files) | files with no rep | view read by the core |",
        "|---|---|---|---|---|---|---|",
    ]
    for source, noise, head in _groups():
        group = select(outcomes, source, noise)
        whole = [o for o in group if not o.cut]
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(Counter(o.reps for o in group).items()))
        views = ", ".join(f"{k} {v}" for k, v in Counter(o.core_view for o in group).most_common())
        lines.append(
            f"{head} {_pct(sum(o.reps == 1 for o in group), len(group))} | "
            f"{_pct(sum(o.reps == 1 for o in whole), len(whole))} | {counts} | {_no_rep(group) or 'none'} | {views} |"
        )
    return lines


def table_findings(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: AUC of (100 − score), and the share of correct / incorrect files with each finding."""
    lines = [
        "| source | noise | AUC incorrect vs correct | mean score correct / incorrect | "
        + " | ".join(f"`{c}` correct / incorrect" for c in FINDING_CODES)
        + " | other findings |",
        "|---|---|---|---|" + "---|" * (len(FINDING_CODES) + 1),
    ]
    for source, noise, head in _groups():
        good, bad = select(outcomes, source, noise, True), select(outcomes, source, noise, False)
        auc = compute_auc([badness(o) for o in bad], [badness(o) for o in good])
        means = [
            f"{np.mean(v):.1f}" if (v := [o.score for o in g if o.score is not None]) else "—" for g in (good, bad)
        ]
        cells = [" / ".join(_pct(sum(c in o.findings for o in g), len(g)) for g in (good, bad)) for c in FINDING_CODES]
        other = Counter(c for o in good + bad for c in o.findings if c not in FINDING_CODES)
        extra = ", ".join(f"{c} {n}" for c, n in other.most_common()) or "none"
        lines.append(f"{head} {auc:.2f} | {means[0]} / {means[1]} | " + " | ".join(cells) + f" | {extra} |")
    return lines


def _errors(head: str, diff: FloatArray) -> str:
    """Format a table row: count, median and p95 absolute error and median bias of core − mocap differences."""
    diff = diff[np.isfinite(diff)]
    if not diff.size:
        return f"{head} 0 | no rep found | | |"
    err = np.abs(diff)
    return f"{head} {diff.size} | {np.median(err):.1f} | {np.percentile(err, 95):.1f} | {np.median(diff):+.1f} |"


ERROR_HEADER = "| reps | median abs error (°) | p95 abs error (°) | median bias, core − mocap (°) |"


def table_elevation(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: the core's peak arm elevation against the motion capture's, per rep."""
    lines = ["| source | noise " + ERROR_HEADER, "|---|---|---|---|---|---|"]
    for source, noise, head in _groups():
        lines.append(_errors(head, np.array([c - m for o in select(outcomes, source, noise) for c, m in o.elevation])))
    return lines


def table_trunk(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: the core's trunk measures, median correct / incorrect and AUC (larger = incorrect)."""
    lines = [
        "| measure (larger = incorrect) | source | noise | n correct / incorrect | median correct | median incorrect "
        "| AUC |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, attr in (("`lateral_trunk_lean` (°)", "lean"), ("`trunk_extension` (°)", "extension")):
        for source, noise, head in _groups():
            values = [
                np.array([v for o in select(outcomes, source, noise, c) if np.isfinite(v := getattr(o, attr))])
                for c in (True, False)
            ]
            if not values[0].size or not values[1].size:
                why = "no rep found" if not any(o.reps for o in select(outcomes, source, noise)) else "not measurable"
                lines.append(f"| {label} {head} {why} from this view | | | |")
                continue
            auc = compute_auc(list(values[1]), list(values[0]))
            lines.append(
                f"| {label} {head} {values[0].size} / {values[1].size} | {np.median(values[0]):.1f} "
                f"| {np.median(values[1]):.1f} | {auc:.2f} |"
            )
    return lines


def table_lean_agreement(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: the core's sideways lean against the same measure on the motion capture (front view)."""
    lines = ["| noise " + ERROR_HEADER, "|---|---|---|---|---|"]
    for noise in NOISE_LEVELS:
        lines.append(
            _errors(f"| {noise:g} px |", np.array([o.lean - o.lean_mocap for o in select(outcomes, "frontal", noise)]))
        )
    return lines


def fit_limit(values: list[float]) -> float:
    """Fit the normal limit: mean + :data:`SD_FACTOR` sample SDs of the finite ``values``."""
    finite = np.array([v for v in values if np.isfinite(v)], dtype=np.float64)
    return float(finite.mean() + SD_FACTOR * finite.std(ddof=1))


def flagged(o: Outcome, limit: float) -> bool:
    """Whether the rule would flag the file at ``limit`` (plus its margin); a file with no lean is not flagged."""
    return bool(np.isfinite(o.lean) and o.lean > limit + lean_margin())


def count_flagged(group: list[Outcome], limit: float) -> tuple[int, int, int, int]:
    """Correct files flagged, correct files, incorrect files flagged, incorrect files."""
    good, bad = [o for o in group if o.correct], [o for o in group if not o.correct]
    return sum(flagged(o, limit) for o in good), len(good), sum(flagged(o, limit) for o in bad), len(bad)


@dataclass(frozen=True)
class Fold:
    """One held-out subject: the limit fitted without it and what it flags there (:func:`count_flagged`)."""

    subject: str
    limit: float
    counts: tuple[int, int, int, int]


def leave_one_subject_out(outcomes: list[Outcome], fit_noise: float, test_noise: float) -> list[Fold]:
    """Fit the front-view limit on four subjects' correct files (``fit_noise``), test on the fifth (``test_noise``)."""
    folds = []
    for held in SUBJECTS:
        limit = fit_limit([o.lean for o in select(outcomes, "frontal", fit_noise, True) if o.subject != held])
        test = [o for o in select(outcomes, "frontal", test_noise) if o.subject == held]
        folds.append(Fold(held, limit, count_flagged(test, limit)))
    return folds


def _spec_sens(counts: Sequence[int]) -> tuple[str, str]:
    """Specificity (correct not flagged) and sensitivity (incorrect flagged) as shares with their counts."""
    fp, n_good, tp, n_bad = counts
    return _pct(n_good - fp, n_good), _pct(tp, n_bad)


def table_heldout(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: per-fold limits and flags, pooled held-out specificity and sensitivity, per fit / test noise."""
    lines = [
        "| limit fitted on | tested on | limits per held-out subject s01–s05 (°) | range (°) | correct flagged, "
        "per fold | incorrect flagged, per fold | held-out specificity | held-out sensitivity |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for fit in NOISE_LEVELS:
        for test in NOISE_LEVELS:
            folds = leave_one_subject_out(outcomes, fit, test)
            limits = [f.limit for f in folds]
            per_fold = [" ".join(f"{f.counts[k]}/{f.counts[k + 1]}" for f in folds) for k in (0, 2)]
            spec, sens = _spec_sens(np.sum([f.counts for f in folds], axis=0).tolist())
            lines.append(
                f"| {fit:g} px | {test:g} px | {', '.join(f'{v:.2f}' for v in limits)} | "
                f"{min(limits):.2f}–{max(limits):.2f} | {per_fold[0]} | {per_fold[1]} | {spec} | {sens} |"
            )
    return lines


def recommended_limit(outcomes: list[Outcome], noise: float = 0.0) -> tuple[float, float]:
    """Fit the limit on all five subjects' correct front-view files; return it as fitted and rounded to 0.5°."""
    limit = fit_limit([o.lean for o in select(outcomes, "frontal", noise, True)])
    return limit, ROUND_TO * round(limit / ROUND_TO)


def table_final(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: the all-subject limit, and (in-sample, not held out) what it flags at each noise level."""
    lines = [
        "| fitted on all five subjects | mean + 2 SD (°) | rounded (°) | flagged at (°) "
        + "".join(f"| in-sample specificity / sensitivity, {n:g} px " for n in NOISE_LEVELS)
        + "|",
        "|---|---|---|---|" + "---|" * len(NOISE_LEVELS),
    ]
    for fit in NOISE_LEVELS:
        raw, rounded = recommended_limit(outcomes, fit)
        cells = [" / ".join(_spec_sens(count_flagged(select(outcomes, "frontal", t), rounded))) for t in NOISE_LEVELS]
        lines.append(
            f"| {fit:g} px | {raw:.2f} | {rounded:.1f} | > {rounded + lean_margin():.1f} | " + " | ".join(cells) + " |"
        )
    return lines


def report(outcomes: list[Outcome], skipped: list[str], seconds: float) -> str:
    """All tables as one markdown text."""
    raw, rounded = recommended_limit(outcomes)
    sections = [
        ("Reps found per file (expected 1)", table_reps(outcomes)),
        ("Score and findings, incorrect against correct", table_findings(outcomes)),
        ("Peak arm elevation: the core against the mocap's raised arm, same frames", table_elevation(outcomes)),
        ("The core's trunk measures, correct against incorrect", table_trunk(outcomes)),
        ("Sideways lean: the core against the mocap's 3D trunk, same frames", table_lean_agreement(outcomes)),
        ("Sideways-lean limit, leave one subject out (front view)", table_heldout(outcomes)),
        ("Sideways-lean limit fitted on all five subjects (front view)", table_final(outcomes)),
    ]
    note = (
        f"UI-PRMD `m10`, subjects s01–s05, assessed as `{MOVEMENT}`. Files left out (no pelvis at the start, or "
        f"under 10 frames): {', '.join(skipped) or 'none'}. A file with no score counts as 0 badness; a file "
        f"with no rep is never flagged. The rule flags a lean above the limit + {lean_margin():g}° (the metric's "
        f"SEM). Recommended `max_lateral_lean_deg` (exact landmarks, all subjects): {rounded:.1f}° "
        f"(mean + 2 SD = {raw:.2f}°). Run time {seconds:.0f} s."
    )
    return note + "\n\n" + "\n\n".join(f"#### {t}\n\n" + "\n".join(lines) for t, lines in sections) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Assess every file, print the tables and optionally write them to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "datasets" / "ui-prmd")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes, skipped = run(args.data)
    text = report(outcomes, skipped, time.perf_counter() - started)
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
