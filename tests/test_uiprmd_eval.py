"""The UI-PRMD evaluation's instrument: plausible anatomy, the right facing, a correct AUC."""

from __future__ import annotations

import numpy as np
import pytest

from eval.evaluate_uiprmd import (
    EPISODES,
    badness,
    compute_auc,
    evaluate_recording,
    file_path,
    reference_angles,
    run_sets,
    run_single,
)
from eval.evaluate_uiprmd import main as evaluate_main
from eval.uiprmd import (
    MARKERS,
    compute_hip_centres,
    fill_gaps,
    film_recording,
    join_recordings,
    load_recording,
    read_markers,
)
from movequal.core.kinematics import compute_joint_angle
from movequal.core.scoring import assess
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from tests.helpers import shared_dataset

DATA = "ui-prmd"


def squat_file(correct: bool = True, subject: str = "s03"):
    """A deep squat; s03's files start standing (some files of other subjects start part-way down)."""
    return file_path(shared_dataset(DATA), "m01", subject, "e01", correct)


def test_loader_gives_plausible_anatomy() -> None:
    recording = load_recording(squat_file())
    p = recording.points
    assert recording.fps == 30.0 and np.isfinite(p[:, :23]).all()
    for side in ("left", "right"):
        hip, knee, ankle = (p[0, IDX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        leg = np.linalg.norm(hip - knee) + np.linalg.norm(knee - ankle)
        assert 0.7 <= leg <= 1.0
        flexion = 180.0 - compute_joint_angle(hip[None], knee[None], ankle[None])[0]
        assert flexion < 15.0
    assert p[0, IDX["left_hip"], 2] > 0 > p[0, IDX["right_hip"], 2]  # body frame: column 2 is the subject's left
    assert p[0, IDX["nose"], 1] > p[0, IDX["left_shoulder"], 1] > p[0, IDX["left_hip"], 1] > p[0, IDX["left_knee"], 1]
    assert 1.4 < recording.height_m < 2.1


def test_hip_centres_lie_between_asis_and_psis() -> None:
    markers = read_markers(squat_file())
    left, right = compute_hip_centres(markers)
    asis = 0.5 * (markers[:, MARKERS.index("LASI")] + markers[:, MARKERS.index("RASI")])
    psis = 0.5 * (markers[:, MARKERS.index("LPSI")] + markers[:, MARKERS.index("RPSI")])
    axis = (asis - psis) / np.linalg.norm(asis - psis, axis=1, keepdims=True)
    for centre in (left, right):
        along = np.sum((centre - psis) * axis, axis=1) / np.linalg.norm(asis - psis, axis=1)
        assert ((along > 0.0) & (along < 1.0)).all()
        assert (centre[:, 2] < asis[:, 2]).all()  # below the ASIS
    width = np.linalg.norm(left - right, axis=1)
    assert (width > 0.12).all() and (width < 0.25).all()


@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right"])
def test_side_view_faces_the_right_way(view: str) -> None:
    recording = load_recording(squat_file())
    px = film_recording(recording, view).image_pixels()[0]
    towards = -1.0 if view == "sagittal-left" else 1.0  # seen from their left, a subject faces image-left
    near = view.removeprefix("sagittal-")
    assert towards * (px[IDX[f"{near}_foot_index"], 0] - px[IDX[f"{near}_heel"], 0]) > 0
    assert towards * (px[IDX["nose"], 0] - px[IDX[f"{near}_shoulder"], 0]) > 0
    outcome = evaluate_recording(recording, "squat", view, correct=True)
    assert outcome.reps == 1
    knee = [(core, mocap) for name, core, mocap in outcome.angles if name == "knee"]
    core, mocap = knee[0]
    assert mocap > 90.0  # a correct deep squat
    assert abs(core - mocap) < 10.0
    truth = reference_angles(recording.points, view)["knee"]
    assert abs(float(np.nanmax(truth)) - mocap) < 5.0


def test_gaps_are_interpolated_only_when_short() -> None:
    values = np.arange(20.0).reshape(20, 1)
    values[3:5] = np.nan
    values[8:16] = np.nan
    filled = fill_gaps(values, 4)
    np.testing.assert_allclose(filled[3:5, 0], [3.0, 4.0])
    assert np.isnan(filled[8:16]).all()


def test_auc_on_toy_data() -> None:
    assert compute_auc([2.0, 3.0], [1.0]) == 1.0
    assert compute_auc([1.0], [2.0, 3.0]) == 0.0
    assert compute_auc([1.0, 3.0], [2.0]) == 0.5
    assert compute_auc([5.0, 5.0], [5.0]) == 0.5
    # (0, 0) counts half, (0, 5) nothing, the other four pairs whole
    assert compute_auc([0.0, 10.0, 20.0], [0.0, 5.0]) == pytest.approx(4.5 / 6)
    assert np.isnan(compute_auc([], [1.0]))


def test_joined_set_pauses_and_blends_smoothly() -> None:
    recordings = [load_recording(file_path(shared_dataset(DATA), "m01", "s03", e, True)) for e in ("e01", "e02")]
    joined = join_recordings(recordings, pause_s=1.0)
    first, second = (len(r.points) for r in recordings)
    assert len(joined.points) == first + 30 + second
    np.testing.assert_array_equal(joined.points[:first], recordings[0].points)
    np.testing.assert_array_equal(joined.points[-second:], recordings[1].points)
    step = np.linalg.norm(np.diff(joined.points[:, :, :], axis=0), axis=-1)
    pause = step[first - 1 : first + 30]
    assert np.nanmax(pause) < 0.05  # no jump between the files: under 5 cm per frame


@pytest.mark.slow
def test_evaluation_writes_every_table(tmp_path) -> None:
    out = tmp_path / "uiprmd.md"
    assert evaluate_main(["--data", str(shared_dataset(DATA)), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("#### ") == 8
    assert "| squat | sagittal-left |" in text and "| sit-to-stand | frontal |" in text
    recognition = text.split("#### Movement recognised when not given (`movement=auto`), single reps")[1]
    for view in ("sagittal-left", "sagittal-right", "frontal"):  # told nothing, every squat is still named a squat
        assert f"| squat | {view} | 100 % (100/100) | — |" in recognition, recognition
    for view in ("sagittal-left", "sagittal-right"):  # a seat behind the heels names 36 of 100 chair rises (§40)
        named = recognition.split(f"| sit-to-stand | {view} | ")[1].split(" %")[0]
        assert int(named) >= 34, recognition


SINGLE_REP_FLOORS = {
    # (movement, view): (AUC of 100 − score at least, share of correct reps with a finding at most)
    ("squat", "sagittal-left"): (0.89, 0.20),
    ("squat", "sagittal-right"): (0.92, 0.06),
    ("squat", "frontal"): (0.90, 0.02),
    ("sit-to-stand", "sagittal-left"): (0.60, 0.0),
    ("sit-to-stand", "sagittal-right"): (0.59, 0.0),
    # 0.91 until §51: the front view no longer reads the forward lean off the model's depth guess (exact on motion
    # capture, tilted by up to 20° on real clips), which had flagged 9 incorrect reps.
    ("sit-to-stand", "frontal"): (0.86, 0.04),
}
"""UI-PRMD figures of docs/EVALUATION.md §5 (exact landmarks): they may only improve (one deliberate step, §51)."""


@pytest.mark.slow
def test_uiprmd_single_rep_figures_do_not_regress() -> None:
    outcomes = run_single(shared_dataset(DATA))
    for (movement, view), (auc_floor, flagged_ceiling) in SINGLE_REP_FLOORS.items():
        group = [o for o in outcomes if o.movement == movement and o.view == view]
        correct = [o for o in group if o.correct]
        assert len(correct) == 50 and len(group) == 100
        auc = compute_auc([badness(o) for o in group if not o.correct], [badness(o) for o in correct])
        flagged = sum(bool(o.findings) for o in correct) / len(correct)
        assert auc >= auc_floor - 0.005, (movement, view, auc)
        assert flagged <= flagged_ceiling + 1e-9, (movement, view, flagged)


@pytest.mark.slow
def test_uiprmd_ten_rep_squat_sets_are_counted_exactly() -> None:
    """Shallow squats in a set of deep ones (s01, s04 incorrect) are reps in place, not partials."""
    outcomes = [o for o in run_sets(shared_dataset(DATA)) if o.movement == "squat"]
    assert len(outcomes) == 30
    assert all((o.reps, o.partial) == (10, 0) for o in outcomes), [(o.name, o.view, o.reps) for o in outcomes]


@pytest.mark.slow
def test_uiprmd_ten_rep_sit_to_stand_sets_are_counted_exactly() -> None:
    """Sets that begin standing, including one whose first tenth already holds a whole sit (s01 correct)."""
    outcomes = [o for o in run_sets(shared_dataset(DATA)) if o.movement == "sit-to-stand"]
    assert len(outcomes) == 30
    assert all((o.reps, o.partial) == (10, 0) for o in outcomes), [(o.name, o.view, o.reps) for o in outcomes]


@pytest.mark.parametrize("subject", ["s01", "s04"])
def test_a_filmed_chair_rise_that_begins_standing_is_named_a_sit_to_stand(subject: str) -> None:
    # UI-PRMD's sit-to-stands run stand → sit → stand; the seat shows as the body's centre of mass behind the
    # heels at the bottom (these two subjects sit back on it), while their squats keep it over the feet
    data = shared_dataset(DATA)
    for code, named, at_least in (("m05", "sit-to-stand", 15), ("m01", "squat", 20)):
        names = [
            assess(
                film_recording(load_recording(file_path(data, code, subject, e, True)), view), "auto"
            ).assessment.movement
            for e in EPISODES
            for view in ("sagittal-left", "sagittal-right")
        ]
        assert names.count(named) >= at_least, (code, names)
