"""Score every development clip and set the result beside its labels.

Runs the real pose model on each clip in ``../shared/videos`` (or re-uses
landmarks cached by an earlier run with ``--pose-cache``), assesses it, and
prints a markdown table: movement, view, reps (with the hand count from
``REPS.md``), score and findings next to the MANIFEST label.

    .venv/bin/python eval/evaluate_clips.py [--videos ../shared/videos] [--pose-cache DIR] [--out docs/clips.md]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from movequal.core.assessment import Rating
from movequal.core.scoring import assess
from movequal.errors import InputError
from movequal.pipeline import validate_detection
from movequal.pose.estimation import EstimatorConfig, estimate_video
from movequal.pose.sequence import PoseSequence
from movequal.pose.tracking import filter_identity_switches

REPO = Path(__file__).resolve().parents[1]


def parse_table(path: Path, columns: dict[str, int]) -> dict[str, dict[str, str]]:
    """Rows of a markdown table keyed by the backticked file name in ``columns['file']``."""
    rows: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) <= max(columns.values()) or not cells[columns["file"]].startswith("`"):
            continue
        rows[cells[columns["file"]].strip("`")] = {k: cells[i] for k, i in columns.items()}
    return rows


def hand_counts(videos: Path) -> dict[str, int | None]:
    """Leading number of REPS.md's "full reps" column per clip."""
    table = parse_table(videos / "REPS.md", {"file": 1, "reps": 4})
    out: dict[str, int | None] = {}
    for name, row in table.items():
        match = re.match(r"(\d+)", row["reps"])
        out[name] = int(match.group(1)) if match else None
    return out


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


def evaluate(clip: Path, cache: Path | None, model: str) -> dict[str, str]:
    """One table row for ``clip``."""
    try:
        pose = load_pose(clip, cache, model)
        validate_detection(pose, clip)
    except InputError as exc:
        return {"movement": "—", "view": "—", "reps": "—", "score": "—", "findings": f"error: {exc}"}
    a = assess(pose).assessment
    findings = ", ".join(f"{f.code} ({f.severity}, reps {','.join(map(str, f.reps))})" for f in a.findings)
    return {
        "movement": a.movement,
        "view": a.view,
        "reps": str(len(a.reps)) + (f" (+{a.partial_reps} partial)" if a.partial_reps else ""),
        "bottoms": ", ".join(f"{r.bottom_time:.2f}" for r in a.reps),
        "score": "—" if a.score is None else f"{a.score:.0f}" + _rating_text(a.rating),
        "findings": findings or "none",
    }


def main(argv: list[str] | None = None) -> int:
    """Evaluate every clip and print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=REPO.parent / "shared" / "videos")
    parser.add_argument("--pose-cache", type=Path, default=None)
    parser.add_argument("--model", default="full")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    manifest = parse_table(args.videos / "MANIFEST.md", {"file": 2, "label": 9, "view": 8})
    counts = hand_counts(args.videos)
    lines = [
        "| clip | label | view (manifest) | view | movement | reps (hand count) | bottoms (s) | score | findings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for clip in sorted(p for p in args.videos.iterdir() if p.suffix in (".mp4", ".mov")):
        row = evaluate(clip, args.pose_cache, args.model)
        label = manifest.get(clip.name, {})
        lines.append(
            f"| `{clip.name}` | {label.get('label', '?')} | {label.get('view', '?')} | {row['view']} | "
            f"{row['movement']} | {row['reps']} ({counts.get(clip.name, '?')}) | {row.get('bottoms', '')} | "
            f"{row['score']} | {row['findings']} |"
        )
        sys.stdout.write(lines[-1] + "\n")
        sys.stdout.flush()
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
