"""Whether a real clip names the same movement when the recording starts or stops a moment earlier or later.

A clinic's recording begins and ends wherever someone pressed the button: the patient may already be rising from
the chair, or still at the bottom of a squat. For every development clip (``../shared/videos``) the landmarks the
pose model found are assessed whole and with the first, the last or both 0.15, 0.3, 0.6 or 1.0 s cut off. A change
of the movement named is listed with the reps before and after and whether the cut reached into a rep the whole clip
counted (then a lost rep is expected; a different movement mostly is not). Nothing here is fitted.

    PYTHONPATH=. .venv/bin/python eval/evaluate_cuts.py --pose-cache /tmp/mq-poses [--out /tmp/cuts.md]

Landmarks are read from ``--pose-cache`` when ``evaluate_clips.py`` saved them there, else estimated (model
``full``) and saved.
"""

from __future__ import annotations

import sys

import numpy as np
from evaluate_clips import clip_parser, list_clips, load_pose
from invariance import write_changes

from movequal.core.assessment import Assessment
from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence

CUTS_S = (0.15, 0.3, 0.6, 1.0)
"""Seconds cut off: from a few frames, through a seated moment of a brisk chair stand (0.3-0.5 s), up to the
length of a rise from a chair."""
ENDS = ("start", "end", "both")


def cut_pose(pose: PoseSequence, seconds: float, where: str) -> PoseSequence:
    """Return ``pose`` without its first (``where="start"``), last (``"end"``) or first and last ``seconds``."""
    t = pose.timestamps
    keep = np.ones(t.size, dtype=bool)
    if where in ("start", "both"):
        keep &= t >= t[0] + seconds
    if where in ("end", "both"):
        keep &= t <= t[-1] - seconds
    return pose[np.flatnonzero(keep)]


def reaches_a_rep(assessment: Assessment, pose: PoseSequence, seconds: float, where: str) -> bool:
    """Whether the frames cut off hold part of a rep the whole clip counted."""
    t = pose.timestamps
    early = any(rep.start_time < t[0] + seconds for rep in assessment.reps)
    late = any(rep.end_time > t[-1] - seconds for rep in assessment.reps)
    return {"start": early, "end": late, "both": early or late}[where]


def main(argv: list[str] | None = None) -> int:
    """Assess every clip whole and cut; print (and optionally write) the movements that change and the counts."""
    args = clip_parser(__doc__.splitlines()[0]).parse_args(argv)
    lines = ["| clip | cut | movement | reps | the cut reaches a counted rep |", "|---|---|---|---|---|"]
    same = {(where, s): 0 for where in ENDS for s in CUTS_S}
    inside = dict.fromkeys(same, 0)
    clips = list_clips(args.videos)
    for clip in clips:
        pose = load_pose(clip, args.pose_cache, args.model)
        whole = assess(pose).assessment
        for where, seconds in same:
            cut = assess(cut_pose(pose, seconds, where)).assessment
            reached = reaches_a_rep(whole, pose, seconds, where)
            if cut.movement == whole.movement:
                same[where, seconds] += 1
                continue
            inside[where, seconds] += not reached
            lines.append(
                f"| `{clip.name}` | {where} −{seconds:g} s | {whole.movement} → {cut.movement} "
                f"| {whole.full_reps} → {cut.full_reps} | {'yes' if reached else 'no'} |"
            )
            sys.stdout.write(lines[-1] + "\n")
    counts = []
    for (where, seconds), n in same.items():
        ends = "both ends" if where == "both" else f"the {where}"
        counts.append(
            f"- {seconds:g} s cut at {ends}: the same movement on {n} of {len(clips)} clips; "
            f"a different one with no counted rep cut into on {inside[where, seconds]}"
        )
    write_changes(lines, counts, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
