"""Forward reach (Functional Reach Test): arm(s) up to horizontal, reach forward on planted feet, come back.

:func:`record_forward_reach` draws the trials' reaches (:func:`draw_reaches`),
splits each between the hip and the ankle strategy so the hand travels
exactly the planted distance (:func:`plan_trials`), plans the feet, pelvis
and trunk per frame (:func:`forward_plan`), assembles the 33 landmarks
(:func:`~movequal.synthetic.posture.assemble`), turns the shoulder line and
places the arms in the sagittal plane (:mod:`.forward_reach_arms`) and
measures the truth (:class:`ForwardReachTruth`) on
the result; the caller films the body-frame landmarks. Every step is a
function of time, so the truth is measured on the same landmarks evaluated
at the exact event times.

Geometry of a trial: the hip strategy flexes the trunk by ``tau`` at the
hips (:data:`PELVIS_SHARE` of it pelvis tilt, the rest lumbar flexion) while
the straight legs lean back so the centre of mass stays over the ankles
(:func:`~movequal.synthetic.movements.balance_ankle`); the ankle strategy
then tips that whole posture forward by ``alpha`` about the ankle joints.
The reaching arm stays horizontal and straight ahead once up, so the wrist
is carried with its shoulder and travels exactly as far forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import FWD, LEFT, UP, Body, trunk_chord
from movequal.synthetic.forward_reach_arms import SIDES, place_arm, turn_shoulders
from movequal.synthetic.forward_reach_spec import MAX_REACH_M, ForwardReach, ForwardReachLayout
from movequal.synthetic.forward_reach_truth import ForwardReachTruth, forward_reach_angles, shoulder_yaw
from movequal.synthetic.motion import min_jerk
from movequal.synthetic.movements import Plan, _feet, _heel_pitch, _standing_toes, _trunk, balance_ankle
from movequal.synthetic.posture import assemble
from movequal.synthetic.reach_truth import reach_angles
from movequal.synthetic.spec import SyntheticSpec
from movequal.synthetic.truth import truth_angles

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
FORWARD_REACH_STREAM = 5
"""Stream number of the per-trial reach draw (``default_rng([seed, stream])``; the overhead reach uses 3)."""
PELVIS_SHARE = 0.6
"""Fraction of the hip strategy's trunk flexion produced by the pelvis tilting at the hips (the bend's)."""
HIP_CAP = np.radians(75.0)
"""Largest trunk flexion of the hip strategy (its reach still grows there; it peaks about 85°)."""
HEAD_GAIN = 0.5
"""The head tips forward by this fraction of the thorax's angle (the eyes stay roughly on the target)."""
STEP_LIFT = 0.03
"""Swing clearance of a stepping foot, × body height."""
STEP_SPLIT = 0.5
"""The step forward fills the reach after this fraction; the step back the return before it."""
DROP_MARGIN = 0.003
"""Extra pelvis lowering (metres) beyond what the stepping leg needs to reach its foot."""


@dataclass(frozen=True)
class Trials:
    """Per-trial plan: reach (m), trunk flexion ``tau`` and ankle tilt ``alpha`` (rad), hip part and pelvis drop (m).

    ``hip`` includes no fault: the forward travel of the shoulder mid-point
    of the balanced hip posture ``tau`` on upright legs.
    """

    reach: FloatArray
    tau: FloatArray
    alpha: FloatArray
    hip: FloatArray
    drop: FloatArray


@dataclass(frozen=True)
class Progress:
    """Per-frame progress signals in [0, 1] and trial index (-1 at rest).

    ``arm``: hanging (0) → horizontal (1); ``reach``: start position (0) →
    furthest point (1); ``step``: the stepping foot's forward travel;
    ``crouch``: the pelvis lowering that lets the stepping leg reach.
    """

    arm: FloatArray
    reach: FloatArray
    step: FloatArray
    crouch: FloatArray
    rep: IntArray


@dataclass(frozen=True)
class ForwardReachRecording:
    """A planned and assembled forward reach: landmarks (T, 33, 3), its plan, truth series, truth and rep windows."""

    points: FloatArray
    plan: Plan
    angles: dict[str, FloatArray]
    truth: ForwardReachTruth
    windows: list[tuple[int, int, int]]


def draw_reaches(seed: int, fr: ForwardReach, reps: int) -> FloatArray:
    """Per-trial reaches (metres): ``reach_m`` plus ``reach_sd_m`` noise, cut to ``[0, MAX_REACH_M]``."""
    reaches = np.full(reps, fr.reach_m)
    if fr.reach_sd_m > 0:
        draw = np.random.default_rng([seed, FORWARD_REACH_STREAM]).standard_normal(reps)
        reaches = reaches + fr.reach_sd_m * draw
    return np.asarray(np.clip(reaches, 0.0, MAX_REACH_M))


def progress(t: FloatArray, fr: ForwardReach, reps: int) -> Progress:
    """Progress signals (minimum-jerk) at times ``t``; see :class:`Progress`."""
    period = fr.rep_seconds + fr.rest_s
    local = t - fr.rest_s
    rep = np.floor(local / period).astype(np.int64)
    w = local - rep * period
    inside = (local >= 0) & (rep < reps) & (w <= fr.rep_seconds)
    reach_0 = fr.raise_s + fr.ready_s
    back_0 = reach_0 + fr.reach_s + fr.hold_s
    lower_0 = back_0 + fr.return_s
    out_u, back_u = (w - reach_0) / fr.reach_s, (w - back_0) / fr.return_s
    arm = min_jerk(w / fr.raise_s) - min_jerk((w - lower_0) / fr.lower_s)
    reach = min_jerk(out_u) - min_jerk(back_u)
    rest = 1.0 - STEP_SPLIT
    step = min_jerk((out_u - STEP_SPLIT) / rest) - min_jerk(back_u / STEP_SPLIT)
    crouch = min_jerk(out_u / STEP_SPLIT) - min_jerk((back_u - STEP_SPLIT) / rest)
    zero = np.zeros_like(t)
    return Progress(
        arm=np.where(inside, arm, zero),
        reach=np.where(inside, reach, zero),
        step=np.where(inside, step, zero),
        crouch=np.where(inside, crouch, zero),
        rep=np.where(inside, rep, -1),
    )


def ankle_advance(pitch: FloatArray, body: Body) -> FloatArray:
    """Forward travel of the ankle joint of a foot pivoting on its toe by ``pitch`` (rad)."""
    return np.asarray((body.foot - body.heel_back) * (1.0 - np.cos(pitch)) + body.ankle_h * np.sin(pitch))


def hip_posture(tau: FloatArray, body: Body) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Pelvis tilt, lumbar bend, leg inclination (rad) and trunk chord (T, 2) of the balanced hip strategy."""
    tilt, bend, chord = _trunk(tau, PELVIS_SHARE, body)
    zero = np.zeros_like(tau)
    return tilt, bend, balance_ankle(zero, chord[:, 0], zero, body), chord


def fault_reach(progress: FloatArray, fr: ForwardReach, body: Body) -> FloatArray:
    """Forward travel (m) the planted faults give the hand at reach ``progress``: heel rise and trunk rotation.

    A heel rise moves the ankles forward by :func:`ankle_advance`; a trunk
    rotation moves the reaching shoulder by ``shoulder_half * sin(yaw)``
    (nothing for both arms, measured on the wrists' mid-point).
    """
    heel = ankle_advance(_heel_pitch(fr.heel_rise_m * progress, body), body)
    if fr.arms == "both":
        return heel
    return np.asarray(heel + body.shoulder_half * np.sin(np.radians(fr.trunk_rotation_deg) * progress))


def ankle_tilt(needed: FloatArray, tau: FloatArray, body: Body) -> tuple[FloatArray, FloatArray]:
    """Ankle tilt (rad) putting the shoulder mid-point ``needed`` m ahead of the ankles, and the hip part (m).

    The tilt turns the ankle → shoulder-mid vector of the balanced hip
    posture ``tau`` (length ``M``, angle ``psi`` from vertical; its forward
    component is the hip part) so its forward component is ``needed``:
    ``alpha = asin(needed / M) - psi``.
    """
    _, _, theta, chord = hip_posture(tau, body)
    along = body.leg * np.sin(theta) + chord[:, 0]
    upward = body.leg * np.cos(theta) + chord[:, 1]
    ratio = needed / np.hypot(along, upward)
    if np.any(np.abs(ratio) > 0.99):
        raise ValueError(f"reach_m: a reach of {float(np.max(needed)):.2f} m is beyond this {body.height:.2f} m body")
    return np.asarray(np.arcsin(ratio) - np.arctan2(along, upward)), np.asarray(along)


def plan_strategies(reaches: FloatArray, fr: ForwardReach, body: Body) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Trunk flexion ``tau``, ankle tilt ``alpha`` (rad) and hip part (m) of each trial at its furthest point.

    Notes
    -----
    The faults' part (:func:`fault_reach`) comes first; ``hip_share`` of the
    rest sets ``tau`` by inverting the hip strategy's reach (a table up to
    :data:`HIP_CAP`, where it stops); the ankle tilt (:func:`ankle_tilt`)
    then closes the gap exactly.
    """
    grid = np.linspace(0.0, HIP_CAP, 1601)
    _, _, theta, chord = hip_posture(grid, body)
    hip_curve = body.leg * np.sin(theta) + chord[:, 0]
    rest = reaches - fault_reach(np.ones_like(reaches), fr, body)
    tau = np.interp(np.clip(fr.hip_share * rest, 0.0, hip_curve[-1]), hip_curve, grid)
    alpha, hip = ankle_tilt(rest, tau, body)
    return np.asarray(tau), alpha, hip


def trial_path(prog: Progress, fr: ForwardReach, trials: Trials, body: Body) -> tuple[FloatArray, FloatArray]:
    """Trunk flexion and ankle tilt (rad) at ``prog``.

    The trunk flexion goes linearly in ``prog.reach`` to the trial's; the
    hand's travel is the hip part of that flexion plus ``prog.reach`` times
    the rest of the trial's reach (so it grows monotonically and is exact at
    the furthest point), the ankle tilt solved for it frame by frame.
    """
    k = np.clip(prog.rep, 0, None)
    tau = trials.tau[k] * prog.reach
    _, hip = ankle_tilt(np.zeros_like(tau), tau, body)
    travel = hip + (trials.reach[k] - trials.hip[k]) * prog.reach
    alpha, _ = ankle_tilt(travel - fault_reach(prog.reach, fr, body), tau, body)
    return tau, alpha


def forward_plan(prog: Progress, fr: ForwardReach, trials: Trials, body: Body) -> tuple[Plan, FloatArray, FloatArray]:
    """Feet, hips and trunk of the forward reach at ``prog``; return the plan, trunk chord (T, 2) and shoulder yaw.

    Notes
    -----
    The trunk flexion and ankle tilt follow :func:`trial_path`; the heel
    rise and the shoulder yaw grow in proportion to ``prog.reach``. The hips sit on straight legs over the
    ankle of the foot that does not step (both ankles alike otherwise); in
    the stepping trial the stepping foot stays flat, swings forward and
    back, and the pelvis lowers by ``trials.drop`` so that leg still reaches
    it (both knees bend a little). The yaw (rad, + right shoulder forward)
    is applied by :func:`turn_shoulders`.
    """
    n = len(prog.reach)
    k = np.clip(prog.rep, 0, None)
    stance = 0 if fr.step_side == "right" else 1
    stepper = 1 - stance
    stepping = (prog.rep == fr.step_rep) & (fr.step_m > 0)
    tau, alpha = trial_path(prog, fr, trials, body)
    tilt, bend, theta, _ = hip_posture(tau, body)
    chord = trunk_chord(tilt + alpha, bend, body)
    theta = theta + alpha
    toe = _standing_toes(n, body)
    step = np.where(stepping, prog.step, 0.0)
    toe[:, stepper, FWD] += fr.step_m * step
    toe[:, stepper, UP] += STEP_LIFT * body.height * np.sin(np.pi * step)
    pitch = np.repeat(_heel_pitch(fr.heel_rise_m * prog.reach, body)[:, None], 2, axis=1)
    pitch[:, stepper] = np.where(stepping, 0.0, pitch[:, stepper])
    ankle, heel = _feet(toe, pitch, body)
    base = ankle[:, stance]
    drop = np.where(stepping, trials.drop[k] * prog.crouch, 0.0)
    hip = np.empty_like(ankle)
    for _, s, outward in SIDES:
        hip[:, s, FWD] = base[:, FWD] + body.leg * np.sin(theta)
        hip[:, s, UP] = base[:, UP] + body.leg * np.cos(theta) - drop
        hip[:, s, LEFT] = outward * body.hip_half
    zero = np.zeros(n)
    plan = Plan(ankle, heel, toe, hip, np.zeros((n, 2)), tilt + alpha, bend, "hang", zero, HEAD_GAIN)
    yaw = fr.side_sign * np.radians(fr.trunk_rotation_deg) * prog.reach
    return plan, chord, np.asarray(yaw)


def forward_points(t: FloatArray, spec: SyntheticSpec, trials: Trials, body: Body) -> tuple[FloatArray, Plan]:
    """Body-frame landmarks (T, 33, 3) and plan of ``spec``'s forward reach at times ``t``."""
    fr = spec.resolved_forward_reach
    prog = progress(t, fr, spec.reps)
    plan, chord, yaw = forward_plan(prog, fr, trials, body)
    points = assemble(plan, body, chord=chord)
    turn_shoulders(points, yaw, body)
    for (side, _, _), raised in zip(SIDES, fr.raised, strict=True):
        place_arm(points, side, prog.arm if raised else np.zeros_like(prog.arm), body)
    return points, plan


def step_drop(spec: SyntheticSpec, trials: Trials, lay: ForwardReachLayout, body: Body) -> float:
    """Pelvis lowering (m) that lets the stepping leg reach its foot all through the stepping trial."""
    fr = spec.resolved_forward_reach
    if fr.step_m <= 0:
        return 0.0
    k = fr.step_rep
    t = np.linspace(lay.reach_starts[k], lay.returns[k], 2001)
    prog = progress(t, fr, spec.reps)
    plan = forward_plan(prog, fr, trials, body)[0]
    s = 1 if fr.step_side == "right" else 0
    gap = plan.hip[:, s] - plan.ankle[:, s]
    height = np.sqrt(np.clip(body.leg**2 - gap[:, FWD] ** 2, 0.0, None))
    return float(max(0.0, float(np.max(gap[:, UP] - height))) + DROP_MARGIN)


def plan_trials(spec: SyntheticSpec, body: Body) -> Trials:
    """Per-trial reaches (drawn from ``spec.seed``), strategies and the stepping trial's pelvis drop."""
    fr = spec.resolved_forward_reach
    reaches = draw_reaches(spec.seed, fr, spec.reps)
    tau, alpha, hip = plan_strategies(reaches, fr, body)
    drop = np.zeros(spec.reps)
    drop[fr.step_rep] = step_drop(
        spec, Trials(reaches, tau, alpha, hip, np.zeros(spec.reps)), fr.layout(spec.reps), body
    )
    return Trials(reaches, tau, alpha, hip, drop)


def _mid(points: FloatArray, joint: str, sides: tuple[bool, bool] = (True, True)) -> FloatArray:
    chosen = [points[:, IDX[f"{side}_{joint}"]] for (side, _, _), keep in zip(SIDES, sides, strict=True) if keep]
    return np.asarray(np.mean(chosen, axis=0))


def measure_truth(spec: SyntheticSpec, trials: Trials, lay: ForwardReachLayout, body: Body) -> ForwardReachTruth:
    """Measure the truth (definitions in :class:`ForwardReachTruth`) on the landmarks at the exact event times."""
    fr = spec.resolved_forward_reach
    start = forward_points(lay.reach_starts, spec, trials, body)[0]
    top = forward_points(lay.furthest, spec, trials, body)[0]
    reach = _mid(top, "wrist", fr.raised)[:, FWD] - _mid(start, "wrist", fr.raised)[:, FWD]
    wrists = [IDX[f"{side}_wrist"] for side, _, _ in SIDES]
    hidden = [not raised for raised in fr.raised]
    start_wrist, top_wrist = start[:, wrists].copy(), top[:, wrists].copy()
    start_wrist[:, hidden], top_wrist[:, hidden] = np.nan, np.nan
    stepper = IDX[f"{fr.step_side}_foot_index"]
    step = top[:, stepper, FWD] - (body.foot - body.heel_back)
    return ForwardReachTruth(
        arms=fr.arms,
        hip_share=fr.hip_share,
        reps=spec.reps,
        leg_length_m=body.leg,
        starts=lay.starts,
        arm_ups=lay.arm_ups,
        reach_starts=lay.reach_starts,
        arrivals=lay.arrivals,
        furthest=lay.furthest,
        departures=lay.departures,
        returns=lay.returns,
        ends=lay.ends,
        reach_m=reach,
        reach_leg=reach / body.leg,
        hip_reach_m=trials.hip,
        start_wrist_m=start_wrist,
        furthest_wrist_m=top_wrist,
        heel_rise_m=top[:, [IDX["left_heel"], IDX["right_heel"]], UP],
        stepped=np.asarray(step > 1e-9),
        step_m=step,
        step_side=fr.step_side,
        trunk_rotation_deg=fr.side_sign * shoulder_yaw(top),
        trunk_inclination_deg=reach_angles(top)["trunk_pitch"],
        ankle_tilt_deg=np.degrees(trials.alpha),
        hip_shift_m=_mid(start, "hip")[:, FWD] - _mid(top, "hip")[:, FWD],
    )


def record_forward_reach(spec: SyntheticSpec, body: Body) -> ForwardReachRecording:
    """Plan, assemble and measure ``spec``'s forward reach at its frame times.

    Notes
    -----
    The truth series are :func:`~movequal.synthetic.truth.truth_angles`,
    :func:`~movequal.synthetic.reach_truth.reach_angles` and
    :func:`~movequal.synthetic.forward_reach_truth.forward_reach_angles`,
    except that ``lumbar_flexion`` is ``trunk_pitch - pelvis_tilt``, signed,
    rather than the unsigned inclination's.
    """
    fr = spec.resolved_forward_reach
    trials = plan_trials(spec, body)
    lay = fr.layout(spec.reps)
    t = np.arange(spec.n_frames, dtype=np.float64) / spec.fps
    points, plan = forward_points(t, spec, trials, body)
    reaching = "left" if fr.arms == "left" else "right"
    start_x = float(forward_points(lay.reach_starts[:1], spec, trials, body)[0][0, IDX[f"{reaching}_wrist"], FWD])
    angles = truth_angles(points, plan.pelvis_tilt, plan.bend, body) | reach_angles(points)
    angles |= forward_reach_angles(points, start_x, body.leg, fr.side_sign)
    angles["lumbar_flexion"] = angles["trunk_pitch"] - angles["pelvis_tilt"]
    last = spec.n_frames - 1
    windows = [
        (round(a * spec.fps), round(b * spec.fps), min(round(c * spec.fps), last))
        for a, b, c in zip(lay.starts, lay.furthest, lay.ends, strict=True)
    ]
    truth = measure_truth(spec, trials, lay, body)
    return ForwardReachRecording(points=points, plan=plan, angles=angles, truth=truth, windows=windows)
