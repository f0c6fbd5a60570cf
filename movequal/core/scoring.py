"""From a PoseSequence to an :class:`~movequal.core.assessment.Assessment`.

:func:`assess` is the scoring core's entry point used by ``analyze``, the API
workers and batch jobs. Scores are transparent: each rep starts at 100 and
loses the points of every finding seen in it (at that rep's severity); the
overall score is the mean of the rep scores, which equals 100 minus the sum of
the findings' ``points_lost``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import (
    Assessment,
    Finding,
    LiftStyle,
    Movement,
    MovementChoice,
    Rep,
    TrackingQuality,
    View,
)
from movequal.core.chair_stands import count_thirty_second_stands, five_times_sit_to_stand
from movequal.core.compensations import (
    DEFAULT_THRESHOLDS,
    SEVERITY_POINTS,
    RepMetrics,
    Thresholds,
    compute_rep_metrics,
    detect_compensations,
    list_unjudged_checks,
)
from movequal.core.compensations.metrics_batch import precompute_reps
from movequal.core.filtering import filter_pose
from movequal.core.framing import locate_out_of_picture, summarise_out_of_picture
from movequal.core.functional_reach import drop_stepped_trials, summarise_functional_reach
from movequal.core.kinematics import BodyReference, Kinematics, compute_kinematics
from movequal.core.metric_registry import PER_REP
from movequal.core.movement_registry import (
    FRAMED_FAMILIES,
    Extra,
    MovementFamily,
    RestPosition,
    get_profile,
    has_extra,
)
from movequal.core.movements import (
    Recognition,
    compute_motion_features,
    recognise_movement,
)
from movequal.core.rep_phases import compute_phases_many
from movequal.core.reps import RepWindow, compute_phases
from movequal.core.segmentation import find_concentric_pull, segment_set
from movequal.core.set_outcomes import compute_trend, estimate_fms_deep_squat
from movequal.core.static_hold import assess_balance
from movequal.core.summaries import (
    compute_joint_visibility,
    compute_side_visibility,
    compute_tracking_quality,
    summarise_metrics,
)
from movequal.core.timed_test import assess_tug, strike_times_of
from movequal.core.unscored import assess_cut_off, assess_unrecognised
from movequal.core.verdict import compute_rating
from movequal.core.view_frames import is_set, read_set
from movequal.core.views import classify_view
from movequal.core.walking import assess_walking
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
SCORED_LANDMARKS = [
    IDX[f"{side}_{joint}"] for joint in ("shoulder", "hip", "knee", "ankle") for side in ("left", "right")
]
KINEMATIC_LANDMARKS = [IDX["nose"]] + [
    IDX[f"{side}_{joint}"]
    for joint in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")
    for side in ("left", "right")
]
"""Landmarks the image kinematics read (x and y): only these are filtered; the rest are drawn as estimated."""
WORLD_LANDMARKS = [
    IDX[f"{side}_{joint}"] for joint in ("shoulder", "hip", "knee", "ankle") for side in ("left", "right")
]
"""Landmarks the 3D angles read."""


@dataclass(frozen=True)
class AssessmentResult:
    """Everything the outputs need: the assessment plus the series behind it."""

    assessment: Assessment
    kinematics: Kinematics
    tracking: TrackingQuality
    filtered: PoseSequence
    rep_metrics: tuple[RepMetrics, ...] = ()


FEET = (IDX["left_ankle"], IDX["right_ankle"])
"""The landmarks that stand for the feet where a step is told from a rep in place: the ankles."""


def locate_feet(pose: PoseSequence, kin: Kinematics) -> FloatArray | None:
    """Image positions (T, 2, 2) of both ankles in leg lengths, for telling a step from a rep in place."""
    return scale_feet(pose.image_pixels()[:, list(FEET)], kin.reference)


def scale_feet(ankles_px: FloatArray, reference: BodyReference | None) -> FloatArray | None:
    """Return the ankles' pixel positions (T, 2, 2) in leg lengths; None without a yardstick."""
    if reference is None or not reference.leg_length_px > 0:
        return None
    return np.asarray(ankles_px / reference.leg_length_px, dtype=np.float64)


LOCKOUT_TRUNK_DEG = 20.0
"""A lift is locked out with the trunk within 20° of vertical: standing upright, with room for the
bar held in front and the 2D trunk angle's error (project choice, see docs/SCORING.md section 3)."""


def wrong_view_message(movement: Movement, view: View) -> str:
    """Why a movement filmed from a view it is not assessed from has no rep (its driver is not seen there)."""
    profile = get_profile(movement)
    sides = "the side" if set(profile.views) <= {"sagittal-left", "sagittal-right"} else "the side or the front"
    filmed = {"frontal": "from the front", "oblique": "obliquely"}.get(view, f"from the {view}")
    return f"{profile.label} is measured from {sides}, and this clip is filmed {filmed}: film it side on"


def score_reps(metrics: list[RepMetrics], findings: list[Finding]) -> list[float]:
    """Score each rep: 100 minus the points of every finding seen in it, at its severity there."""
    lost = {m.number: 0.0 for m in metrics}
    for finding in findings:
        for number, severity in zip(finding.reps, finding.rep_severity, strict=True):
            lost[number] += SEVERITY_POINTS[severity]
    return [max(0.0, 100.0 - lost[m.number]) for m in metrics]


STOOP_MAX_KNEE_DEG = 30.0
SQUAT_LIFT_MIN_KNEE_DEG = 60.0
"""Lift styles by knee flexion at the bottom: a stoop lift keeps the legs nearly straight, a squat lift bends
the knees well past 60° (van Dieën, Hoozemans & Toussaint 1999, Clin Biomech 14(10):685-696), semi-squat between."""


def classify_lift_style(m: RepMetrics) -> LiftStyle | None:
    """Squat-lift, semi-squat or stoop from the rep's peak knee flexion (None when not measured)."""
    if not np.isfinite(m.peak_knee_flexion):
        return None
    if m.peak_knee_flexion < STOOP_MAX_KNEE_DEG:
        return "stoop"
    return "squat-lift" if m.peak_knee_flexion > SQUAT_LIFT_MIN_KNEE_DEG else "semi-squat"


REP_VALUES: tuple[tuple[str, float, str], ...] = tuple(
    (d.rep_key, d.scale, d.attr) for d in PER_REP if d.rep_key is not None and d.attr is not None
)
"""Each per-rep value of the registry as ``(key in Rep.metrics, scale, RepMetrics attribute)``, in order."""


def to_rep(
    m: RepMetrics, kin: Kinematics, score: float, movement: Movement | None = None, *, partial: bool = False
) -> Rep:
    """Turn one rep's metrics into the report's :class:`~movequal.core.assessment.Rep` (keys from the registry)."""
    t = kin.timestamps
    values = [(key, scale * getattr(m, attr)) for key, scale, attr in REP_VALUES]
    return Rep(
        number=m.number,
        start_time=round(float(t[m.start]), 3),
        bottom_time=round(float(t[m.bottom]), 3),
        end_time=round(float(t[m.end]), 3),
        start_frame=m.start,
        bottom_frame=m.bottom,
        end_frame=m.end,
        descent_s=round(m.descent_s, 3),
        hold_s=round(m.hold_s, 3),
        style=classify_lift_style(m) if has_extra(movement, "lift-style") else None,
        ascent_s=round(m.ascent_s, 3),
        depth=round(m.depth, 3),
        score=score,
        metrics={k: round(float(v), 3) for k, v in values if math.isfinite(v)},
        partial=partial,
    )


def measure_reps(
    kin: Kinematics, windows: list[RepWindow], depth: FloatArray, view: View, movement: Movement
) -> list[RepMetrics]:
    """Per-rep metrics for every window (shared by offline and live scoring).

    Notes
    -----
    Phase speeds, SPARC, speed-peak counts, the peaks of the rep's series and
    its recovery lag are computed for all reps in one batch
    (:func:`~movequal.core.compensations.metrics_batch.precompute_reps`): per
    rep they would cost more in call overhead than the rest of the rep's metrics.
    A single rep (every rep of a live session) is measured on its own instead,
    where setting up the batch costs more than it saves; for one window both
    ways give the same values to the last bit. (Within a set, SPARC is taken
    at the reps' median frame rate, so a rep of a variable-rate clip can read
    a slightly different SPARC alone than in its set.)
    """
    if len(windows) == 1:
        w = windows[0]
        phase = compute_phases(depth, kin.timestamps, w)
        return [
            compute_rep_metrics(
                kin, w, number=1, view=view, movement=movement, phases=phase, depth=float(depth[w.bottom])
            )
        ]
    batch = precompute_reps(kin, windows, view, movement)
    if not batch:
        return []
    phases = compute_phases_many(depth, kin.timestamps, windows)
    return [
        compute_rep_metrics(
            kin,
            w,
            number=i + 1,
            view=view,
            movement=movement,
            phases=phases[i],
            depth=float(depth[w.bottom]),
            speeds=pre.speeds,
            sparc=pre.sparc,
            velocity_peaks=pre.velocity_peaks,
            readings=pre.readings,
        )
        for i, (w, pre) in enumerate(zip(windows, batch, strict=True))
    ]


FamilyAssessor = Callable[[PoseSequence, Kinematics, View, Recognition, bool, "float | None"], Assessment]
"""Assesses a task not done in repetitions: raw pose, kinematics, view, recognition, whether recognised, height."""
FAMILY_ASSESSORS: Mapping[MovementFamily, FamilyAssessor] = MappingProxyType(
    {
        "locomotion": lambda pose, kin, view, rec, detected, height: assess_walking(pose, view, rec, detected, height),
        "timed-test": lambda pose, kin, view, rec, detected, height: assess_tug(
            kin, view, rec, detected, strike_times_of(pose)
        ),
        "static-hold": lambda pose, kin, view, rec, detected, height: assess_balance(pose, view, rec, detected, height),
    }
)
"""The assessment of each task family that is not segmented into reps (the repetition family is :func:`assess`'s)."""


def assess(
    pose: PoseSequence,
    movement: MovementChoice = "auto",
    warnings: list[str] | None = None,
    thresholds: Thresholds | None = None,
    rest: RestPosition | None = None,
    *,
    height_m: float | None = None,
) -> AssessmentResult:
    """Assess a recording: filter, measure, segment reps (or walking passes), detect findings, score.

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks from the pose model.
    movement : str
        ``"auto"`` or one of the supported movements.
    warnings : list of str, optional
        Decode warnings to carry into the tracking summary.
    thresholds : Thresholds, optional
        Rule thresholds; the literature-based defaults when omitted.
    rest : {"standing", "seated", "bottom"}, optional
        Where the set rests between reps; inferred from the clip when omitted
        (:func:`~movequal.core.rest.infer_rest`). ``"bottom"`` reads a
        lift's reps as floor → lockout → floor.
    height_m : float, optional
        The patient's height in metres: walking distances and speed in
        metres (:func:`movequal.core.walking.assess_walking`).
    """
    filtered = filter_pose(pose, only=KINEMATIC_LANDMARKS, world_only=WORLD_LANDMARKS, image_coords=(0, 1))
    kin = compute_kinematics(filtered)
    view = classify_view(pose)  # raw landmarks: the far side is masked in the filtered ones
    located = locate_out_of_picture(pose)  # which body parts each frame leaves out of the picture
    tracking = compute_tracking_quality(pose, SCORED_LANDMARKS, warnings, summarise_out_of_picture(located))
    given = Recognition(movement, 1.0, movement) if movement != "auto" else None
    recognition = given or recognise_movement(compute_motion_features(pose, kin, view))  # with a confidence
    detected = movement == "auto"
    family = get_profile(recognition.nearest).family
    if is_set(recognition):  # read again over the stance the set is done from
        view, kin, recognition = read_set(pose, filtered, kin, view, recognition, named=given is not None)
        family = get_profile(recognition.nearest).family
    if recognition.movement == "unrecognised":
        unrecognised = assess_unrecognised(recognition, kin, view, filtered)
        result = AssessmentResult(unrecognised, kin, tracking, filtered)
    elif (other := FAMILY_ASSESSORS.get(family)) is not None:  # walking, a timed test or a balance hold: not reps
        result = AssessmentResult(other(pose, kin, view, recognition, detected, height_m), kin, tracking, filtered)
    else:
        result = assess_repetitions(
            filtered,
            kin,
            view,
            tracking,
            recognition,
            detected=detected,
            thresholds=thresholds,
            rest=rest,
            height_m=height_m,
        )
    if family not in FRAMED_FAMILIES:
        return result
    cut = assess_cut_off(recognition, result.assessment, kin, filtered, (located, pose.timestamps), detected=detected)
    return result if cut is None else AssessmentResult(cut, kin, tracking, filtered)


def assess_repetitions(
    filtered: PoseSequence,
    kin: Kinematics,
    view: View,
    tracking: TrackingQuality,
    recognition: Recognition,
    *,
    detected: bool,
    thresholds: Thresholds | None = None,
    rest: RestPosition | None = None,
    height_m: float | None = None,
) -> AssessmentResult:
    """Assess a repetition task (:func:`assess`'s path for the ``"repetition"`` family): reps, findings, score.

    Notes
    -----
    A lift set with no complete rep but a pull from the floor to lockout
    scores that pull as a partial rep; when the pull leaves the floor on the
    clip's first frame, the recording may have begun mid-pull, so its range
    is not known (``RepMetrics.range_seen``). The chair-stand tests (five-times
    sit-to-stand, 30-second chair stand) are given only for a set that rests
    seated, as the tests begin seated.
    """
    chosen: Movement = recognition.nearest
    extras = get_profile(chosen).extras
    feet = locate_feet(filtered, kin)
    rest, depth, segmentation = segment_set(kin, chosen, view, rest, feet)
    windows, partial = segmentation.reps, False
    if not windows and get_profile(chosen).trunk_driven:  # a pull from the floor with no lowering: judge it
        pull = find_concentric_pull(depth, kin.timestamps, LOCKOUT_TRUNK_DEG / 90.0)
        windows, partial = ([pull], True) if pull is not None else (windows, False)
    metrics = measure_reps(kin, windows, depth, view, chosen)
    if partial and windows[0].start == 0:  # lift-off on the first frame: the floor was never seen
        metrics = [replace(metrics[0], range_seen=False)]
    if "functional-reach" in extras:  # a step ends a trial of the test: it is not scored
        metrics = drop_stepped_trials(metrics, feet)
    joint_visibility = compute_joint_visibility(filtered)
    visibility = compute_side_visibility(filtered, ("shoulder", "hip", "knee", "ankle"), joint_visibility)
    findings = detect_compensations(metrics, view, chosen, thresholds, visibility, height_m=height_m)
    scores = score_reps(metrics, findings)
    reps = [to_rep(m, kin, s, chosen, partial=partial) for m, s in zip(metrics, scores, strict=True)]
    score = round(float(np.mean(scores)), 1) if reps else None
    chair: frozenset[Extra] = extras if rest == "seated" else frozenset()  # the chair-stand tests begin seated
    assessment = Assessment(
        message=None if reps or view in get_profile(chosen).views else wrong_view_message(chosen, view),
        movement=chosen,
        movement_detected=detected,
        movement_confidence=recognition.confidence if detected else None,
        view=view,
        reps=reps,
        findings=findings,
        score=score,
        rating=compute_rating(score, findings, len(reps)),
        metrics=summarise_metrics(metrics, kin, view, filtered, joint_visibility, movement=chosen),
        partial_reps=len(segmentation.partial_bottoms),
        not_judged=list_unjudged_checks(chosen, view, metrics) if reps else [],
        fms_deep_squat=estimate_fms_deep_squat(metrics, findings) if "fms-deep-squat" in extras else None,
        trend=compute_trend(metrics, scores),
        five_times_sit_to_stand_s=(
            five_times_sit_to_stand(metrics, kin.timestamps) if "five-times-sit-to-stand" in chair else None
        ),
        thirty_second_chair_stand=(
            count_thirty_second_stands(metrics, kin.timestamps, depth) if "thirty-second-chair-stand" in chair else None
        ),
        functional_reach=(
            summarise_functional_reach(metrics, height_m, (thresholds or DEFAULT_THRESHOLDS).reach)
            if "functional-reach" in extras
            else None
        ),
    )
    return AssessmentResult(assessment, kin, tracking, filtered, tuple(metrics))
