"""Live against offline: stream each development clip's landmarks through the live path and compare.

For every repetition-task clip (MANIFEST's movement column; walking and timed up-and-go left out) the
landmarks (estimated, or loaded from ``--pose-cache``) are assessed offline
(:func:`movequal.core.scoring.assess`) and fed frame by frame to
:class:`movequal.live.incremental.IncrementalAssessor` with the movement the offline assessment found, as a
live session that was told the exercise. Reps are paired by bottom time; for each pair the finding codes are
compared. A second pass cuts each clip at the bottom of its first offline rep (a session that starts
mid-movement) and compares again; a third holds each clip's first posture 10 s with the body turned 45° either
way first (a patient waiting towards the clinician) and compares again.

    PYTHONPATH=. .venv/bin/python eval/evaluate_live.py [--videos ../shared/videos] [--pose-cache DIR]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.invariance import turn_wait_pose
from movequal.core.assessment import Assessment, Movement, Rep
from movequal.core.scoring import assess
from movequal.live.incremental import IncrementalAssessor
from movequal.live.update import LiveUpdate
from movequal.pose.sequence import PoseSequence

PAIR_S = 0.5
"""A live rep and an offline rep are the same rep when their bottoms are this close (seconds)."""
TURNED_WAIT_S = 10.0
TURNED_WAIT_DEG = (45.0, -45.0)
"""The third table: the clip after a wait with the body turned this way (``invariance.turn_wait_pose``)."""


@dataclass(frozen=True)
class Parity:
    """How one clip's live reps and findings compare with the offline ones."""

    movement: Movement
    offline_reps: int
    live_reps: int
    paired: int
    """Reps found by both paths (bottoms within :data:`PAIR_S`)."""
    same_codes: int
    """Paired reps whose finding codes are the same set."""
    only_offline: tuple[str, ...]
    """Finding codes offline gave a paired rep and live did not (one entry per rep and code)."""
    only_live: tuple[str, ...]


def stream_live(pose: PoseSequence, movement: Movement) -> list[LiveUpdate]:
    """Feed ``pose`` frame by frame to a live assessor; return the updates that carry a scored rep."""
    live = IncrementalAssessor(movement, pose.fps, pose.frame_size)
    updates = [
        live.update(
            pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]), float(pose.back_bend[i])
        )
        for i in range(len(pose))
    ]
    updates.append(live.flush())
    return [u for u in updates if u is not None and u.rep is not None]


def _codes(assessment: Assessment, rep: Rep) -> set[str]:
    return {f.code for f in assessment.findings if rep.number in f.reps}


def compare_paths(pose: PoseSequence, movement: Movement | None = None) -> Parity:
    """Assess ``pose`` offline and live and compare reps and each paired rep's finding codes.

    Both paths are told ``movement``; when omitted, the one the offline assessment recognises.
    """
    offline = assess(pose, movement or "auto").assessment
    live = stream_live(pose, offline.movement)
    paired = same = 0
    only_offline: list[str] = []
    only_live: list[str] = []
    for rep in offline.reps:
        gaps = [abs(u.rep.bottom_time - rep.bottom_time) for u in live if u.rep is not None]
        if not gaps or min(gaps) > PAIR_S:
            continue
        update = live[int(np.argmin(gaps))]
        off_codes, live_codes = _codes(offline, rep), {f.code for f in update.findings}
        paired += 1
        same += off_codes == live_codes
        only_offline += sorted(off_codes - live_codes)
        only_live += sorted(live_codes - off_codes)
    return Parity(offline.movement, offline.full_reps, len(live), paired, same, tuple(only_offline), tuple(only_live))


def cut_at_first_bottom(pose: PoseSequence) -> PoseSequence | None:
    """Cut ``pose`` at the bottom of its first offline rep (a session joined mid-rep); None without a rep."""
    reps = assess(pose).assessment.reps
    return pose[reps[0].bottom_frame :] if reps else None


def _row(name: str, p: Parity) -> str:
    codes = ", ".join([f"-{c}" for c in p.only_offline] + [f"+{c}" for c in p.only_live]) or "—"
    return f"| `{name}` | {p.movement} | {p.offline_reps} | {p.live_reps} | {p.same_codes}/{p.paired} | {codes} |"


def _totals(results: list[Parity], noun: str = "clips") -> str:
    equal = sum(p.live_reps == p.offline_reps for p in results)
    within = sum(abs(p.live_reps - p.offline_reps) <= 1 for p in results)
    same, paired = sum(p.same_codes for p in results), sum(p.paired for p in results)
    return (
        f"{len(results)} {noun}: rep count equal on {equal}, within one on {within}; "
        f"paired reps with the same finding codes {same}/{paired}; "
        f"codes only offline {sum(len(p.only_offline) for p in results)}, "
        f"only live {sum(len(p.only_live) for p in results)}"
    )


def _load(clip: Path, cache: Path | None) -> PoseSequence:
    sys.path.insert(0, str(Path(__file__).parent))
    from evaluate_clips import load_pose

    return load_pose(clip, cache, "full")


def main(argv: list[str] | None = None) -> None:
    """Print the live-vs-offline tables for the whole clips and for the clips cut at their first bottom."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "videos")
    parser.add_argument("--pose-cache", type=Path, default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    from clip_labels import is_repetition_task, read_clip_info

    clips = [c for c, info in sorted(read_clip_info(args.videos).items()) if is_repetition_task(info.task)]
    header = (
        "| clip | movement | offline reps | live reps | same codes | codes -offline only / +live only |\n"
        "|---|---|---|---|---|---|"
    )
    whole, cut, waited = [], [], []
    for name in clips:
        pose = _load(args.videos / name, args.pose_cache)
        whole.append((name, parity := compare_paths(pose)))
        joined = cut_at_first_bottom(pose)
        if joined is not None and len(joined) > 1:
            cut.append((name, compare_paths(joined, parity.movement)))
        for degrees in TURNED_WAIT_DEG:
            turned = turn_wait_pose(pose, TURNED_WAIT_S, degrees)
            waited.append((f"{name} ({degrees:+.0f}°)", compare_paths(turned, parity.movement)))
    tables = (
        ("Whole clips", whole, "clips"),
        ("Cut at the bottom of the first rep", cut, "clips"),
        (f"After a {TURNED_WAIT_S:.0f} s wait turned ±45° (both paths see the wait)", waited, "clips and turns"),
    )
    for title, results, noun in tables:
        rows = "\n".join(_row(n, p) for n, p in results)
        sys.stdout.write(f"\n#### {title}\n\n{header}\n{rows}\n\n{_totals([p for _, p in results], noun)}\n")


if __name__ == "__main__":
    main()
