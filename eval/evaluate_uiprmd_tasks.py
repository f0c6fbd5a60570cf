"""Which measures separate correct from incorrect UI-PRMD hurdle steps, leg raises and scaptions, per view.

movequal has no movement profile for ``m02`` (hurdle step), ``m06`` (standing
active straight leg raise) or ``m10`` (standing shoulder scaption), so this
evaluates *measures*, not the scoring core's findings. For every single-rep file
of subjects s01–s05 (correct and incorrect), each measure of :data:`TASKS` is
computed (a) on the motion capture's joint centres, with no camera, and (b)
from the landmarks :func:`eval.uiprmd.film_recording` gives in each view,
filtered as :func:`movequal.core.scoring.assess` filters them and read through
:func:`movequal.core.kinematics.compute_kinematics` where the core has the
series. Reported: median correct, median incorrect and the AUC of incorrect
against correct in the direction declared before any AUC was computed (an AUC
below 0.5 is shown as it is, never flipped).

The moving leg (m02, m06) or raised arm (m10) is the right one except for
s02's hurdle steps (left leg); it is found per subject from the correct files
(:func:`moving_side`), and the side views are reported as near to or far from it.

Sources per view: the motion capture reads everything in 3D (body frame).
Side views read in-plane angles and heights from the image (the far side is
masked, as in the core); frontal-plane measures (pelvic obliquity, lateral
trunk lean, sideways sway) are not measurable there. The front view reads
sagittal and arm angles from the 3D world landmarks and the frontal-plane
measures from the image (the core's ``pelvic_obliquity`` and
``trunk_lateral_lean`` series; sway from the image, as the world landmarks
are centred on the hips).

    PYTHONPATH=. .venv/bin/python -m eval.evaluate_uiprmd_tasks [--data ../shared/datasets/ui-prmd]
        [--out FILE.md]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from eval import uiprmd_measures as mq
from eval.evaluate_uiprmd import EPISODES, REPO, SUBJECTS, compute_auc, file_path
from eval.uiprmd import VIEWS, Recording, film_recording, load_recording
from movequal.core.filtering import filter_pose
from movequal.core.kinematics import Kinematics, compute_inclination, compute_kinematics
from movequal.core.scoring import KINEMATIC_LANDMARKS, WORLD_LANDMARKS
from movequal.core.sides import compute_midpoint
from movequal.core.views import SAGITTAL, compute_facing
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import CameraView

FloatArray = NDArray[np.float64]
NOISE_LEVELS = (0.0, 3.0)
SOURCES = ("mocap", "side, near", "side, far", "frontal")
"""Side views named by where the camera stands: on the moving limb's side (near) or the other (far)."""
MIN_FRAMES = 10
"""Files shorter than this at 30 fps (one m10 file has a single frame) are left out."""
ARMS = [IDX[f"{side}_{j}"] for j in ("elbow", "wrist") for side in ("left", "right")]
FEET = [IDX[f"{side}_{j}"] for j in ("heel", "foot_index") for side in ("left", "right")]


@dataclass(frozen=True)
class Sample:
    """One recording as one source sees it: the points each kind of measure reads, and the core's series."""

    source: str
    moving: str
    """The side of the moving leg or the raised arm ("left" or "right")."""
    angles: FloatArray
    """Points for sagittal and arm angles and heights: mocap or world 3D, or image pixels in side views."""
    up: FloatArray
    forward: FloatArray
    near_side: str | None
    plane: FloatArray | None
    """Points for frontal-plane measures (mocap 3D or front-view image pixels); None in side views."""
    plane_up: FloatArray
    kin: Kinematics | None = None


def _suffix(sample: Sample) -> str:
    return "" if sample.source in SAGITTAL else "_3d"


def _other(side: str) -> str:
    return "left" if side == "right" else "right"


def peak_hip_flexion(s: Sample) -> float:
    """Peak hip flexion of the moving leg (core series ``hip_flexion[_3d]_right``)."""
    if s.kin is not None:
        return mq.peak(s.kin.series[f"hip_flexion{_suffix(s)}_{s.moving}"])
    return mq.peak(mq.flexion(s.angles, s.moving, "hip"))


def peak_knee_flexion(s: Sample) -> float:
    """Peak knee flexion of the moving leg (core series ``knee_flexion[_3d]_right``)."""
    if s.kin is not None:
        return mq.peak(s.kin.series[f"knee_flexion{_suffix(s)}_{s.moving}"])
    return mq.peak(mq.flexion(s.angles, s.moving, "knee"))


def peak_trunk_inclination(s: Sample) -> float:
    """Peak trunk inclination from vertical (core: ``Kinematics.angle("trunk_inclination", view)``)."""
    if s.kin is not None:
        return mq.peak(s.kin.angle("trunk_inclination", s.source))  # type: ignore[arg-type]
    hips = compute_midpoint(s.angles, "left_hip", "right_hip")
    shoulders = compute_midpoint(s.angles, "left_shoulder", "right_shoulder")
    return mq.peak(compute_inclination(hips, shoulders, tuple(s.up)))


def obliquity_range(s: Sample) -> float:
    """Range of pelvic obliquity (core series ``pelvic_obliquity`` in the front view)."""
    if s.plane is None:
        return float("nan")
    if s.kin is not None:
        return mq.value_range(s.kin.series["pelvic_obliquity"])
    return mq.value_range(mq.tilt(s.plane, "left_hip", "right_hip", s.plane_up))


def lateral_lean_range(s: Sample) -> float:
    """Range of lateral trunk lean (core series ``trunk_lateral_lean`` in the front view)."""
    if s.plane is None:
        return float("nan")
    if s.kin is not None:
        return mq.value_range(s.kin.series["trunk_lateral_lean"])
    return mq.value_range(mq.lateral_lean(s.plane, s.plane_up))


def sway(s: Sample) -> float:
    """Sideways range of the hip mid-point over the stance ankle in single-leg stance (leg lengths)."""
    if s.plane is None:
        return float("nan")
    leg = s.kin.reference.leg_length_px if s.kin is not None and s.kin.reference is not None else None
    return mq.pelvis_sway(s.plane, s.moving, _other(s.moving), s.plane_up, leg)


def peak_thigh_inclination(s: Sample) -> float:
    """Peak thigh inclination (knee → hip from vertical) of the moving leg (core ``thigh_inclination[_3d]_*``)."""
    if s.kin is not None:
        return mq.peak(s.kin.series[f"thigh_inclination{_suffix(s)}_{s.moving}"])
    hip, knee = (mq.joint(s.angles, f"{s.moving}_{j}") for j in ("hip", "knee"))
    return mq.peak(compute_inclination(knee, hip, tuple(s.up)))


def peak_elevation(s: Sample) -> float:
    """Peak elevation of the raised arm against the trunk."""
    return mq.peak(mq.arm_elevation(s.angles, s.moving))


def trunk_extension(s: Sample) -> float:
    """Backward trunk inclination at peak arm elevation, relative to the start."""
    elevation = mq.arm_elevation(s.angles, s.moving)
    return mq.trunk_extension_at_peak(elevation, s.angles, s.up, s.forward, s.near_side)


def shoulder_shrug(s: Sample) -> float:
    """Peak rise of the raised arm's shoulder above its hip, in standing trunk lengths."""
    return mq.shrug(s.angles, s.moving, s.up)


@dataclass(frozen=True)
class Measure:
    """A per-repetition measure and the direction declared, before computing, to mean "incorrect"."""

    label: str
    compute: Callable[[Sample], float]
    larger_incorrect: bool
    frontal_plane: bool = False
    """Not measurable from a side view."""
    post_hoc: bool = False
    """Added after the declared measures' AUCs were seen: exploratory, not a pre-declared test."""


TASKS: dict[str, tuple[str, tuple[Measure, ...]]] = {
    "m02": (
        "hurdle step (one leg steps over)",
        (
            Measure("peak hip flexion, moving leg (°)", peak_hip_flexion, larger_incorrect=False),
            Measure("pelvic obliquity range (°)", obliquity_range, larger_incorrect=True, frontal_plane=True),
            Measure("pelvis sway, single-leg stance (leg lengths)", sway, larger_incorrect=True, frontal_plane=True),
            Measure("peak trunk inclination (°)", peak_trunk_inclination, larger_incorrect=True),
            Measure("lateral trunk lean range (°)", lateral_lean_range, True, frontal_plane=True, post_hoc=True),
        ),
    ),
    "m06": (
        "standing active straight leg raise (one leg)",
        (
            Measure("peak hip flexion, raised leg (°)", peak_hip_flexion, larger_incorrect=False),
            Measure("peak knee flexion, raised leg (°)", peak_knee_flexion, larger_incorrect=True),
            Measure("pelvic obliquity range (°)", obliquity_range, larger_incorrect=True, frontal_plane=True),
            Measure("pelvis sway, single-leg stance (leg lengths)", sway, larger_incorrect=True, frontal_plane=True),
            Measure("peak thigh inclination, raised leg (°)", peak_thigh_inclination, False, post_hoc=True),
        ),
    ),
    "m10": (
        "standing shoulder scaption (one arm)",
        (
            Measure("peak shoulder elevation, arm vs trunk (°)", peak_elevation, larger_incorrect=False),
            Measure("trunk extension at peak elevation (°)", trunk_extension, larger_incorrect=True),
            Measure("shoulder shrug (trunk lengths)", shoulder_shrug, larger_incorrect=True),
            Measure("lateral trunk lean range (°)", lateral_lean_range, larger_incorrect=True, frontal_plane=True),
        ),
    ),
}
"""Measures per movement, chosen and given a direction before any AUC was computed (``post_hoc``: after)."""


def mocap_sample(recording: Recording, moving: str) -> Sample:
    """Read the motion capture's joint centres in the body frame (forward, up, left): every measure in 3D."""
    up = np.array([0.0, 1.0, 0.0])
    points = recording.points
    return Sample("mocap", moving, points, up, mq.foot_forward(points, up, _other(moving)), None, points, up)


def camera_sample(recording: Recording, moving: str, view: CameraView, noise_px: float) -> Sample:
    """Film, filter as the core does (plus arms and feet, which the core leaves raw) and measure."""
    pose = film_recording(recording, view, noise_px)
    filtered = filter_pose(
        pose, only=[*KINEMATIC_LANDMARKS, *ARMS], world_only=[*WORLD_LANDMARKS, *ARMS, *FEET], image_coords=(0, 1)
    )
    kin = compute_kinematics(filtered)
    px = filtered.image_pixels()
    image_up = np.array([0.0, -1.0])
    if view in SAGITTAL:
        forward = np.array([compute_facing(px), 0.0])
        near = kin.reference.near_side if kin.reference is not None else None
        return Sample(view, moving, px, image_up, forward, near, None, image_up, kin)
    up = np.array([0.0, -1.0, 0.0])
    world = filtered.world
    return Sample(view, moving, world, up, mq.foot_forward(world, up, _other(moving)), None, px, image_up, kin)


def source_label(view: CameraView, moving: str) -> str:
    """Name a side view by where it stands against the moving limb: "side, near" or "side, far"."""
    if view not in SAGITTAL:
        return view
    return "side, near" if view == f"sagittal-{moving}" else "side, far"


def measure_recording(
    code: str, recording: Recording, moving: str, correct: bool, out: dict[tuple[str, ...], list[float]]
) -> None:
    """Append every measure of ``code`` from every source and noise level to ``out``."""
    samples = [(0.0, "mocap", mocap_sample(recording, moving))]
    samples += [
        (noise, source_label(view, moving), camera_sample(recording, moving, view, noise))
        for noise in NOISE_LEVELS
        for view in VIEWS
    ]
    for noise, source, sample in samples:
        for m in TASKS[code][1]:
            key = (code, m.label, source, f"{noise:g}", "correct" if correct else "incorrect")
            out.setdefault(key, []).append(m.compute(sample))


def usable(recording: Recording) -> bool:
    """At least :data:`MIN_FRAMES` frames and the hips known in all three axes somewhere.

    A file whose pelvis markers are missing at the start has no heading: its
    landmarks keep their height but lose the forward and sideways axes.
    """
    hips = recording.points[:, [IDX["left_hip"], IDX["right_hip"]]]
    return len(recording.points) >= MIN_FRAMES and bool(np.isfinite(hips).all(axis=-1).any())


def moving_side(code: str, recordings: list[Recording]) -> str:
    """Find the side a subject moves in its correct files: whose ankle (legs) or elbow (m10) rises the most."""
    point = "elbow" if code == "m10" else "ankle"
    rise = {
        side: np.nanmedian([mq.value_range(r.points[:, IDX[f"{side}_{point}"], 1]) for r in recordings])
        for side in ("left", "right")
    }
    return "left" if rise["left"] > rise["right"] else "right"


def _load(data: Path, code: str, subject: str, correct: bool) -> list[Recording]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN medians of a file without a heading
        return [load_recording(file_path(data, code, subject, episode, correct)) for episode in EPISODES]


def run(data: Path) -> tuple[dict[tuple[str, ...], list[float]], list[str], list[str]]:
    """Measure every single-rep file of m02, m06 and m10: values, files left out, subjects moving the left side."""
    out: dict[tuple[str, ...], list[float]] = {}
    skipped, left = [], []
    for code in TASKS:
        for subject in SUBJECTS:
            files = {correct: _load(data, code, subject, correct) for correct in (True, False)}
            moving = moving_side(code, [r for r in files[True] if usable(r)])
            if moving == "left":
                left.append(f"{code} {subject}")
            for correct, recordings in files.items():
                skipped += [r.name for r in recordings if not usable(r)]
                for recording in filter(usable, recordings):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        measure_recording(code, recording, moving, correct, out)
    return out, skipped, left


def _cells(values: dict[tuple[str, ...], list[float]], key: tuple[str, ...], m: Measure) -> list[str]:
    """n, medians and AUC of one (movement, measure, source, noise), or why there is nothing to show."""
    good, bad = (np.asarray(values.get((*key, c), []), dtype=np.float64) for c in ("correct", "incorrect"))
    if m.frontal_plane and key[2].startswith("side"):
        return ["not measurable from the side", "", "", ""]
    good, bad = good[np.isfinite(good)], bad[np.isfinite(bad)]
    if not good.size or not bad.size:
        return ["hidden (far side masked)", "", "", ""]
    sign = 1.0 if m.larger_incorrect else -1.0
    auc = compute_auc(list(sign * bad), list(sign * good))
    fmt = ".3f" if "lengths" in m.label else ".1f"
    flag = " (< 0.5)" if auc < 0.5 else ""
    return [f"{good.size} / {bad.size}", f"{np.median(good):{fmt}}", f"{np.median(bad):{fmt}}", f"{auc:.2f}{flag}"]


def table(values: dict[tuple[str, ...], list[float]], code: str) -> list[str]:
    """Markdown table of one movement: every measure, every source, exact landmarks and 3 px noise."""
    lines = [
        "| measure (declared: incorrect is) | source | n correct / incorrect | median correct | median incorrect "
        "| AUC | median correct, 3 px | median incorrect, 3 px | AUC, 3 px |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in TASKS[code][1]:
        label = f"{m.label} ({'larger' if m.larger_incorrect else 'smaller'}{', post hoc' if m.post_hoc else ''})"
        for source in SOURCES:
            exact = _cells(values, (code, m.label, source, "0"), m)
            noisy = ["—", "—", "—"] if source == "mocap" else _cells(values, (code, m.label, source, "3"), m)[1:]
            if exact[1] == "" and source != "mocap":
                noisy = ["", "", ""]
            lines.append(f"| {label} | {source} | " + " | ".join(exact + noisy) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure every file, print the tables and optionally write them to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "datasets" / "ui-prmd")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    values, skipped, left = run(args.data)
    parts = [f"#### {code}: {title}\n\n" + "\n".join(table(values, code)) for code, (title, _) in TASKS.items()]
    note = (
        "Sources: `mocap` = the joint centres in 3D, no camera; `side, near` = the side view on the moving limb's "
        "side (`sagittal-right`, or `sagittal-left` where the subject moves the left limb), `side, far` = the other "
        "side view (the moving limb is masked there, as the core masks the far side); `frontal` = the front view. "
        f"Subjects moving the left limb: {', '.join(left) or 'none'}. "
        f"Files left out (no pelvis at the start, or under {MIN_FRAMES} frames): {', '.join(skipped) or 'none'}. "
        f"Run time {time.perf_counter() - started:.0f} s."
    )
    text = "\n\n".join([note, *parts]) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
