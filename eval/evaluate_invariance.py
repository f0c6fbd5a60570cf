"""Does a real clip read the same when the camera changes? Mirror, later start, frame rate, zoom, resolution.

For every development clip (``../shared/videos``), the landmarks the pose model found are assessed as they are and
as another camera would have given them (:mod:`invariance`): mirrored left to right, with the clock started 7.3 s
earlier, at half the frame rate (every second frame; a 60 frames/s clip also at a quarter, 15 frames/s), with the
person half as tall in the picture, at twice and half the resolution, and recorded 2 s longer at either end while
the patient held the clip's first or last posture (:func:`invariance.hold_pose`), and with 10 % of the frames
lost at random (:func:`invariance.lose_frames`: the pose model found nobody there). A
reading that changes is listed with what changed. Nothing here is fitted: a change is a place where the scoring
core depends on something a clinic's camera decides, not on the movement. The camera rolled by ±5° and ±10°
(:func:`invariance.roll_pose`) is listed too, as a measure of how level a clinic must set the camera: a roll moves
every angle against the vertical, so a changed reading there is expected, not a fault of the core.

    PYTHONPATH=. .venv/bin/python eval/evaluate_invariance.py --pose-cache /tmp/mq-poses [--out /tmp/invariance.md]

Landmarks are read from ``--pose-cache`` when ``evaluate_clips.py`` saved them there, else estimated (model
``full``) and saved.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from evaluate_clips import clip_parser, list_clips, load_pose
from invariance import (
    decimate_pose,
    describe_change,
    hold_pose,
    lose_frames,
    mirror_pose,
    resize_frame,
    roll_pose,
    shift_pose,
    summarise,
    turn_wait_pose,
    write_changes,
    zoom_pose,
)

from movequal.core.filtering import compute_sampling_rate
from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence

SHIFT_S = 7.3
HIGH_RATE_FPS = 50.0
"""Clips recorded at this rate or above are also read at a quarter of it."""

Transform = Callable[[PoseSequence], PoseSequence]
HOLD_S = 2.0
"""A lead-in or lead-out of a couple of seconds: the patient set up, or still, before or after the set."""
WAITS_S = (10.0, 30.0)
"""Longer waits: a patient listening to the clinician before the set, or resting after it, while the camera runs."""
WAIT_TURNS_DEG = (45, -45)
"""A 10 s wait with the body turned this far from the set's stance (towards the clinician), then the set."""
LOST_SHARE = 0.1
"""Frames in which the pose model finds nobody, at random: real clips lose a few in a row to blur or a dim room."""
ROLLS_DEG = (5, -5, 10, -10)
"""Camera rolls tried: a tripod set by eye is usually within a few degrees, a hand-held phone less level."""


def _rolled(degrees: int) -> Transform:
    return lambda p: roll_pose(p, degrees)


def _held(seconds: float, where: str) -> Transform:
    return lambda p: hold_pose(p, seconds, where)


def _turned(degrees: int) -> Transform:
    return lambda p: turn_wait_pose(p, WAITS_S[0], degrees)


def transforms_for(pose: PoseSequence) -> dict[str, Transform]:
    """Return the camera changes tried on one clip (a quarter of the frame rate only at 50 frames/s and up)."""
    out: dict[str, Transform] = {
        "mirrored": mirror_pose,
        f"started {SHIFT_S} s earlier": lambda p: shift_pose(p, SHIFT_S),
        "half the frame rate": lambda p: decimate_pose(p, 2),
        "the person half as tall in the picture": lambda p: zoom_pose(p, 0.5),
        "twice the resolution": lambda p: resize_frame(p, 2.0),
        "half the resolution": lambda p: resize_frame(p, 0.5),
        f"the first pose held {HOLD_S:g} s longer": lambda p: hold_pose(p, HOLD_S, "start"),
        f"the last pose held {HOLD_S:g} s longer": lambda p: hold_pose(p, HOLD_S, "end"),
        **{f"the first pose held {s:g} s longer": _held(s, "start") for s in WAITS_S},
        **{f"the last pose held {s:g} s longer": _held(s, "end") for s in WAITS_S},
        **{f"a {WAITS_S[0]:g} s wait turned {deg:+d}° first": _turned(deg) for deg in WAIT_TURNS_DEG},
        f"{LOST_SHARE:.0%} of the frames lost": lambda p: lose_frames(p, LOST_SHARE),
        **{f"the camera rolled {deg:+d}°": _rolled(deg) for deg in ROLLS_DEG},
    }
    if compute_sampling_rate(pose) >= HIGH_RATE_FPS:  # as recorded: a VFR container may claim 1000
        out["a quarter of the frame rate"] = lambda p: decimate_pose(p, 4)
    return out


def main(argv: list[str] | None = None) -> int:
    """Assess every clip under every camera change; print (and optionally write) the changes and their count."""
    args = clip_parser(__doc__.splitlines()[0]).parse_args(argv)
    lines = ["| clip | frames/s | camera change | what changed |", "|---|---|---|---|"]
    tried: dict[str, int] = {}
    same: dict[str, int] = {}
    for clip in list_clips(args.videos):
        pose = load_pose(clip, args.pose_cache, args.model)
        before = summarise(assess(pose).assessment)
        for name, transform in transforms_for(pose).items():
            change = describe_change(before, summarise(assess(transform(pose)).assessment))
            tried[name] = tried.get(name, 0) + 1
            same[name] = same.get(name, 0) + (not change)
            if change:
                lines.append(f"| `{clip.name}` | {compute_sampling_rate(pose):.0f} | {name} | {change} |")
                sys.stdout.write(lines[-1] + "\n")
    counts = [f"- {name}: the same reading on {same[name]} of {tried[name]} clips" for name in tried]
    write_changes(lines, counts, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
