"""Thresholds of the compensation rules, with where each number comes from.

All values are typed fields of frozen dataclasses, so a clinic can override
one (``replace(DEFAULT_THRESHOLDS, squat=replace(..., shallow_knee_deg=80))``)
without editing code, and every rule reads exactly the field it names.
Published figures are the starting point; values marked *tuned* were set on
the synthetic grid and the development clips (see ``docs/EVALUATION.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SquatThresholds:
    """Squat and lift faults seen from the side or the front."""

    shallow_thigh_deg: float = 90.0
    """FMS deep squat wants the femur below horizontal (Cook, Burton & Hoogenboom 2006,
    NAJSPT 1(2):62-72): a thigh that never reaches 90° from vertical is shallow. Read on the
    thigh itself, not the knee angle, because how far the knee bends for a level thigh
    depends on how far the shins tilt forward."""
    trunk_lean_excess_deg: float = 0.0
    """FMS: upper torso parallel to the tibia or towards vertical (Cook, Burton & Hoogenboom
    2006), so the trunk may lean as far forward as the shins and no further. The rule adds
    the SEM of trunk minus tibia (5°) as its margin for measurement error. Correct UI-PRMD
    deep squats (exact landmarks) read -7 ± 4°, at most +2°."""
    heel_lift_leg: float = 0.12
    """Heel rise in leg lengths: FMS scores a squat that needs the heels raised 2 instead
    of 3. *Tuned*: MediaPipe's heel and toe points tilt with deep ankle dorsiflexion, so
    flat-footed deep squats read up to 0.11 on the development clips; 0.12 stays above."""
    knee_dominant_ratio: float = 1.17
    """Squat: peak knee over peak hip flexion. Hip and knee flex about equally in a
    balanced deep squat (Schoenfeld 2010, J Strength Cond Res 24(12):3497-3506). *From
    data*: correct UI-PRMD deep squats (subjects 1-5, 50 reps, each side view) read
    1.07 ± 0.05, so their mean plus two SD is 1.17 (leave-one-subject-out 1.13-1.19; the
    same with 3 px landmark noise). A normal limit, so no margin is added."""
    lift_knee_deg: float = 100.0
    """Lift done as a squat: knee flexion at the bottom over 100° (squat-lift range in
    van Dieën, Hoozemans & Toussaint 1999, Clin Biomech 14(10):685-696)."""
    hips_rise_first: float = 0.55
    """Ascent: when the hips have risen 75 % of their way back up, the trunk should have
    straightened about as much; flagged when it lags by more (the "stripper" or
    "good-morning" squat). *From data*: correct UI-PRMD deep squats lag 0.24 ± 0.15, so
    their mean plus two SD is 0.55 (leave-one-subject-out 0.45-0.58, the same with 3 px
    noise); planted faults lag 0.74 and more."""


@dataclass(frozen=True)
class HingeThresholds:
    """Bending through the back instead of the hips (lifts and forward bends)."""

    min_trunk_deg: float = 40.0
    """Only bends of at least 40° of trunk inclination are judged."""
    min_hip_share: float = 0.5
    """Share of the trunk's inclination produced at the hips. In pain-free adults the
    hips give about 60 % of a full forward bend and more towards its end (Esola et al.
    1996, Spine 21(1):71-78; lumbopelvic rhythm review: Laird et al. 2014, BMC
    Musculoskelet Disord 15:229); under half means the lumbar spine leads."""
    max_back_bend_deg: float = 12.0
    """Bend of the back's outline at the bottom of a lift (see
    :func:`movequal.pose.contour.compute_dorsal_bend`). *Tuned* on the development clips: the
    good side-view deadlifts read at most 6°, the rounded-back ones 17° and more. Not applied to
    an unloaded forward bend, whose lower back rounds by design (``MovementProfile.neutral_spine``)."""
    min_hip_shift_per_tilt: float = 0.20
    """Hips move back at least 0.2 leg lengths per unit of sin(trunk inclination) in a hip
    hinge (centre of mass kept over the feet). *Tuned* on the synthetic grid."""


@dataclass(frozen=True)
class FrontalThresholds:
    """Faults seen from the front."""

    valgus_deg: float = 8.5
    """Knee frontal plane projection angle. Herrington & Munro 2010 (Phys Ther Sport
    11(2):56-59): single-leg squat norms 2.9-8.5° (men) and 7.9-13.3° (women). A bilateral
    squat or a sit-to-stand asks less of the knee than a single-leg squat, so a knee past the
    men's upper normal (8.5°) is flagged for either sex. It replaces a *tuned* 7° that flagged
    correct UI-PRMD deep squats (FPPA up to 8.6°, exact landmarks) and sit-to-stands; the
    mildly valgus development squat (8.0°) is no longer caught (docs/EVALUATION.md §9)."""
    lateral_shift_leg: float = 0.10
    """Hips shifting sideways more than 0.10 leg lengths (≈ 8 cm) at the bottom. *Tuned*:
    good development squats drift up to 0.08 (handheld cameras, arm swing)."""
    symmetry_index_pct: float = 15.0
    """Symmetry index (Robinson et al. 1987) of paired peak angles above 15 %: the
    10-15 % band is commonly used as clinically meaningful asymmetry, and 15 % stays above
    MediaPipe's left/right measurement noise."""
    min_asymmetry_deg: float = 8.0
    """And a left/right difference of at least 8° (about the 3D angle error)."""
    pelvic_obliquity_deg: float = 8.0
    """Pelvis tilting sideways by more than 8° during the rep (hip landmarks jitter by a
    few degrees from the front, so smaller tilts are not told from noise; the margin for
    measurement error is in this figure). Correct UI-PRMD sit-to-stands (exact landmarks)
    tilt by 9.3° at most."""
    squat_pelvic_obliquity_deg: float = 18.0
    """The same for a squat, whose normal tilt is larger. *From data*: the hip joint centres
    of correct UI-PRMD deep squats (exact motion-capture landmarks, subjects 1-5, 50 reps)
    tilt by 8.0 ± 5.1° at the bottom, three of the five subjects by 8-20° on every rep, so a
    tilt is part of a correct deep squat; 18° is their mean plus two SD (leave-one-subject-out
    bounds 15.0-19.1°). Being measured on exact landmarks, it gets the SEM margin of
    ``pelvic_obliquity`` on top (docs/SCORING.md)."""


@dataclass(frozen=True)
class SitToStandThresholds:
    """Standing up from a chair."""

    max_trunk_deg: float = 56.0
    """Peak forward inclination of the trunk. Healthy adults standing up at their own pace
    lean the trunk 44° from vertical at seat-off, SD 6° (45.7 ± 5.8° to the horizontal,
    47 subjects: Tully, Fotoohabadi & Galea 2005, Gait Posture 22(4):338-345); past the mean
    plus two SD (56°) the lean is larger than nearly all pain-free adults use, a strategy
    that trades knee effort for hip and lumbar effort."""


@dataclass(frozen=True)
class ReachThresholds:
    """Reaching overhead: how high the arms go and what the trunk does to get them there."""

    min_elevation_deg: float = 150.0
    """Upper arm against the trunk at the top. Active shoulder flexion of healthy young adults has
    its 5th percentile at 150-155° (622 cadets, goniometer: Vairo et al. 2012, Sports Med Arthrosc
    Rehabil Ther Technol 4:33), and the general population's mean is 158-162° (2,404 adults aged
    20-91, inclinometer: Gill et al. 2020, BMC Musculoskelet Disord 21:676): under 150° the arms
    stop short of overhead. A rep is moderate under 120° (daily tasks need 121° of flexion: Namdari
    et al. 2012, J Shoulder Elbow Surg 21:1177-1183) and severe under 90° (not above shoulder
    height). The rule adds the metric's SEM as its margin."""
    max_extension_deg: float = 11.0
    """Backward tilt of the trunk (hip→shoulder line) at the top against the rep's start. No
    published camera limit exists, so the threshold is the smallest change a side camera tells
    from none: the MDC95 of a 2D trunk angle, 1.96 x √2 x SEM, with SEM 4° (2D video against 3D
    capture, Schurr et al. 2017, Int J Sports Phys Ther 12:163-172). Being a detectable change
    already, it gets no further margin. Correct UI-PRMD scaptions tilt back 1.7° (median)."""
    functional_reach_cm: float = 25.4
    """Forward reach (the mean of the trials, feet planted): 6.1-10 in (15.5-25.4 cm) doubled, and 6 in
    (15.2 cm) or less quadrupled the odds of recurrent falls among older veterans (Duncan et al. 1992, J Gerontol
    47:M93-M98). A trial under 25.4 cm is moderate, under 15.2 cm severe; judged only with the patient's height
    (the reach is measured in leg lengths). Age norms, 20-87 years: 27-43 cm (Duncan et al. 1990, J Gerontol
    45:M192-M197)."""
    functional_reach_severe_cm: float = 15.2
    max_lateral_lean_deg: float = 4.0
    """Sideways trunk lean during the rep against its start, front view. *From data*, with a
    held-out check: correct UI-PRMD scaptions (subjects 1-5, 48 reps, exact landmarks, read by the
    core from the front) lean 2.2 ± 0.9°, so their mean plus two SD is 4.0°; fitted on four subjects
    and tested on the fifth in turn, the limits are 3.1-4.2° and flag 0 of 49 held-out correct and
    16 of 47 incorrect reps (docs/EVALUATION.md §20). The rule adds the metric's SEM (2.5°) as margin."""


@dataclass(frozen=True)
class StiffnessThresholds:
    """Guarding: slow, stiff, hesitant movement with the trunk moving en bloc."""

    slow_rep_s: float = 2.5
    """Laird et al. 2019 (BMC Musculoskelet Disord 20:28): forward bends took 3.18 s with
    back pain vs 2.28 s without, from motion onset to end. movequal's rep edges (where depth
    stops changing) leave out the slow start and finish, about a fifth of a rep on the
    synthetic grid, so 2.5 s measured corresponds to about 3.1 s."""
    min_rom_fraction: float = 0.84
    """Same study: 93° vs 111° of flexion, 84 % of the pain-free range."""
    sparc_max: float = -2.3
    """SPARC of the driver's angular speed in the worse phase (Balasubramanian et al. 2015,
    J NeuroEng Rehabil 12:112): a single smooth bell is ≈ -1.4 to -1.6. *Tuned*: good
    development squats read -1.7 to -2.28 per phase, so below -2.3 means sub-movements."""
    max_velocity_peaks: int = 2
    """More than two speed peaks in the descent or the ascent is a hesitation. *Tuned*: at
    30 fps, landmark jitter splits one peak in two on a few good reps."""
    min_signs: int = 2
    """Stiffness is reported when at least two of its signs agree."""


@dataclass(frozen=True)
class Thresholds:
    """Every rule's thresholds."""

    squat: SquatThresholds = field(default_factory=SquatThresholds)
    hinge: HingeThresholds = field(default_factory=HingeThresholds)
    frontal: FrontalThresholds = field(default_factory=FrontalThresholds)
    sit_to_stand: SitToStandThresholds = field(default_factory=SitToStandThresholds)
    stiffness: StiffnessThresholds = field(default_factory=StiffnessThresholds)
    reach: ReachThresholds = field(default_factory=ReachThresholds)


DEFAULT_THRESHOLDS = Thresholds()
