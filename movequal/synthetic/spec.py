"""Parameters and ground truth of a synthetic recording.

Every class here is a frozen dataclass that checks its values on creation, so
a bad parameter fails where it is written rather than deep inside the
generator. The planted :class:`Faults` live in :mod:`.faults_spec`, the
:class:`Camera` in :mod:`.camera_spec`, the walk's :class:`Gait` and
:class:`GaitTruth` in :mod:`.gait`, the TUG's in :mod:`.tug_spec`, the balance
holds' :class:`Balance` in :mod:`.balance_spec` and :class:`BalanceTruth` in
:mod:`.balance_truth`, and the overhead reach's :class:`Reach` in
:mod:`.reach_spec` and :class:`ReachTruth` in :mod:`.reach_truth`, and the
forward reach's :class:`ForwardReach` in :mod:`.forward_reach_spec` and
:class:`ForwardReachTruth` in :mod:`.forward_reach_truth`; all are
re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from movequal.core.movement_registry import MOVEMENTS as REGISTRY
from movequal.synthetic.balance_spec import Balance
from movequal.synthetic.balance_truth import BalanceTruth
from movequal.synthetic.camera_spec import Camera, CameraView
from movequal.synthetic.faults_spec import Faults
from movequal.synthetic.forward_reach_spec import ForwardReach
from movequal.synthetic.forward_reach_truth import ForwardReachTruth
from movequal.synthetic.gait import Gait, GaitTruth, check
from movequal.synthetic.reach_spec import Reach
from movequal.synthetic.reach_truth import ReachTruth
from movequal.synthetic.tug_spec import Tug, TugTruth

Movement = Literal[
    "squat",
    "lift",
    "bend",
    "sit-to-stand",
    "lunge",
    "overhead-reach",
    "forward-reach",
    "walk",
    "tug",
    "single-leg-stance",
    "tandem-stance",
]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
MOVEMENTS: tuple[str, ...] = get_args(Movement)
BALANCE_STANCES = {name: p.stance for name, p in REGISTRY.items() if p.stance is not None}
"""The balance-hold movements and their :class:`Balance` ``stance``, from the movement registry."""
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
]


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate.

    Parameters
    ----------
    movement : str
        Exercise performed: ``squat``, ``lift``, ``bend``, ``sit-to-stand``,
        ``lunge``, ``overhead-reach``, ``forward-reach`` (the Functional
        Reach Test), ``walk``, ``tug`` (a timed up-and-go),
        or the static balance holds ``single-leg-stance`` and
        ``tandem-stance``.
    reps : int
        Number of repetitions (ignored by ``walk``, ``tug`` and the holds).
    rep_duration_s : float
        Standing → bottom → standing time of one rep (times ``slow_factor``).
    pause_s : float
        Standing pause before the first rep, between reps and after the last.
    bottom_pause_s : float
        A deliberate pause held at each rep's turning point (a paused squat,
        a held lockout; for sit-to-stand, standing), added to the rep's time.
    fps : float
        Frame rate.
    height_m : float
        Body height; every segment length scales with it.
    faults : Faults
        Planted compensations.
    camera : Camera
        Camera placement and projection.
    noise_px : float
        Standard deviation of Gaussian image noise in pixels (x, y and z);
        world landmarks get ``0.003 * noise_px`` metres.
    dropout : float
        Fraction (0–0.8) of frames with nobody detected, in runs of 2–8 frames.
    seed : int
        Seed of the noise and dropout generator.
    gait : Gait
        The walk of ``movement="walk"`` (ignored by the other movements).
    tug : Tug
        The timed up-and-go of ``movement="tug"`` (ignored by the others);
        its walking is ``tug.gait``, not ``gait``.
    balance : Balance or None
        The hold of ``movement="single-leg-stance"`` or ``"tandem-stance"``
        (ignored by the others); ``None`` means ``Balance(stance=...)``
        with the movement's stance (:attr:`resolved_balance`). A
        ``balance.stance`` that contradicts the movement raises
        ``ValueError``.
    reach : Reach or None
        The reach of ``movement="overhead-reach"`` (ignored by the others);
        ``None`` means ``Reach()`` (:attr:`resolved_reach`).
    forward_reach : ForwardReach or None
        The Functional Reach Test of ``movement="forward-reach"`` (ignored
        by the others); ``None`` means ``ForwardReach()``
        (:attr:`resolved_forward_reach`).

    Notes
    -----
    A walk ignores ``reps``, ``rep_duration_s`` and ``pause_s``: its clip
    lasts ``gait.clip_seconds``. Of the faults it uses ``trunk_lean_deg``
    (added to ``gait.trunk_flexion_deg``) and ``hip_share``.

    A TUG ignores them too: its clip lasts ``tug.clip_seconds(height_m)``.
    Its stand-up and sit-down take the sit-to-stand faults except
    ``depth_factor`` (the chair height sets the depth), ``slow_factor`` and
    ``hips_rise_first``; its walking takes the walk's.

    A balance hold ignores them too and takes no faults: its clip lasts
    ``resolved_balance.clip_seconds``.

    An overhead reach takes ``reps`` but ignores ``rep_duration_s``,
    ``pause_s`` and ``faults``: its timing and its faults are in
    :class:`Reach`, its clip lasts ``resolved_reach.clip_seconds(reps)``.
    A forward reach likewise: its timing and faults are in
    :class:`ForwardReach`, its clip lasts
    ``resolved_forward_reach.clip_seconds(reps)``, and its ``step_rep`` must
    be one of the ``reps`` trials.
    """

    movement: Movement = "squat"
    reps: int = 3
    rep_duration_s: float = 2.4
    pause_s: float = 1.0
    bottom_pause_s: float = 0.0
    fps: float = 30.0
    height_m: float = 1.75
    faults: Faults = field(default_factory=Faults)
    camera: Camera = field(default_factory=Camera)
    noise_px: float = 0.0
    dropout: float = 0.0
    seed: int = 0
    gait: Gait = field(default_factory=Gait)
    tug: Tug = field(default_factory=Tug)
    balance: Balance | None = None
    reach: Reach | None = None
    forward_reach: ForwardReach | None = None

    def __post_init__(self) -> None:
        """Check the ranges (for a TUG, that its walk fits the walk machinery; for a hold, its stance)."""
        check(self.movement in MOVEMENTS, "movement", f"one of {MOVEMENTS}", self.movement)
        check(self.reps >= 1, "reps", "at least 1", self.reps)
        check(self.rep_duration_s > 0.2, "rep_duration_s", "more than 0.2 s", self.rep_duration_s)
        check(self.pause_s >= 0, "pause_s", "a non-negative number", self.pause_s)
        check(self.bottom_pause_s >= 0, "bottom_pause_s", "a non-negative number", self.bottom_pause_s)
        check(self.fps > 0, "fps", "a positive number", self.fps)
        check(1.0 <= self.height_m <= 2.3, "height_m", "metres in [1.0, 2.3]", self.height_m)
        check(self.noise_px >= 0, "noise_px", "a non-negative number", self.noise_px)
        check(0.0 <= self.dropout <= 0.8, "dropout", "a fraction in [0, 0.8]", self.dropout)
        check(isinstance(self.tug, Tug), "tug", "a Tug", self.tug)
        if self.movement == "tug":
            self.tug.layout(self.height_m)
        check(self.balance is None or isinstance(self.balance, Balance), "balance", "None or a Balance", self.balance)
        stance = BALANCE_STANCES.get(self.movement)
        if stance is not None and self.balance is not None:
            expected = f"stance={stance!r} for movement={self.movement!r}"
            check(self.balance.stance == stance, "balance", expected, self.balance.stance)
        check(self.reach is None or isinstance(self.reach, Reach), "reach", "None or a Reach", self.reach)
        forward = self.forward_reach
        check(forward is None or isinstance(forward, ForwardReach), "forward_reach", "None or a ForwardReach", forward)
        if self.movement == "forward-reach":
            self.resolved_forward_reach.layout(self.reps)

    @property
    def resolved_balance(self) -> Balance:
        """The balance hold: ``balance``, or the defaults of the movement's stance (single-leg outside the holds)."""
        if self.balance is not None:
            return self.balance
        return Balance(stance="tandem" if self.movement == "tandem-stance" else "single-leg")

    @property
    def resolved_reach(self) -> Reach:
        """The overhead reach: ``reach``, or ``Reach()``."""
        return Reach() if self.reach is None else self.reach

    @property
    def resolved_forward_reach(self) -> ForwardReach:
        """The forward reach: ``forward_reach``, or ``ForwardReach()``."""
        return ForwardReach() if self.forward_reach is None else self.forward_reach

    @property
    def moving_seconds(self) -> float:
        """Time one rep is in motion: ``rep_duration_s * faults.slow_factor``."""
        return self.rep_duration_s * self.faults.slow_factor

    @property
    def rep_seconds(self) -> float:
        """Actual duration of one rep: its moving time plus ``bottom_pause_s``."""
        return self.moving_seconds + self.bottom_pause_s

    @property
    def total_seconds(self) -> float:
        """Clip duration: ``reps`` reps and ``reps + 1`` pauses (reach: rests; walk, TUG, hold: their own)."""
        if self.movement == "walk":
            return self.gait.clip_seconds
        if self.movement == "tug":
            return self.tug.clip_seconds(self.height_m)
        if self.movement in BALANCE_STANCES:
            return self.resolved_balance.clip_seconds
        if self.movement == "overhead-reach":
            return self.resolved_reach.clip_seconds(self.reps)
        if self.movement == "forward-reach":
            return self.resolved_forward_reach.clip_seconds(self.reps)
        return self.reps * self.rep_seconds + (self.reps + 1) * self.pause_s

    @property
    def n_frames(self) -> int:
        """Number of frames: both ends of ``[0, total_seconds]`` are included."""
        return round(self.total_seconds * self.fps) + 1


@dataclass(frozen=True)
class SyntheticTruth:
    """Ground truth of a generated recording.

    Parameters
    ----------
    angles : dict of str to ndarray
        Per-frame series (T,), computed from the noise-free 3D landmarks (see
        :mod:`movequal.synthetic.truth` for the exact definitions).
    rep_bottoms : ndarray of int
        Frame index of each rep's bottom.
    rep_windows : list of (int, int, int)
        ``(start, bottom, end)`` frame indices of each rep.
    spec : SyntheticSpec
        The spec that produced it.
    leg_length_m : float
        Thigh + shank length, the unit of the normalised series.
    gait : GaitTruth or None
        Events and step parameters of a walk; ``None`` for the other
        movements. A walk has no reps: ``rep_bottoms`` and ``rep_windows``
        are empty.
    tug : TugTruth or None
        Phase events of a timed up-and-go; ``None`` for the other
        movements. A TUG has no reps either.
    balance : BalanceTruth or None
        Events and true positions of a balance hold; ``None`` for the other
        movements. A hold has no reps either.
    reach : ReachTruth or None
        Events, peak arm elevations and trunk compensations of an overhead
        reach, per rep; ``None`` for the other movements. A reach's
        ``rep_windows`` are ``(start, top, end)`` frames and
        ``rep_bottoms`` its tops.
    forward_reach : ForwardReachTruth or None
        Events, reach distances and planted faults of a forward reach, per
        trial; ``None`` for the other movements. Its ``rep_windows`` are
        ``(start, furthest point, end)`` frames and ``rep_bottoms`` the
        furthest points.
    """

    angles: dict[str, FloatArray]
    rep_bottoms: IntArray
    rep_windows: list[tuple[int, int, int]]
    spec: SyntheticSpec
    leg_length_m: float = float("nan")
    gait: GaitTruth | None = None
    tug: TugTruth | None = None
    balance: BalanceTruth | None = None
    reach: ReachTruth | None = None
    forward_reach: ForwardReachTruth | None = None
