"""The same recording as another camera would give it: mirrored, started later, or at a lower frame rate.

A clinic's camera may face the patient's other side, start recording at any moment, or run at 15, 24, 30 or 60
frames per second. None of that should change what movequal says about a movement. These transformations make
such a recording from landmarks already estimated, so the scoring core can be checked for each:

- :func:`mirror_pose`: the picture flipped left to right. The pose model, looking at a mirrored person, names
  the limbs by where they appear, so every left landmark takes its right partner's place (and the other way),
  with image x turned into ``1 - x`` and world x negated.
- :func:`shift_pose`: the same frames, with the clock started earlier (every timestamp later by a constant).
- :func:`decimate_pose`: every ``step``-th frame, as a camera at a ``step`` times lower frame rate would see it
  (the pose model's frame-to-frame smoothing is not redone, so this isolates the scoring core).
- :func:`zoom_pose`: the person ``factor`` times as tall in the picture, about its centre (a camera further away
  or zoomed out; the world landmarks, in metres, stay).
- :func:`resize_frame`: the same picture at ``factor`` times the resolution (pixel sizes scale, the person's
  place in the frame does not).
- :func:`hold_pose`: the recording started earlier or stopped later while the patient held still in the
  clip's first or last posture (a set-up at the bar, standing before the first rep, crouched over the weight
  just set down), as clinic recordings begin and end; the held frames carry a little landmark jitter.
- :func:`lose_frames`: a share of the frames, drawn at random, in which the pose model found nobody (motion
  blur, a dim room, a passer-by), as real recordings have.
- :func:`shake_pose` and :func:`dolly_pose`: a hand-held camera, whose picture wanders by a few per cent of the
  frame, or which the holder carries nearer to the patient or further away during the clip.
- :func:`roll_pose`: the camera turned about its own axis by a few degrees (a phone or tripod not quite level):
  the image landmarks turn about the frame's centre, in pixels, and the world landmarks, which the pose model
  gives in the camera's axes, turn with them. Unlike the others this *does* change what the camera sees (every
  angle against the vertical moves by the roll), so it measures how level the camera must be, not an invariance.

:func:`summarise` reduces an assessment to what a clinician reads (movement, view with its side left out, full
reps, score, each finding with its severity and reps) so two readings can be compared for equality.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from movequal.core.assessment import Assessment
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX


def _partner(name: str) -> str:
    """Return the landmark on the other side of the body (``left_knee`` → ``right_knee``); the nose is its own."""
    if name.startswith("left_"):
        return "right_" + name.removeprefix("left_")
    if name.startswith("right_"):
        return "left_" + name.removeprefix("right_")
    return name


MIRROR_ORDER = np.array([IDX[_partner(name)] for name in sorted(IDX, key=IDX.__getitem__)])
"""Row ``i`` of a mirrored frame is the original frame's landmark ``MIRROR_ORDER[i]``."""


def mirror_pose(pose: PoseSequence) -> PoseSequence:
    """Return the landmarks of the horizontally flipped video (left and right swapped, x reflected)."""
    image = pose.image[:, MIRROR_ORDER].copy()
    image[..., 0] = 1.0 - image[..., 0]
    world = pose.world[:, MIRROR_ORDER].copy()
    world[..., 0] = -world[..., 0]
    return replace(pose, image=image, world=world, visibility=pose.visibility[:, MIRROR_ORDER].copy())


def shift_pose(pose: PoseSequence, seconds: float) -> PoseSequence:
    """Return the same frames with every timestamp ``seconds`` later."""
    return replace(pose, timestamps=pose.timestamps + seconds)


def decimate_pose(pose: PoseSequence, step: int) -> PoseSequence:
    """Return every ``step``-th frame, the frame rate divided by ``step``."""
    keep = slice(None, None, step)
    return PoseSequence(
        image=pose.image[keep],
        visibility=pose.visibility[keep],
        world=pose.world[keep],
        timestamps=pose.timestamps[keep],
        fps=pose.fps / step,
        frame_size=pose.frame_size,
        source={**pose.source, "decimated_by": step},
        back_bend=pose.back_bend[keep],
    )


def zoom_pose(pose: PoseSequence, factor: float) -> PoseSequence:
    """Return the image landmarks scaled by ``factor`` about the frame's centre."""
    image = pose.image.copy()
    image[..., :2] = 0.5 + factor * (image[..., :2] - 0.5)
    return replace(pose, image=image)


def resize_frame(pose: PoseSequence, factor: float) -> PoseSequence:
    """Return the same landmarks in a frame ``factor`` times as wide and tall (in pixels)."""
    width, height = pose.frame_size
    return replace(pose, frame_size=(round(width * factor), round(height * factor)))


HOLD_JITTER_PX = 1.5
"""Landmark jitter (SD, pixels) on held frames, so that they are not copies of one frame (exact ties)."""
HOLD_JITTER_M = 0.003
"""The same for the world landmarks (SD, metres)."""


def hold_pose(pose: PoseSequence, seconds: float, where: str, seed: int = 0) -> PoseSequence:
    """Return the clip with its first (``where="start"``) or last (``"end"``) frame held for ``seconds`` more.

    Notes
    -----
    The held frames come at the clip's median frame interval (a variable-rate container may claim
    1000 frames/s), each with Gaussian jitter of :data:`HOLD_JITTER_PX` and :data:`HOLD_JITTER_M`;
    timestamps start again at 0. A clip that starts or ends mid-movement is then held in a posture
    nobody holds (a foot in the air), so a changed reading there can be the probe's, not the core's.
    """
    if where not in ("start", "end"):
        raise ValueError(f"where: expected 'start' or 'end', got {where!r}")
    rng = np.random.default_rng(seed)
    step = float(np.median(np.diff(pose.timestamps)))
    count = max(1, round(seconds / step))
    i = 0 if where == "start" else len(pose) - 1
    width, height = pose.frame_size
    image = np.repeat(pose.image[i : i + 1], count, axis=0)
    image[..., :2] += rng.normal(0.0, HOLD_JITTER_PX, (count, image.shape[1], 2)) / np.array([width, height])
    world = np.repeat(pose.world[i : i + 1], count, axis=0)
    world += rng.normal(0.0, HOLD_JITTER_M, world.shape)
    offsets = step * np.arange(1, count + 1)
    visibility, back_bend = (np.repeat(a[i : i + 1], count, axis=0) for a in (pose.visibility, pose.back_bend))
    held = (image, visibility, world, back_bend)
    clip = (pose.image, pose.visibility, pose.world, pose.back_bend)
    parts = (held, clip) if where == "start" else (clip, held)
    times = (
        np.concatenate([pose.timestamps[0] - offsets[::-1], pose.timestamps])
        if where == "start"
        else np.concatenate([pose.timestamps, pose.timestamps[-1] + offsets])
    )
    image, visibility, world, back_bend = (np.concatenate([parts[0][k], parts[1][k]]) for k in range(4))
    return PoseSequence(
        image=image,
        visibility=visibility,
        world=world,
        timestamps=times - times[0],
        fps=pose.fps,
        frame_size=pose.frame_size,
        source={**pose.source, f"held_at_{where}_s": seconds},
        back_bend=back_bend,
    )


def turn_wait_pose(pose: PoseSequence, seconds: float, degrees: float) -> PoseSequence:
    """Return the clip after ``seconds`` of its first posture with the body turned ``degrees`` about the vertical.

    Notes
    -----
    A patient waiting turned towards the clinician (or the camera) before turning back for the set:
    :func:`hold_pose` with its held frames' world landmarks turned about the camera's vertical axis (the
    world landmarks give the view). The held picture is the first frame's, so a reading from the image
    of the wait is not probed; the turn back is instant, the harder case for a reading of the set's stance.
    """
    held = hold_pose(pose, seconds, "start")
    wait = len(held) - len(pose)
    angle = np.radians(degrees)
    cos, sin = np.cos(angle), np.sin(angle)
    world = held.world.copy()
    x, z = world[:wait, :, 0].copy(), world[:wait, :, 2].copy()
    world[:wait, :, 0], world[:wait, :, 2] = cos * x - sin * z, sin * x + cos * z
    return replace(held, world=world, source={**held.source, "wait_turned_deg": degrees})


def lose_frames(pose: PoseSequence, share: float, seed: int = 1) -> PoseSequence:
    """Return the clip with about ``share`` of its frames (drawn at random, never the first or last) found empty.

    An empty frame is what the pose model gives when it finds nobody: NaN landmarks, visibility 0, no back
    outline. The first and last frames are kept so the clip's length does not change.
    """
    if not 0.0 <= share < 1.0:
        raise ValueError(f"share: expected a share in [0, 1), got {share!r}")
    lost = np.random.default_rng(seed).random(len(pose)) < share
    lost[[0, -1]] = False
    image, world, visibility, back_bend = (a.copy() for a in (pose.image, pose.world, pose.visibility, pose.back_bend))
    image[lost], world[lost], visibility[lost], back_bend[lost] = np.nan, np.nan, 0.0, np.nan
    return replace(pose, image=image, world=world, visibility=visibility, back_bend=back_bend)


def roll_pose(pose: PoseSequence, degrees: float) -> PoseSequence:
    """Return the landmarks a camera rolled by ``degrees`` would give (+ turns the picture clockwise on screen).

    Notes
    -----
    The turn is done in pixels (the frame's aspect ratio kept), about the
    frame's centre; landmarks turned out of the frame keep their values, as
    the pose model would not have seen them but the test wants the motion.
    The world landmarks (x right, y down, in the camera's axes) turn about
    the camera's axis by the same angle.
    """
    width, height = pose.frame_size
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    image = pose.image.copy()
    x, y = (image[..., 0] - 0.5) * width, (image[..., 1] - 0.5) * height
    image[..., 0], image[..., 1] = 0.5 + (c * x - s * y) / width, 0.5 + (s * x + c * y) / height
    world = pose.world.copy()
    wx, wy = world[..., 0].copy(), world[..., 1].copy()
    world[..., 0], world[..., 1] = c * wx - s * wy, s * wx + c * wy
    return replace(pose, image=image, world=world)


def shake_pose(pose: PoseSequence, amplitude: float, seed: int = 2) -> PoseSequence:
    """Return the image landmarks moved as a hand-held camera's picture moves: a smooth wander of the frame.

    Notes
    -----
    The shift in each direction is a sum of three sinusoids between 0.5 and
    3 Hz (a holder's sway and the tremor of arm and hand) with random phases,
    scaled so that its largest excursion is ``amplitude`` of the frame's
    height, the same number of pixels across and down. Only the picture moves:
    the world landmarks, which the pose model gives about the hips in the
    camera's axes, do not change under a camera's translation.
    """
    rng = np.random.default_rng(seed)
    t = pose.timestamps - pose.timestamps[0]
    width, height = pose.frame_size
    image = pose.image.copy()
    for axis, size in ((0, width), (1, height)):
        freqs, phases = rng.uniform(0.5, 3.0, 3), rng.uniform(0.0, 2 * np.pi, 3)
        wander = np.sin(2 * np.pi * freqs[None, :] * t[:, None] + phases[None, :]).sum(axis=1)
        wander *= amplitude * height / max(float(np.abs(wander).max()), 1e-9)
        image[..., axis] += (wander / size)[:, None]
    return replace(pose, image=image)


def dolly_pose(pose: PoseSequence, factor: float) -> PoseSequence:
    """Return the image landmarks of a camera carried nearer (``factor`` > 1) or further over the clip.

    The person grows steadily from its size on the first frame to ``factor`` times it on the last, about the
    frame's centre; the world landmarks (metres) stay.
    """
    t = pose.timestamps - pose.timestamps[0]
    scale = 1.0 + (factor - 1.0) * t / max(float(t[-1]), 1e-9)
    image = pose.image.copy()
    image[..., :2] = 0.5 + scale[:, None, None] * (image[..., :2] - 0.5)
    return replace(pose, image=image)


def summarise(assessment: Assessment) -> dict[str, Any]:
    """Return what a clinician reads off an assessment, with the camera's side left out of the view."""
    view = assessment.view.replace("-left", "").replace("-right", "")
    findings = sorted((f.code, f.severity, tuple(f.reps)) for f in assessment.findings)
    return {
        "movement": assessment.movement,
        "view": view,
        "reps": assessment.full_reps,
        "score": assessment.score,
        "findings": [f"{code} ({severity}, reps {','.join(map(str, reps))})" for code, severity, reps in findings],
    }


def describe_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Return the fields that differ, as ``field: before → after`` (empty when the readings agree)."""
    return "; ".join(f"{key}: {before[key]} → {after[key]}" for key in before if before[key] != after[key])


def write_changes(lines: list[str], counts: list[str], out: Path | None) -> None:
    """Print the counts after the table rows already printed, and write the table and the counts to ``out``."""
    sys.stdout.write("\n" + "\n".join(counts) + "\n")
    if out:
        out.write_text("\n".join([*lines, "", *counts]) + "\n", encoding="utf-8")
