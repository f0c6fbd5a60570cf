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
EDGE_S = 0.5
"""Length (s) of the clip's opening and closing stretches read by :func:`measure_held_edges`."""
HELD_SHARE = 0.15
"""An edge is a held posture when the hips move less than this share of their range over the clip within it."""


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


def measure_held_edges(height: FloatArray, timestamps: FloatArray) -> float:
    """Return the lower hip height of the clip's held edges over standing hip height (1 = standing), or NaN.

    ``height`` is the hips' height per frame (NaN where unseen); standing is its 95th percentile.

    Notes
    -----
    An edge is the clip's first (or last) :data:`EDGE_S`; it is *held* when
    the hips are seen on at least half of its frames and move less than
    :data:`HELD_SHARE` of their range over the clip (5th to 95th percentile)
    within it, and its height is then their median there. A clip cut while the
    patient moves shows no held posture at that edge and says nothing there
    about where the set begins or ends: a chair-stand clip that starts as the
    patient rises still ends seated, and a squat set cut at the bottom of a
    rep is not taken for one that starts sitting; nor does an edge where the
    hips are hidden (the last seen posture may be seconds earlier). The lower
    of the held edges is returned, so a set held seated at either end reads
    low (the five-times test starts seated and may end on its fifth stand);
    NaN when neither edge is held. A turn that lasts longer than a few tenths
    of a second (a slow squat cut at its bottom, a pause there) can pass as
    held: the trunk and the seat's balance (:mod:`movequal.core.centre_of_mass`)
    still have to agree.
    """
    seen = np.isfinite(height)
    if np.count_nonzero(seen) < 10:
        return float("nan")
    low, standing = np.percentile(height[seen], [5, 95])
    if standing <= 0:
        return float("nan")
    t = timestamps
    held = []
    for edge in (t <= t[0] + EDGE_S, t >= t[-1] - EDGE_S):
        window = height[edge & seen]
        if (
            2 * window.size >= np.count_nonzero(edge)
            and window.size >= 3
            and np.ptp(window) < HELD_SHARE * (standing - low)
        ):
            held.append(float(np.median(window)))
    return min(held) / standing if held else float("nan")
