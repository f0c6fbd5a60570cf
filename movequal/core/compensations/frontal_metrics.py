"""The rep metrics a front view reads: knee valgus, sideways hip shift, pelvic tilt, knee symmetry.

Two of them, the knee's frontal plane projection angle and the sideways hip shift, need the body square on to
the camera (:data:`~movequal.core.views.SQUARE_ON_MAX_YAW_DEG`); :func:`compute_rep_yaw` reads how the patient
stands to it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from movequal.core.assessment import View
from movequal.core.compensations.series_stats import change_from_reference, median_around, peak_of
from movequal.core.frame_rate import compute_frame_rate, compute_frames
from movequal.core.kinematics import Kinematics
from movequal.core.reps import RepWindow
from movequal.core.smoothness import compute_symmetry_index
from movequal.core.views import SQUARE_ON_MAX_YAW_DEG

NAN = float("nan")

SET_UP_YAW_S = 0.25
"""Time from a rep's standing reference, inside the rep, over which its set-up turn is read."""


class FrontalMetrics(NamedTuple):
    """The rep metrics read only in a front view (all NaN in other views)."""

    valgus: float
    lateral_shift: float
    pelvic_obliquity: float
    knee_symmetry_index: float
    knee_difference: float


def compute_frontal_metrics(
    kin: Kinematics,
    view: View,
    window: RepWindow,
    *,
    yaw: float | None = None,
    max_yaw_deg: float = SQUARE_ON_MAX_YAW_DEG,
) -> FrontalMetrics:
    """Valgus, lateral shift, pelvic obliquity change, knee SI and L-R difference of one rep.

    Parameters
    ----------
    kin : Kinematics
        The clip's (or live window's) series.
    view : View
        The clip's camera view; anything but ``"frontal"`` gives all NaN.
    window : RepWindow
        The rep.
    yaw : float, optional
        The rep's set-up turn (:func:`compute_rep_yaw`), when the caller has it.
    max_yaw_deg : float
        Largest turn at which valgus and lateral shift are read; the evaluation passes 90 to read them anyway.

    Notes
    -----
    Valgus (the knee's frontal plane projection angle) and the sideways hip
    shift are NaN, not measurable, on a rep where the body stands turned more
    than ``max_yaw_deg`` from the camera: there a bent knee's flexion and the
    hips' forward travel show as sideways motion. A turn that could not be
    measured (no world landmarks) does not switch them off: nothing says the
    camera was turned.
    """
    if view != "frontal":
        return FrontalMetrics(NAN, NAN, NAN, NAN, NAN)
    sl, ref = slice(window.start, window.end + 1), window.standing - window.start
    turned = (compute_rep_yaw(kin, window) if yaw is None else yaw) > max_yaw_deg
    left_fppa, right_fppa = kin.series["knee_fppa_left"][sl], kin.series["knee_fppa_right"][sl]
    valgus = NAN if turned else peak_of(np.fmax(left_fppa, right_fppa))
    lateral = NAN if turned else change_from_reference(kin.series["lateral_hip_shift"], sl, ref)
    obliquity = change_from_reference(kin.series["pelvic_obliquity"], sl, ref)
    left, right = (peak_of(kin.series[f"knee_flexion_3d_{side}"][sl]) for side in ("left", "right"))
    return FrontalMetrics(valgus, lateral, obliquity, float(compute_symmetry_index(left, right)), left - right)


def compute_rep_yaw(kin: Kinematics, window: RepWindow) -> float:
    """Return the body's turn from the camera as the rep stands at its reference (deg; 0 = square on), NaN if unseen.

    Notes
    -----
    The median over :data:`SET_UP_YAW_S` from the standing reference (the
    start, or a floor lift's lockout), on both sides of it but inside the rep:
    that is how the patient stands to the camera. A pelvis that rotates during
    the rep is part of the movement being judged (a knee that collapses
    inwards often comes with it) and must not make the rep unmeasurable.
    """
    yaw = kin.series["body_yaw"][window.start : window.end + 1]
    half = compute_frames(SET_UP_YAW_S, compute_frame_rate(kin.timestamps))
    return median_around(yaw, window.standing - window.start, half)
