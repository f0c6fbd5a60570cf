"""A frame the camera dropped, a frame it repeated, a moment the pose model lost the patient: is the reading the same.

Phones record at a variable frame rate and drop frames when busy; a container that claims 1000 frames/s stamps a
repeated frame 1 ms after the one before (:mod:`movequal.io.video`); a passer-by or motion blur hides the patient
from the pose model for a moment. Each development clip's cached landmarks are altered in one of these ways at
:data:`POSITIONS` places spread over the clip, and the reading (:func:`eval.invariance.summarise`) is compared with
the unaltered clip's:

- ``dropped``: one frame removed (its timestamp gone too);
- ``repeated``: one frame repeated, stamped 1 ms after the original;
- ``lost 0.6 s``: 0.6 s of frames with nobody found, then :func:`movequal.pose.tracking.filter_identity_switches`
  as the pipeline runs it; also counted: frames of the patient it blanked besides the lost ones.

Then the timed up-and-go trials are read again at other frame rates (landmarks interpolated linearly to the new
frame times; next to a frame with nobody found, the other frame's landmarks) and the movement named is listed.

    PYTHONPATH=. .venv/bin/python eval/evaluate_frame_timing.py --pose-cache /tmp/mq-poses [--out X]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from eval.invariance import describe_change, summarise, write_changes
from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence
from movequal.pose.tracking import filter_identity_switches

RATES = (15.0, 20.0, 24.0, 25.0, 29.97, 30.0, 50.0, 60.0)
POSITIONS = 12
"""Places per clip, evenly spread between 5 % and 95 % of its frames."""
LOST_S = 0.6


def _take(pose: PoseSequence, index: np.ndarray, timestamps: np.ndarray | None = None) -> PoseSequence:
    """Return the frames ``index`` (in that order), with their own timestamps unless others are given."""
    return replace(
        pose,
        image=pose.image[index],
        world=pose.world[index],
        visibility=pose.visibility[index],
        timestamps=pose.timestamps[index] if timestamps is None else timestamps,
        back_bend=pose.back_bend[index],
    )


def drop_frame(pose: PoseSequence, frame: int) -> PoseSequence:
    """Return ``pose`` without frame ``frame``."""
    return _take(pose, np.delete(np.arange(len(pose)), frame))


def repeat_frame(pose: PoseSequence, frame: int, after_s: float = 0.001) -> PoseSequence:
    """Return ``pose`` with frame ``frame`` repeated, the copy stamped ``after_s`` later."""
    index = np.insert(np.arange(len(pose)), frame + 1, frame)
    times = pose.timestamps[index]
    times[frame + 1] = times[frame] + after_s
    return _take(pose, index, times)


def lose_span(pose: PoseSequence, frame: int, seconds: float = LOST_S) -> tuple[PoseSequence, int, int]:
    """Return ``pose`` with nobody found for ``seconds`` from ``frame``, filtered for identity switches.

    Also returns how many frames were lost and how many more the filter blanked.
    """
    t = pose.timestamps
    lost = (t >= t[frame]) & (t < t[frame] + seconds) & pose.detected
    image, world, visibility = pose.image.copy(), pose.world.copy(), pose.visibility.copy()
    image[lost], world[lost], visibility[lost] = np.nan, np.nan, 0.0
    bend = pose.back_bend.copy()
    bend[lost] = np.nan
    filtered, blanked = filter_identity_switches(
        replace(pose, image=image, world=world, visibility=visibility, back_bend=bend)
    )
    return filtered, int(lost.sum()), blanked


def resample_pose(pose: PoseSequence, fps: float) -> PoseSequence:
    """Return ``pose`` as a camera at ``fps`` would give it, landmarks interpolated linearly between frames.

    Notes
    -----
    Written out here rather than through :func:`movequal.core.time_grid.resample_rows` so that the study also runs
    against checkouts from before that module (its before/after tables); next to a frame with nobody found it
    takes the other frame's landmarks, where ``resample_rows`` would leave a gap.
    """
    t = pose.timestamps
    at = t[0] + np.arange(int((t[-1] - t[0]) * fps) + 1) / fps

    right = np.clip(np.searchsorted(t, at, side="right"), 1, len(t) - 1)
    left = right - 1
    weight = np.clip((at - t[left]) / (t[right] - t[left]), 0.0, 1.0)

    def read(values: np.ndarray) -> np.ndarray:
        a, b = values[left], values[right]
        w = weight.reshape((-1,) + (1,) * (values.ndim - 1))
        return np.where(np.isnan(a), b, np.where(np.isnan(b), a, a + w * (b - a)))

    return replace(
        pose,
        image=read(pose.image),
        world=read(pose.world),
        visibility=read(pose.visibility),
        back_bend=read(pose.back_bend),
        timestamps=at,
        fps=fps,
    )


def name_at_rates(cache: Path) -> list[str]:
    """Return a table: the movement each clip read as a timed up-and-go is named at every rate of :data:`RATES`."""
    lines = ["| clip | " + " | ".join(f"{r:g} fps" for r in RATES) + " |", "|---" * (len(RATES) + 1) + "|"]
    for path in sorted(cache.glob("*.full.npz")):
        pose = PoseSequence.from_npz(path)
        if path.name.count(".") > 2 or assess(pose).assessment.movement != "tug":
            continue
        named = [assess(resample_pose(pose, rate)).assessment.movement for rate in RATES]
        lines.append(f"| `{path.name.split('.')[0]}` | " + " | ".join(named) + " |")
    return lines


def evaluate(cache: Path) -> tuple[list[str], list[str]]:
    """Return the table of changed readings and the counts per alteration."""
    lines = ["| clip | alteration | at (s) | change |", "|---|---|---|---|"]
    same = {"dropped": 0, "repeated": 0, "lost 0.6 s": 0}
    total, extra_blanked, clips_blanked = 0, 0, set()
    for path in sorted(cache.glob("*.full.npz")):
        if path.name.count(".") > 2:
            continue
        pose = PoseSequence.from_npz(path)
        before = summarise(assess(pose).assessment)
        frames = np.linspace(0.05 * len(pose), 0.95 * len(pose), POSITIONS).astype(int)
        for frame in frames:
            lost, _, blanked = lose_span(pose, int(frame))
            altered = {
                "dropped": drop_frame(pose, int(frame)),
                "repeated": repeat_frame(pose, int(frame)),
                "lost 0.6 s": lost,
            }
            if blanked:
                extra_blanked += blanked
                clips_blanked.add(path.name)
            for name, clip in altered.items():
                change = describe_change(before, summarise(assess(clip).assessment))
                same[name] += not change
                if change:
                    lines.append(f"| `{path.name.split('.')[0]}` | {name} | {pose.timestamps[frame]:.2f} | {change} |")
            total += 1
    counts = [f"- {name}: same reading at {n} of {total} places" for name, n in same.items()]
    counts.append(
        f"- lost 0.6 s: frames of the patient blanked besides the lost ones: {extra_blanked}, "
        f"in {len(clips_blanked)} clips"
    )
    return lines, counts


def main(argv: list[str] | None = None) -> int:
    """Print (and optionally write) the changed readings and the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pose-cache", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    lines, counts = evaluate(args.pose_cache)
    sys.stdout.write("\n".join(lines) + "\n")
    write_changes(lines, [*counts, "", *name_at_rates(args.pose_cache)], args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
