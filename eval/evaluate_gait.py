"""Walking on the real development clips: recognised as walking, foot contacts against REPS.md, labelled faults.

For every clip that MANIFEST.md lists as walking, the pose (cached like
``evaluate_clips.py``) is assessed with ``movement="auto"``. Heel strikes are compared with the contacts
REPS.md gives by eye (its "bottom times" column for walking clips, about ±0.1 s): each reference contact is
matched one to one with the nearest detected strike within :data:`TOLERANCE_S`; unmatched references are
misses, detected strikes inside the referenced span that match nothing are extras.

Usage::

    PYTHONPATH=. .venv/bin/python eval/evaluate_gait.py --pose-cache DIR [--out docs/fragment.md]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from eval.clip_labels import WALKING, parse_table, read_clip_info
from eval.evaluate_clips import load_pose
from movequal.core.assessment import Assessment
from movequal.core.scoring import assess

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"
TOLERANCE_S = 0.25
"""A detected strike within this of a reference contact is that contact (the by-eye times are ±0.1-0.2 s)."""
EXPECTED_CODES = {
    "bad-slouch": {"flexed_trunk"},
    "bad-limp": {"step_asymmetry"},
    "bad-circumduction": {"circumduction", "step_asymmetry"},
}
"""Walking labels and the finding codes that count as catching them (issue 14's acceptance)."""


def parse_contacts(cell: str) -> list[float]:
    """Contact times of a REPS.md walking cell; parenthesised remarks (a side, a hidden step) are left out."""
    text = re.sub(r"\([^)]*\)", "", cell)
    return sorted(float(v) for v in re.findall(r"(?<![\d.])(\d+\.\d+|\d+)(?![\d.])", text))


def match_contacts(reference: list[float], detected: list[float]) -> tuple[list[float], int, int]:
    """Errors (detected minus reference, s) of the matched pairs, misses and extras (see module docstring)."""
    free = list(detected)
    errors = []
    for ref in reference:
        if not free:
            break
        nearest = min(free, key=lambda t: abs(t - ref))
        if abs(nearest - ref) <= TOLERANCE_S:
            errors.append(nearest - ref)
            free.remove(nearest)
    span = (reference[0] - TOLERANCE_S, reference[-1] + TOLERANCE_S) if reference else (0.0, -1.0)
    extras = sum(span[0] <= t <= span[1] for t in free)
    return errors, len(reference) - len(errors), extras


def _findings(a: Assessment) -> str:
    return ", ".join(f"{f.code} ({f.severity}, passes {','.join(map(str, f.reps))})" for f in a.findings) or "none"


def _passes(a: Assessment) -> str:
    if a.gait is None:
        return "–"
    if not a.gait.passes:
        return a.gait.message or "none"
    return "; ".join(
        f"{p.start_time:.1f}–{p.end_time:.1f} s {p.direction}, {p.steps} steps, {p.cadence_spm:.0f}/min"
        for p in a.gait.passes
    )


def evaluate(cache: Path | None, model: str) -> tuple[list[str], dict[str, list[float] | int]]:
    """Rows of the markdown table and the pooled figures."""
    info = read_clip_info(VIDEOS)
    reps = parse_table(VIDEOS / "REPS.md", {"file": 1, "reps": 4, "bottoms": 5})
    rows = []
    pooled: dict[str, list[float] | int] = {"errors": [], "refs": 0, "misses": 0, "extras": 0}
    for name, clip in sorted(info.items()):
        if clip.task != WALKING:  # the timed up-and-go has its own evaluation (evaluate_tug.py)
            continue
        a = assess(load_pose(VIDEOS / name, cache, model)).assessment
        contacts = "–"
        counted = name in reps and re.search(r"\d", reps[name]["reps"]) and "not counted" not in reps[name]["reps"]
        if clip.task == WALKING and counted:
            reference = parse_contacts(reps[name]["bottoms"])
            strikes = [e.time for e in a.gait.heel_strikes] if a.gait else []
            errors, misses, extras = match_contacts(reference, strikes)
            pooled["errors"] += errors  # type: ignore[operator]
            for key, value in (("refs", len(reference)), ("misses", misses), ("extras", extras)):
                pooled[key] += value  # type: ignore[operator]
            mae = f"{np.mean(np.abs(errors)):.3f}" if errors else "–"
            contacts = f"{len(errors)}/{len(reference)} matched, {extras} extra, mean abs error {mae} s"
        expected = EXPECTED_CODES.get(clip.label)
        caught = "–" if expected is None else ("yes" if expected & {f.code for f in a.findings} else "no")
        if clip.label == "good":
            caught = "clean" if not a.findings else "flagged"
        rows.append(
            f"| `{name}` | {clip.label} | {a.movement} | {a.score if a.score is not None else '—'} | "
            f"{_passes(a)} | {contacts} | {_findings(a)} | {caught} |"
        )
    return rows, pooled


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print (or write) the markdown fragment."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pose-cache", type=Path, default=None)
    parser.add_argument("--model", default="full")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rows, pooled = evaluate(args.pose_cache, args.model)
    errors = np.abs(np.asarray(pooled["errors"], dtype=float))
    lines = [
        "| clip | label | movement | score | passes | heel strikes vs REPS.md | findings | label caught |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Pooled over the clips with contacts in REPS.md: {errors.size}/{pooled['refs']} contacts matched within "
        f"{TOLERANCE_S} s, {pooled['misses']} missed, {pooled['extras']} extra; error mean {errors.mean():.3f} s, "
        f"median {np.median(errors):.3f} s, max {errors.max():.3f} s.",
    ]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
