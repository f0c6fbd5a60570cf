"""Scoring-core throughput: offline ``assess`` on an hour of landmarks, and the live per-frame cost.

The landmarks are real: the bundled sample clip is run through the pose model
once, and its frames are tiled (with increasing timestamps) to one hour at
30 fps. ``assess`` is timed end to end (filtering, kinematics, view, movement,
reps, rules, scores), and on as long a synthetic walk (gait events,
passes, walking rules); :class:`movequal.live.incremental.IncrementalAssessor` is
timed per frame over the same frames.

    .venv/bin/python bench/bench_scoring.py [--minutes 60] [--repeat 3]

With ``--baseline DIR`` (another checkout, e.g. a ``git worktree`` of the
previous commit) it times only the offline hours (squats as ``squat`` and ``auto``, the synthetic walk as
``walk``), in fresh processes that alternate between this checkout and DIR, and prints the paired old/new ratios:
on a busy machine, a ratio of neighbouring runs is steadier than two medians
taken minutes apart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from movequal.core.assessment import MovementChoice
from movequal.core.scoring import AssessmentResult, assess
from movequal.live.cadence import LiveCadence
from movequal.live.hold_timer import LiveHoldTimer
from movequal.live.incremental import IncrementalAssessor
from movequal.live.session import LiveTracker
from movequal.live.stopwatch import LiveTugStopwatch
from movequal.pose.estimation import estimate_video
from movequal.pose.sequence import PoseSequence
from movequal.synthetic import Balance, Camera, SyntheticSpec, generate
from movequal.synthetic.gait import Gait

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "squat_side_lnewco7053.mov"


def tile(pose: PoseSequence, frames: int, fps: float = 30.0) -> PoseSequence:
    """Repeat a clip's landmarks (forwards then backwards, so it stays continuous) to ``frames`` frames."""
    cycle = np.concatenate([np.arange(len(pose)), np.arange(len(pose) - 2, 0, -1)])
    index = np.resize(cycle, frames)
    return PoseSequence(
        image=pose.image[index],
        visibility=pose.visibility[index],
        world=pose.world[index],
        timestamps=np.arange(frames) / fps,
        fps=fps,
        frame_size=pose.frame_size,
        source={"file": "tiled sample"},
    )


def _timed_assess(pose: PoseSequence, movement: MovementChoice, repeat: int) -> tuple[AssessmentResult, float]:
    """The last result of ``assess(pose, movement)`` and the median wall time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = assess(pose, movement)
        times.append(time.perf_counter() - start)
    return result, float(np.median(times))


def bench_offline(pose: PoseSequence, repeat: int) -> dict[str, float]:
    """Median wall time of ``assess`` on the whole sequence."""
    result, median = _timed_assess(pose, "squat", repeat)
    reps = len(result.assessment.reps)
    return {"frames": len(pose), "seconds": median, "frames_per_s": len(pose) / median, "reps": reps}


def bench_walking(frames: int, repeat: int) -> dict[str, float]:
    """Median wall time of ``assess(..., "walk")`` on a synthetic walk (30 steps, 2 px noise) tiled to ``frames``.

    Notes
    -----
    No real walking clip is bundled (only the MIT squats may be), so the walker is the synthetic one; it walks
    back and forth as the tiling reverses, one long pass of about 1,000 steps every 10 minutes.
    """
    result, median = _timed_assess(tile(synthetic_walk(), frames), "walk", repeat)
    strikes = len(result.assessment.gait.heel_strikes) if result.assessment.gait else 0
    return {"frames": frames, "seconds": median, "frames_per_s": frames / median, "heel_strikes": strikes}


def bench_tug(repeat: int) -> dict[str, float]:
    """Median wall time of ``assess(..., "auto")`` on one synthetic timed up-and-go (2 px noise, oblique view).

    Notes
    -----
    A timed up-and-go is one short test, not a stream, so it is not tiled: the figure is the test's own frames
    over the time to recognise and time it (recognition included, since it runs on every ``auto`` analysis).
    """
    test, _ = generate(SyntheticSpec(movement="tug", camera=Camera(view="oblique"), noise_px=2.0))
    runs = max(repeat, 20)
    result, median = _timed_assess(test, "auto", runs)
    tug = result.assessment.tug
    total = tug.total_s if tug is not None and tug.total_s is not None else float("nan")
    return {"frames": len(test), "seconds": median, "frames_per_s": len(test) / median, "total_s": total}


def bench_balance(repeat: int) -> dict[str, float]:
    """Median wall time of ``assess(..., "auto")`` on one synthetic 30 s single-leg stance (2 px noise, front view).

    Notes
    -----
    One test, as for the timed up-and-go: recognition, the hold, its sway and the finding, not tiled.
    """
    test, _ = generate(SyntheticSpec(movement="single-leg-stance", camera=Camera(view="frontal"), noise_px=2.0,
                                     balance=Balance(hold_s=30.0)))  # fmt: skip
    result, median = _timed_assess(test, "auto", max(repeat, 20))
    held = result.assessment.balance.best_right_s if result.assessment.balance else None
    return {"frames": len(test), "seconds": median, "frames_per_s": len(test) / median, "hold_s": held or 0.0}


def _per_frame_cost(make: Callable[[PoseSequence], LiveTracker], test: PoseSequence, repeat: int) -> dict[str, float]:
    """Per-frame cost (ms) of a live engine made by ``make`` over ``test``, ``repeat`` times from a fresh engine."""
    costs = []
    for _ in range(max(repeat, 3)):
        engine = make(test)
        for i in range(len(test)):
            start = time.perf_counter()
            engine.update(test.image[i], test.visibility[i], test.world[i], float(test.timestamps[i]))
            costs.append(time.perf_counter() - start)
    ms = np.asarray(costs) * 1000.0
    return {"frames": len(test), "mean_ms": float(ms.mean()), "p95_ms": float(np.percentile(ms, 95)),
            "max_ms": float(ms.max())}  # fmt: skip


def bench_live_hold(repeat: int) -> dict[str, float]:
    """Per-frame cost of the live hold timer over the same synthetic single-leg stance."""
    test, _ = generate(SyntheticSpec(movement="single-leg-stance", camera=Camera(view="frontal"), noise_px=2.0,
                                     balance=Balance(hold_s=30.0)))  # fmt: skip
    return _per_frame_cost(lambda p: LiveHoldTimer("single-leg-stance", p.fps, p.frame_size), test, repeat)


def bench_live_stopwatch(repeat: int) -> dict[str, float]:
    """Per-frame cost of the live timed up-and-go stopwatch over one synthetic test (oblique, 2 px noise)."""
    test, _ = generate(SyntheticSpec(movement="tug", camera=Camera(view="oblique"), noise_px=2.0))
    return _per_frame_cost(lambda p: LiveTugStopwatch("tug", p.fps, p.frame_size), test, repeat)


def bench_live_cadence(repeat: int) -> dict[str, float]:
    """Per-frame cost of the live step counter over one synthetic walk (side view, 2 px noise)."""
    test, _ = generate(SyntheticSpec(movement="walk", camera=Camera(view="sagittal-left"), noise_px=2.0))
    return _per_frame_cost(lambda p: LiveCadence("walk", p.fps, p.frame_size), test, repeat)


def bench_live(pose: PoseSequence) -> dict[str, float]:
    """Per-frame cost of the incremental assessor, including the frames that complete a rep."""
    live = IncrementalAssessor("squat", pose.fps, pose.frame_size)
    costs = np.empty(len(pose))
    ends = np.zeros(len(pose), dtype=bool)
    for i in range(len(pose)):
        start = time.perf_counter()
        update = live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]))
        costs[i] = time.perf_counter() - start
        ends[i] = update.rep is not None
    ms = costs * 1000.0
    reps = int(ends.sum())
    return {
        "frames": len(pose),
        "mean_ms": float(ms.mean()),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "rep_frame_median_ms": float(np.median(ms[ends])) if reps else float("nan"),
        "reps": reps,
    }


_CHILD = """
import json, sys, time
from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence
pose = PoseSequence.from_npz(sys.argv[1])
assess(PoseSequence.from_npz(sys.argv[2]), sys.argv[3])
times = []
for _ in range(int(sys.argv[4])):
    start = time.perf_counter()
    assess(pose, sys.argv[3])
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""
"""Times ``assess`` in a fresh process on the checkout first on its path: argv landmarks, warm-up, movement, repeat."""


def _time_checkout(root: Path, hour: Path, warm: Path, movement: str, repeat: int) -> float:
    """Median wall time of ``assess`` on ``hour`` in a fresh process importing ``movequal`` from ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", _CHILD, str(hour), str(warm), movement, str(repeat)]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
    return float(np.median(json.loads(done.stdout.strip().splitlines()[-1])))


_LIVE_CHILD = """
import json, sys
sys.path.append(sys.argv[2])  # this benchmark's folder; movequal itself comes from the checkout on PYTHONPATH
from bench_scoring import LIVE_MEASURES, bench_live
from movequal.pose.sequence import PoseSequence
pose = PoseSequence.from_npz(sys.argv[1])
bench_live(pose[:900])  # warm-up: first calls, caches
print(json.dumps([bench_live(pose)[name] for name in LIVE_MEASURES]))
"""
"""Times :func:`bench_live` on argv landmarks in a fresh process importing ``movequal`` from the checkout on its
``PYTHONPATH``, after a 30 s warm-up session: the :data:`LIVE_MEASURES` (ms)."""

LIVE_MEASURES = ("mean_ms", "p95_ms", "p99_ms", "rep_frame_median_ms")


def bench_live_paired(live: Path, baseline: Path, pairs: int) -> dict[str, object]:
    """The live per-frame cost in this checkout and in ``baseline``, alternating fresh processes as offline."""
    new: list[list[float]] = []
    old: list[list[float]] = []
    for i in range(pairs):
        order = [(REPO, new), (baseline, old)]
        for root, rows in order if i % 2 == 0 else order[::-1]:
            env = {**os.environ, "PYTHONPATH": str(root)}
            command = [sys.executable, "-c", _LIVE_CHILD, str(live), str(Path(__file__).parent)]
            done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    out: dict[str, object] = {}
    for j, name in enumerate(LIVE_MEASURES):
        mine, theirs = [r[j] for r in new], [r[j] for r in old]
        out[name] = {"new": mine, "old": theirs, "median_ratio": float(np.median(np.asarray(theirs) / mine))}
    return out


def synthetic_walk() -> PoseSequence:
    """The synthetic walker of :func:`bench_walking`: 30 steps, side view at 1280×720, 2 px noise."""
    walk, _ = generate(SyntheticSpec(movement="walk", camera=Camera(view="sagittal-left", frame_size=(1280, 720)),
                                     noise_px=2.0, gait=Gait(steps=30)))  # fmt: skip
    return walk


def bench_paired(
    pose: PoseSequence, warm: PoseSequence, live: PoseSequence, baseline: Path, pairs: int, repeat: int
) -> dict[str, object]:
    """Offline ``assess`` in this checkout and in ``baseline``, alternating: ``pose`` as squat and auto, a walk.

    Each pair is one fresh process per checkout (the order swapped every pair), each timing ``repeat`` runs
    after a warm-up; the ratio is baseline time over this checkout's time. The walk is the synthetic walker
    of :func:`bench_walking` tiled to as many frames as ``pose``. ``live`` is streamed through a live squat
    session the same way (:func:`bench_live_paired`, one pass per process).
    """
    out: dict[str, object] = {"baseline": str(baseline), "frames": len(pose), "pairs": pairs}
    with tempfile.TemporaryDirectory() as folder:
        hour, first = Path(folder) / "hour.npz", Path(folder) / "warm.npz"
        walk_hour, walk_first = Path(folder) / "walk.npz", Path(folder) / "walk_warm.npz"
        pose.to_npz(hour)
        warm.to_npz(first)
        walker = synthetic_walk()
        tile(walker, len(pose)).to_npz(walk_hour)
        tile(walker, len(warm)).to_npz(walk_first)
        runs = {"squat": (hour, first), "auto": (hour, first), "walk": (walk_hour, walk_first)}
        for movement, (landmarks, warm_up) in runs.items():
            new, old = [], []
            for i in range(pairs):
                order = [(REPO, new), (baseline, old)]
                for root, times in order if i % 2 == 0 else order[::-1]:
                    times.append(_time_checkout(root, landmarks, warm_up, movement, repeat))
            ratios = np.asarray(old) / np.asarray(new)
            out[movement] = {
                "new_s": new, "old_s": old, "ratios": ratios.round(3).tolist(),
                "median_ratio": float(np.median(ratios)),
                "new_frames_per_s": len(pose) / float(np.median(new)),
                "old_frames_per_s": len(pose) / float(np.median(old)),
            }  # fmt: skip
        live.to_npz(Path(folder) / "live.npz")
        out["live"] = bench_live_paired(Path(folder) / "live.npz", baseline, pairs)
    return out


def main() -> None:
    """Run both benchmarks and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--live-minutes", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout: time the offline hour and live, paired")
    parser.add_argument("--pairs", type=int, default=5, help="alternating runs per checkout with --baseline")
    args = parser.parse_args()
    clip = estimate_video(SAMPLE)
    hour = tile(clip, int(args.minutes * 60 * 30))
    if args.baseline is not None:
        live = tile(clip, int(args.live_minutes * 60 * 30))
        paired = bench_paired(hour, tile(clip, 3000), live, args.baseline.resolve(), args.pairs, args.repeat)
        print(json.dumps(paired, indent=2))
        return
    assess(tile(clip, 3000), "squat")  # warm-up: imports, caches
    out = {
        "offline": bench_offline(hour, args.repeat),
        "offline_walking": bench_walking(len(hour), args.repeat),
        "offline_tug": bench_tug(args.repeat),
        "offline_balance": bench_balance(args.repeat),
        "live_hold": bench_live_hold(args.repeat),
        "live_stopwatch": bench_live_stopwatch(args.repeat),
        "live_cadence": bench_live_cadence(args.repeat),
        "live": bench_live(tile(clip, int(args.live_minutes * 60 * 30))),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
