"""When to remind a patient to breathe out, live: at the start of each rep's effort, and as a hold begins.

Holding the breath and straining against it (the Valsalva manoeuvre) is what people
do under effort, and what rehabilitation asks them not to: breathe out during the
exertion phase (Pollock et al. 2000, Circulation 101:828-833). The words for each
movement are the registry's ``breathing_cue``; this module only decides when to
say them, so that the patient hears them at the right moment and not on every rep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movequal.core.movement_registry import MovementProfile, RestPosition
from movequal.core.reps import MIN_PROMINENCE

ONSET = 0.5 * MIN_PROMINENCE
"""A rep's effort has begun once the driver is this far above its rest (half the smallest rep: the cue must come
early enough to be useful, and a still body's driver stays well within it)."""
TURN_FRACTION = 0.15
"""The driver has turned back towards rest once it is this share of the rep's excursion below its peak."""
REMIND_REPS = (1, 2)
"""The cue is said on these reps' effort, then every :data:`REMIND_EVERY` reps."""
REMIND_EVERY = 5


def should_remind(effort: int) -> bool:
    """Whether the ``effort``-th effort phase of a session (1-based) gets the spoken reminder."""
    return effort in REMIND_REPS or effort % REMIND_EVERY == 0


@dataclass
class EffortPhases:
    """Follow a repetition task's driver, one value a frame, and say when each rep's effort begins.

    Parameters
    ----------
    profile : MovementProfile
        The movement; its :meth:`~MovementProfile.effort_rises` says which way the effort goes.
    rest : RestPosition
        Where this set rests (a sit-to-stand set may rest standing).

    Notes
    -----
    Out of rest, a rep begins when the driver rises :data:`ONSET` above its lowest
    value since the last rep (half the rep counter's smallest rep); it turns
    back once it is :data:`TURN_FRACTION` of its excursion below its peak. Where
    the effort rises with the driver (a stand from a chair, a pull from the floor,
    a reach) it begins with the rep; otherwise (a squat, a bend, a lunge) at the
    turn.
    """

    profile: MovementProfile
    rest: RestPosition
    _low: float = np.inf
    _peak: float = -np.inf
    _active: bool = False
    """A movement out of rest is under way; a dip that never reaches a rep's size still ends at rest."""
    _turned: bool = False
    efforts: int = 0

    def update(self, depth: float) -> bool:
        """Add one frame's driver value (NaN: unknown); return True on the frame an effort phase begins."""
        if not np.isfinite(depth):
            return False
        rises = self.profile.effort_rises(self.rest)
        if not self._active:
            self._low = min(self._low, depth)
            if depth - self._low < ONSET:
                return False
            self._active, self._turned, self._peak = True, False, depth
            return self._begin() if rises else False
        self._peak = max(self._peak, depth)
        if not self._turned and depth < self._peak - TURN_FRACTION * (self._peak - self._low):
            self._turned = True
            return self._begin() if not rises else False
        if self._turned and depth - self._low < ONSET:  # back at rest: ready for the next rep
            self._active, self._low = False, depth
        return False

    def _begin(self) -> bool:
        self.efforts += 1
        return True
