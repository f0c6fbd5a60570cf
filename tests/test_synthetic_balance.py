"""Tests of the synthetic balance holds: spec checks, lifted and planted feet, sway, filming, tandem geometry."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Balance, BalanceTruth, Camera, SyntheticSpec, SyntheticTruth, generate
from movequal.synthetic.balance import BalanceRecording, record_balance
from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.camera_spec import CameraView

VIEWS: tuple[CameraView, ...] = ("sagittal-left", "sagittal-right", "frontal", "oblique")
FOOT = ("heel", "ankle", "foot_index")
MOVEMENT = {"single-leg": "single-leg-stance", "tandem": "tandem-stance"}


def _spec(balance: Balance | None = None, **kwargs: Any) -> SyntheticSpec:
    balance = balance or Balance()
    return SyntheticSpec(movement=MOVEMENT[balance.stance], balance=balance, **kwargs)  # type: ignore[arg-type]


def _record(balance: Balance | None = None, **kwargs: Any) -> BalanceRecording:
    spec = _spec(balance, **kwargs)
    return record_balance(spec, Body.of_height(spec.height_m))


def _hold(truth: SyntheticTruth) -> BalanceTruth:
    assert truth.balance is not None
    return truth.balance


def _lowest(points: np.ndarray, side: str) -> np.ndarray:
    """Height (T,) of a foot's lowest landmark."""
    return np.asarray(np.min([points[:, IDX[f"{side}_{j}"], UP] for j in FOOT], axis=0))


def _window(truth: BalanceTruth, start: float, end: float) -> np.ndarray:
    return np.asarray((truth.times >= start) & (truth.times <= end))


@pytest.fixture(scope="module")
def single() -> BalanceRecording:
    return _record()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stance": "sideways"}, "stance"),
        ({"side": "up"}, "side"),
        ({"ends_with": "fall"}, "ends_with"),
        ({"quiet_before_s": 0.2}, "quiet_before_s"),
        ({"lift_s": 0.0}, "lift_s"),
        ({"hold_s": 0.5}, "hold_s"),  # shorter than lifting and lowering (2 x 0.4 s)
        ({"stance": "tandem", "hold_s": 0.8}, "hold_s"),  # no room for the weight shift before the step
        ({"after_s": 0.1}, "after_s"),
        ({"lift_height_m": 0.0}, "lift_height_m"),
        ({"stance_move_m": 0.0}, "stance_move_m"),
        ({"sway_ml_m": -0.001}, "sway_ml_m"),
        ({"sway_ap_m": 0.2}, "sway_ap_m"),
        ({"arm_excursion_m": 1.0}, "arm_excursion_m"),
        ({"weight_shift_m": 0.5}, "weight_shift_m"),
    ],
)
def test_balance_rejects_bad_values(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=rf"^{message}: expected"):
        Balance(**kwargs)


def test_spec_checks_the_stance_and_resolves_defaults() -> None:
    with pytest.raises(ValueError, match=r"^balance: expected stance='tandem'"):
        SyntheticSpec(movement="tandem-stance", balance=Balance(stance="single-leg"))
    with pytest.raises(ValueError, match=r"^balance: expected stance='single-leg'"):
        SyntheticSpec(movement="single-leg-stance", balance=Balance(stance="tandem"))
    with pytest.raises(ValueError, match=r"^balance: expected None or a Balance"):
        SyntheticSpec(movement="single-leg-stance", balance="hold")  # type: ignore[arg-type]
    tandem = SyntheticSpec(movement="tandem-stance")
    assert tandem.resolved_balance == Balance(stance="tandem")
    assert tandem.total_seconds == pytest.approx(15.0 + 0.5 + 2.0)  # hold, step, after
    single = SyntheticSpec(movement="single-leg-stance")
    assert single.total_seconds == pytest.approx(2.0 + 15.0 + 2.0) and single.n_frames == 571
    censored = SyntheticSpec(movement="single-leg-stance", balance=Balance(ends_with="clip-end", hold_s=8.0))
    assert censored.total_seconds == pytest.approx(10.0)


def test_generate_records_the_hold(single: BalanceRecording) -> None:
    pose, truth = generate(SyntheticSpec(movement="single-leg-stance"))
    hold = _hold(truth)
    assert len(pose) == truth.spec.n_frames == len(hold.times) == len(hold.pelvis_ml)
    assert truth.rep_windows == [] and truth.rep_bottoms.size == 0 and truth.tug is None and truth.gait is None
    assert pose.source["movement"] == "single-leg-stance" and pose.source["balance"]["stance"] == "single-leg"
    assert hold.foot_off == 2.0 and hold.hold_end == 17.0 and hold.end_reason == "touch-down"
    assert hold.lifted_side == "left" and hold.front_side is None and hold.leg_length_m == pytest.approx(0.491 * 1.75)
    assert np.array_equal(hold.pelvis_ml, single.truth.pelvis_ml)


def test_lifted_foot_rises_to_the_lift_height_and_lands(single: BalanceRecording) -> None:
    hold = single.truth
    assert hold.foot_off is not None and hold.hold_end is not None
    lifted, stance = _lowest(single.points, "left"), _lowest(single.points, "right")
    lift_s, height = 0.4, 0.15
    up = _window(hold, hold.foot_off + lift_s, hold.hold_end - lift_s)
    assert np.allclose(lifted[up], height, atol=1e-9)
    assert np.all(lifted[hold.times <= hold.foot_off] < 1e-9)
    assert np.all(lifted[hold.times >= hold.hold_end] < 1e-9)
    assert np.all(lifted > -1e-9) and np.allclose(stance, 0.0, atol=1e-12)
    assert np.max(single.angles["knee_flexion_left"]) > 45.0 > np.max(single.angles["knee_flexion_right"])
    assert hold.times[-1] == pytest.approx(19.0)


def test_filmed_lift_height_in_pixels() -> None:
    camera = Camera(view="sagittal-left", orthographic=True)
    pose, truth = generate(_spec(Balance(side="right", lift_height_m=0.2), camera=camera))
    hold = _hold(truth)
    assert hold.foot_off is not None and hold.hold_end is not None
    y = pose.image[..., 1] * pose.frame_size[1]
    lowest = {side: np.max([y[:, IDX[f"{side}_{j}"]] for j in FOOT], axis=0) for side in ("left", "right")}
    floor = lowest["left"]  # the stance foot stays flat on the floor
    assert np.ptp(floor) < 1e-6
    rise = (floor - lowest["right"]) / pose.source["px_per_m"]
    assert np.allclose(rise[_window(hold, hold.foot_off + 0.4, hold.hold_end - 0.4)], 0.2, atol=1e-6)
    assert np.allclose(rise[hold.times > hold.hold_end], 0.0, atol=1e-6)


@pytest.mark.parametrize("ends_with", ["touch-down", "clip-end", "stance-move"])
def test_stance_foot_stays_planted_unless_it_moves(ends_with: str) -> None:
    rec = _record(Balance(side="right", ends_with=ends_with))  # type: ignore[arg-type]
    hold = rec.truth
    ankle = rec.points[:, IDX["left_ankle"]]
    moved = np.linalg.norm(ankle - ankle[0], axis=1)
    if ends_with != "stance-move":
        assert moved.max() < 0.005
        return
    assert hold.hold_end is not None
    assert moved[hold.times <= hold.hold_end].max() < 0.005
    assert ankle[-1, LEFT] - ankle[0, LEFT] == pytest.approx(0.10, abs=1e-9)  # outwards: the left foot moves left
    assert np.allclose(ankle[:, UP], ankle[0, UP]) and np.allclose(ankle[:, FWD], ankle[0, FWD])
    lifted = _lowest(rec.points, "right")
    assert np.all(lifted[_window(hold, hold.hold_end, hold.hold_end + 0.3)] > 0.1)  # still up during the slide
    assert lifted[-1] < 1e-9


def test_sway_amplitudes_during_the_hold(single: BalanceRecording) -> None:
    hold = single.truth
    start, end = hold.sway_window
    inside = _window(hold, start, end)
    for axis, planted in (("ml", 0.008), ("ap", 0.010)):
        pelvis = getattr(hold, f"pelvis_{axis}")[inside]
        com = getattr(hold, f"com_{axis}")[inside]
        assert np.std(pelvis) == pytest.approx(planted, rel=0.2)
        assert np.std(com) == pytest.approx(planted, rel=0.1)
        assert np.std(getattr(hold, f"shoulders_{axis}")[inside]) > 1.2 * np.std(pelvis)  # inverted pendulum
    quiet = hold.times < start - 0.5
    assert np.std(hold.pelvis_ap[quiet]) < 0.5 * np.std(hold.pelvis_ap[inside])
    assert abs(np.mean(hold.com_ml[inside])) < 0.002  # the centre of mass is over the stance ankle
    assert hold.weight_shift_m == pytest.approx(0.103, abs=0.002)


def test_sway_scales_with_the_spec_and_depends_on_the_seed() -> None:
    small = _record(Balance(ends_with="clip-end", hold_s=6.0, sway_ml_m=0.004, sway_ap_m=0.0)).truth
    inside = _window(small, *small.sway_window)
    assert np.std(small.com_ml[inside]) == pytest.approx(0.004, rel=0.1)
    assert np.ptp(small.pelvis_ap[inside]) < 1e-3  # no AP sway planted (the lifted leg barely moves the pelvis)
    again = _record(Balance(ends_with="clip-end", hold_s=6.0, sway_ml_m=0.004, sway_ap_m=0.0)).truth
    other = _record(Balance(ends_with="clip-end", hold_s=6.0, sway_ml_m=0.004, sway_ap_m=0.0), seed=1).truth
    assert np.array_equal(small.pelvis_ml, again.pelvis_ml)
    assert not np.allclose(small.pelvis_ml, other.pelvis_ml, atol=1e-4)


def test_path_length(single: BalanceRecording) -> None:
    hold = single.truth
    start, end = hold.sway_window
    inside = _window(hold, start, end)
    assert hold.path_length("pelvis_ml", start, end) == pytest.approx(np.sum(np.abs(np.diff(hold.pelvis_ml[inside]))))
    ramp = hold.times * 2.0
    assert hold.path_length(ramp, 1.01, 3.02) == pytest.approx(4.02)
    assert hold.path_length("com_ap", 5.0, 5.0) == 0.0
    with pytest.raises(ValueError, match="one per frame"):
        hold.path_length(np.zeros(3), 0.0, 1.0)
    with pytest.raises(ValueError, match="expected one of"):
        hold.path_length("stance", 0.0, 1.0)


def test_frontal_hip_x_tracks_the_true_sway() -> None:
    pose, truth = generate(_spec(Balance(hold_s=8.0), camera=Camera(view="frontal")))
    hold = _hold(truth)
    inside = _window(hold, *hold.sway_window)
    x = 0.5 * (pose.image[:, IDX["left_hip"], 0] + pose.image[:, IDX["right_hip"], 0]) * pose.frame_size[0]
    metres = x / pose.source["px_per_m"]
    filmed, true = metres[inside] - metres[inside].mean(), hold.pelvis_ml[inside] - hold.pelvis_ml[inside].mean()
    assert np.corrcoef(filmed, true)[0, 1] > 0.95
    assert np.std(filmed) == pytest.approx(np.std(true), rel=0.1)
    shift = metres[hold.times == 2.0] - metres[0]  # the weight shift onto the right (stance) foot: image-left
    assert shift[0] < -0.08


def test_tandem_feet_on_one_line_heel_to_toe() -> None:
    rec = _record(Balance(stance="tandem", side="right", ends_with="clip-end", hold_s=5.0))
    p, hold = rec.points, rec.truth
    front_heel, back_toe = p[:, IDX["right_heel"]], p[:, IDX["left_foot_index"]]
    assert np.allclose(front_heel, back_toe, atol=1e-9)  # touching, on the floor
    assert np.allclose(p[:, IDX["right_ankle"], LEFT], p[:, IDX["left_ankle"], LEFT], atol=1e-9)
    assert np.all(p[:, IDX["right_ankle"], FWD] > p[:, IDX["left_ankle"], FWD] + 0.2)
    for side in ("left", "right"):
        ankle = p[:, IDX[f"{side}_ankle"]]
        assert np.linalg.norm(ankle - ankle[0], axis=1).max() < 1e-9
        assert np.all(rec.angles[f"knee_flexion_{side}"] < 25.0)
    assert hold.foot_off is None and hold.hold_start == 0.0 and hold.front_side == "right" and hold.lifted_side is None
    assert hold.hold_end is None and hold.end_reason == "clip-end"
    assert abs(np.mean(hold.pelvis_ml)) < 0.002 and abs(np.mean(hold.pelvis_ap)) < 0.002


@pytest.mark.parametrize("ends_with", ["stance-move", "touch-down"])
def test_tandem_ends_with_a_step(ends_with: str) -> None:
    rec = _record(Balance(stance="tandem", side="left", ends_with=ends_with, hold_s=4.0))  # type: ignore[arg-type]
    p, hold = rec.points, rec.truth
    assert hold.hold_end == 4.0 and hold.sway_window == (0.0, 3.5)
    stepper, stayer = ("right", "left") if ends_with == "stance-move" else ("left", "right")
    moving, still = p[:, IDX[f"{stepper}_ankle"]], p[:, IDX[f"{stayer}_ankle"]]
    before = hold.times <= hold.hold_end
    assert np.linalg.norm(moving[before] - moving[0], axis=1).max() < 1e-9
    assert np.linalg.norm(still - still[0], axis=1).max() < 1e-9
    if ends_with == "stance-move":  # the back (right) foot steps out to the right
        assert moving[-1, LEFT] - moving[0, LEFT] == pytest.approx(-0.10)
    else:  # the front (left) foot steps back beside the right one
        assert moving[-1, FWD] == pytest.approx(still[-1, FWD]) and moving[-1, LEFT] > still[-1, LEFT] + 0.15
    assert np.all(_lowest(p, stepper) > -1e-9) and _lowest(p, stepper).max() == pytest.approx(0.05, abs=1e-3)


def test_arm_excursions() -> None:
    rec = _record(Balance(ends_with="clip-end", hold_s=10.0, arm_excursion_m=0.25))
    hold = rec.truth
    assert hold.wrist_excursion.max() == pytest.approx(0.25, abs=0.005)
    assert np.all(hold.wrist_excursion[~_window(hold, *hold.sway_window)] < 1e-9)
    elbows = rec.points[:, IDX["left_elbow"]] - rec.points[:, IDX["left_wrist"]]
    assert np.allclose(np.linalg.norm(elbows, axis=1), Body.of_height(1.75).forearm)
    still = _record(Balance(ends_with="clip-end", hold_s=10.0)).truth
    assert np.all(still.wrist_excursion < 1e-9)
    with pytest.raises(ValueError, match=r"^arm_excursion_m"):
        _record(Balance(arm_excursion_m=0.6), height_m=1.0)


def test_body_keeps_its_shape_and_moves_smoothly(single: BalanceRecording) -> None:
    body, p = Body.of_height(1.75), single.points
    for side in ("left", "right"):
        for a, b, length in (("hip", "knee", body.thigh), ("knee", "ankle", body.shank)):
            bone = np.linalg.norm(p[:, IDX[f"{side}_{a}"]] - p[:, IDX[f"{side}_{b}"]], axis=-1)
            assert np.allclose(bone, length, atol=1e-9)
    speed = np.linalg.norm(np.diff(p, axis=0), axis=-1) * 30.0
    assert speed.max() < 2.5  # the fastest point is the lifted foot (0.4 s lift)
    hold = single.truth
    assert hold.foot_off is not None and hold.hold_end is not None
    still = _window(hold, hold.foot_off + 0.5, hold.hold_end - 0.5)
    assert speed[still[1:]].max() < 0.3


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_films_the_hold(view: CameraView) -> None:
    pose, truth = generate(_spec(Balance(stance="tandem", hold_s=3.0), camera=Camera(view=view), noise_px=1.0))
    assert isinstance(pose, PoseSequence) and np.all(np.isfinite(pose.image))
    assert np.all((pose.image[..., :2] >= 0.0) & (pose.image[..., :2] <= 1.0))
    assert pose.source["view"] == view and pose.source["px_per_m"] > 0
    near, far = ("left", "right") if view != "sagittal-right" else ("right", "left")
    if view.startswith("sagittal"):
        assert np.all(pose.visibility[:, IDX[f"{near}_ankle"]] > pose.visibility[:, IDX[f"{far}_ankle"]])
    assert _hold(truth).front_side == "left"
