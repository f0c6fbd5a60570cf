"""Carrying a load while walking: which hand holds it, and the trunk leaning towards or away from it.

A suitcase carry (a load in one hand) asks the trunk's side muscles to keep it upright; leaning away from the load
to counter it, or giving in towards it, is the compensation a physiotherapist watches for. A farmer's carry (a
load in each hand) should look like upright walking with still arms. One-hand carrying loads the lower back more
than the same weight split between both hands (McGill, Marshall & Andersen 2013, Ergonomics 56:293-302).

The walking rules judge carries too (:func:`movequal.core.compensations.gait.detect_gait_findings`): steps,
lean and sway, circumduction. What changes: a load in one hand stops that arm's swing by design, so the arm-swing
rule does not judge a suitcase carry, and a lean is named against the loaded side when it is known.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from movequal.core.gait import FOOT_SIDES, GaitPass

LOADED_SWING_RATIO = 0.5
"""The loaded hand is the one whose arm swings less than half as much as the other's (median over the strides of
the passes that see both arms). A hand holding a suitcase hardly swings; the free arm swings as in walking, about
20-40° (Lewek et al. 2010's healthy walkers); half leaves room for a free arm that swings little."""


def find_loaded_side(passes: Sequence[GaitPass]) -> str | None:
    """Return the side of the hand holding a one-hand load, or None when the arms' swing cannot tell.

    Notes
    -----
    Only passes whose arm swing is measured (towards or away from the camera, or oblique, both wrists
    seen) count: from the side the trunk hides the far arm.
    """
    swings = {side: [s for p in passes if not p.across for s in p.sides[side].arm_swings if np.isfinite(s)]
              for side in FOOT_SIDES}  # fmt: skip
    if any(len(v) < 2 for v in swings.values()):
        return None
    median = {side: float(np.median(v)) for side, v in swings.items()}
    low, high = sorted(FOOT_SIDES, key=lambda s: median[s])
    return low if median[low] < LOADED_SWING_RATIO * median[high] else None


def name_against_load(lean_side: str, loaded: str) -> tuple[str, str]:
    """Return the title and cue of a walking lean towards ``lean_side`` with a load in the ``loaded`` hand."""
    away = lean_side != loaded
    title = f"Leans {'away from' if away else 'towards'} the load in the {loaded} hand"
    cue = "Stand tall with your shoulders level, as if the weight were not there; brace your side gently as you walk."
    return title, cue
