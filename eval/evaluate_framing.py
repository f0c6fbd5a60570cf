"""A camera set too close: every development clip filmed again with its feet or its head out of the picture.

Clinic rooms are small and phones are often propped too near. Each development clip (``../shared/videos``) is
decoded, every frame is cropped to a band of rows, and the real pose model (``full``) runs on the cropped frames,
so what is measured is what the model does with a body the picture cuts off, not a simulation of it. The bands
(:data:`CROPS`) are set per clip from the landmarks of the whole frame: the feet cut at mid-shin or just below the
ankles; a tight crop with the whole body in view, as a control; the head leaving the top whenever the patient
stands tall; the top edge through the forehead or through the middle of the face.

Each cropped clip is assessed with ``movement=auto`` and its reading (movement, view, full reps, score,
findings) compared with the whole frame's. A reading falls in one of four groups: **not scored, cut off** (the
report says the body was not all in the picture: ``assessment.cut_off``); **same reading**; **not scored** (for
another reason, e.g. a walk with no full step in view, whose message names the parts outside the picture); and
**scored differently**, the one that misleads. Nothing here is fitted: the bands follow the body, and the
tolerance of ``movequal.core.framing`` is taken from elsewhere (see its docstring).

    PYTHONPATH=. .venv/bin/python eval/evaluate_framing.py --pose-cache /tmp/mq-poses [--out /tmp/framing.md]

The cropped landmarks are cached beside the others in ``--pose-cache`` (``<clip>.crop-<band>.full.npz``); the
first run takes about 10 minutes on two cores.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from evaluate_clips import REPO, load_pose
from invariance import describe_change, summarise, write_changes

from movequal.core.scoring import assess
from movequal.io.video import iter_frames, probe_video
from movequal.pose.landmarker import EstimatorConfig, PoseEstimator, source_metadata
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.tracking import filter_identity_switches

MODEL = "full"
CROPS = ("mid-shin", "ankle", "tight", "standing head", "forehead", "mid-face")
"""The bands: the feet cut at mid-shin or just below the ankles; the whole body in view but tight on every side (a
control: what a crop does to the model's landmarks when nothing is cut); the head leaving the top of the picture
in the 30 % of frames where it is highest (a patient standing up tall); the top edge through the forehead; through
the middle of the face."""


def _rows(pose: PoseSequence, *names: str) -> np.ndarray:
    """Per frame, the mean image height of the named landmarks, on the frames where they were all found."""
    y = np.stack([pose.image[:, IDX[name], 1] for name in names]).mean(axis=0)
    return y[np.isfinite(y)]


def crop_band(pose: PoseSequence, crop: str) -> tuple[float, float]:
    """Return the kept rows (top, bottom) as fractions of the frame's height, from the whole frame's landmarks."""
    nose, shoulders = _rows(pose, "nose"), _rows(pose, "left_shoulder", "right_shoulder")
    ankles, knees = _rows(pose, "left_ankle", "right_ankle"), _rows(pose, "left_knee", "right_knee")
    head = float(np.median(shoulders) - np.median(nose))  # nose to shoulders, as a fraction of the height
    soles = np.maximum(_rows(pose, "left_heel", "right_heel"), _rows(pose, "left_foot_index", "right_foot_index"))
    bands = {
        "mid-shin": lambda: (0.0, float(np.median(knees) + 0.5 * (np.median(ankles) - np.median(knees)))),
        "ankle": lambda: (0.0, float(np.median(ankles)) + 0.015),
        "tight": lambda: (float(nose.min()) - 0.7 * head, float(soles.max()) + 0.01),
        "standing head": lambda: (float(np.percentile(nose, 30)), 1.0),
        "forehead": lambda: (float(np.median(nose)) - 0.3 * head, 1.0),
        "mid-face": lambda: (float(np.median(nose)) + 0.5 * head, 1.0),
    }
    top, bottom = bands[crop]()
    return max(0.0, top), min(1.0, bottom)


def estimate_cropped(clip: Path, band: tuple[float, float]) -> PoseSequence:
    """Run the pose model on every frame of ``clip`` cropped to the rows of ``band``."""
    config = EstimatorConfig(model=MODEL)
    info = probe_video(clip)
    rows, times, size = [], [], (info.width, info.height)
    with PoseEstimator(config) as estimator:
        for frame in iter_frames(clip):
            height = frame.image.shape[0]
            image = frame.image[round(band[0] * height) : round(band[1] * height)]
            size = (image.shape[1], image.shape[0])
            rows.append(estimator.process(image, frame.time))
            times.append(frame.time)
    pose = PoseSequence.from_rows(rows, times, fps=info.fps, frame_size=size, source=source_metadata(info, config, []))
    return filter_identity_switches(pose)[0]


def load_cropped(job: tuple[Path, str, Path]) -> Path:
    """Estimate one clip under one crop unless the cache has it; return the cached file."""
    clip, crop, cache = job
    cached = cache / f"{clip.stem}.crop-{crop.replace(' ', '-')}.{MODEL}.npz"
    if not cached.exists():
        band = crop_band(load_pose(clip, cache, MODEL), crop)
        estimate_cropped(clip, band).to_npz(cached)
    return cached


def classify(change: str, after: dict[str, object], cut_off: list[str]) -> str:
    """Name the group of a reading: not scored as cut off, the same reading, not scored, or scored differently.

    A refusal is named first, whatever the refused reading is: it is what the report says.
    """
    if cut_off:
        return "not scored, cut off"
    if not change:
        return "same reading"
    return "not scored" if after["score"] is None else "scored differently"


def main(argv: list[str] | None = None) -> int:
    """Crop, estimate and assess every clip; print (and optionally write) the changes and the counts per group."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=REPO.parent / "shared" / "videos")
    parser.add_argument("--pose-cache", type=Path, required=True, help="landmarks of the whole and cropped frames")
    parser.add_argument("--jobs", type=int, default=2, help="processes estimating the cropped clips")
    parser.add_argument("--out", type=Path, default=None, help="write the table and the counts (markdown)")
    args = parser.parse_args(argv)
    clips = sorted(p for p in args.videos.iterdir() if p.suffix in (".mp4", ".mov"))
    for clip in clips:  # the whole frames first (the crop bands are read from them), one process
        load_pose(clip, args.pose_cache, MODEL)
    jobs = [(clip, crop, args.pose_cache) for crop in CROPS for clip in clips]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        cached = list(pool.map(load_cropped, jobs))
    lines = ["| clip | cut off | what changed | group |", "|---|---|---|---|"]
    counts: dict[str, dict[str, int]] = {crop: {} for crop in CROPS}
    for (clip, crop, _), path in zip(jobs, cached, strict=True):
        before = summarise(assess(load_pose(clip, args.pose_cache, MODEL)).assessment)
        result = assess(PoseSequence.from_npz(path))
        after = summarise(result.assessment)
        change = describe_change(before, after)
        group = classify(change, after, getattr(result.assessment, "cut_off", []))  # absent before 1.13.0
        counts[crop][group] = counts[crop].get(group, 0) + 1
        if change:
            lines.append(f"| `{clip.name}` | {crop} | {change} | {group} |")
            sys.stdout.write(lines[-1] + "\n")
    totals = [
        f"- {crop} cut off: " + ", ".join(f"{group} {n} of {len(clips)}" for group, n in sorted(counts[crop].items()))
        for crop in CROPS
    ]
    write_changes(lines, totals, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
