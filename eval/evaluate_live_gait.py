"""The live step counter and cadence against the offline gait analysis, on real walks and synthetic ones.

Each walking clip's landmarks (and the timed up-and-go clips', whose walk is a bout of steps) are fed frame by
frame to :class:`movequal.live.cadence.LiveCadence`, as a live session would see them, and the same landmarks
are assessed offline as a walk (:func:`movequal.core.scoring.assess`). Compared: the steps each path counts, how
many live steps land within :data:`PAIR_S` of an offline heel strike, and the cadence the live page shows at the
end of each bout against the offline cadence of the pass it falls in. Synthetic walks (exact heel strikes) give
the error against the truth.

    PYTHONPATH=. .venv/bin/python eval/evaluate_live_gait.py --pose-cache /tmp/posecache [--videos DIR]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movequal.core.scoring import assess
from movequal.live.cadence import LiveCadence
from movequal.pose.sequence import PoseSequence
from movequal.report.feedback import LiveGait
from movequal.synthetic import Camera, Gait, SyntheticSpec, generate

PAIR_S = 0.15
"""A live step and an offline heel strike are the same contact when this close (seconds)."""
CLIP_PATTERNS = ("walk_*.mp4", "sts_front-oblique_unknown_amtug*.mp4")
SYNTHETIC_CADENCES = (80.0, 100.0, 120.0)
SYNTHETIC_VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")


@dataclass(frozen=True)
class LiveWalk:
    """What the live counter saw on one clip."""

    steps: tuple[float, ...]
    """Times of the counted heel strikes."""
    bout_cadences: tuple[tuple[float, float], ...]
    """(time, cadence) the page showed on the last frame of each bout with a cadence."""


def stream(pose: PoseSequence) -> LiveWalk:
    """Feed ``pose`` to a :class:`LiveCadence` frame by frame; collect the steps and each bout's last cadence."""
    live = LiveCadence("walk", pose.fps, pose.frame_size)
    states: list[tuple[float, LiveGait]] = []
    for i in range(len(pose)):
        update = live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]))
        assert update.gait is not None
        states.append((float(pose.timestamps[i]), update.gait))
    ends: dict[int, tuple[float, float]] = {}  # bout number → (time, cadence) on its last frame with a cadence
    bout, before = 0, 0
    for t, now in states:
        bout += now.bout_steps < before
        before = now.bout_steps
        if now.cadence_per_min is not None:
            ends[bout] = (t, now.cadence_per_min)
    return LiveWalk(tuple(live.step_times), tuple(ends.values()))


def compare_clip(pose: PoseSequence) -> dict[str, str]:
    """One table row: steps live and offline, paired contacts, each bout's live cadence against its pass's."""
    live = stream(pose)
    gait = assess(pose, "walk").assessment.gait
    strikes = np.array([e.time for e in gait.heel_strikes]) if gait else np.zeros(0)
    paired = sum(bool(strikes.size) and float(np.min(np.abs(strikes - t))) <= PAIR_S for t in live.steps)
    cells = []
    for t, cadence in live.bout_cadences:  # the pass nearest the bout's last frame with a cadence, within 2 s
        gaps = [(max(p.start_time - t, t - p.end_time, 0.0), p) for p in (gait.passes if gait else [])]
        near = min(gaps, key=lambda g: g[0], default=None)
        offline = f"{near[1].cadence_spm:.1f}" if near is not None and near[0] <= 2.0 else "no pass"
        cells.append(f"{cadence:.1f} vs {offline}")
    return {
        "live steps": str(len(live.steps)),
        "offline heel strikes": str(strikes.size),
        "live steps on an offline strike": f"{paired}/{len(live.steps)}",
        "cadence at each bout's end, live vs offline pass (/min)": "; ".join(cells) or "–",
    }


def synthetic_rows(noise_px: float = 2.0) -> list[str]:
    """Live cadence and step times against the exact synthetic truth, per view and cadence."""
    lines = [
        "| view | planted cadence (/min) | live steps / true strikes | step time error, median (s) | cadence | error |",
        "|---|---|---|---|---|---|",
    ]
    for view in SYNTHETIC_VIEWS:
        for cadence in SYNTHETIC_CADENCES:
            spec = SyntheticSpec(
                movement="walk", camera=Camera(view=view), noise_px=noise_px, gait=Gait(cadence=cadence)
            )  # type: ignore[arg-type]
            pose, truth = generate(spec)
            assert truth.gait is not None
            strikes = np.sort(np.concatenate([truth.gait.heel_strike_s[s] for s in ("left", "right")]))
            live = stream(pose)
            errors = [float(np.min(np.abs(strikes - t))) for t in live.steps]
            last = live.bout_cadences[-1][1] if live.bout_cadences else float("nan")
            lines.append(
                f"| {view} | {cadence:.0f} | {len(live.steps)} / {strikes.size} | {np.median(errors):.3f} | "
                f"{last:.1f} | {100 * (last - truth.gait.cadence_spm) / truth.gait.cadence_spm:+.1f} % |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the real-clip and synthetic tables (markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "videos")
    parser.add_argument("--pose-cache", type=Path, default=None)
    parser.add_argument("--model", default="full")
    args = parser.parse_args(argv)
    from eval.evaluate_clips import load_pose  # run as a script only: that module imports its siblings bare

    clips = sorted(c for pattern in CLIP_PATTERNS for c in args.videos.glob(pattern))
    if not clips:
        sys.stderr.write(f"no walking clips in {args.videos}\n")
        return 2
    rows = [(clip.name, compare_clip(load_pose(clip, args.pose_cache, args.model))) for clip in clips]
    header = list(rows[0][1])
    lines = ["| clip | " + " | ".join(header) + " |", "|---|" + "---|" * len(header)]
    lines += [f"| `{name}` | " + " | ".join(cells[h] for h in header) + " |" for name, cells in rows]
    sys.stdout.write("\n".join([*lines, "", *synthetic_rows()]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
