"""Whether a real clip reads the same when the camera is held in the hand rather than on a tripod.

A clinician or a relative often films with a phone in the hand: the picture wanders with the holder's sway and
tremor, and the holder may step nearer or back during the set. For every development clip (``../shared/videos``)
the landmarks the pose model found are assessed as they are and with the picture moved as a hand-held camera
moves it (:func:`invariance.shake_pose`: a smooth wander of 1, 2 or 4 % of the frame's height at 0.5-3 Hz) and
as a camera carried nearer or further over the clip (:func:`invariance.dolly_pose`: the person 1.25 times as tall,
or 0.8 times, on the last frame as on the first). A reading that changes is listed with what changed. The world
landmarks do not change under a camera's translation, so only what is read in the picture can move. Nothing here
is fitted. (The camera's roll, which a hand also adds, is `evaluate_invariance.py`'s.)

    PYTHONPATH=.:eval .venv/bin/python eval/evaluate_handheld.py --pose-cache /tmp/mq-poses [--out /tmp/handheld.md]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial

from evaluate_clips import clip_parser, list_clips, load_pose
from invariance import describe_change, dolly_pose, shake_pose, summarise, write_changes

from movequal.core.filtering import compute_sampling_rate
from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence

SHAKES = (0.01, 0.02, 0.04)
"""Largest wander of the picture, as a share of the frame's height: a steady hand, an ordinary one, a walking one."""
OUT_OF_PICTURE = "the body was not all in the picture"
"""The refusal's words (:mod:`movequal.core.framing`): a camera carried nearer can push the feet out of the frame."""
DOLLIES = (1.25, 0.8)
"""The person's size on the last frame over the first: about a step nearer or back from 3-4 m."""


def transforms() -> dict[str, Callable[[PoseSequence], PoseSequence]]:
    """Return the hand-held changes tried on every clip, by name."""
    out: dict[str, Callable[[PoseSequence], PoseSequence]] = {
        f"picture wandering {share:.0%} of its height": partial(shake_pose, amplitude=share) for share in SHAKES
    }
    for factor in DOLLIES:
        name = "carried nearer" if factor > 1 else "carried back"
        out[f"{name} (person {factor:g}× as tall at the end)"] = partial(dolly_pose, factor=factor)
    return out


def main(argv: list[str] | None = None) -> int:
    """Assess every clip under every hand-held change; print (and optionally write) the changes and their count."""
    args = clip_parser(__doc__.splitlines()[0]).parse_args(argv)
    lines = ["| clip | frames/s | camera | what changed |", "|---|---|---|---|"]
    changes = transforms()
    same, refused = dict.fromkeys(changes, 0), dict.fromkeys(changes, 0)
    clips = list_clips(args.videos)
    for clip in clips:
        pose = load_pose(clip, args.pose_cache, args.model)
        before = summarise(assess(pose).assessment)
        for name, transform in changes.items():
            after = assess(transform(pose)).assessment
            change = describe_change(before, summarise(after))
            same[name] += not change
            if change and after.message and OUT_OF_PICTURE in after.message:
                refused[name] += 1
                change += " (the body left the picture: not measured)"
            if change:
                lines.append(f"| `{clip.name}` | {compute_sampling_rate(pose):.0f} | {name} | {change} |")
                sys.stdout.write(lines[-1] + "\n")
    counts = [
        f"- {name}: the same reading on {n} of {len(clips)} clips; refused as out of the picture on {refused[name]}"
        for name, n in same.items()
    ]
    write_changes(lines, counts, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
