"""Clip-level summaries: each metric's value with its confidence, and tracking quality.

A metric outside the views it is valid in is reported with ``value=None`` and
the note "not measurable from this view", never as a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from movequal.core.assessment import MetricSummary, Movement, TrackingQuality, View
from movequal.core.compensations.base import VIEW_CONFIDENCE_3D
from movequal.core.compensations.metrics import RepMetrics
from movequal.core.kinematics import Kinematics
from movequal.core.metric_registry import select_summarised
from movequal.core.views import ANY_VIEW
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

NOT_MEASURABLE = "not measurable from this view"
FROM_3D = "from the 3D landmarks: less precise than from a side view"


PAIRED_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")


def compute_joint_visibility(pose: PoseSequence) -> dict[str, float]:
    """Mean visibility of each paired joint over detected frames, the better side of the pair on each frame.

    Side views see one side well, so the better side is what a side-view
    measurement relies on.
    """
    detected = pose.detected
    if not detected.any():
        return dict.fromkeys(PAIRED_JOINTS, 0.0)
    left, right = ([IDX[f"{side}_{j}"] for j in PAIRED_JOINTS] for side in ("left", "right"))
    seen = pose.visibility if detected.all() else pose.visibility[detected]
    better = np.maximum(seen[:, left], seen[:, right])
    return dict(zip(PAIRED_JOINTS, better.mean(axis=0).tolist(), strict=True))


def compute_side_visibility(pose: PoseSequence, joints: Sequence[str], known: dict[str, float] | None = None) -> float:
    """Mean of :func:`compute_joint_visibility` over ``joints`` (pass ``known`` to reuse it)."""
    per_joint = known if known is not None else compute_joint_visibility(pose)
    return float(np.mean([per_joint[j] for j in joints]))


def summarise_metrics(
    reps: Sequence[RepMetrics],
    kin: Kinematics,
    view: View,
    pose: PoseSequence,
    joint_visibility: dict[str, float] | None = None,
    *,
    movement: Movement | None = None,
) -> list[MetricSummary]:
    """Mean over the reps of each metric summarised for ``movement``, with confidence from visibility and view."""
    out = []
    per_joint = joint_visibility if joint_visibility is not None else compute_joint_visibility(pose)
    for spec in select_summarised(movement):
        assert spec.attr is not None, spec.key
        valid = view in spec.views
        if not valid and not (spec.has_3d and view in ANY_VIEW):
            out.append(
                MetricSummary(
                    key=spec.key, name=spec.name, unit=spec.unit, value=None, confidence=0.0, note=NOT_MEASURABLE
                )
            )
            continue
        values = [float(v) for v in (getattr(r, spec.attr) for r in reps) if math.isfinite(v)]
        factor = 1.0 if valid else VIEW_CONFIDENCE_3D
        confidence = round(compute_side_visibility(pose, spec.joints, per_joint) * factor, 2) if values else 0.0
        out.append(
            MetricSummary(
                key=spec.key,
                name=spec.name,
                unit=spec.unit,
                value=round(spec.scale * float(np.mean(values)), 2) if values else None,
                confidence=confidence,
                note=None if valid else FROM_3D,
            )
        )
    return out


def compute_tracking_quality(
    pose: PoseSequence,
    landmarks: Sequence[int],
    warnings: list[str] | None = None,
    out_of_picture: dict[str, float] | None = None,
) -> TrackingQuality:
    """Summarise detection coverage, visibility of ``landmarks``, the longest gap and the body parts out of the picture.

    ``out_of_picture`` is :func:`movequal.core.framing.summarise_out_of_picture` of the whole clip, which the caller
    has already located (empty when not given).
    """
    detected = pose.detected
    frames = len(pose)
    longest = 0.0
    if frames:
        edges = np.flatnonzero(np.diff(np.concatenate([[0], (~detected).astype(np.int8), [0]])))
        ends_t = np.append(pose.timestamps, pose.timestamps[-1] + 1.0 / pose.fps)
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            longest = max(longest, float(ends_t[stop] - pose.timestamps[start]))
    vis = pose.visibility[:, list(landmarks)]
    return TrackingQuality(
        frames=frames,
        frames_with_person=int(detected.sum()),
        detected_fraction=round(float(detected.mean()) if frames else 0.0, 4),
        mean_visibility=round(float(vis[detected].mean()) if detected.any() else 0.0, 4),
        longest_gap_s=round(longest, 3),
        warnings=list(warnings or []),
        out_of_picture=dict(out_of_picture or {}),
    )
