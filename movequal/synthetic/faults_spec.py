"""Planted compensations of a synthetic repetition or walk: :class:`Faults`.

A frozen dataclass that checks its values on creation, so a bad parameter
fails where it is written rather than deep inside the generator. Re-exported
by :mod:`movequal.synthetic.spec` and :mod:`movequal.synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass

from movequal.synthetic.gait import check


@dataclass(frozen=True)
class Faults:
    """Planted compensations; the defaults give a clean movement.

    Parameters
    ----------
    hip_share : float or None
        Fraction (0–1) of the trunk's forward inclination produced by the
        pelvis tilting at the hips rather than by lumbar flexion. ``None``
        uses the movement's default (squat 0.75, lift 0.65, bend 0.6,
        sit-to-stand 0.75, lunge 0.8, walk 0.5; a TUG blends 0.75 seated
        and rising with 0.5 walking).
    asymmetry_deg : float
        The right knee flexes this many degrees less than the left at the
        bottom (scaled through the rep); the right hip ends up higher.
    lateral_shift : float
        Peak sideways shift of pelvis and trunk at the bottom, in leg lengths,
        positive towards the subject's left.
    valgus_deg : float
        Peak knee frontal-plane projection angle at the bottom (+ = medial).
    heel_lift : float
        Peak heel rise at the bottom in metres (the foot pivots on the toes).
    slow_factor : float
        Rep duration multiplier (> 1 = slower reps).
    hesitations : int
        Velocity dips (near stops) inserted in each descent and each ascent.
    trunk_lean_deg : float
        Extra forward trunk inclination at the bottom (in a walk: all the
        time, on top of ``Gait.trunk_flexion_deg``: a slouch).
    depth_factor : float
        Scale of the movement's peak joint angles (< 1 = shallower).
    hips_rise_first : float
        Squat, lift and bend ascent: the knees extend this fraction (0–0.9)
        of the phase ahead of the trunk.
    stoop : float
        Lift only: 0 = squat lift (knees ~95°, trunk ~50°), 1 = stoop lift
        (knees ~15°, trunk ~85°); values in between blend the two.

    Notes
    -----
    Not every fault applies to every movement: ``hips_rise_first`` is ignored
    for sit-to-stand and lunge; in a lunge ``valgus_deg`` and ``heel_lift``
    act on the front leg only and ``asymmetry_deg`` makes the reps led by the
    right leg shallower (front knee flexion reduced by that many degrees).
    A walk uses only ``hip_share`` and ``trunk_lean_deg``; its own faults
    (limp, reduced arm swing, sideways lean) are in :class:`Gait`.
    A TUG's stand-up and sit-down use the sit-to-stand faults except
    ``depth_factor`` (set by ``Tug.chair_height_m``); its walking uses
    ``hip_share`` and ``trunk_lean_deg`` as a walk does.
    """

    hip_share: float | None = None
    asymmetry_deg: float = 0.0
    lateral_shift: float = 0.0
    valgus_deg: float = 0.0
    heel_lift: float = 0.0
    slow_factor: float = 1.0
    hesitations: int = 0
    trunk_lean_deg: float = 0.0
    depth_factor: float = 1.0
    hips_rise_first: float = 0.0
    stoop: float = 0.0

    def __post_init__(self) -> None:
        """Check the ranges."""
        share = self.hip_share
        check(share is None or 0.0 <= share <= 1.0, "hip_share", "None or a value in [0, 1]", share)
        check(0.0 <= self.asymmetry_deg <= 60.0, "asymmetry_deg", "a value in [0, 60]", self.asymmetry_deg)
        check(abs(self.lateral_shift) <= 0.3, "lateral_shift", "a value in [-0.3, 0.3]", self.lateral_shift)
        check(0.0 <= self.valgus_deg <= 45.0, "valgus_deg", "a value in [0, 45]", self.valgus_deg)
        check(0.0 <= self.heel_lift <= 0.12, "heel_lift", "metres in [0, 0.12]", self.heel_lift)
        check(0.2 <= self.slow_factor <= 10.0, "slow_factor", "a value in [0.2, 10]", self.slow_factor)
        check(0 <= self.hesitations <= 5, "hesitations", "an integer in [0, 5]", self.hesitations)
        check(-20.0 <= self.trunk_lean_deg <= 45.0, "trunk_lean_deg", "a value in [-20, 45]", self.trunk_lean_deg)
        check(0.1 <= self.depth_factor <= 1.3, "depth_factor", "a value in [0.1, 1.3]", self.depth_factor)
        check(0.0 <= self.hips_rise_first <= 0.9, "hips_rise_first", "a value in [0, 0.9]", self.hips_rise_first)
        check(0.0 <= self.stoop <= 1.0, "stoop", "a value in [0, 1]", self.stoop)
