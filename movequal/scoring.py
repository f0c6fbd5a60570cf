"""From a PoseSequence to an :class:`~movequal.assessment.Assessment`.

:func:`assess` is the scoring core's entry point used by ``analyze``, the API
workers and batch jobs. Scores are transparent: each rep starts at 100 and
loses the severity points of every finding seen in it; the overall score is
the mean of the rep scores, which equals 100 minus the sum of the findings'
``points_lost``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.assessment import (
    Assessment,
    Finding,
    MetricSummary,
    Movement,
    MovementChoice,
    Rep,
    TrackingQuality,
    View,
)
from movequal.compensations import SEVERITY_POINTS, RepMetrics, detect_compensations
from movequal.filtering import filter_pose
from movequal.kinematics import Kinematics, classify_view, compute_kinematics, compute_midpoint
from movequal.pose import PoseSequence
from movequal.reps import RepWindow, compute_depth, detect_reps
from movequal.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
SCORED_LANDMARKS = [
    IDX[n]
    for n in (
        "left_shoulder",
        "right_shoulder",
        "left_hip",
        "right_hip",
        "left_knee",
        "right_knee",
        "left_ankle",
        "right_ankle",
    )
]


@dataclass(frozen=True)
class AssessmentResult:
    """Everything the outputs need: the assessment plus the series behind it."""

    assessment: Assessment
    kinematics: Kinematics
    tracking: TrackingQuality
    filtered: PoseSequence


def _nanmax(values: FloatArray) -> float:
    return float(np.nanmax(values)) if np.isfinite(values).any() else float("nan")


def recognise_movement(kin: Kinematics) -> Movement:
    """Tell a squat from a hip-hinge lift by how much the knees bend.

    Notes
    -----
    Foundation version: knee flexion over 70° at the deepest point means a
    squat pattern, otherwise a hinge (lift). The scoring-core issue adds
    bend, sit-to-stand and lunge recognition.
    """
    knee = np.fmax(kin.series["knee_flexion_left"], kin.series["knee_flexion_right"])
    trunk = kin.series["trunk_inclination"]
    if _nanmax(trunk) > 45 and not _nanmax(knee) > 70:
        return "lift"
    return "squat"


def _posterior_hip_shift(filtered: PoseSequence, view: View) -> FloatArray:
    px = filtered.image_pixels()
    hips = compute_midpoint(px, "left_hip", "right_hip", filtered.visibility)
    ankles = compute_midpoint(px, "left_ankle", "right_ankle", filtered.visibility)
    facing = px[:, IDX["nose"], 0] - hips[:, 0]
    legs = np.linalg.norm(hips - ankles, axis=1)
    if not (np.isfinite(facing).any() and np.isfinite(legs).any()):
        return np.full(len(filtered), np.nan)
    backwards = -1.0 if np.nanmedian(facing) > 0 else 1.0
    return np.asarray(backwards * (hips[:, 0] - ankles[:, 0]) / np.nanmedian(legs))


def _rep_metrics(kin: Kinematics, window: RepWindow, number: int, hip_shift: FloatArray) -> RepMetrics:
    s = kin.series
    sl = slice(window.start, window.end + 1)
    knee = np.fmax(s["knee_flexion_left"], s["knee_flexion_right"])
    hip = np.fmax(s["hip_flexion_left"], s["hip_flexion_right"])
    tibia = np.fmax(s["tibia_inclination_left"], s["tibia_inclination_right"])
    b = window.bottom
    return RepMetrics(
        number=number,
        frames=(window.start, window.end),
        peak_knee_flexion=_nanmax(knee[sl]),
        peak_hip_flexion=_nanmax(hip[sl]),
        peak_trunk_inclination=_nanmax(s["trunk_inclination"][sl]),
        trunk_minus_tibia_at_bottom=float(s["trunk_inclination"][b] - tibia[b]),
        posterior_hip_shift=float(hip_shift[b] - hip_shift[window.start]),
    )


def _to_rep(window: RepWindow, metrics: RepMetrics, kin: Kinematics, depth: FloatArray, findings: list[Finding]) -> Rep:
    t = kin.timestamps
    lost = sum(SEVERITY_POINTS[f.severity] for f in findings if metrics.number in f.reps)
    values = {
        "peak_knee_flexion_deg": metrics.peak_knee_flexion,
        "peak_hip_flexion_deg": metrics.peak_hip_flexion,
        "peak_trunk_inclination_deg": metrics.peak_trunk_inclination,
        "trunk_minus_tibia_at_bottom_deg": metrics.trunk_minus_tibia_at_bottom,
        "posterior_hip_shift_leg": metrics.posterior_hip_shift,
    }
    return Rep(
        number=metrics.number,
        start_time=round(float(t[window.start]), 3),
        bottom_time=round(float(t[window.bottom]), 3),
        end_time=round(float(t[window.end]), 3),
        start_frame=window.start,
        bottom_frame=window.bottom,
        end_frame=window.end,
        descent_s=round(float(t[window.bottom] - t[window.start]), 3),
        ascent_s=round(float(t[window.end] - t[window.bottom]), 3),
        depth=round(float(depth[window.bottom]), 3),
        score=max(0.0, 100.0 - lost),
        metrics={k: round(v, 2) for k, v in values.items() if np.isfinite(v)},
    )


def compute_tracking_quality(pose: PoseSequence, warnings: list[str] | None = None) -> TrackingQuality:
    """Summarise detection coverage, visibility and the longest gap."""
    detected = pose.detected
    vis = pose.visibility[:, SCORED_LANDMARKS]
    longest = 0.0
    run_start = None
    for i, ok in enumerate(np.append(detected, True)):
        if not ok and run_start is None:
            run_start = i
        elif ok and run_start is not None:
            end_t = pose.timestamps[i] if i < len(pose) else pose.timestamps[-1] + 1.0 / pose.fps
            longest = max(longest, float(end_t - pose.timestamps[run_start]))
            run_start = None
    frames = len(pose)
    return TrackingQuality(
        frames=frames,
        frames_with_person=int(detected.sum()),
        detected_fraction=round(float(detected.mean()) if frames else 0.0, 4),
        mean_visibility=round(float(vis[detected].mean()) if detected.any() else 0.0, 4),
        longest_gap_s=round(longest, 3),
        warnings=list(warnings or []),
    )


def _summaries(reps: list[RepMetrics], view: View, movement: Movement) -> list[MetricSummary]:
    def mean(attr: str) -> float | None:
        values = [getattr(r, attr) for r in reps if np.isfinite(getattr(r, attr))]
        return round(float(np.mean(values)), 2) if values else None

    side_only = view in ("sagittal-left", "sagittal-right", "oblique")
    out = [
        MetricSummary(
            name="peak knee flexion", unit="deg", value=mean("peak_knee_flexion"), confidence=0.8 if side_only else 0.5
        ),
        MetricSummary(
            name="peak hip flexion", unit="deg", value=mean("peak_hip_flexion"), confidence=0.8 if side_only else 0.5
        ),
    ]
    if side_only:
        out.append(
            MetricSummary(
                name="peak trunk inclination", unit="deg", value=mean("peak_trunk_inclination"), confidence=0.8
            )
        )
    else:
        out.append(
            MetricSummary(
                name="peak trunk inclination",
                unit="deg",
                value=None,
                confidence=0.0,
                note="not measurable from this view",
            )
        )
    return out


def assess(
    pose: PoseSequence, movement: MovementChoice = "auto", warnings: list[str] | None = None
) -> AssessmentResult:
    """Assess a recording: filter, measure, segment reps, detect findings, score.

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks from the pose model.
    movement : str
        ``"auto"`` or one of the supported movements.
    warnings : list of str, optional
        Decode warnings to carry into the tracking summary.
    """
    filtered = filter_pose(pose)
    kin = compute_kinematics(filtered)
    view = classify_view(filtered)
    chosen: Movement = recognise_movement(kin) if movement == "auto" else movement
    depth = compute_depth(kin, chosen)
    windows = detect_reps(depth, kin.timestamps)
    hip_shift = _posterior_hip_shift(filtered, view)
    metrics = [_rep_metrics(kin, w, i + 1, hip_shift) for i, w in enumerate(windows)]
    findings = detect_compensations(metrics, view, chosen)
    reps = [_to_rep(w, m, kin, depth, findings) for w, m in zip(windows, metrics, strict=True)]
    score = round(float(np.mean([r.score for r in reps])), 1) if reps else None
    assessment = Assessment(
        movement=chosen,
        movement_detected=movement == "auto",
        view=view,
        reps=reps,
        findings=findings,
        score=score,
        metrics=_summaries(metrics, view, chosen),
    )
    return AssessmentResult(assessment, kin, compute_tracking_quality(pose, warnings), filtered)
