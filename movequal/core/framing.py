"""Is the whole body in the picture? How often each body part lies outside it.

A camera set too close, or tilted, cuts off the feet or the head. The pose model goes on placing the joints it
cannot see, and nothing in its output says they are guesses: on development clips cropped for the purpose
(EVALUATION.md §49) ankles below the frame kept a visibility of 0.04-0.51 and a nose above it 1.0, while most
clips' movement, reps or findings changed. What can be trusted is where the landmark lies: a joint placed
outside the frame was not seen. :func:`compute_out_of_picture` measures that per body part, and
:func:`find_cut_parts` names the parts, among those the task is read from, that were cut off too often for the
clip to be read.

The live page checks the same parts on each frame (``movequal.live.session.check_framing``, through
:func:`find_parts_outside`), so that it asks for a better set-up before the recording is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
        "feet": ("left_ankle", "right_ankle", "left_heel", "right_heel"),
        "elbows": ("left_elbow", "right_elbow"),
        "wrists": ("left_wrist", "right_wrist"),
    }
)
"""The body parts whose place in the picture is measured, and the landmarks that place them.

The feet are placed by the ankles and heels, not the toes: toes that touch the frame's edge (as in one clean
development clip) leave the ankle, the heel and the knee angle to be read; a heel below the edge does not (the
heel rise is read on it)."""

BODY_PARTS: Final = ("shoulders", "hips", "knees", "feet")
"""The parts every task done in place is read from: out of the picture too often, the clip is not scored.

The head is measured and reported but does not refuse a clip. The pose model's card lists a body whose head is
not visible among its out-of-scope uses (MediaPipe BlazePose GHUM 3D), but on the development clips filmed with
the head leaving the top of the picture whenever the patient stood up, the reading changed on 9 of 27, fewer than
the 11 of 27 that a tighter crop with the whole body in view changes (EVALUATION.md §49)."""

DRIVER_PARTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {"arm-elevation": ("elbows",), "hand-reach": ("wrists",)}
)
"""The parts a movement's repetition driver reads besides :data:`BODY_PARTS` (its registry ``driver``): the
overhead reach the upper arm's elevation, the forward reach the wrist's travel."""

_COLUMNS: Final = [IDX[name] for names in FRAMED_PARTS.values() for name in names]
_PART_COLUMNS: Final = {part: [_COLUMNS.index(IDX[name]) for name in names] for part, names in FRAMED_PARTS.items()}
"""Each part's positions among :data:`_COLUMNS`."""
_XY: Final = np.array([3 * column + axis for column in _COLUMNS for axis in (0, 1)])
"""Where x and y of each framed landmark lie in a frame's flattened (33 × 3) image landmarks: one 2-D gather is
about twice as fast as indexing the 3-D array."""

MAX_OUT_SHARE: Final = 0.10
"""Largest share of the frames with the person in which a body part may lie outside the picture.

An assumption carried over, not a fit: it is the share of frames the scoring core was shown to lose at random
without the reading changing on 34 of 36 development clips (EVALUATION.md §46). A cut loses the same phase of
every rep rather than random frames, so the share does not carry over exactly. On the cropped clips of §49, any
value from 5 % to 30 % refuses 26-27 of the 27 filmed with the feet cut at mid-shin and 21-24 of those cut just
below the ankles; the clips cut through the face depend on it more (17 refused at 5 %, 13 at 10 %, 5 at 30 %)."""

ADVICE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "head": "step back or tilt the camera up",
        "shoulders": "step back or tilt the camera up",
        "hips": "move the camera so the patient stands in the middle of the picture",
        "knees": "step back or tilt the camera down",
        "feet": "step back or tilt the camera down",
        "elbows": "step back so the raised arms stay in the picture",
        "wrists": "step back so the hands stay in the picture",
    }
)
"""What to change, per part cut off, in the words of the live page's set-up check."""

FloatArray = NDArray[np.float64]


def locate_out_of_picture(pose: PoseSequence) -> FloatArray:
    """Return, per frame and body part, 1 where the part lies outside the picture, 0 inside, NaN without the person.

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks (image coordinates normalised to the frame, 0-1).

    Returns
    -------
    ndarray, shape (T, len(FRAMED_PARTS))
        Columns in :data:`FRAMED_PARTS` order.

    Notes
    -----
    A part is outside in a frame when any of its landmarks is: one foot below the frame already costs that
    leg's knee angle and the feet's stance. A frame where nobody was found (no landmark at all) is NaN, so that
    it weighs on no share; the tracking summary counts those frames separately.
    """
    frames, landmarks, coords = pose.image.shape
    xy = pose.image.reshape(frames, landmarks * coords)[:, _XY]  # x, y of each framed landmark, in pairs
    found = np.isfinite(xy).any(axis=1)
    with np.errstate(invalid="ignore"):  # an unseen landmark (NaN) is not outside
        beyond = (xy < 0.0) | (xy > 1.0)
    outside = beyond[:, 0::2] | beyond[:, 1::2]
    parts = np.stack([outside[:, cols].any(axis=1) for cols in _PART_COLUMNS.values()], axis=1)
    located = parts.astype(np.float64)
    located[~found] = np.nan
    return located


def summarise_out_of_picture(located: FloatArray, frames: slice | None = None) -> dict[str, float]:
    """Return, per body part, the share of ``frames`` with the person in which it lies outside the picture.

    Parameters
    ----------
    located : ndarray, shape (T, len(FRAMED_PARTS))
        From :func:`locate_out_of_picture`.
    frames : slice, optional
        The frames to read (the task's, e.g. from its first rep to its last); the whole clip when omitted.

    Returns
    -------
    dict of str to float
        One entry per :data:`FRAMED_PARTS` key, in that order: 0-1, rounded to 3 decimals; 0 for every part
        when the person is never found there.
    """
    window = located[frames if frames is not None else slice(None)]
    seen = window[np.isfinite(window[:, 0])]
    if not seen.size:
        return dict.fromkeys(FRAMED_PARTS, 0.0)
    return {part: round(float(share), 3) for part, share in zip(FRAMED_PARTS, seen.mean(axis=0), strict=True)}


def compute_out_of_picture(pose: PoseSequence, frames: slice | None = None) -> dict[str, float]:
    """Return, per body part, the share of frames with the person in which the part lies outside the picture.

    :func:`locate_out_of_picture` then :func:`summarise_out_of_picture`; see both.
    """
    return summarise_out_of_picture(locate_out_of_picture(pose), frames)


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


def find_cut_parts(
    shares: Mapping[str, float], parts: Sequence[str] = BODY_PARTS, max_share: float = MAX_OUT_SHARE
) -> list[str]:
    """Return those of ``parts`` outside the picture in more than ``max_share`` of the frames, in body order."""
    return [part for part in FRAMED_PARTS if part in parts and shares.get(part, 0.0) > max_share]


def parts_read_by(driver: str | None) -> tuple[str, ...]:
    """Return the parts a task with this repetition ``driver`` reads: :data:`BODY_PARTS` and :data:`DRIVER_PARTS`."""
    return BODY_PARTS + DRIVER_PARTS.get(driver or "", ())


def find_parts_outside(image: FloatArray, parts: Sequence[str] = BODY_PARTS) -> list[str]:
    """Return those of ``parts`` with a landmark outside the picture in one frame (normalised image, (33, 3)).

    The per-frame form of :func:`locate_out_of_picture`, for the live page's set-up check; an unseen (NaN)
    landmark is not outside.
    """
    with np.errstate(invalid="ignore"):
        beyond: NDArray[np.bool_] = np.asarray(((image[:, :2] < 0.0) | (image[:, :2] > 1.0)).any(axis=1))
    return [part for part in FRAMED_PARTS if part in parts and any(beyond[IDX[n]] for n in FRAMED_PARTS[part])]


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
