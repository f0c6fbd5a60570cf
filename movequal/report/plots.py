"""The data behind the report's angle plots, chosen for the clip's camera view.

A side view plots the image angles; any other view plots the same angles from
the 3D landmarks (labelled so), and leaves out what only a side view can show,
so the report never draws a number that is not valid from where the camera was.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from movequal.core.assessment import Report, View
from movequal.core.kinematics import Kinematics
from movequal.core.views import SAGITTAL

PlotGroup = tuple[str, str, tuple[tuple[str, str], ...]]

SIDE_VIEW_PLOTS: tuple[PlotGroup, ...] = (
    ("Trunk inclination", "deg", (("trunk_inclination", "Trunk"),)),
    ("Hip flexion", "deg", (("hip_flexion_left", "Left"), ("hip_flexion_right", "Right"))),
    ("Knee flexion", "deg", (("knee_flexion_left", "Left"), ("knee_flexion_right", "Right"))),
    ("Tibia inclination", "deg", (("tibia_inclination_left", "Left"), ("tibia_inclination_right", "Right"))),
    ("Hip height", "%", (("hip_height", "Hip height"),)),
)
"""Plot title, display unit and (series key, legend label) of each angle plot, from the side."""

OTHER_VIEW_PLOTS: tuple[PlotGroup, ...] = (
    ("Trunk inclination (3D)", "deg", (("trunk_inclination_3d", "Trunk"),)),
    ("Hip flexion (3D)", "deg", (("hip_flexion_3d_left", "Left"), ("hip_flexion_3d_right", "Right"))),
    ("Knee flexion (3D)", "deg", (("knee_flexion_3d_left", "Left"), ("knee_flexion_3d_right", "Right"))),
    ("Knee valgus (FPPA)", "deg", (("knee_fppa_left", "Left"), ("knee_fppa_right", "Right"))),
    ("Hip height", "%", (("hip_height", "Hip height"),)),
)
"""The same from the front or at an angle; knee valgus appears only where it is valid (front view)."""

_UNIT_LABELS = {"deg": "degrees", "%": "% of standing leg length"}
_SERIES_SCALE = {"hip_height": 100.0}
"""Series shown in another unit than stored (hip height ratio → percent)."""


def _series_values(values: np.ndarray, scale: float) -> list[float | None]:
    """Round to 0.1 in display units; NaN and infinities become ``None`` (JSON null)."""
    arr = np.asarray(values, dtype=np.float64) * scale
    rounded = np.where(np.isfinite(arr), np.round(arr, 1), np.nan).tolist()
    return [None if math.isnan(v) else v for v in rounded]


def plot_groups(view: View) -> tuple[PlotGroup, ...]:
    """Return the plots to draw for a camera view."""
    return SIDE_VIEW_PLOTS if view in SAGITTAL else OTHER_VIEW_PLOTS


def plot_data(report: Report, kinematics: Kinematics) -> dict[str, Any]:
    """Build the JSON-serialisable data behind the angle plots.

    Parameters
    ----------
    report : Report
        Supplies the view and the repetitions to shade.
    kinematics : Kinematics
        Supplies timestamps and series; series missing, of the wrong length,
        or not valid in the view are left out.

    Returns
    -------
    dict
        ``t`` (seconds), ``series`` (key → values rounded to 0.1, ``None`` for gaps),
        ``groups`` (plot title, unit, series) and ``reps`` (start, bottom, end times).
    """
    view = report.assessment.view
    t = np.asarray(kinematics.timestamps, dtype=np.float64)
    series: dict[str, list[float | None]] = {}
    groups = []
    for title, unit, members in plot_groups(view):
        present = [
            (k, label)
            for k, label in members
            if k in kinematics.series and len(kinematics.series[k]) == len(t) and kinematics.valid(k, view)
        ]
        for key, _ in present:
            series[key] = _series_values(kinematics.series[key], _SERIES_SCALE.get(key, 1.0))
        if present:
            groups.append(
                {
                    "title": title,
                    "unit": unit,
                    "unit_label": _UNIT_LABELS.get(unit, unit),
                    "series": [{"key": k, "label": label} for k, label in present],
                }
            )
    reps = [
        {"n": r.number, "start": r.start_time, "bottom": r.bottom_time, "end": r.end_time}
        for r in report.assessment.reps
    ]
    times = [round(v, 3) if math.isfinite(v) else None for v in t.tolist()]
    return {"t": times, "series": series, "groups": groups, "reps": reps}
