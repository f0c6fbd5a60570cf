"""Spans of time in frames: how many frames a rule's duration covers at the rate a clip was recorded at.

Phones and webcams film at 15, 24, 25, 30 or 60 frames per second, and variable-frame-rate containers claim
whatever they like, so a rule that needs "0.1 s" must not be written as "3 frames". The rate comes from the
frames' own timestamps (:func:`compute_frame_rate`), and a duration becomes a frame count with
:func:`compute_frames`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

JITTER_FRAMES = 0.25
"""A frame count may fall this much of a frame short of its duration: a rate read from a short window or from
uneven timestamps comes out a little off its nominal value (30.8 for a nominal 30), and should still give the
count of its nominal rate."""

OUTLIER_HALF_WINDOW_S = 2.0 / 30.0
"""Half the running median's window for per-frame readings with wild values: two frames at 30 frames/s,
enough to drop a one- or two-frame outlier, and the same span of time at any other frame rate."""


def compute_frame_rate(timestamps: FloatArray) -> float:
    """Return the mean frame rate of ``timestamps``: frame intervals over their total (NaN for < 2 frames)."""
    span = float(timestamps[-1] - timestamps[0]) if timestamps.size > 1 else 0.0
    return (timestamps.size - 1) / span if span > 0 else float("nan")


def compute_frames(seconds: float, fps: float) -> int:
    """Return the frames that span ``seconds`` at ``fps``, rounded up less :data:`JITTER_FRAMES` (at least 1).

    Parameters
    ----------
    seconds : float
        The duration a rule asks for.
    fps : float
        The rate the frames were recorded at; NaN or 0 (unknown) gives 1.

    Returns
    -------
    int
        For 0.1 s: 1 frame at 10 frames/s, 2 at 15, 3 at 24-32, 6 at 60.
    """
    if not (np.isfinite(fps) and fps > 0):
        return 1
    return max(1, math.ceil(seconds * fps - JITTER_FRAMES))


def compute_median_width(fps: float) -> int:
    """Return the running median's odd window at ``fps``: :data:`OUTLIER_HALF_WINDOW_S` either side.

    Five frames at 23-37 frames/s, three at 15, nine at 60; five for an unknown rate.
    """
    half = max(1, round(OUTLIER_HALF_WINDOW_S * fps)) if np.isfinite(fps) and fps > 0 else 2
    return 2 * half + 1
