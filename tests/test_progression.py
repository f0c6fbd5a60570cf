"""The progression gate and the quality threshold load on constructed session histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from movequal.core.assessment import Evidence, Finding
from movequal.core.dose import SessionDose
from movequal.core.progression import (
    GateRules,
    GateSession,
    compute_threshold_loads,
    from_assessment,
    recommend_progression,
    worst_consistent_compensation,
)

START = date(2026, 9, 1)
VALGUS = "Knees cave in (moderate, 6 of 10 reps)"


def session(
    week: int,
    score: float,
    load: float | None = 20.0,
    pain: tuple[int, int] | None = (2, 2),
    compensation: str | None = None,
) -> GateSession:
    """One weekly session of a squat programme."""
    dose = SessionDose(
        load_kg=load,
        pain_before=None if pain is None else pain[0],
        pain_after=None if pain is None else pain[1],
    )
    return GateSession(f"a{week}", START + timedelta(weeks=week), score, dose, compensation)


def test_two_clean_sessions_at_the_load_progress() -> None:
    history = [session(0, 80, load=10), session(1, 90), session(2, 92)]
    decision = recommend_progression(history)
    assert decision.recommendation == "progress"
    assert decision.load_kg == 20.0
    assert "20 kg" in decision.reasons[0] and "90, 92" in decision.reasons[0]
    assert decision.sessions == ("a0", "a1", "a2")


def test_order_of_the_history_does_not_matter() -> None:
    history = [session(2, 92), session(0, 80, load=10), session(1, 90)]
    assert recommend_progression(history).recommendation == "progress"


def test_one_session_at_a_new_load_holds() -> None:
    decision = recommend_progression([session(0, 90, load=10), session(1, 91, load=10), session(2, 95)])
    assert decision.recommendation == "hold"
    assert decision.reasons[0] == "1 of the 2 sessions needed at 20 kg so far."


def test_a_consistent_compensation_holds_and_names_it() -> None:
    history = [session(0, 90), session(1, 88, compensation=VALGUS)]
    decision = recommend_progression(history)
    assert decision.recommendation == "hold"
    assert any(VALGUS in r for r in decision.reasons)


def test_a_score_below_target_holds() -> None:
    decision = recommend_progression([session(0, 90), session(1, 84)])
    assert decision.recommendation == "hold"
    assert any("below the target of 85" in r for r in decision.reasons)


def test_a_pain_rise_without_worse_movement_holds() -> None:
    decision = recommend_progression([session(0, 90), session(1, 90, pain=(2, 4))])
    assert decision.recommendation == "hold"
    assert any("pain rose 2 points (2 → 4)" in r for r in decision.reasons)


def test_pain_above_the_ceiling_holds() -> None:
    decision = recommend_progression([session(0, 90, pain=(5, 6)), session(1, 90, pain=(5, 6))])
    assert decision.recommendation == "hold"
    assert any("pain 6/10 after the session, above 5/10" in r for r in decision.reasons)


def test_a_single_bad_session_holds_and_says_why_not_step_back() -> None:
    history = [session(0, 95), session(1, 94), session(2, 96), session(3, 95), session(4, 70)]
    decision = recommend_progression(history)
    assert decision.recommendation == "hold"
    assert any("one session alone is not a reason to step back" in r for r in decision.reasons)


def test_two_sessions_well_below_usual_step_back_to_the_lighter_load() -> None:
    history = [session(0, 95, load=10), session(1, 94), session(2, 96), session(3, 75), session(4, 72)]
    decision = recommend_progression(history)
    assert decision.recommendation == "step back"
    assert decision.suggested_load_kg == 10.0
    assert "75, 72 against a usual 95" in decision.reasons[0]
    assert decision.reasons[1] == "Go back to 10 kg, the last lighter load used."


def test_a_drop_inside_the_measurement_error_does_not_step_back() -> None:
    history = [session(0, 95), session(1, 94), session(2, 96), session(3, 84), session(4, 83)]
    assert recommend_progression(history).recommendation == "hold"


def test_a_flare_up_steps_back_at_once() -> None:
    history = [session(0, 90, load=15), session(1, 92), session(2, 70, pain=(2, 5))]
    decision = recommend_progression(history)
    assert decision.recommendation == "step back"
    assert decision.reasons[0].startswith("Flare-up on 2026-09-15: pain rose from 2 to 5")
    assert "the score fell from 92 to 70" in decision.reasons[0]
    assert decision.suggested_load_kg == 15.0


def test_a_flare_up_by_a_new_compensation_steps_back() -> None:
    history = [session(0, 90), session(1, 88, pain=(1, 4), compensation=VALGUS)]
    decision = recommend_progression(history)
    assert decision.recommendation == "step back"
    assert "a consistent compensation appeared" in decision.reasons[0]
    assert decision.reasons[1].startswith("Reduce the load")


def test_unrecorded_pain_progresses_with_a_caution() -> None:
    decision = recommend_progression([session(0, 90, pain=None), session(1, 92, pain=None)])
    assert decision.recommendation == "progress"
    assert "not recorded" in decision.reasons[-1]


def test_the_rules_come_from_the_parameters() -> None:
    history = [session(0, 90), session(1, 92)]
    strict = GateRules(target_score=95.0, sessions_to_progress=3)
    decision = recommend_progression(history, strict)
    assert decision.recommendation == "hold"
    assert decision.rules["target_score"] == 95.0
    assert "below the target of 95" in " ".join(decision.reasons)
    assert recommend_progression(history, GateRules(target_score=80.0)).recommendation == "progress"


def test_no_session_holds() -> None:
    decision = recommend_progression([])
    assert decision.recommendation == "hold" and decision.load_kg is None


def test_threshold_load_rises_with_clean_heavier_loads_and_falls_when_one_fails() -> None:
    history = [
        session(0, 90, load=10),
        session(1, 90, load=20),
        session(2, 80, load=30, compensation=VALGUS),
        session(3, 91, load=30),
        session(4, 78, load=30, compensation=VALGUS),
        session(5, 85, load=None),
    ]
    points = compute_threshold_loads(history)
    assert [p.threshold_kg for p in points] == [10.0, 20.0, 20.0, 30.0, 20.0, 20.0]
    assert [p.analysis_id for p in points] == ["a0", "a1", "a2", "a3", "a4", "a5"]


def test_threshold_load_is_none_before_any_clean_session() -> None:
    points = compute_threshold_loads([session(0, 70, load=0, compensation=VALGUS)])
    assert points[0].threshold_kg is None


def _finding(severities: list[str], title: str = "Knees cave in") -> Finding:
    return Finding(
        code="knee_valgus",
        title=title,
        severity="moderate",
        confidence=0.9,
        evidence=[Evidence(name="FPPA", value=12.0, unit="deg", threshold=8.0)],
        cue="Push the knees out.",
        reps=list(range(1, len(severities) + 1)),
        rep_severity=severities,  # type: ignore[arg-type]
        frames=[],
        points_lost=5.0,
    )


@pytest.mark.parametrize(
    ("severities", "n_reps", "expected"),
    [
        (["moderate"] * 5, 10, "Knees cave in (moderate, 5 of 10 reps)"),
        (["moderate"] * 4 + ["mild"] * 6, 10, None),
        (["severe"] * 2 + ["moderate"] * 4, 10, "Knees cave in (severe, 6 of 10 reps)"),
        (["mild"] * 10, 10, None),
    ],
)
def test_worst_consistent_compensation(severities: list[str], n_reps: int, expected: str | None) -> None:
    assert worst_consistent_compensation([_finding(severities)], n_reps) == expected


def test_from_assessment_reads_a_report_and_skips_unscored() -> None:
    finding = _finding(["moderate"] * 3).model_dump(mode="json")
    assessment = {"score": 82.0, "findings": [finding], "reps": [{"partial": False}] * 4}
    gate = from_assessment("x", START, assessment, SessionDose(load_kg=0), GateRules())
    assert gate is not None
    assert gate.score == 82.0 and gate.load_kg == 0
    assert gate.compensation == "Knees cave in (moderate, 3 of 4 reps)"
    assert from_assessment("y", START, {"score": None, "findings": [], "reps": []}, None, GateRules()) is None
