"""The synthetic balance holds of :mod:`eval.evaluate_balance_synthetic`, and the pipeline's report on each.

:func:`draw_balance` draws a hold from plausible ranges, :func:`make_clip` generates it with what the camera
should report (a :class:`Clip`), :func:`stepped_in_tandem` makes a tandem hold whose start is seen, and
:func:`run` detects and assesses a clip as the pipeline does (an :class:`Outcome`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from movequal.core.balance import Hold, StanceKind, detect_single_leg_holds
from movequal.core.scoring import assess
from movequal.core.tandem import detect_tandem_holds
from movequal.core.views import classify_view
from movequal.pose.sequence import PoseSequence
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.balance_spec import Balance, HoldEnd
from movequal.synthetic.balance_truth import BalanceTruth
from movequal.synthetic.camera_spec import CameraView
from movequal.synthetic.spec import Movement

MOVEMENT: dict[str, Movement] = {"single-leg": "single-leg-stance", "tandem": "tandem-stance"}
DETECTORS = {"single-leg": detect_single_leg_holds, "tandem": detect_tandem_holds}
FAULT_NOISE = 2.0
"""Landmark noise (px) of the planted-fault clips."""


def draw_balance(
    stance: StanceKind, ends_with: HoldEnd, seed: int, hold_s: tuple[float, float], **extra: float
) -> tuple[Balance, float]:
    """Return a hold and a body height drawn from plausible ranges.

    Notes
    -----
    Height 1.55–1.90 m; lifted (single-leg) or front (tandem) foot left or right; quiet stance 1–3 s before
    foot-off and 1–3 s after the landing; foot-off and lowering 0.3–0.6 s; the lifted toe 0.08–0.25 m above the floor
    (protocols lift the foot to the other ankle or calf; 0.08 m is still 1.5 × the detector's 0.06 leg lengths);
    a stance move of 0.10–0.20 m either way (a loss-of-balance step out, above the detector's 0.08 leg lengths even
    foreshortened by 45°); centre-of-mass sway RMS 5–12 mm side to side and 6–15 mm fore-aft, around the generator's
    defaults (8 and 10 mm, single-leg centre-of-pressure sway of healthy adults, see :class:`Balance`), times
    ``extra["sway_gain"]`` (with ``extra["fixed_sway"]`` set, the defaults' 8 and 10 mm times the gain, every other
    value drawn as usual). ``hold_s`` is drawn uniformly from its range.
    """
    rng = np.random.default_rng([seed, 11])
    gain = extra.get("sway_gain", 1.0)
    sway = (float(rng.uniform(0.005, 0.012)), float(rng.uniform(0.006, 0.015)))
    if extra.get("fixed_sway"):
        sway = (0.008, 0.010)
    balance = Balance(
        stance=stance,
        side="left" if rng.uniform() < 0.5 else "right",
        quiet_before_s=float(rng.uniform(1.0, 3.0)),
        lift_s=float(rng.uniform(0.3, 0.6)),
        hold_s=float(rng.uniform(*hold_s)),
        ends_with=ends_with,
        after_s=float(rng.uniform(1.0, 3.0)),
        lift_height_m=float(rng.uniform(0.08, 0.25)),
        stance_move_m=float(rng.choice([-1.0, 1.0]) * rng.uniform(0.10, 0.20)),
        sway_ml_m=gain * sway[0],
        sway_ap_m=gain * sway[1],
        arm_excursion_m=extra.get("arm_m", 0.0),
    )
    return balance, float(rng.uniform(1.55, 1.90))


@dataclass(frozen=True)
class Clip:
    """A generated hold and what the camera should report for it."""

    pose: PoseSequence
    truth: BalanceTruth
    view: CameraView
    stance: StanceKind
    start: float
    end: float
    side: str
    reason: str
    start_seen: bool


def make_clip(view: CameraView, seed: int, balance: Balance, height: float, noise: tuple[float, float]) -> Clip:
    """Generate one hold and its expected report.

    Notes
    -----
    Single-leg: the stance foot, from foot-off to the landing, the stance foot's move or the last frame. A side
    view cannot see a sideways stance move (it is depth), so the hold is expected to end at the later touch-down.
    Tandem: the front foot, from the first frame (start unseen); any release is a ``"stance-move"``.
    """
    spec = SyntheticSpec(
        movement=MOVEMENT[balance.stance],
        camera=Camera(view=view),
        noise_px=noise[0],
        dropout=noise[1],
        seed=seed,
        balance=balance,
        height_m=height,
    )
    pose, truth = generate(spec)
    assert truth.balance is not None
    b = truth.balance
    single = balance.stance == "single-leg"
    side = ("right" if balance.side == "left" else "left") if single else balance.side
    end, reason = b.hold_end, balance.ends_with if single else "stance-move"
    if end is None:
        end, reason = float(b.times[-1]), "clip-end"
    elif single and reason == "stance-move" and view.startswith("sagittal"):
        end, reason = balance.layout().touch_down or end, "touch-down"
    return Clip(pose, b, view, balance.stance, b.hold_start, end, side, reason, single)


def stepped_in_tandem(view: CameraView, seed: int, balance: Balance, height: float) -> Clip:
    """Return a tandem hold with a seen start: the clip played backwards, then forwards (2 × ``hold_s``).

    Backwards, the generator's step out of tandem is a step into it (a physically valid movement); the hold runs
    from that landing to the step out. Only events are mirrored, not the truth series (sway is not compared here).
    """
    clip = make_clip(view, seed, balance, height, (FAULT_NOISE, 0.0))
    pose, t = clip.pose, clip.pose.timestamps
    last = float(t[-1])
    back = replace(
        pose,
        image=pose.image[::-1],
        visibility=pose.visibility[::-1],
        world=pose.world[::-1],
        back_bend=pose.back_bend[::-1],
        timestamps=last - t[::-1],
    )
    joined = PoseSequence.concatenate([back, pose[1:].with_timestamps(last + t[1:])])
    return replace(clip, pose=joined, start=last - balance.hold_s, end=last + balance.hold_s, start_seen=True)


@dataclass(frozen=True)
class Outcome:
    """The pipeline's report on one clip."""

    clip: Clip
    holds: tuple[Hold, ...]
    hold: Hold | None
    """The hold overlapping the true one most."""
    findings: dict[str, str]
    auto: str

    @property
    def hold_s(self) -> float:
        """The matched hold's time (0 when none was found)."""
        return self.hold.duration_s if self.hold else 0.0


def run(clip: Clip) -> Outcome:
    """Detect the holds (the pipeline's view, the named stance) and assess the clip named and automatically."""
    holds = DETECTORS[clip.stance](clip.pose, classify_view(clip.pose)).holds
    overlap = [min(h.end, clip.end) - max(h.start, clip.start) for h in holds]
    best = holds[int(np.argmax(overlap))] if holds and max(overlap) > 0 else None
    named = assess(clip.pose, MOVEMENT[clip.stance]).assessment
    auto = assess(clip.pose).assessment.movement
    return Outcome(clip, holds, best, {f.code: f.severity for f in named.findings}, auto)
