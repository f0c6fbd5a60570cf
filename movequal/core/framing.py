"""Is the whole body in the picture? How often each body part lies outside it.

A camera set too close, or tilted, cuts off the feet or the head. The pose model goes on placing the joints it
cannot see, and nothing in its output says they are guesses: on development clips cropped for the purpose
(EVALUATION.md §49) ankles below the frame kept a visibility of 0.04-0.51 and a nose above it 1.0, while
nearly every clip's movement, reps or findings changed. What can be trusted is where the landmark lies: a
joint placed outside the frame was not seen. :func:`compute_out_of_picture` measures that per body part, and
:func:`find_cut_parts` names the parts cut off too often for the clip to be read.

The live page makes the same check on each frame before a set starts (``movequal.live.session.check_framing``);
this is its counterpart for a recording, which cannot be re-framed after the fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import NDArray

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FRAMED_PARTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "head": ("nose",),
        "shoulders": ("left_shoulder", "right_shoulder"),
        "hips": ("left_hip", "right_hip"),
        "knees": ("left_knee", "right_knee"),
        "feet": ("left_ankle", "right_ankle"),
    }
)
"""The body parts that must stay in the picture, and the landmarks that place them.

The joints every repetition and hold measure is built on, and the head: the pose model is not meant for a body
whose head is not visible (MediaPipe BlazePose GHUM 3D model card, "out-of-scope applications"). The feet are
placed by the ankles, not the toes: a foot whose toes touch the frame's edge still gives its ankle, heel
and knee angle."""

MAX_OUT_SHARE: Final = 0.10
"""Largest share of the frames with the person in which a body part may lie outside the picture.

Not fitted to the cropped clips (every one of them lies far above or at 0). It is the share of frames the
scoring core was shown to lose at random without the reading changing on 34 of 36 development clips
(EVALUATION.md §46): up to that share, the frames without a part are few enough to be bridged."""

ADVICE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "head": "step back or tilt the camera up",
        "shoulders": "step back or tilt the camera up",
        "hips": "move the camera so the patient stands in the middle of the picture",
        "knees": "step back or tilt the camera down",
        "feet": "step back or tilt the camera down",
    }
)
"""What to change, per part cut off, in the words of the live page's set-up check."""

FloatArray = NDArray[np.float64]


def compute_out_of_picture(pose: PoseSequence, frames: slice | None = None) -> dict[str, float]:
    """Return, per body part, the share of frames with the person in which the part lies outside the picture.

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks (image coordinates normalised to the frame, 0-1).
    frames : slice, optional
        The frames to read (the task's, e.g. from its first rep to its last); the whole clip when omitted.

    Returns
    -------
    dict of str to float
        One entry per :data:`FRAMED_PARTS` key, in that order: 0-1, rounded to 3 decimals; 0 for every part
        when the person is never found there.

    Notes
    -----
    A part is outside in a frame when any of its landmarks is: one foot below the frame already costs that
    leg's knee angle and the feet's stance. Frames where nobody was found are left out of the share; the
    tracking summary counts them separately.
    """
    window = frames if frames is not None else slice(0, len(pose))
    detected = pose.detected[window]
    if not detected.any():
        return dict.fromkeys(FRAMED_PARTS, 0.0)
    xy = pose.image[window][detected, :, :2]
    shares = {}
    for part, names in FRAMED_PARTS.items():
        points = xy[:, [IDX[name] for name in names]]
        with np.errstate(invalid="ignore"):  # an unseen landmark (NaN) is not outside
            outside = ((points < 0.0) | (points > 1.0)).any(axis=(1, 2))
        shares[part] = round(float(outside.mean()), 3)
    return shares


def find_task_frames(timestamps: FloatArray, spans: list[tuple[float, float]]) -> slice:
    """Return the frames from the first span's start to the last one's end (times in s); the whole clip without spans.

    A patient who walks into the picture before a set, or out of it after, leaves it on the way: only the frames
    the task was read from must show the whole body.
    """
    if not spans:
        return slice(0, timestamps.size)
    start = int(np.searchsorted(timestamps, min(s for s, _ in spans), side="left"))
    stop = int(np.searchsorted(timestamps, max(e for _, e in spans), side="right"))
    return slice(start, max(stop, start + 1))


def find_cut_parts(shares: Mapping[str, float], max_share: float = MAX_OUT_SHARE) -> list[str]:
    """Return the parts outside the picture in more than ``max_share`` of the frames, in :data:`FRAMED_PARTS` order."""
    return [part for part in FRAMED_PARTS if shares.get(part, 0.0) > max_share]


def _listed(cut: list[str], shares: Mapping[str, float]) -> str:
    return ", ".join(f"the {part} in {shares[part] * 100:.0f} %" for part in cut)


def _advice(cut: list[str]) -> str:
    return "; ".join(dict.fromkeys(ADVICE[part] for part in cut))


def explain_cut_parts(shares: Mapping[str, float]) -> str | None:
    """Return a sentence naming the parts cut off too often and what to change; None when none was.

    For a task that was not measured for another reason (a walk with no full step in view): the framing may be
    why, and the clinic can mend it.
    """
    cut = find_cut_parts(shares)
    if not cut:
        return None
    return f"Outside the picture: {_listed(cut, shares)} of the frames with the patient; {_advice(cut)}."


def describe_cut_parts(cut: list[str], shares: Mapping[str, float]) -> str:
    """Return the sentence a report shows instead of a score when ``cut`` parts left the picture too often.

    Raises
    ------
    ValueError
        If ``cut`` is empty: a clip with the whole body in view has nothing to explain.
    """
    if not cut:
        raise ValueError("describe_cut_parts needs at least one part cut off")
    return (
        "Not measurable: the body was not all in the picture (outside it: "
        f"{_listed(cut, shares)} of the task's frames with the patient in view). The pose model guesses what it "
        f"cannot see, so nothing was scored. Film again with the whole body in view, head to feet: {_advice(cut)}."
    )
