"""Landmarks estimated in the browser: the ``landmarks`` message of ``/v1/live``, checked strictly.

When the live page runs MediaPipe in the browser (``"pose": "browser"`` in the
start message), no video reaches the server: each frame is one JSON message ::

    {"type": "landmarks", "t_ms": 1234.5, "size": [640, 480],
     "image": [[x, y, z, visibility] × 33], "world": [[x, y, z] × 33]}

with ``image`` and ``world`` both ``null`` when nobody is seen.
:func:`parse_landmark_message` turns it into the same
:class:`~movequal.pose.sequence.PoseRow` the server's own pose model gives a
frame, so the rest of the live path (scoring, cues, the saved report) is the
one used for camera frames. The back's outline (``back_bend``) needs the
model's body mask, which is not sent: it is NaN, "not measurable in browser
mode".

Everything is checked before it is used: exact shapes, numbers that are
finite and not booleans, image coordinates within a generous margin around the
picture, visibility in [0, 1], world coordinates within a few metres of the
hips, a positive frame size. A message that fails raises ``ValueError`` naming
the first problem.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from movequal.pose.sequence import PoseRow
from movequal.pose.skeleton import NUM_LANDMARKS

MAX_IMAGE_COORD = 10.0
"""Normalised image x, y, z beyond this (ten picture widths off the frame) are not a body."""
MAX_WORLD_M = 5.0
"""World landmarks are metres from the hips' mid-point: no body part is this far away."""
MAX_SIZE_PX = 8192
"""Largest frame side the browser may report."""
MAX_MESSAGE_CHARS = 16_384
"""A landmarks message is about 4 KB of JSON; anything much longer is refused before it is parsed."""
_KEYS = frozenset({"type", "t_ms", "size", "image", "world"})


@dataclass(frozen=True)
class BrowserLandmarks:
    """One checked ``landmarks`` message."""

    t_ms: float
    """The capture time the browser gave, in milliseconds (its own clock)."""
    size: tuple[int, int]
    """``(width, height)`` of the video the landmarks were estimated on."""
    row: PoseRow
    """The frame's landmarks (NaN image and world, 0 visibility when nobody was seen; ``back_bend`` NaN)."""


def _number(value: object, where: str) -> float:
    """Return ``value`` as a float if it is a real, finite JSON number (not a boolean, not a string)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where} must be a number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{where} must be a finite number")
    return number


def _matrix(value: object, name: str, columns: int) -> np.ndarray:
    """Check a list of NUM_LANDMARKS lists of ``columns`` numbers; return it as a float array.

    The common case (all well-formed) is checked in bulk; only a failing message is walked value by value
    to name its first bad value.
    """
    if not isinstance(value, list) or len(value) != NUM_LANDMARKS:
        got = f"{len(value)} items" if isinstance(value, list) else type(value).__name__
        raise ValueError(f"{name} must be a list of {NUM_LANDMARKS} landmarks, got {got}")
    for i, point in enumerate(value):
        if not isinstance(point, list) or len(point) != columns:
            raise ValueError(f"{name}[{i}] must be a list of {columns} numbers")
    plain = all(type(v) is float or type(v) is int for point in value for v in point)  # bool is not int here
    try:
        out = np.array(value, dtype=np.float64) if plain else None
    except OverflowError:  # an integer of hundreds of digits
        out = None
    if out is None or not np.isfinite(out).all():
        for i, point in enumerate(value):  # name the first bad value
            for j, v in enumerate(point):
                _number(v, f"{name}[{i}][{j}]")
    return out if out is not None else np.array(value, dtype=np.float64)  # numbers of a float subclass


def _size(value: object) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("size must be [width, height]")
    width, height = (_number(v, "size") for v in value)
    if not (width.is_integer() and height.is_integer() and 0 < width <= MAX_SIZE_PX and 0 < height <= MAX_SIZE_PX):
        raise ValueError(f"size must be two whole numbers of pixels from 1 to {MAX_SIZE_PX}")
    return int(width), int(height)


def _row(image_value: object, world_value: object) -> PoseRow:
    """Return the PoseRow of a message's two landmark lists (both None: nobody seen)."""
    if image_value is None and world_value is None:
        nan = np.full((NUM_LANDMARKS, 3), np.nan)
        return PoseRow(nan, np.zeros(NUM_LANDMARKS), nan.copy())
    if image_value is None or world_value is None:
        raise ValueError("image and world must both be given, or both be null when nobody is seen")
    image = _matrix(image_value, "image", 4)
    world = _matrix(world_value, "world", 3)
    if np.abs(image[:, :3]).max() > MAX_IMAGE_COORD:
        raise ValueError(f"image coordinates must lie within ±{MAX_IMAGE_COORD:g} (normalised to the frame)")
    if image[:, 3].min() < 0.0 or image[:, 3].max() > 1.0:
        raise ValueError("visibility must lie between 0 and 1")
    if np.abs(world).max() > MAX_WORLD_M:
        raise ValueError(f"world coordinates must lie within ±{MAX_WORLD_M:g} m of the hips")
    return PoseRow(image[:, :3].copy(), image[:, 3].copy(), world)


def parse_landmark_message(message: Mapping[str, Any]) -> BrowserLandmarks:
    """Check a ``landmarks`` message from the browser and turn it into a frame's landmarks.

    Parameters
    ----------
    message : mapping
        The decoded JSON object.

    Returns
    -------
    BrowserLandmarks
        The capture time, the frame size and the frame's :class:`~movequal.pose.sequence.PoseRow`.

    Raises
    ------
    ValueError
        With the first problem found: an unknown or missing key, a wrong shape,
        a value that is not a finite number, or one out of its bounds.
    """
    if message.get("type") != "landmarks":
        raise ValueError('a landmarks message must have "type": "landmarks"')
    unknown = sorted(set(message) - _KEYS)
    if unknown:
        raise ValueError(f"unknown field(s) in a landmarks message: {', '.join(map(str, unknown))}")
    missing = sorted(_KEYS - set(message))
    if missing:
        raise ValueError(f"a landmarks message needs {', '.join(missing)}")
    t_ms = _number(message["t_ms"], "t_ms")
    size = _size(message["size"])
    return BrowserLandmarks(t_ms, size, _row(message["image"], message["world"]))


def same_aspect(size: Sequence[int], expected: Sequence[int], tolerance: float = 0.02) -> bool:
    """Tell whether two ``(width, height)`` sizes have the same aspect ratio within ``tolerance`` (relative)."""
    ratio = (size[0] / size[1]) / (expected[0] / expected[1])
    return abs(ratio - 1.0) <= tolerance
