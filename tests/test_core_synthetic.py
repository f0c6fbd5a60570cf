"""The scoring core against planted ground truth from the synthetic generator.

Each test states what was planted and what must come out: angles recovered
within 1° without noise and 3° (RMS) with realistic noise, exact rep counts, the
right view and movement, and every detector firing on its fault and staying
quiet on clean movement.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from movequal.core.filtering import filter_pose
from movequal.core.kinematics import VELOCITY_OF, compute_kinematics
from movequal.core.scoring import assess, locate_feet, measure_reps
from movequal.core.segmentation import segment_set
from movequal.core.summaries import NOT_MEASURABLE
from movequal.core.velocity import compute_velocities, compute_velocity
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate

MOVEMENTS = ("squat", "lift", "bend", "sit-to-stand", "lunge")
VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")
REALISTIC_NOISE_PX = 2.0
"""About MediaPipe's frame-to-frame jitter on a 720p clip of a whole body."""


def _errors(spec: SyntheticSpec, names: list[str]) -> dict[str, np.ndarray]:
    """Absolute angle errors; noisy landmarks are filtered first, as in :func:`assess`."""
    pose, truth = generate(spec)
    kin = compute_kinematics(filter_pose(pose) if spec.noise_px > 0 else pose)
    out = {}
    for name in names:
        error = np.abs(kin.series[name] - truth.angles[name.replace("_3d", "")])
        out[name] = error[np.isfinite(error)]
        assert out[name].size > 0.6 * len(pose), f"{name}: measured on too few frames"  # FPPA skips foreshortened legs
    return out


def _rms(error: np.ndarray) -> float:
    return float(np.sqrt(np.mean(error**2)))


def _side_names(view: str) -> list[str]:
    near = "left" if view == "sagittal-left" else "right"
    return ["trunk_inclination", f"knee_flexion_{near}", f"hip_flexion_{near}", f"tibia_inclination_{near}"]


@pytest.mark.parametrize("movement", MOVEMENTS)
@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right"])
def test_side_view_angles_within_1_deg_noise_free_and_3_deg_noisy(movement: str, view: str) -> None:
    clean = _errors(
        SyntheticSpec(movement=movement, reps=2, camera=Camera(view=view, orthographic=True)), _side_names(view)
    )
    for name, error in clean.items():
        assert error.max() < 1.0, (name, error.max())
    noisy = SyntheticSpec(movement=movement, reps=2, camera=Camera(view=view), noise_px=REALISTIC_NOISE_PX, seed=4)
    for name, error in _errors(noisy, _side_names(view)).items():
        assert _rms(error) < 3.0, (name, _rms(error))


def test_frontal_angles_within_1_deg_noise_free_and_3_deg_noisy() -> None:
    names = ["knee_fppa_left", "knee_fppa_right", "pelvic_obliquity"]
    faults = Faults(valgus_deg=12.0, asymmetry_deg=10.0)
    spec = SyntheticSpec(faults=faults, camera=Camera(view="frontal", orthographic=True))
    for name, error in _errors(spec, names).items():
        assert error.max() < 1.0, (name, error.max())
    noisy = SyntheticSpec(faults=faults, camera=Camera(view="frontal"), noise_px=REALISTIC_NOISE_PX, seed=5)
    for name, error in _errors(noisy, names).items():
        assert _rms(error) < 3.0, (name, _rms(error))


@pytest.mark.parametrize("view", VIEWS)
def test_3d_angles_are_view_independent(view: str) -> None:
    spec = SyntheticSpec(camera=Camera(view=view), noise_px=0.0)
    for name, error in _errors(spec, ["knee_flexion_3d_left", "knee_flexion_3d_right", "trunk_inclination_3d"]).items():
        assert error.max() < 1.0, (name, error.max())


@pytest.mark.parametrize("movement", MOVEMENTS)
@pytest.mark.parametrize("view", VIEWS)
def test_view_movement_and_rep_count_recovered(movement: str, view: str) -> None:
    spec = SyntheticSpec(movement=movement, reps=4, camera=Camera(view=view), noise_px=REALISTIC_NOISE_PX, dropout=0.02)
    pose, truth = generate(spec)
    assessment = assess(pose).assessment
    assert assessment.view == view
    assert assessment.movement == movement
    assert len(assessment.reps) == spec.reps
    bottoms = np.array([r.bottom_frame for r in assessment.reps])
    assert np.all(np.abs(bottoms - truth.rep_bottoms) <= 0.25 * spec.fps)


DETECTORS = [
    # (finding code, movement, view, planted fault: stated size)
    ("shallow_depth", "squat", "sagittal-left", Faults(depth_factor=0.65)),  # knee flexion 110° → 72°
    ("trunk_lean", "squat", "sagittal-right", Faults(trunk_lean_deg=25.0)),  # trunk 25° ahead of the tibia
    ("heel_lift", "squat", "sagittal-left", Faults(heel_lift=0.12)),  # heels up 12 cm
    ("knee_valgus", "squat", "frontal", Faults(valgus_deg=14.0)),  # FPPA 14°
    ("lateral_shift", "squat", "frontal", Faults(lateral_shift=0.15)),  # hips 0.15 leg lengths to the left
    ("asymmetry", "squat", "frontal", Faults(asymmetry_deg=25.0)),  # right knee 25° less flexed
    ("knee_dominant", "squat", "sagittal-left", Faults(trunk_lean_deg=-20.0)),  # trunk 20° more upright
    ("hips_rise_first", "squat", "sagittal-right", Faults(hips_rise_first=0.7)),  # knees lead 70 % of the ascent
    ("hip_avoidant_bending", "bend", "sagittal-left", Faults(hip_share=0.25)),  # hips give 25 % of the bend
    ("stiffness", "squat", "sagittal-left", Faults(slow_factor=2.0, hesitations=3)),  # 4.8 s reps, 3 hesitations
]


@pytest.mark.parametrize(("code", "movement", "view", "faults"), DETECTORS, ids=[d[0] for d in DETECTORS])
def test_detector_fires_on_planted_fault_and_stays_quiet_on_clean(
    code: str, movement: str, view: str, faults: Faults
) -> None:
    def codes(f: Faults) -> set[str]:
        spec = SyntheticSpec(movement=movement, reps=3, faults=f, camera=Camera(view=view), noise_px=REALISTIC_NOISE_PX)  # type: ignore[arg-type]
        pose, _ = generate(spec)
        return {x.code for x in assess(pose, movement).assessment.findings}  # type: ignore[arg-type]

    assert code in codes(faults)
    assert codes(Faults()) == set()  # clean movement: no finding at all


def test_metrics_outside_their_view_are_not_numbers() -> None:
    pose, _ = generate(SyntheticSpec(camera=Camera(view="frontal"), noise_px=REALISTIC_NOISE_PX))
    summaries = {m.key: m for m in assess(pose, "squat").assessment.metrics}
    for key in ("trunk_minus_tibia_at_bottom", "hip_share", "peak_heel_height"):
        assert summaries[key].value is None and summaries[key].note == NOT_MEASURABLE
    assert summaries["peak_knee_valgus"].value is not None
    side, _ = generate(SyntheticSpec(camera=Camera(view="sagittal-left"), noise_px=REALISTIC_NOISE_PX))
    side_summaries = {m.key: m for m in assess(side, "squat").assessment.metrics}
    assert side_summaries["peak_knee_valgus"].value is None
    assert side_summaries["trunk_minus_tibia_at_bottom"].value is not None


def test_velocities_in_one_pass_equal_one_derivative_per_series() -> None:
    """The stacked derivative is the per-series one, NaN gaps, uneven frame times and one frame included."""
    pose, _ = generate(SyntheticSpec(reps=2, noise_px=2.0))
    kin = compute_kinematics(filter_pose(pose))
    rng = np.random.default_rng(3)
    times = np.cumsum(rng.uniform(0.02, 0.05, len(pose)))  # a variable frame rate
    series = {name: kin.series[name].copy() for name in VELOCITY_OF}
    series["trunk_inclination"][40:45] = np.nan  # a gap in one series only
    stacked = compute_velocities(series, times, VELOCITY_OF)
    for name in VELOCITY_OF:
        np.testing.assert_array_equal(stacked[f"{name}_velocity"], compute_velocity(series[name], times))
    assert np.isnan(stacked["trunk_inclination_velocity"][39:46]).all()
    assert np.isfinite(stacked["hip_flexion_left_velocity"][39:46]).all()
    single = compute_velocities({name: values[:1] for name, values in series.items()}, times[:1], VELOCITY_OF)
    assert all(np.isnan(v).all() and v.shape == (1,) for v in single.values())


def _same(a: object, b: object) -> bool:
    """Equal to the last bit, NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


@pytest.mark.parametrize(
    ("movement", "view", "bottom_pause_s"),
    [
        ("squat", "sagittal-left", 0.0),
        ("squat", "frontal", 0.5),
        ("squat", "oblique", 0.0),
        ("lift", "sagittal-right", 0.0),
        ("sit-to-stand", "sagittal-left", 0.0),
    ],
)
def test_one_rep_measured_alone_equals_the_batch(movement: str, view: str, bottom_pause_s: float) -> None:
    """A single rep (every live rep) is measured on its own, many at once: the same values either way."""
    spec = SyntheticSpec(
        movement=movement, reps=3, noise_px=2.0, bottom_pause_s=bottom_pause_s, camera=Camera(view=view), seed=5
    )
    result = assess(generate(spec)[0], movement)
    kin, a = result.kinematics, result.assessment
    _, depth, segmentation = segment_set(kin, a.movement, a.view, None, locate_feet(result.filtered, kin))
    assert len(segmentation.reps) == 3
    for w in segmentation.reps:
        alone = measure_reps(kin, [w], depth, a.view, a.movement)[0]
        batch = measure_reps(kin, [w, w], depth, a.view, a.movement)[0]  # two reps take the batch path
        differ = [
            f.name for f in dataclasses.fields(alone) if not _same(getattr(alone, f.name), getattr(batch, f.name))
        ]
        assert not differ
        assert math.isfinite(alone.sparc) and alone.velocity_peaks >= 1
