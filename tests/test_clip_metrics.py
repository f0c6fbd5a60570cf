"""The clip evaluation's statistics and label handling, on toy data with known answers (fast)."""

from __future__ import annotations

import json

import pytest

from eval.clip_labels import (
    FAULT_CODES,
    NOT_SCORABLE,
    classify_task,
    find_unmapped_labels,
    is_repetition_task,
    parse_hand_count,
    read_clip_info,
)
from eval.clip_metrics import (
    BAD,
    GOOD,
    NO_VERDICT,
    ClipOutcome,
    Ratio,
    call_any_finding,
    call_moderate_or_severe,
    compute_clean_specificity,
    compute_cohen_kappa,
    compute_fault_recall,
    compute_good_bad_kappa,
    compute_rep_exactness,
    compute_summary,
    compute_unscored,
)
from tests.helpers import REPO, SHARED_VIDEOS

FLOOR = REPO / "eval" / "clip_summary_floor.json"


def clip(
    label: str = "good",
    *,
    hand: int | None = 1,
    reps: int | None = 1,
    scored: bool = True,
    findings: tuple[tuple[str, str], ...] = (),
    task: str = "squat",
    source: str = "s",
) -> ClipOutcome:
    return ClipOutcome("c.mp4", label, source, task, hand, reps, scored, findings)


def test_kappa_of_a_textbook_table() -> None:
    # 2×2 table [[20, 5], [10, 15]]: p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert compute_cohen_kappa(a, b) == pytest.approx(0.4)


def test_kappa_bounds_and_undefined_cases() -> None:
    assert compute_cohen_kappa(["g", "b", "b"], ["g", "b", "b"]) == pytest.approx(1.0)
    assert compute_cohen_kappa(["g", "b"], ["b", "g"]) == pytest.approx(-1.0)
    assert compute_cohen_kappa(["b", "b"], ["b", "b"]) is None  # p_e = 1
    assert compute_cohen_kappa([], []) is None
    with pytest.raises(ValueError, match="same items"):
        compute_cohen_kappa(["g"], ["g", "b"])


def test_a_third_answer_counts_against_agreement() -> None:
    labels = [GOOD, GOOD, BAD, BAD]
    assert compute_cohen_kappa(labels, [GOOD, GOOD, BAD, BAD]) == pytest.approx(1.0)
    # one good clip without a verdict: p_o = 0.75, p_e = (2·1 + 2·2) / 16 = 0.375, κ = 0.6
    assert compute_cohen_kappa(labels, [GOOD, NO_VERDICT, BAD, BAD]) == pytest.approx(0.6)


def test_verdict_rules() -> None:
    mild = clip(findings=(("knee_valgus", "mild"),))
    moderate = clip(findings=(("knee_valgus", "mild"), ("heel_lift", "moderate")))
    assert (call_any_finding(mild), call_moderate_or_severe(mild)) == (BAD, GOOD)
    assert (call_any_finding(moderate), call_moderate_or_severe(moderate)) == (BAD, BAD)
    assert call_any_finding(clip()) == call_moderate_or_severe(clip()) == GOOD
    unscored = clip(reps=0, scored=False)
    assert call_any_finding(unscored) == call_moderate_or_severe(unscored) == NO_VERDICT


def test_good_bad_kappa_leaves_out_unknown_labels() -> None:
    outcomes = [
        clip("good"),
        clip("bad-valgus", findings=(("knee_valgus", "severe"),)),
        clip("unknown", findings=(("knee_valgus", "severe"),)),
    ]
    kappa, n = compute_good_bad_kappa(outcomes, call_any_finding)
    assert n == 2 and kappa == pytest.approx(1.0)


def test_rep_exactness() -> None:
    outcomes = [clip(hand=3, reps=3), clip(hand=9, reps=10), clip(hand=1, reps=None), clip(hand=None, reps=4)]
    assert compute_rep_exactness(outcomes) == Ratio(1, 3)
    assert compute_rep_exactness(outcomes, tolerance=1) == Ratio(2, 3)
    assert Ratio(0, 0).value is None and Ratio(1, 4).value == 0.25


def test_fault_recall_needs_the_mapped_code() -> None:
    codes = {"bad-roundedback": frozenset({"hip_avoidant_bending"}), "bad-valgus": frozenset({"knee_valgus"})}
    outcomes = [
        clip("bad-roundedback", findings=(("hip_avoidant_bending", "mild"),)),
        clip("bad-roundedback", findings=(("heel_lift", "severe"),)),  # a finding, but not the labelled one
        clip("bad-roundedback", reps=0, scored=False),
        clip("bad-valgus", findings=(("knee_valgus", "mild"),)),
        clip("bad-slouch", findings=(("trunk_lean", "mild"),)),  # not mapped: left out
        clip("good"),
    ]
    assert compute_fault_recall(outcomes, codes) == {"bad-roundedback": Ratio(1, 3), "bad-valgus": Ratio(1, 1)}


def test_clean_specificity_does_not_count_unscored_clips_as_clean() -> None:
    outcomes = [
        clip("good"),
        clip("good", findings=(("heel_lift", "mild"),)),
        clip("good", reps=0, scored=False),
        clip("bad-valgus"),
    ]
    spec = compute_clean_specificity(outcomes)
    assert spec == {"scored_no_finding": Ratio(1, 3), "scored": Ratio(2, 3), "no_finding": Ratio(2, 3)}


def test_unscored_lifts() -> None:
    outcomes = [
        clip(task="lift", hand=1, reps=0, scored=False),
        clip(task="lift", hand=0, reps=0, scored=False),
        clip(task="lift", hand=1),
        clip(task="squat", hand=1, reps=0, scored=False),
    ]
    assert compute_unscored(outcomes, "lift") == Ratio(2, 3)
    assert compute_unscored(outcomes, "lift", min_hand_count=1) == Ratio(1, 2)


def test_summary_figures_and_directions() -> None:
    outcomes = [clip("good"), clip("bad-valgus", findings=(("knee_valgus", "moderate"),), task="lift")]
    summary = compute_summary(outcomes, FAULT_CODES)
    assert summary["reps_exact"] == {"count": 2, "total": 2, "value": 1.0, "better": "higher"}
    assert summary["kappa_any_finding"] == {"value": pytest.approx(1.0), "n": 2, "better": "higher"}
    assert summary["lift_unscored"] == {"count": 0, "total": 1, "value": 0.0, "better": "lower"}
    assert summary["fault_recall_by_label"] == {
        "bad-valgus": {"count": 1, "total": 1, "value": 1.0, "better": "higher"}
    }


@pytest.mark.parametrize(
    ("cell", "count"),
    [
        ("1 ", 1),
        ("9 complete, plus a 10th cut off mid-ascent", 9),
        ("1 lift, concentric only (floor → lockout, no lowering)", 0),
        ("0 complete; 1 partial (top part of a lift only)", 0),
        ("≈10 foot contacts", None),
        ("steps not counted", None),
    ],
)
def test_hand_count_follows_the_full_rep_convention(cell: str, count: int | None) -> None:
    assert parse_hand_count(cell) == count


@pytest.mark.parametrize(
    ("movement", "task"),
    [
        (
            "timed up-and-go: stand up, walk toward and past the camera, turn out of view, walk back, sit",
            "timed up-and-go",
        ),
        ("walking toward camera (older adult, corridor)", "walking"),
        ("sit-to-stand then walk away (1 rep); camera pans at the end", "sit-to-stand"),
        ("Romanian deadlift / hip hinge (closest thing to a forward bend found)", "lift"),
        ("lunge (static split squat, alternating)", "lunge"),
        ("squat (heavy barbell back squat, single rep after a long set-up)", "squat"),
        ("step-up onto a box", "other"),
    ],
)
def test_task_from_the_movement_description(movement: str, task: str) -> None:
    assert classify_task(movement) == task


def test_every_label_is_mapped_or_not_scorable() -> None:
    assert find_unmapped_labels(["good", "unknown", "bad-valgus", "bad-slouch", "bad-wobble"]) == ["bad-wobble"]
    infos = read_clip_info(SHARED_VIDEOS)
    assert find_unmapped_labels(info.label for info in infos.values()) == []
    assert not set(FAULT_CODES) & set(NOT_SCORABLE)


def test_development_clips_are_classified_from_the_manifest() -> None:
    infos = read_clip_info(SHARED_VIDEOS)
    tasks = [info.task for info in infos.values()]
    assert len(infos) == 36
    assert (tasks.count("timed up-and-go"), tasks.count("walking")) == (2, 7)
    assert sum(map(is_repetition_task, tasks)) == 27
    assert all(info.name.startswith("walk_") == (info.task == "walking") for info in infos.values())


def _totals(node: object) -> dict[str, object]:
    """Denominators of every figure of a summary, keyed by path."""
    out: dict[str, object] = {}
    if isinstance(node, dict):
        if "better" in node:
            return {"": node.get("total", node.get("n"))}
        for key, value in node.items():
            out.update({f"{key}/{k}".rstrip("/"): v for k, v in _totals(value).items()})
    return out


def test_floor_file_covers_the_labelled_clip_set() -> None:
    """The floor's denominators are those the labels give, so the floor cannot be pinned on a smaller set."""
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    infos = [i for i in read_clip_info(SHARED_VIDEOS).values() if is_repetition_task(i.task)]
    unscored = [ClipOutcome(i.name, i.label, i.source, i.task, i.hand_count, None, False, ()) for i in infos]
    expected = {"overall": compute_summary(unscored, FAULT_CODES)}
    expected["by_source"] = {
        s: compute_summary([o for o in unscored if o.source == s], FAULT_CODES) for s in floor["by_source"]
    }
    assert sorted(floor["clips"]) == sorted(i.name for i in infos)
    assert sorted(floor["by_source"]) == sorted({i.source for i in infos})
    assert _totals({"overall": floor["overall"], "by_source": floor["by_source"]}) == _totals(expected)
