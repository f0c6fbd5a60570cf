"""The Functional Reach Test's result from the trials of a forward-reach set.

Duncan et al. 1990 (J Gerontol 45:M192-M197) score the test as the mean of three trials after one practice
trial; Duncan et al. 1992 (J Gerontol 47:M93-M98) relate it to recurrent falls: a reach of 6.1-10 in
(15.5-25.4 cm) doubled the odds, 6 in (15.2 cm) or less quadrupled them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import FunctionalReach
from movequal.core.compensations import RepMetrics
from movequal.core.compensations.config import ReachThresholds
from movequal.core.compensations.reach import select_test_trials, to_reach_cm
from movequal.core.stance import detect_in_place

FloatArray = NDArray[np.float64]
NO_HEIGHT = "give the patient's height to have the reach in centimetres and compared with the cut-offs"


def summarise_functional_reach(
    metrics: Sequence[RepMetrics], height_m: float | None, thresholds: ReachThresholds
) -> FunctionalReach | None:
    """Return the test's trials and result, or None when no trial's reach could be measured."""
    trials = [float(m.reach_distance) for m in metrics if np.isfinite(m.reach_distance)]
    if not trials:
        return None
    result = float(np.mean([m.reach_distance for m in select_test_trials(metrics)]))
    cm = [round(to_reach_cm(t, height_m), 1) for t in trials] if height_m is not None else None
    return FunctionalReach(
        trials_leg=[round(t, 3) for t in trials],
        trials_cm=cm,
        result_leg=round(result, 3),
        result_cm=round(to_reach_cm(result, height_m), 1) if height_m is not None else None,
        cutoff_cm=thresholds.functional_reach_cm,
        unscored_trials=len(metrics) - len(trials),
        note=None if height_m is not None else NO_HEIGHT,
    )


def drop_stepped_trials(metrics: Sequence[RepMetrics], feet: FloatArray | None) -> list[RepMetrics]:
    """Return the trials with no reach where a foot left its place (a step ends a trial of the test).

    Notes
    -----
    Any one foot moving more than :data:`~movequal.core.stance.FOOT_STEP` (about 13 cm) is a step; a heel
    rise moves the ankle far less. Without foot positions every trial is kept.
    """
    if feet is None:
        return list(metrics)
    return [
        m if detect_in_place(feet[m.start : m.end + 1]) else replace(m, reach_distance=float("nan")) for m in metrics
    ]


def describe_functional_reach(test: FunctionalReach) -> str:
    """One line for people: the result, in cm against the cut-off when the height is known."""
    trials = len(test.trials_leg)
    if test.result_cm is None:
        return f"forward reach {test.result_leg:.2f} leg lengths ({trials} trials; {test.note})"
    side = "under" if test.result_cm < test.cutoff_cm else "at or above"
    return (
        f"forward reach {test.result_cm:.0f} cm ({trials} trials; {side} the {test.cutoff_cm:g} cm fall-risk cut-off)"
    )
