"""Ground truth of a synthetic forward reach: per-frame hand, arm and trunk series, and per-trial results.

:func:`forward_reach_angles` measures the forward reach's own series on
body-frame landmarks (added to those of :mod:`.truth` and
:func:`~movequal.synthetic.reach_truth.reach_angles`);
:func:`movequal.synthetic.forward_reach.record_forward_reach` evaluates the
landmarks at the exact event times of
:class:`~movequal.synthetic.forward_reach_spec.ForwardReachLayout` to fill
:class:`ForwardReachTruth`.

Body frame: forward, up, subject's left (metres; the floor at 0, the origin
between the two ankle joints of the standing subject). L = thigh + shank.

- ``hand_reach_{side}``: forward coordinate of that wrist minus the wrist's
  at the start position, / L (the reach, in leg lengths, while the arm is up).
- ``arm_inclination_{side}``: the shoulder → wrist line above the horizontal,
  degrees (0 at the start position and all through the reach; about -90
  hanging).
- ``trunk_rotation``: yaw of the shoulder line (left → right shoulder, seen
  from above) against the hip line, degrees, + when the reaching shoulder is
  ahead (both arms: the right shoulder).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import FWD, LEFT, UP

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
SIDES = ("left", "right")


@dataclass(frozen=True)
class ForwardReachTruth:
    """Exact events and results of a synthetic Functional Reach Test, one value per trial.

    Positions are in the body frame of :mod:`.forward_reach_truth` (forward,
    up, left; metres; origin on the floor between the standing ankles);
    side axes run (left, right).

    Parameters
    ----------
    arms : {"right", "left", "both"}
        The reaching arm(s) (``ForwardReach.arms``).
    hip_share : float
        ``ForwardReach.hip_share``.
    reps : int
        Number of trials (``SyntheticSpec.reps``).
    leg_length_m : float
        Thigh + shank (hip joint to ankle joint), the unit of ``reach_leg``.
    starts, arm_ups, reach_starts, arrivals, furthest, departures, returns, ends : ndarray
        Seconds from the first frame (generally between frames): the arm
        leaves its hanging rest; it is horizontal, trunk upright (the start
        position); the reach begins; the furthest point is reached; the
        middle of the hold there (the trial's turning point, its "bottom");
        the return begins; back at the start position; arm hanging again.
    reach_m : ndarray
        Forward travel of the reaching wrist (both arms: of the wrists'
        mid-point) from the start position to the furthest point, metres:
        the planted reach after per-trial variability.
    reach_leg : ndarray
        ``reach_m / leg_length_m``.
    hip_reach_m : ndarray
        The part of ``reach_m`` the hip strategy gives: the forward travel of
        the shoulder mid-point of the balanced, hip-flexed posture standing
        on upright legs (before it tips about the ankles).
    start_wrist_m, furthest_wrist_m : ndarray, shape (reps, 2, 3)
        Wrist positions at the start position (``reach_starts``) and at the
        furthest point (``furthest``); NaN for an arm not raised.
    heel_rise_m : ndarray, shape (reps, 2)
        Heel landmark height above the floor at the furthest point.
    stepped : ndarray of bool
        Whether the trial stepped (an invalid trial).
    step_m : ndarray
        Forward displacement of the stepping foot's toe at the furthest
        point (0 where the trial did not step).
    step_side : {"left", "right"}
        The foot that steps when one does.
    trunk_rotation_deg : ndarray
        ``trunk_rotation`` at the furthest point: the shoulder line's yaw
        against the hip line, + reaching shoulder forward (both arms: the
        right shoulder).
    trunk_inclination_deg : ndarray
        Hip mid-point → shoulder mid-point line from vertical in the sagittal
        plane at the furthest point, + forward (``trunk_pitch``).
    ankle_tilt_deg : ndarray
        Forward tilt of the whole body about the ankles at the furthest point
        (the ankle strategy; negative when the planted faults give more than
        the ankle strategy's share and the body tips back instead).
    hip_shift_m : ndarray
        Backward displacement of the hip mid-point from the start position to
        the furthest point (+ backward, the hip strategy's signature;
        negative when the ankle strategy carries the hips forward).
    """

    arms: str
    hip_share: float
    reps: int
    leg_length_m: float
    starts: FloatArray
    arm_ups: FloatArray
    reach_starts: FloatArray
    arrivals: FloatArray
    furthest: FloatArray
    departures: FloatArray
    returns: FloatArray
    ends: FloatArray
    reach_m: FloatArray
    reach_leg: FloatArray
    hip_reach_m: FloatArray
    start_wrist_m: FloatArray
    furthest_wrist_m: FloatArray
    heel_rise_m: FloatArray
    stepped: BoolArray
    step_m: FloatArray
    step_side: str
    trunk_rotation_deg: FloatArray
    trunk_inclination_deg: FloatArray
    ankle_tilt_deg: FloatArray
    hip_shift_m: FloatArray

    @property
    def rep_count(self) -> int:
        """Number of trials (``reps``)."""
        return self.reps

    @property
    def valid(self) -> BoolArray:
        """Whether each trial is valid (no step)."""
        return np.asarray(~self.stepped)


def shoulder_yaw(points: FloatArray) -> FloatArray:
    """Yaw (degrees, (T,)) of the left → right shoulder line against the hip line, + right shoulder forward."""

    def yaw(joint: str) -> FloatArray:
        d = points[:, IDX[f"left_{joint}"]] - points[:, IDX[f"right_{joint}"]]
        return np.asarray(np.arctan2(-d[:, FWD], d[:, LEFT]))

    return np.asarray(np.degrees(yaw("shoulder") - yaw("hip")))


def forward_reach_angles(points: FloatArray, start_x: float, leg: float, sign: float) -> dict[str, FloatArray]:
    """Return the forward reach's series (module docstring) of body-frame landmarks (T, 33, 3).

    ``start_x`` is the wrists' forward coordinate at the start position,
    ``leg`` the leg length and ``sign`` +1 (right arm or both) or -1 (left
    arm): the side whose shoulder ahead counts as a positive rotation.
    """
    out = {"trunk_rotation": sign * shoulder_yaw(points)}
    for side in SIDES:
        shoulder, wrist = points[:, IDX[f"{side}_shoulder"]], points[:, IDX[f"{side}_wrist"]]
        arm = wrist - shoulder
        out[f"hand_reach_{side}"] = (wrist[:, FWD] - start_x) / leg
        out[f"arm_inclination_{side}"] = np.degrees(np.arctan2(arm[:, UP], np.hypot(arm[:, FWD], arm[:, LEFT])))
    return {name: np.asarray(values, dtype=np.float64) for name, values in out.items()}
