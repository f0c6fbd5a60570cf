"""Ground truth of a synthetic overhead reach: per-frame arm and trunk angles, and per-rep events and peaks.

:func:`reach_angles` measures the reach's series on body-frame landmarks;
:func:`movequal.synthetic.reach.record_reach` evaluates them at the exact
event times of :class:`~movequal.synthetic.reach_spec.ReachLayout` to fill
:class:`ReachTruth`.

Definitions (degrees; body frame forward, up, left; 3D unless noted):

- ``arm_elevation_{side}``: angle between shoulder → elbow and shoulder → hip
  of that side (0 = upper arm along the trunk's side line, 180 = straight up
  beside it). A hanging arm reads :func:`rest_elevation`, about 9°, not 0:
  the shoulder joints are wider apart than the hip joints.
- ``elbow_flexion_{side}``: 180 − angle(shoulder, elbow, wrist).
- ``trunk_pitch``: hip mid-point → shoulder mid-point line from vertical in
  the sagittal plane, + forward, − backward (signed ``trunk_inclination``).
- ``trunk_lateral_lean``: the same line from vertical in the frontal plane,
  + towards the subject's left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.spine import chord_table
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.truth import angle_between

FloatArray = NDArray[np.float64]
SIDES = ("left", "right")


@dataclass(frozen=True)
class ReachTruth:
    """Exact events, peaks and trunk compensations of a synthetic overhead reach, one value per rep.

    Parameters
    ----------
    arms : {"both", "left", "right"}
        The arm(s) raised (``Reach.arms``).
    plane_deg : float
        Plane of elevation at the top (``Reach.plane_deg``; 0 = forward).
    reps : int
        Number of reps (``SyntheticSpec.reps``).
    starts, arrivals, tops, departures, ends : ndarray
        Seconds from the first frame (generally between frames): the arm
        leaves its hanging rest, reaches the top, is at the middle of the
        hold at the top (the rep's turning point, where the arm peaks; with
        ``hold_s = 0`` the instant it turns), starts down, is hanging again.
    peak_elevation_left_deg, peak_elevation_right_deg : ndarray
        Arm elevation (``arm_elevation_{side}`` of :mod:`.reach_truth`) at
        the top; NaN for an arm not raised. Constant from ``arrivals`` to
        ``departures``.
    trunk_extension_deg : ndarray
        ``trunk_pitch`` at the start minus at the top: the trunk's backward
        tilt at the top relative to the rep's start, + backward
        (``Reach.back_arch_deg``).
    lateral_lean_deg : ndarray
        Change of ``trunk_lateral_lean`` from the start to the top, + away
        from the raised arm (both arms: + towards the subject's left), as
        ``Reach.side_lean_deg``.
    rest_elevation_deg : float
        ``arm_elevation`` of a hanging arm (every arm at rest; the arm not
        raised all the time, up to the trunk's lean).
    """

    arms: str
    plane_deg: float
    reps: int
    starts: FloatArray
    arrivals: FloatArray
    tops: FloatArray
    departures: FloatArray
    ends: FloatArray
    peak_elevation_left_deg: FloatArray
    peak_elevation_right_deg: FloatArray
    trunk_extension_deg: FloatArray
    lateral_lean_deg: FloatArray
    rest_elevation_deg: float

    @property
    def rep_count(self) -> int:
        """Number of reps (``reps``)."""
        return self.reps

    def peak_elevation(self, side: str) -> FloatArray:
        """Per-rep peak elevation of the ``"left"`` or ``"right"`` arm (NaN if it was not raised)."""
        if side not in SIDES:
            raise ValueError(f"side: expected 'left' or 'right', got {side!r}")
        return self.peak_elevation_left_deg if side == "left" else self.peak_elevation_right_deg


def standing_chord(body: Body) -> float:
    """Hip mid-point → shoulder mid-point distance of the upright trunk (metres)."""
    _, _, length = chord_table()
    return float(length[0] * body.height)


def rest_elevation(body: Body) -> float:
    """Arm elevation (rad) of an upper arm hanging straight down from the upright trunk.

    Notes
    -----
    The shoulder → hip line of one side leans inwards by the difference of
    the shoulder and hip half-widths over the trunk's length (about 8.9°,
    the same for every height): that is the hanging arm's elevation.
    """
    return float(np.arctan2(body.shoulder_half - body.hip_half, standing_chord(body)))


def _mid(points: FloatArray, joint: str) -> FloatArray:
    return np.asarray(0.5 * (points[:, IDX[f"left_{joint}"]] + points[:, IDX[f"right_{joint}"]]))


def reach_angles(points: FloatArray) -> dict[str, FloatArray]:
    """Return the reach's truth series (module docstring) of body-frame landmarks (T, 33, 3)."""
    chord = _mid(points, "shoulder") - _mid(points, "hip")
    out = {
        "trunk_pitch": np.degrees(np.arctan2(chord[:, FWD], chord[:, UP])),
        "trunk_lateral_lean": np.degrees(np.arctan2(chord[:, LEFT], chord[:, UP])),
    }
    for side in SIDES:
        shoulder, elbow, wrist, hip = (points[:, IDX[f"{side}_{j}"]] for j in ("shoulder", "elbow", "wrist", "hip"))
        out[f"arm_elevation_{side}"] = angle_between(elbow - shoulder, hip - shoulder)
        out[f"elbow_flexion_{side}"] = 180.0 - angle_between(shoulder - elbow, wrist - elbow)
    return {name: np.asarray(values, dtype=np.float64) for name, values in out.items()}
