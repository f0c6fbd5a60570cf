"""The frames a set's camera view and near side are read over: the stance it is done from, not a wait around it.

Clinic recordings run while the patient waits, listens and turns: towards the camera to hear the clinician, then
side-on for the set, then back. Read over the whole clip, ten seconds of that wait made a side-on set of lunges a
front view with a false, severe ``asymmetry``, and tipped an oblique set's near side, and with it every hip-height
reading. The camera's view of a set is the view of the stance each rep starts from and returns to.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import View
from movequal.core.excursions import compute_depth, find_excursions, find_moving_frames, moving_frames_of
from movequal.core.frame_rate import compute_frame_rate, compute_frames
from movequal.core.kinematics import Kinematics, compute_body_reference, compute_kinematics
from movequal.core.motion_features import MAX_TRAVEL_LEGS, measure_hip_travel
from movequal.core.movement_registry import get_profile
from movequal.core.movements import Recognition, compute_motion_features, recognise_movement
from movequal.core.runs import find_runs
from movequal.core.sides import choose_near_side
from movequal.core.views import classify_turn
from movequal.pose.sequence import PoseSequence

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

MIN_VIEW_S = 1.0
"""The excursions decide the view only when they hold a second of the body tracked (hips and turn seen): about one
unhurried squat or lift; a few stray frames at the clip's edge, where a picture that cuts the head off loses the
body, must not outvote the whole clip."""
STANCE_S = 0.5
"""The stance a rep is done from: the frames this long before each excursion begins and after it ends."""


def compute_stance_sides(moving: BoolArray, width: int) -> tuple[BoolArray, BoolArray]:
    """Return the frames within ``width`` frames before each run of ``moving`` frames begins, and after each ends.

    Notes
    -----
    Where the patient stands (or sits) to start each rep and comes back to. The
    view is the median of three readings, each the median yaw over its frames:
    these two stances and the reps themselves (:func:`measure_set_yaw`), so
    any one of them may be off. Through the reps alone, a patient who loads one
    side and turns the pelvis and trunk by 20-40° at the bottom turned the
    camera (a front-view squat became oblique and its ``asymmetry`` went
    unjudged); over the stance before the reps, a wait that ends just before
    the first of a short set weighed as much as the set's own stance; over the
    stance after them, a turn back to the clinician after the last.
    """
    before, after = np.zeros(moving.shape, dtype=bool), np.zeros(moving.shape, dtype=bool)
    if width < 1:
        return before, after
    for first, last in find_runs(moving):
        before[max(first - width, 0) : first] = True
        after[last + 1 : last + 1 + width] = True
    return before & ~moving, after & ~moving


def measure_set_yaw(yaw: FloatArray, groups: tuple[BoolArray, ...]) -> float:
    """Return the median of the median ``yaw`` over each group of frames that has one (NaN when none has)."""
    medians = [float(np.nanmedian(yaw[g])) for g in groups if np.isfinite(yaw[g]).any()]
    return float(np.median(medians)) if medians else float("nan")


class SetFrames(NamedTuple):
    """The frames a set is read over: its excursions proper, and the stance before and after each."""

    moving: BoolArray
    """The excursions proper, body tracked: the near side is the side seen better over them."""
    before: BoolArray
    """The tracked frames just before each excursion begins."""
    after: BoolArray
    """The tracked frames just after each excursion ends."""

    @classmethod
    def around(cls, moving: BoolArray, tracked: BoolArray, fps: float) -> SetFrames:
        """Return ``moving`` and its stance (:func:`compute_stance_sides` over :data:`STANCE_S`), kept where tracked."""
        before, after = compute_stance_sides(moving, compute_frames(STANCE_S, fps))
        return cls(moving & tracked, before & tracked, after & tracked)

    def classify(self, yaw: FloatArray, px: FloatArray) -> View:
        """Return the view from :func:`measure_set_yaw` over the three groups ("unknown" without any yaw)."""
        median = measure_set_yaw(yaw, (self.before, self.moving, self.after))
        if not np.isfinite(median):
            return "unknown"
        return classify_turn(median, px, self.before | self.moving | self.after)


def find_set_frames(kin: Kinematics, px: FloatArray) -> SetFrames | None:
    """Return the frames a set's view and near side are read over, or None when the whole clip decides.

    Parameters
    ----------
    kin : Kinematics
        The clip's kinematics (hip height, 3D trunk inclination and body yaw are read).
    px : ndarray, shape (T, 33, 2)
        Image landmarks in pixels.

    Notes
    -----
    The excursions proper (:func:`~movequal.core.excursions.moving_frames_of`)
    are found on the depth of :func:`~movequal.core.excursions.compute_depth`,
    with the trunk's tilt from the 3D landmarks (the image's tilt needs the
    view); their stance is :func:`compute_stance_sides` over
    :data:`STANCE_S`. Where there is no excursion proper (a single pull from
    the floor) or they hold under :data:`MIN_VIEW_S` of the body tracked (one
    brisk squat), the frames where the body moves stand for them
    (:func:`find_moving_frames`). None when the hips travel more than
    :data:`~movequal.core.motion_features.MAX_TRAVEL_LEGS` across the picture
    over those frames (a walk), or when even they hold under
    :data:`MIN_VIEW_S` of the body tracked (nothing moves, or a glitch).
    """
    height, yaw = kin.series["hip_height"], kin.series["body_yaw"]
    if not np.isfinite(height).any():
        return None
    depth = compute_depth(height, kin.series["trunk_inclination_3d"])
    found = find_excursions(depth)
    fps = compute_frame_rate(kin.timestamps)
    tracked = np.isfinite(height) & np.isfinite(yaw)
    moving = moving_frames_of(found, height.size) if found is not None else np.zeros(height.size, dtype=bool)
    if not (moving & tracked).sum() >= MIN_VIEW_S * fps:
        moving = find_moving_frames(depth, fps)
    if moving.all() or not (moving & tracked).sum() >= MIN_VIEW_S * fps:
        return None
    travel = measure_hip_travel(px, moving)
    if not (np.isfinite(travel) and travel <= MAX_TRAVEL_LEGS):
        return None
    return SetFrames.around(moving, tracked, fps)


def read_rep_frames(moving: BoolArray, window: BoolArray, tracked: BoolArray, fps: float) -> SetFrames | None:
    """Return a single rep's frames: its movement proper, else its ``window``; None when neither holds a second.

    The live path's reading of its first rep (:class:`~movequal.live.incremental.IncrementalAssessor`): under
    :data:`MIN_VIEW_S` of movement proper tracked (one brisk squat), the rep's whole window, widened as
    :func:`find_moving_frames` widens a movement by its speed span, stands for it.
    """
    for frames in (moving & tracked, window & tracked):
        if frames.sum() >= MIN_VIEW_S * fps:
            return SetFrames.around(frames, tracked, fps)
    return None


def read_over_movement(
    pose: PoseSequence, filtered: PoseSequence, kin: Kinematics, view: View
) -> tuple[View, Kinematics]:
    """Return a set's view and kinematics read over its own frames (:func:`find_set_frames`).

    Parameters
    ----------
    pose, filtered : PoseSequence
        The raw landmarks (their image side says which way the subject faces) and the filtered ones.
    kin : Kinematics
        ``filtered`` measured with the whole clip's yardstick.
    view : View
        The whole clip's view.

    Notes
    -----
    Only for repetition tasks. A walk, a timed up-and-go and a balance hold
    are their whole clip: a walker's hips, read in leg lengths, rise and fall
    as the walker nears the camera and turns, which makes excursions of no
    set. The view is :meth:`SetFrames.classify`; the near side is chosen over
    the excursions, where the far limbs are guessed (measuring them is what it
    is for). The kinematics are measured again only when the near side changes.
    """
    px = pose.image_pixels()
    frames = find_set_frames(kin, px)
    if frames is None:
        return view, kin
    near = choose_near_side(filtered.visibility, frames.moving)
    if kin.reference is None or near != kin.reference.near_side:
        kin = compute_kinematics(filtered, compute_body_reference(filtered, frames.moving))
    seen = frames.classify(kin.series["body_yaw"], px)
    return (view if seen == "unknown" else seen), kin


def is_set(recognition: Recognition) -> bool:
    """Return whether ``recognition`` names a repetition task (not a walk, a timed test, a hold or nothing)."""
    return recognition.movement != "unrecognised" and get_profile(recognition.nearest).repeated


def read_set(
    pose: PoseSequence, filtered: PoseSequence, kin: Kinematics, view: View, recognition: Recognition, *, named: bool
) -> tuple[View, Kinematics, Recognition]:
    """Return a set's view, kinematics and movement read over its stance (:func:`read_over_movement`).

    Notes
    -----
    When the view or the near side changes, a movement not ``named`` is
    recognised again with them; should that no longer be a repetition task,
    the whole clip's reading stands (walks, timed tests and holds are read
    whole).
    """
    seen, measured = read_over_movement(pose, filtered, kin, view)
    if named or (seen == view and measured is kin):
        return seen, measured, recognition
    again = recognise_movement(compute_motion_features(pose, measured, seen))
    return (seen, measured, again) if is_set(again) else (view, kin, recognition)
