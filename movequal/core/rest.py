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
from movequal.core.filtering import DEFAULT_VISIBILITY_THRESHOLD, filter_running_median
from movequal.core.frame_rate import JITTER_FRAMES, compute_frame_rate, compute_median_width
from movequal.core.kinematics import BodyReference, Kinematics
from movequal.core.movement_registry import RestPosition, get_profile
from movequal.core.stance import FOOT_STEP
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


START_SHARE = 0.1
"""Share of the clip's frames whose median posture says where a sit-to-stand set begins."""
EDGE_READ_S = 1.0
"""The clip's first and last second say whether a lift set begins and ends on the floor (and whether a timed
up-and-go begins and ends seated, :func:`movequal.core.tug.measure_seated_ends`)."""
MIN_HELD_S = 0.3
"""A clip begins (or ends) held when its hips stay still this long from its first (last) frame: a squat's turn at a
two-second pace leaves a band of :data:`HELD_SHARE` of the range within 0.25 s of its bottom (EVALUATION.md §56)."""
HELD_SHARE = 0.15
"""Still: the hips within a band of this share of their range over the clip (5th to 95th percentile)."""
EDGE_GAP_S = 0.2
"""The held stretch must start this close to the clip's edge: gaps up to 0.2 s are bridged everywhere else too."""


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
    height. Likewise a lift set whose first and last seconds have the trunk
    nearer its deepest than its upright inclination begins and ends on the
    floor: its reps run floor → lockout → floor, with the resets on the floor
    between them, so it rests at the bottom. (A set that begins on the floor
    and ends standing keeps the standing reading: its last pull is
    concentric only, a partial.) Other movements rest where their profile says.
    """
    profile = get_profile(movement)
    if profile.driver == "trunk-inclination":
        trunk = kin.series["trunk_inclination"] if view is None else kin.angle("trunk_inclination", view)
        return "bottom" if _edges_deep(trunk, kin.timestamps) else profile.rest
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


def _edges_deep(values: FloatArray, timestamps: FloatArray) -> bool:
    """Return whether the clip's first and last :data:`EDGE_READ_S` of ``values`` lie nearer their 95th percentile.

    A second, not a share of the clip: in a recording of single lifts with rests between them a tenth of the clip
    held the whole first lift and read as deep.
    """
    if np.count_nonzero(np.isfinite(values)) < 10:
        return False
    low, high = np.nanpercentile(values, [5, 95])
    first, last = read_edges(values, timestamps)
    return min(float(np.median(first)), float(np.median(last))) > (low + high) / 2


def read_edges(values: FloatArray, timestamps: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the values seen over the clip's first and over its last :data:`EDGE_READ_S` of them seen.

    ``values`` must be seen (finite) on at least one frame.
    """
    seen = np.isfinite(values)
    finite, t = values[seen], timestamps[seen]
    return finite[t <= t[0] + EDGE_READ_S], finite[t >= t[-1] - EDGE_READ_S]


def measure_held_edges(height: FloatArray, timestamps: FloatArray, feet: FloatArray | None = None) -> float:
    """Return the lower hip height of the clip's held edges over standing hip height (1 = standing), or NaN.

    ``height`` is the hips' height per frame (NaN where unseen); standing is its 95th percentile. ``feet``
    (T, 2, 2), the ankles in leg lengths (NaN where unseen), must stay in place over a held stretch too.

    Notes
    -----
    From each end of the clip the frames with the hips seen are taken in
    order, inwards, for as long as the hips stay within a band of
    :data:`HELD_SHARE` of their range over the clip (5th to 95th percentile),
    each ankle seen stays within ``FOOT_STEP`` of where it was first seen in
    the stretch (a walker far from a front camera holds the hips' height
    while the feet move), and no gap over :data:`EDGE_GAP_S` opens between
    frames; hips and ankles first pass the running median used for other
    wild readings (:func:`~movequal.core.filtering.filter_running_median`, a
    blip of a frame or two), and ankles the model doubts are left out. The
    edge is *held* when that stretch starts within :data:`EDGE_GAP_S` of the
    clip's first (last) frame and lasts at least :data:`MIN_HELD_S` (both
    with a quarter frame of slack, as durations are counted in frames), and
    its height is then the stretch's median. A clip cut while the patient
    moves shows no held posture at that edge and says nothing there about
    where the set begins or ends: a chair-stand clip that starts as the
    patient rises still ends seated, and a squat set cut at the bottom of a
    quick rep is not taken for one that starts sitting; nor does an edge
    where the hips are hidden (the last posture seen may be seconds earlier).
    A seated moment in a brisk chair-stand set lasts 0.3-0.5 s, so the
    stretch's length is read, not a fixed window. The lower of the held edges
    is returned, so a set held seated at either end reads low (the five-times
    test starts seated and may end on its fifth stand); NaN when neither edge
    is held. A slow squat's turn, or a pause at its bottom, also passes as
    held, for as long as the hips stay in the band either side of the bottom:
    the recogniser then asks the held height to be a seat's
    (:data:`~movequal.core.movements.STS_MIN_SEAT_HEIGHT`) and the trunk to be
    upright, and a squat held at a seat's height from the front is still named
    a sit-to-stand (EVALUATION.md §56-57).
    """
    seen = np.flatnonzero(np.isfinite(height))
    if seen.size < 10:
        return float("nan")
    fps = compute_frame_rate(timestamps)
    width = compute_median_width(fps)
    height = filter_running_median(height, width)
    low, standing = np.percentile(height[seen], [5, 95])
    if standing <= 0:
        return float("nan")
    ankles = np.zeros((height.size, 2, 2)) if feet is None else np.asarray(feet, dtype=np.float64)
    ankles = np.apply_along_axis(filter_running_median, 0, ankles, width)  # a blip of a frame or two is no step
    edges = ((seen, timestamps[0]), (seen[::-1], timestamps[-1]))
    slack = JITTER_FRAMES / fps if np.isfinite(fps) and fps > 0 else 0.0  # a frame count, not a float comparison
    spread = standing - low
    held = [
        _held_level(height[order], timestamps[order], ankles[order], edge_time=edge, spread=spread, slack=slack)
        for order, edge in edges
    ]
    levels = [level for level in held if np.isfinite(level)]
    return min(levels) / standing if levels else float("nan")


def _held_level(
    values: FloatArray, times: FloatArray, ankles: FloatArray, *, edge_time: float, spread: float, slack: float
) -> float:
    """Median of the held stretch at the start of ``values`` (ordered inwards from the clip's edge), or NaN.

    ``ankles`` (n, 2, 2) holds the ankles' positions per frame in the same order (NaN where unseen); ``slack``
    (s) is the timing jitter a duration is allowed (:data:`~movequal.core.frame_rate.JITTER_FRAMES`).
    """
    if abs(times[0] - edge_time) > EDGE_GAP_S + slack:
        return float("nan")
    band = np.maximum.accumulate(values) - np.minimum.accumulate(values)
    hidden = np.concatenate([[False], np.abs(np.diff(times)) > EDGE_GAP_S + slack])  # a gap ends the stretch
    out = (band >= HELD_SHARE * spread) | _stepped(ankles) | hidden
    inside = int(np.argmax(out)) if out.any() else values.size
    if inside == 0 or abs(times[inside - 1] - times[0]) < MIN_HELD_S - slack:
        return float("nan")
    return float(np.median(values[:inside]))


def _stepped(ankles: FloatArray) -> BoolArray:
    """Per frame (ordered inwards), whether either ankle is more than ``FOOT_STEP`` from where it was first seen."""
    out = np.zeros(len(ankles), dtype=bool)
    for foot in range(ankles.shape[1]):
        seen = np.flatnonzero(np.isfinite(ankles[:, foot]).all(axis=1))
        if seen.size:
            with np.errstate(invalid="ignore"):
                out |= np.linalg.norm(ankles[:, foot] - ankles[seen[0], foot], axis=1) > FOOT_STEP
    return out


def ankles_in_legs(px: FloatArray, visibility: FloatArray, reference: BodyReference | None) -> FloatArray | None:
    """Return the ankles' image positions (T, 2, 2) in leg lengths; None without a yardstick.

    NaN where the model doubts them (visibility under :data:`~movequal.core.filtering.DEFAULT_VISIBILITY_THRESHOLD`).
    """
    if reference is None or not reference.leg_length_px > 0:
        return None
    ankles = [IDX["left_ankle"], IDX["right_ankle"]]
    doubted = visibility[:, ankles] < DEFAULT_VISIBILITY_THRESHOLD
    return np.where(doubted[..., None], np.nan, px[:, ankles, :2] / reference.leg_length_px)
