"""Synthetic MediaPipe-format pose recordings with known ground truth.

:func:`generate` moves a parametric 3D skeleton (segment lengths from
Winter's anthropometric table) through a rehab exercise, plants
compensations of known size (:class:`Faults`), films it with a
:class:`Camera` and returns the :class:`~movequal.pose.sequence.PoseSequence` a pose
model would ideally have produced, plus a :class:`SyntheticTruth` with the
angle series the analyser should recover.

Example
-------
>>> from movequal.synthetic import Faults, SyntheticSpec, generate
>>> pose, truth = generate(SyntheticSpec(movement="squat", faults=Faults(heel_lift=0.03)))
>>> len(pose) == len(truth.angles["knee_flexion_left"])
True

A walk (``movement="walk"``, parameters in :class:`Gait`) gets exact gait
events and step parameters in ``truth.gait`` (:class:`GaitTruth`); a timed
up-and-go (``movement="tug"``, parameters in :class:`Tug`) its phase events
in ``truth.tug`` (:class:`TugTruth`); a static balance hold
(``movement="single-leg-stance"`` or ``"tandem-stance"``, parameters in
:class:`Balance`) its events and true sway in ``truth.balance``
(:class:`BalanceTruth`); an overhead reach (``movement="overhead-reach"``,
parameters in :class:`Reach`) its per-rep events, peak arm elevations and
trunk compensations in ``truth.reach`` (:class:`ReachTruth`); a Functional
Reach Test (``movement="forward-reach"``, parameters in
:class:`ForwardReach`) its per-trial events, reach distances and planted
faults in ``truth.forward_reach`` (:class:`ForwardReachTruth`).

Pipeline: :mod:`.motion` (time base and smooth progress profiles) →
:mod:`.movements` / :mod:`.lunge` (feet, hips, trunk per frame; a walk:
:mod:`.stride`, :mod:`.feet`, :mod:`.walk`; a TUG blends sit-to-stand and
walk in :mod:`.tug`; a balance hold: :mod:`.balance_sway`,
:mod:`.balance_motion`, :mod:`.balance`; a reach: :mod:`.reach`; a forward
reach: :mod:`.forward_reach`) →
:mod:`.posture` (knees, shoulders, face, arms, hands: 33 landmarks in a
body frame) → :mod:`.truth` (ground-truth series) and :mod:`.camera`
(projection, visibility, noise, dropouts). Everything is vectorised over
frames; an hour at 30 fps takes a few seconds.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import numpy as np

from movequal.pose.sequence import PoseSequence
from movequal.synthetic.balance import record_balance
from movequal.synthetic.body import Body
from movequal.synthetic.film import film
from movequal.synthetic.forward_reach import record_forward_reach
from movequal.synthetic.lunge import lunge_plan
from movequal.synthetic.motion import build_timeline
from movequal.synthetic.movements import Plan, chain_plan, sit_to_stand_plan
from movequal.synthetic.posture import assemble
from movequal.synthetic.reach import record_reach
from movequal.synthetic.spec import (
    BALANCE_STANCES,
    Balance,
    BalanceTruth,
    Camera,
    CameraView,
    Faults,
    ForwardReach,
    ForwardReachTruth,
    Gait,
    GaitTruth,
    Movement,
    Reach,
    ReachTruth,
    SyntheticSpec,
    SyntheticTruth,
    Tug,
    TugTruth,
)
from movequal.synthetic.truth import truth_angles
from movequal.synthetic.tug_truth import record_tug, tug_aim, turned_visibility
from movequal.synthetic.walk import camera_aim, walk_plan
from movequal.synthetic.walk_truth import gait_truth, walk_angles

__all__ = [
    "Balance",
    "BalanceTruth",
    "Camera",
    "CameraView",
    "Faults",
    "ForwardReach",
    "ForwardReachTruth",
    "Gait",
    "GaitTruth",
    "Movement",
    "Reach",
    "ReachTruth",
    "SyntheticSpec",
    "SyntheticTruth",
    "Tug",
    "TugTruth",
    "film",
    "generate",
]


def _plan(spec: SyntheticSpec, body: Body) -> tuple[Plan, list[tuple[int, int, int]]]:
    timeline = build_timeline(spec)
    if spec.movement == "lunge":
        return lunge_plan(timeline, spec, body), timeline.windows
    if spec.movement == "sit-to-stand":
        return sit_to_stand_plan(timeline, spec, body), timeline.windows
    return chain_plan(timeline, spec, body), timeline.windows


def _source(spec: SyntheticSpec, facing: str, px_per_m: float) -> dict[str, Any]:
    """Return the JSON-serialisable ``PoseSequence.source`` of a synthetic clip."""
    return {
        "file": "synthetic",
        "synthetic": True,
        "movement": spec.movement,
        "view": spec.camera.view,
        "facing": facing,
        "orthographic": spec.camera.orthographic,
        "px_per_m": px_per_m,
        "height_m": spec.height_m,
        "reps": spec.reps,
        "noise_px": spec.noise_px,
        "dropout": spec.dropout,
        "seed": spec.seed,
        "faults": {k: v for k, v in asdict(spec.faults).items() if v is not None},
    }


def _generate_walk(spec: SyntheticSpec, body: Body) -> tuple[PoseSequence, SyntheticTruth]:
    """Generate a walk (see :func:`generate`): no reps, gait truth instead."""
    t = np.arange(spec.n_frames, dtype=np.float64) / spec.fps
    plan, pelvis = walk_plan(t, spec, body)
    points = assemble(plan, body)
    angles = truth_angles(points, plan.pelvis_tilt, plan.bend, body) | walk_angles(points)
    camera = spec.camera
    aim = camera_aim(plan, camera.view)
    filmed = film(
        points,
        camera,
        spec.fps,
        spec.height_m,
        noise_px=spec.noise_px,
        dropout=spec.dropout,
        seed=spec.seed,
        aim_fwd=aim,
    )
    source = _source(spec, str(filmed.source["facing"]), float(filmed.source["px_per_m"])) | {"gait": asdict(spec.gait)}
    gait = gait_truth(pelvis.sch, spec, angles, float(t[-1]))
    no_reps = np.zeros(0, dtype=np.int64)
    truth = SyntheticTruth(angles, no_reps, [], spec, leg_length_m=body.leg, gait=gait)
    return replace(filmed, source=source), truth


def _generate_tug(spec: SyntheticSpec, body: Body) -> tuple[PoseSequence, SyntheticTruth]:
    """Generate a timed up-and-go (see :func:`generate`): no reps, phase events instead."""
    rec = record_tug(spec, body)
    camera = spec.camera
    filmed = film(
        rec.points,
        camera,
        spec.fps,
        spec.height_m,
        noise_px=spec.noise_px,
        dropout=spec.dropout,
        seed=spec.seed,
        aim_fwd=tug_aim(rec.points, camera.view),
    )
    detected = np.isfinite(filmed.image[..., 0])
    visibility = np.where(detected, turned_visibility(camera.view, rec.yaw), 0.0)
    source = _source(spec, str(filmed.source["facing"]), float(filmed.source["px_per_m"])) | {"tug": asdict(spec.tug)}
    no_reps = np.zeros(0, dtype=np.int64)
    truth = SyntheticTruth(rec.angles, no_reps, [], spec, leg_length_m=body.leg, tug=rec.truth)
    return replace(filmed, visibility=visibility, source=source), truth


def _generate_balance(spec: SyntheticSpec, body: Body) -> tuple[PoseSequence, SyntheticTruth]:
    """Generate a static balance hold (see :func:`generate`): no reps, hold events and true sway instead."""
    rec = record_balance(spec, body)
    filmed = film(
        rec.points, spec.camera, spec.fps, spec.height_m, noise_px=spec.noise_px, dropout=spec.dropout, seed=spec.seed
    )
    balance = asdict(spec.resolved_balance)
    if balance["breathing"] is None:  # no breathing planted: the source stays as it was before breathing existed
        del balance["breathing"]
    source = _source(spec, str(filmed.source["facing"]), float(filmed.source["px_per_m"])) | {"balance": balance}
    no_reps = np.zeros(0, dtype=np.int64)
    truth = SyntheticTruth(rec.angles, no_reps, [], spec, leg_length_m=body.leg, balance=rec.truth)
    return replace(filmed, source=source), truth


def _generate_reach(spec: SyntheticSpec, body: Body) -> tuple[PoseSequence, SyntheticTruth]:
    """Generate an overhead reach (see :func:`generate`): reps, and ``truth.reach``."""
    rec = record_reach(spec, body)
    filmed = film(
        rec.points, spec.camera, spec.fps, spec.height_m, noise_px=spec.noise_px, dropout=spec.dropout, seed=spec.seed
    )
    reach = asdict(spec.resolved_reach)
    source = _source(spec, str(filmed.source["facing"]), float(filmed.source["px_per_m"])) | {"reach": reach}
    tops = np.array([w[1] for w in rec.windows], dtype=np.int64)
    truth = SyntheticTruth(rec.angles, tops, rec.windows, spec, leg_length_m=body.leg, reach=rec.truth)
    return replace(filmed, source=source), truth


def _generate_forward_reach(spec: SyntheticSpec, body: Body) -> tuple[PoseSequence, SyntheticTruth]:
    """Generate a Functional Reach Test (see :func:`generate`): trials as reps, and ``truth.forward_reach``."""
    rec = record_forward_reach(spec, body)
    filmed = film(
        rec.points, spec.camera, spec.fps, spec.height_m, noise_px=spec.noise_px, dropout=spec.dropout, seed=spec.seed
    )
    forward = asdict(spec.resolved_forward_reach)
    source = _source(spec, str(filmed.source["facing"]), float(filmed.source["px_per_m"])) | {"forward_reach": forward}
    furthest = np.array([w[1] for w in rec.windows], dtype=np.int64)
    truth = SyntheticTruth(rec.angles, furthest, rec.windows, spec, leg_length_m=body.leg, forward_reach=rec.truth)
    return replace(filmed, source=source), truth


def generate(spec: SyntheticSpec) -> tuple[PoseSequence, SyntheticTruth]:
    """Generate a synthetic recording and its ground truth.

    Parameters
    ----------
    spec : SyntheticSpec
        Movement, reps, timing, body height, faults, camera, noise, dropout
        and seed.

    Returns
    -------
    pose : PoseSequence
        ``spec.n_frames`` frames at ``spec.fps``; ``source`` records
        ``{"file": "synthetic", "synthetic": True, "movement", "view",
        "facing", ...}``.
    truth : SyntheticTruth
        Noise-free angle series (defined in :mod:`movequal.synthetic.truth`),
        rep windows and bottoms; for a walk no reps, the series of
        :mod:`movequal.synthetic.walk_truth` too, and ``gait``; for a TUG
        no reps, the walk series too, and ``tug``; for a balance hold no
        reps, and ``balance``; for an overhead reach the series of
        :mod:`movequal.synthetic.reach_truth` too, rep windows
        ``(start, top, end)``, and ``reach``; for a forward reach those and
        the series of :mod:`movequal.synthetic.forward_reach_truth`, rep
        windows ``(start, furthest point, end)``, and ``forward_reach``.

    Notes
    -----
    - A side view named ``sagittal-left`` shows the subject's left side, so
      the subject faces image-LEFT (``source["facing"]``); see
      :mod:`movequal.synthetic.camera` for every convention.
    - Ground truth is defined on the 3D skeleton, not on any projection: a
      sagittal angle read from a perspective image of a leg that is not
      parallel to the image (valgus, lateral shift, oblique view) differs
      from it, as it would for a real camera.
    - Sit-to-stand reps go standing → seated → standing; the bottom is the
      middle of a brief seated pause, so the clip starts and ends standing
      like every other movement.
    - Noise and dropouts are drawn from ``numpy.random.default_rng(seed)``;
      the same spec always gives the same arrays.
    - A walk goes along the subject's forward direction in a straight line,
      already under way when the clip starts (no gait initiation or
      stopping); ``source["gait"]`` records its parameters.
    - A TUG starts and ends seated. The chair is at the room's origin and
      the subject walks away along their initial facing and back, so a
      ``frontal`` camera sees them come towards it and go away, side views
      see them cross the picture; the camera's distance is measured from
      the far turn (frontal, oblique) or the middle of the path (side
      views), and the whole clip is fitted into the frame.
      ``source["facing"]`` is the initial facing; visibility follows the
      subject's turns. Truth angles are taken in the subject's turning
      frame; ``source["tug"]`` records the parameters.
    - A balance hold stands in place, filmed like the rep movements (the
      camera's distance measured from the mean hip position); visibility
      is the view's. ``source["balance"]`` records the hold's parameters
      (the defaults of the movement's stance when ``spec.balance`` is
      ``None``); the sway and arm bursts are drawn from ``seed`` on streams
      of their own, so the noise and dropouts do not change them.
    - An overhead reach stands in place, filmed like the rep movements;
      the clip's bounding box (arms overhead included) is fitted into the
      frame. ``source["reach"]`` records the reach's parameters; the
      per-rep peaks are drawn from ``seed`` on a stream of their own.
    - A forward reach likewise stands in place (the hands reaching ahead
      included in the fitted bounding box); ``source["forward_reach"]``
      records its parameters, and the per-trial reaches are drawn from
      ``seed`` on a stream of their own. World landmarks are relative to
      the hip mid-point, which moves during a reach: measure the hand's
      travel against a planted foot.
    """
    body = Body.of_height(spec.height_m)
    if spec.movement == "walk":
        return _generate_walk(spec, body)
    if spec.movement == "tug":
        return _generate_tug(spec, body)
    if spec.movement in BALANCE_STANCES:
        return _generate_balance(spec, body)
    if spec.movement == "overhead-reach":
        return _generate_reach(spec, body)
    if spec.movement == "forward-reach":
        return _generate_forward_reach(spec, body)
    plan, windows = _plan(spec, body)
    points = assemble(plan, body)
    angles = truth_angles(points, plan.pelvis_tilt, plan.bend, body)
    filmed = film(
        points, spec.camera, spec.fps, spec.height_m, noise_px=spec.noise_px, dropout=spec.dropout, seed=spec.seed
    )
    pose = replace(filmed, source=_source(spec, str(filmed.source["facing"]), float(filmed.source["px_per_m"])))
    bottoms = np.array([w[1] for w in windows], dtype=np.int64)
    truth = SyntheticTruth(angles=angles, rep_bottoms=bottoms, rep_windows=windows, spec=spec, leg_length_m=body.leg)
    return pose, truth
