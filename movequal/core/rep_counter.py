"""Counting repetitions live, one driver value at a time, by the rules of :func:`~movequal.core.reps.segment_reps`."""

from __future__ import annotations

import numpy as np

from movequal.core.reps import MIN_PROMINENCE, MIN_RELATIVE_PROMINENCE, REST_TOLERANCE, RETURN_FRACTION, RepWindow


class RepCounter:
    """Count repetitions live, one driver value at a time.

    A rep starts when depth rises ``MIN_PROMINENCE`` above the lowest value
    since the last rep, reaches its peak, and is reported once depth has come
    back to within ``RETURN_FRACTION`` of its excursion, the same rule as
    :func:`segment_reps`. Frame numbers are counted from the first update.

    Notes
    -----
    Live there is no "largest excursion of the clip", so the relative
    prominence rule is replaced by the deepest rep seen so far: a dip under
    ``MIN_RELATIVE_PROMINENCE`` of it is not counted.
    """

    def __init__(self) -> None:
        """Start with no history."""
        self._frame = -1
        self._low, self._low_frame = np.inf, 0
        self._peak, self._peak_frame = -np.inf, 0
        self._active = False
        self._deepest = 0.0

    @property
    def active(self) -> bool:
        """True while a rep is under way (depth has left rest and not yet come back)."""
        return self._active

    def update(self, depth: float) -> RepWindow | None:
        """Feed the next frame's depth (NaN for unknown); return a rep when one has just ended."""
        self._frame += 1
        if not np.isfinite(depth):
            return None
        if not self._active:
            if depth < self._low + REST_TOLERANCE * MIN_PROMINENCE:  # still at rest: the rep starts later
                self._low, self._low_frame = min(depth, self._low), self._frame
            if depth - self._low >= MIN_PROMINENCE:
                self._active, self._peak, self._peak_frame = True, depth, self._frame
            return None
        if depth > self._peak:
            self._peak, self._peak_frame = depth, self._frame
        excursion = self._peak - self._low
        if depth > self._peak - (1.0 - RETURN_FRACTION) * excursion:
            return None
        rep = RepWindow(self._low_frame, self._peak_frame, self._frame)
        self._active, self._low, self._low_frame = False, depth, self._frame
        counted = excursion >= MIN_RELATIVE_PROMINENCE * self._deepest
        self._deepest = max(self._deepest, excursion)
        return rep if counted else None
