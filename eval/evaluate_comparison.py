"""Compare development clips of the same task as a clinician would compare two sessions of one patient.

Pairs of clips of one lifter, task and camera (clean against faulty, clean against clean) and one pair
filmed from two views go through :func:`movequal.core.comparison.compare_to_baseline`; the script prints
one markdown table per pair: each metric's baseline and later value, the change, its MDC95 and the
verdict ("not comparable" where the two views measure a metric differently).

    PYTHONPATH=. .venv/bin/python eval/evaluate_comparison.py [--videos ../shared/videos] [--pose-cache DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from movequal.core.comparison import SessionFacts, compare_to_baseline, describe_differences
from movequal.core.scoring import assess
from movequal.pipeline import AnalysisOptions, analyze_video
from movequal.pose.sequence import PoseSequence

TWINS = "same lifter, bell and camera"
PAIRS: tuple[tuple[str, str, str], ...] = (
    ("deadlift_side_good_tbyc1.mp4", "deadlift_side_bad-roundedback_tbyr1.mp4", f"{TWINS}; good → rounded back"),
    ("deadlift_side_good_tbyc1.mp4", "deadlift_side_unknown_tbya1.mp4", f"{TWINS}; two clean sets"),
    (
        "squat_side_good_lnewco7053.mov",
        "squat_side_bad-kneedominant_lnewco7032.mov",
        "one source; good → knee-dominant",
    ),
    (
        "deadlift_side_good_tbyc1.mp4",
        "deadlift_oblique_bad-roundedback_tbyr2.mp4",
        "side against oblique (view change)",
    ),
)


def load_report(clip: Path, cache: Path | None) -> dict[str, Any]:
    """Assess ``clip`` (cached landmarks when present, else the default pose model) as a report.json object."""
    cached = cache / f"{clip.stem}.full.npz" if cache else None
    if cached is not None and cached.exists():
        result = assess(PoseSequence.from_npz(cached), "auto")
        return {"assessment": result.assessment.model_dump(mode="json"), "source": {"model": "full"}}
    analysis = analyze_video(clip, None, AnalysisOptions(write_video=False, write_html=False))
    return analysis.report.model_dump(mode="json")


def table(baseline: dict[str, Any], later: dict[str, Any]) -> list[str]:
    """One pair as markdown lines."""
    lines = [
        f"- {d}" for d in describe_differences(SessionFacts.from_report(baseline), SessionFacts.from_report(later))
    ]
    lines += ["", "| metric | baseline | later | change | MDC95 | verdict |", "|---|---|---|---|---|---|"]
    for c in compare_to_baseline(baseline, later):
        verdict = c.verdict if c.note is None else f"{c.verdict} ({c.note})"
        lines.append(f"| {c.label} | {c.baseline:g} | {c.value:g} | {c.change:+g} | {c.error_text} | {verdict} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "videos")
    parser.add_argument("--pose-cache", type=Path, default=None)
    args = parser.parse_args(argv)
    for first, second, what in PAIRS:
        baseline, later = (
            load_report(args.videos / first, args.pose_cache),
            load_report(args.videos / second, args.pose_cache),
        )
        sys.stdout.write(f"#### `{Path(first).stem}` → `{Path(second).stem}` ({what})\n\n")
        sys.stdout.write("\n".join(table(baseline, later)) + "\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
