"""The standing and seated hip heights a live session has held so far, and the hip driver they give.

Offline, :func:`movequal.core.movements.compute_driver` scales the hip height by
levels read from the whole clip. Live, only the frames seen so far are known:
:class:`HipLevels` keeps the highest and lowest hip heights *held* for
:data:`SUSTAIN_S` (a standing pause counts, a tracking glitch of a few frames
does not) and scales the driver by them, so the levels are corrected at the
first pause in each position.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import NDArray

from movequal.core.movement_registry import RestPosition
from movequal.core.reps import MIN_PROMINENCE

FloatArray = NDArray[np.float64]
STANDING_HIP_HEIGHT = 0.9
"""Hip height (leg lengths above the ankles) of an upright stance, before one has been seen."""
SUSTAIN_S = 0.5
"""The standing (seated) level is the highest (lowest) hip height kept for this long: a standing pause
counts, a tracking glitch of a few frames does not."""
MIN_SPAN = 0.5
"""Until both levels have been seen, a hip-rise driver's full scale is at least this share of standing height
(the scale of the hip-drop driver, whose 1 is the hips at half their standing height)."""


class HipLevels:
    """The standing and seated hip levels held so far, and the hip driver scaled by them.

    Parameters
    ----------
    hip_rise : bool
        Whether the movement's driver is ``"hip-rise"`` (sit-to-stand: scaled by the span between the
        levels) rather than a hip drop (scaled by half the standing height).
    fps : float
        Nominal frame rate of the session (a pause may be short of :data:`SUSTAIN_S` by 1.5 frames).
    """

    def __init__(self, hip_rise: bool, fps: float) -> None:
        """Start with no level seen."""
        self.hip_rise, self.fps = hip_rise, fps
        self.standing = -np.inf
        """Highest hip height held for :data:`SUSTAIN_S` (leg lengths above the ankles)."""
        self.seated = np.inf
        """Lowest hip height held for :data:`SUSTAIN_S`."""
        self._recent: deque[tuple[float, float]] = deque()  # (time, hip height) of the last SUSTAIN_S

    def reset(self, standing: float = -np.inf) -> None:
        """Forget every height seen, starting the standing level at ``standing``."""
        self.standing, self.seated = standing, np.inf
        self._recent.clear()

    def update(self, time_s: float, height: float) -> None:
        """Raise the standing level and lower the seated one to the hip heights held over the last SUSTAIN_S."""
        if not np.isfinite(height):
            return
        self._recent.append((time_s, height))
        while self._recent[-1][0] - self._recent[0][0] > SUSTAIN_S:
            self._recent.popleft()
        recent = [h for _, h in self._recent]
        self.standing, self.seated = max(self.standing, min(recent)), min(self.seated, max(recent))

    def detect_still(self) -> bool:
        """Whether the hips have moved less than half the smallest rep over the last SUSTAIN_S (a pause)."""
        if not self._recent or self._recent[-1][0] - self._recent[0][0] < SUSTAIN_S - 1.5 / self.fps:
            return False
        moved = float(np.ptp([h for _, h in self._recent]))  # heights: above the standing level the driver is flat
        return moved / self.compute_scale() < MIN_PROMINENCE / 2

    def compute_scale(self) -> float:
        """Hip height change (leg lengths) that moves the hip driver by 1, by the levels known so far."""
        if self.hip_rise:
            return max(self.standing - self.seated, MIN_SPAN * self.standing, 1e-6)
        return max(0.5 * self.standing, 1e-6)

    def compute_driver(self, height: FloatArray, rest: RestPosition) -> FloatArray:
        """Hip driver from the levels known so far (the live form of ``compute_driver``), resting at ``rest``."""
        if self.hip_rise:
            level = (self.standing - height) if rest == "standing" else (height - self.seated)
        else:
            level = self.standing - height  # (1 - height / standing) / 0.5, as compute_driver
        return np.asarray(np.clip(level / self.compute_scale(), 0.0, None))
