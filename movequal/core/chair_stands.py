"""Chair-stand tests timed or counted from a sit-to-stand set that begins seated.

- **Five-times sit-to-stand**: the time from the first rise to the end of the
  fifth stand (Bohannon 2006, Percept Mot Skills 103:215-222, reference values).
- **30-second chair stand**: the stands completed within 30 s of the first
  rise, one that is more than halfway up at 30 s counting as a stand (Jones,
  Rikli & Beam 1999, Res Q Exerc Sport 70:113-119).

Both need the patient seated at the start, as the tests are done; a set that
rests standing has neither.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.compensations import RepMetrics

FloatArray = NDArray[np.float64]

FIVE_TIMES_CUTOFF_S = 15.0
"""Five-times sit-to-stand time at or above which community-living adults over 65 were more likely to fall again
(Buatois et al. 2008, J Am Geriatr Soc 56:1575-1577: sensitivity 55 %, specificity 65 %). Age references: worse than
average above 11.4 s at 60-69 years, 12.6 s at 70-79 and 14.8 s at 80-89 (Bohannon 2006)."""
CHAIR_STAND_S = 30.0
"""Length of the 30-second chair stand (Jones, Rikli & Beam 1999)."""
HALFWAY = 0.5
"""A stand in progress at the end counts when the hips have risen more than this share of its height."""


def five_times_sit_to_stand(metrics: list[RepMetrics], timestamps: FloatArray) -> float | None:
    """Return the time (s) from the first rise to the end of the fifth stand's cycle; ``None`` with under five."""
    if len(metrics) < 5:
        return None
    return round(float(timestamps[metrics[4].end] - timestamps[metrics[0].start]), 2)


def count_thirty_second_stands(metrics: list[RepMetrics], timestamps: FloatArray, rise: FloatArray) -> int | None:
    """Return the stands completed within 30 s of the first rise, or ``None`` when the clip is not that test.

    Parameters
    ----------
    metrics : list of RepMetrics
        The set's full reps, each seated → standing (its ``bottom``) → seated.
    timestamps : ndarray
        Frame times (s).
    rise : ndarray
        The set's driver: 0 seated, 1 standing (:func:`movequal.core.movements.compute_driver`).

    Notes
    -----
    A stand counts when its standing moment (the rep's turning point) falls
    within the 30 s. The stand under way at 30 s (usually cut by the end of
    the recording, so not a full rep) counts too when the hips are by then
    more than :data:`HALFWAY` of a stand's usual height above the seated
    level it rose from, as the protocol scores it. ``None`` when the clip
    ends before 30 s, or when the patient stopped: a pause between stands (or
    before the 30 s are up) longer than twice the set's usual cycle means the
    stands were not done continuously, so the count would not be the test's.
    """
    if len(metrics) < 2:
        return None
    t0, end = float(timestamps[metrics[0].start]), float(timestamps[metrics[0].start]) + CHAIR_STAND_S
    if timestamps[-1] < end:
        return None
    stands = [float(timestamps[m.bottom]) for m in metrics if float(timestamps[m.bottom]) <= end]
    cycle = float(np.median(np.diff([float(timestamps[m.bottom]) for m in metrics])))
    if float(np.max(np.diff([t0, *stands, end]))) > 2.0 * cycle:
        return None
    return len(stands) + int(_halfway_up_at(end, stands[-1], metrics, timestamps, rise))


def _halfway_up_at(end: float, last_stand: float, metrics: list[RepMetrics], t: FloatArray, rise: FloatArray) -> bool:
    """Return whether, at ``end``, the patient has sat since the last counted stand and is back more than halfway up."""
    after, at_end = int(np.searchsorted(t, last_stand)), min(int(np.searchsorted(t, end)), len(t) - 1)
    window = rise[after : at_end + 1]
    if window.size < 3 or not np.isfinite(window).all():
        return False
    low = int(np.argmin(window))
    height = float(np.median([rise[m.bottom] - rise[m.start] for m in metrics]))
    return bool(low < window.size - 1 and height > 0 and window[-1] - window[low] > HALFWAY * height)
