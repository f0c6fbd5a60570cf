"""Score every development clip and set the result beside its labels.

Runs the real pose model on each clip in ``../shared/videos`` (or re-uses
landmarks cached by an earlier run with ``--pose-cache``), assesses it, and
prints a markdown table: movement, view, reps (with the hand count from
``REPS.md``), score and findings next to the MANIFEST label.

Then it prints a summary over the repetition-task clips (walking and timed up-and-go, as the MANIFEST
movement column describes them, are left out): rep-count exactness, recall of each labelled fault with its
finding code (``clip_labels.FAULT_CODES``), clean-clip specificity, Cohen's κ for good vs bad under two
rules, and lift clips without a score; overall and per source group (MANIFEST's source column), so that a
threshold chosen on some groups can be checked on the others. ``--summary-json`` writes the same figures
for ``tests/test_clip_summary.py``, which pins them as floors (``eval/clip_summary_floor.json``).

    PYTHONPATH=. .venv/bin/python eval/evaluate_clips.py [--videos ../shared/videos] [--pose-cache DIR]
        [--out docs/clips.md] [--summary-json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from clip_labels import FAULT_CODES, NOT_SCORABLE, ClipInfo, find_unmapped_labels, is_repetition_task, read_clip_info
from clip_metrics import ClipOutcome, compute_summary

from movequal.core.assessment import Assessment, Rating
from movequal.core.scoring import assess
from movequal.errors import InputError
from movequal.pipeline import validate_detection
from movequal.pose.estimation import EstimatorConfig, estimate_video
from movequal.pose.sequence import PoseSequence
from movequal.pose.tracking import filter_identity_switches

REPO = Path(__file__).resolve().parents[1]

CONVENTIONS = {
    "clips": "repetition tasks from MANIFEST's movement column; walking and timed up-and-go left out",
    "hand_count": "REPS.md full reps (leading number; a concentric-only or eccentric-only lift is 0 full reps)",
    "fault_recall": "a finding with the label's code (clip_labels.FAULT_CODES), any severity",
    "not_scorable": NOT_SCORABLE,
    "clean": "label good; specificity = scored and no finding at all",
    "kappa": "Cohen's kappa, label good/bad vs verdict; a clip without a score is a third answer, 'no verdict'",
    "lift_unscored": "MANIFEST movement 'deadlift' without an overall score (lower is better)",
}


def clip_parser(description: str, written: str = "the table and the counts") -> argparse.ArgumentParser:
    """Return the arguments every script over the development clips takes: the clips, the pose cache, the model."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--videos", type=Path, default=REPO.parent / "shared" / "videos")
    parser.add_argument("--pose-cache", type=Path, default=None)
    parser.add_argument("--model", default="full")
    parser.add_argument("--out", type=Path, default=None, help=f"write {written} (markdown)")
    return parser


def list_clips(videos: Path) -> list[Path]:
    """Return the video files in ``videos``, by name."""
    return sorted(p for p in videos.iterdir() if p.suffix in (".mp4", ".mov"))


def load_pose(clip: Path, cache: Path | None, model: str) -> PoseSequence:
    """Estimate the pose, or load it from the cache when an earlier run saved it."""
    cached = cache / f"{clip.stem}.{model}.npz" if cache else None
    if cached is not None and cached.exists():
        return PoseSequence.from_npz(cached)
    pose, _ = filter_identity_switches(estimate_video(clip, EstimatorConfig(model=model)))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        pose.to_npz(cached)
    return pose


def _rating_text(rating: Rating | None) -> str:
    """`` (Needs work)``, or `` (Needs work; band Good)`` when a consistent finding capped the score band."""
    if rating is None:
        return ""
    return f" ({rating.label}" + (f"; band {rating.score_band}" if rating.capped_by else "") + ")"


def analyse(clip: Path, cache: Path | None, model: str) -> tuple[dict[str, str], Assessment | None]:
    """One table row for ``clip``, and its assessment (``None`` when the clip cannot be analysed)."""
    try:
        pose = load_pose(clip, cache, model)
        validate_detection(pose, clip)
    except InputError as exc:
        return {"movement": "—", "view": "—", "reps": "—", "score": "—", "findings": f"error: {exc}"}, None
    a = assess(pose).assessment
    findings = ", ".join(f"{f.code} ({f.severity}, reps {','.join(map(str, f.reps))})" for f in a.findings)
    row = {
        "movement": a.movement,
        "view": a.view,
        "reps": str(a.full_reps) + (f" (+{a.partial_reps} partial)" if a.partial_reps else ""),
        "bottoms": ", ".join(f"{r.bottom_time:.2f}" for r in a.reps),
        "score": "—" if a.score is None else f"{a.score:.0f}" + _rating_text(a.rating),
        "findings": findings or "none",
    }
    return row, a


def to_outcome(info: ClipInfo, assessment: Assessment | None) -> ClipOutcome:
    """Set one clip's labels beside what the core reported, as the summary's record."""
    return ClipOutcome(
        name=info.name,
        label=info.label,
        source=info.source,
        task=info.task,
        hand_count=info.hand_count,
        reps=None if assessment is None else assessment.full_reps,
        scored=assessment is not None and assessment.score is not None,
        findings=() if assessment is None else tuple((f.code, f.severity) for f in assessment.findings),
    )


def compute_report(outcomes: list[ClipOutcome], model: str) -> dict[str, Any]:
    """Summarise the repetition-task clips, overall and per source group, JSON-ready."""
    sources = sorted({o.source for o in outcomes})
    return {
        "model": model,
        "conventions": CONVENTIONS,
        "clips": sorted(o.name for o in outcomes),
        "overall": compute_summary(outcomes, FAULT_CODES),
        "by_source": {src: compute_summary([o for o in outcomes if o.source == src], FAULT_CODES) for src in sources},
    }


def _ratio(figure: dict[str, Any]) -> str:
    """``count/total`` of a summary figure, ``–`` when it has no clip."""
    return f"{figure['count']}/{figure['total']}" if figure["total"] else "–"


def _kappa(figure: dict[str, Any]) -> str:
    """Format a κ figure to two decimals, ``–`` when undefined."""
    return "–" if figure["value"] is None else f"{figure['value']:.2f}"


def format_summary(report: dict[str, Any]) -> list[str]:
    """Markdown lines of the summary: the overall figures, then one table row per source group."""
    overall = report["overall"]
    by_label = ", ".join(f"{lab} {_ratio(fig)}" for lab, fig in overall["fault_recall_by_label"].items())
    lines = [
        f"Summary over {overall['clips']} repetition-task clips (walking and timed up-and-go excluded), model "
        f"`{report['model']}`:",
        "",
        f"- rep counts exact {_ratio(overall['reps_exact'])}, within ±1 {_ratio(overall['reps_within_1'])} "
        "(clips with a hand count)",
        f"- labelled faults caught with the right code {_ratio(overall['fault_recall'])}: {by_label}",
        f"- clean clips (`good`): scored with no finding {_ratio(overall['clean_scored_no_finding'])}; "
        f"scored {_ratio(overall['clean_scored'])}; no finding, scored or not {_ratio(overall['clean_no_finding'])}",
        f"- Cohen's κ good vs bad over {overall['kappa_any_finding']['n']} labelled clips (a clip without a score "
        f'is a third answer, "no verdict"): bad = any finding {_kappa(overall["kappa_any_finding"])}; '
        f"bad = any moderate or severe finding {_kappa(overall['kappa_moderate_or_severe'])}",
        f"- lift clips with no score {_ratio(overall['lift_unscored'])} (with a hand-counted full rep: "
        f"{_ratio(overall['lift_unscored_with_rep'])})",
        "",
        "| source | clips | reps exact | reps ±1 | faults caught | clean: scored, no finding | κ any finding "
        "| κ moderate+ | lifts unscored |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for source, s in report["by_source"].items():
        lines.append(
            f"| {source} | {s['clips']} | {_ratio(s['reps_exact'])} | {_ratio(s['reps_within_1'])} | "
            f"{_ratio(s['fault_recall'])} | {_ratio(s['clean_scored_no_finding'])} | "
            f"{_kappa(s['kappa_any_finding'])} | {_kappa(s['kappa_moderate_or_severe'])} | "
            f"{_ratio(s['lift_unscored'])} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Evaluate every clip, print (and optionally write) the table and the summary."""
    parser = clip_parser(__doc__.splitlines()[0], "the table and the summary")
    parser.add_argument("--summary-json", type=Path, default=None, help="write the summary figures as JSON")
    args = parser.parse_args(argv)
    infos = read_clip_info(args.videos)
    unmapped = find_unmapped_labels(info.label for info in infos.values())
    if unmapped:
        sys.stderr.write(f"labels with no finding code and not listed as not scorable: {', '.join(unmapped)}\n")
        return 2
    lines = [
        "| clip | label | view (manifest) | view | movement | reps (hand count) | bottoms (s) | score | findings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    outcomes = []
    for clip in list_clips(args.videos):
        row, assessment = analyse(clip, args.pose_cache, args.model)
        info = infos.get(clip.name)
        lines.append(
            f"| `{clip.name}` | {info.label if info else '?'} | {info.view if info else '?'} | {row['view']} | "
            f"{row['movement']} | {row['reps']} ({info.hand_count if info else '?'}) | {row.get('bottoms', '')} | "
            f"{row['score']} | {row['findings']} |"
        )
        sys.stdout.write(lines[-1] + "\n")
        sys.stdout.flush()
        if info is not None and is_repetition_task(info.task):
            outcomes.append(to_outcome(info, assessment))
    report = compute_report(outcomes, args.model)
    summary = format_summary(report)
    sys.stdout.write("\n" + "\n".join(summary) + "\n")
    if args.out:
        args.out.write_text("\n".join([*lines, "", *summary]) + "\n", encoding="utf-8")
    if args.summary_json:
        args.summary_json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
