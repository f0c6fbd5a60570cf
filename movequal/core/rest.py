"""Where a set rests between its repetitions: the posture it begins and ends in.

Most sets rest where their movement's profile says (standing for a squat, seated
for a sit-to-stand test), but people also do them the other way round: a
sit-to-stand set that begins standing, a deadlift set whose reps start and end on
the floor. :func:`infer_rest` reads which from the clip, and
:func:`~movequal.core.movements.compute_driver` turns the driver over to match.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, View
from movequal.core.kinematics import Kinematics
from movequal.core.movement_registry import RestPosition, get_profile

FloatArray = NDArray[np.float64]


START_SHARE = 0.1
"""Share of the clip's frames whose median posture says where a set begins."""


def infer_rest(kin: Kinematics, movement: Movement, view: View | None = None) -> RestPosition:
    """Return where this recording's set rests between reps.

    ``view`` says how the trunk inclination of a lift is read (:meth:`Kinematics.angle`); the image angle
    when omitted.

    Notes
    -----
    A sit-to-stand set may begin seated (the five-times test) or standing
    (stand → sit → stand, as many exercise programmes and motion-capture data
    sets record it). Counting stands between seated rests would find no full
    rep in a set that begins and ends standing, so such a set rests standing:
    its first tenth has the hips nearer their standing than their seated
    height. Likewise a lift set whose first and last tenths have the trunk
    nearer its deepest than its upright inclination begins and ends on the
    floor: its reps run floor → lockout → floor, with the resets on the floor
    between them, so it rests at the bottom. (A set that begins on the floor
    and ends standing keeps the standing reading: its last pull is
    concentric only, a partial.) Other movements rest where their profile says.
    """
    profile = get_profile(movement)
    if profile.driver == "trunk-inclination":
        trunk = kin.series["trunk_inclination"] if view is None else kin.angle("trunk_inclination", view)
        return "bottom" if _edges_deep(trunk) else profile.rest
    if profile.driver != "hip-rise":
        return profile.rest
    height = kin.series["hip_height"]
    finite = height[np.isfinite(height)]
    if finite.size < 10:
        return profile.rest
    seated, standing = np.percentile(finite, [5, 95])
    start = float(np.median(finite[: max(1, int(START_SHARE * finite.size))]))
    return "standing" if start > (seated + standing) / 2 else profile.rest


def other_rest(movement: Movement, rest: RestPosition, reps: int) -> RestPosition | None:
    """Return the other rest worth trying for a set whose inferred ``rest`` finds ``reps`` full reps, or None.

    Notes
    -----
    :func:`infer_rest` reads the rest from the clip's edges, which a set can
    hide; :func:`~movequal.core.segmentation.segment_set` then tries the
    reading returned here and keeps it if it finds more full reps. A long
    sit-to-stand set's first tenth can reach into its first sit and read
    seated, so a sit-to-stand always tries the other (seated or standing). A
    lift's (or bend's) two readings, standing or on the floor, count the same
    pulls and differ by one at the edges (a set joined at the bottom of a rep
    holds one more floor-to-floor cycle than stand-to-stand ones), so there
    the edges decide, unless their reading finds no full rep: a lifter who
    sets up at the bar for a few seconds before one pull that starts and ends
    on the floor makes the clip's first tenth deep and its last one standing.
    Movements that rest in one place only have no other reading.
    """
    driver = get_profile(movement).driver
    if driver == "hip-rise":
        return "standing" if rest == "seated" else "seated"
    if driver == "trunk-inclination" and reps == 0:
        return "standing" if rest == "bottom" else "bottom"
    return None


def _edges_deep(values: FloatArray) -> bool:
    """Return whether the first and the last tenth of ``values`` lie nearer their 95th than their 5th percentile."""
    finite = values[np.isfinite(values)]
    if finite.size < 10:
        return False
    low, high = np.percentile(finite, [5, 95])
    n = max(1, int(START_SHARE * finite.size))
    return min(float(np.median(finite[:n])), float(np.median(finite[-n:]))) > (low + high) / 2
