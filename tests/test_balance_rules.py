"""Balance holds: grading the best hold per side, censored holds, the report block and the terminal table."""

from __future__ import annotations

import pytest

from movequal.core.balance import BalanceAnalysis, Hold
from movequal.core.gait import LEG_FRACTION_OF_HEIGHT
from movequal.core.static_hold import (
    SINGLE_LEG_GRADES,
    TANDEM_GRADES,
    best_holds,
    detect_short_hold,
    to_public_balance,
)
from movequal.core.sway import Sway
from movequal.report.balance_view import render_balance_section, to_balance_table


def _hold(side: str, start: float, end: float, reason: str = "touch-down", stance: str = "single-leg") -> Hold:
    sway = Sway("mediolateral", start + 1.0, end - 0.5, 0.2, 0.03, 0.3, 0.05, 0.1) if end - start > 3.5 else None
    return Hold(stance, side, start, end, reason, sway, None if sway else "the hold was too short")  # type: ignore[arg-type]


def _frame(time: float) -> int:
    return round(time * 30)


def test_best_hold_per_side_is_the_longest() -> None:
    holds = (_hold("left", 0, 8), _hold("right", 10, 40), _hold("left", 45, 57))
    best = best_holds(holds)
    assert best["left"].duration_s == 12 and best["right"].duration_s == 30


@pytest.mark.parametrize(
    ("seconds", "expected"), [(31.0, None), (30.0, None), (29.9, "mild"), (5.0, "mild"), (4.9, "severe")]
)
def test_single_leg_grades_follow_the_cited_cut_offs(seconds: float, expected: str | None) -> None:
    assert SINGLE_LEG_GRADES.grade(seconds) == expected


def test_tandem_grades_follow_the_sppb() -> None:
    assert [TANDEM_GRADES.grade(s) for s in (10.0, 9.9, 3.0, 2.9)] == [None, "mild", "mild", "moderate"]


def test_short_hold_names_each_short_side_with_its_evidence() -> None:
    holds = (_hold("left", 0, 40), _hold("right", 45, 49))
    finding = detect_short_hold(holds, SINGLE_LEG_GRADES, _frame)
    assert finding is not None and finding.code == "short_single_leg_stance"
    assert finding.severity == "severe" and finding.reps == [2] and finding.rep_severity == ["severe"]
    assert finding.evidence[0].name == "best hold, right foot" and finding.evidence[0].value == 4.0
    assert finding.frames == [(45 * 30, 49 * 30)] and finding.points_lost == 20.0


def test_a_hold_cut_by_the_clip_is_not_graded_short() -> None:
    assert detect_short_hold((_hold("left", 2, 12, "clip-end"),), SINGLE_LEG_GRADES, _frame) is None
    assert detect_short_hold((_hold("left", 2, 12, "lost"),), SINGLE_LEG_GRADES, _frame) is None
    # but a completed short hold on the same side still counts when it is the side's best
    finding = detect_short_hold((_hold("left", 0, 12), _hold("left", 20, 25, "clip-end")), SINGLE_LEG_GRADES, _frame)
    assert finding is not None and finding.severity == "mild"


def test_public_block_in_centimetres_only_with_a_height() -> None:
    analysis = BalanceAnalysis((_hold("left", 1, 21), _hold("right", 25, 27)), None)
    plain = to_public_balance(analysis, "single-leg", None)
    tall = to_public_balance(analysis, "single-leg", 1.8)
    assert plain.best_left_s == 20 and plain.best_right_s == 2 and plain.cutoff_s == 30
    assert plain.holds[0].pelvis_velocity_cm_s is None and plain.holds[0].pelvis_velocity == pytest.approx(
        0.2 / 18.5, abs=1e-4
    )
    assert tall.holds[0].pelvis_range_cm == pytest.approx(0.03 * LEG_FRACTION_OF_HEIGHT * 1.8 * 100, abs=0.1)
    assert plain.holds[1].pelvis_path is None and plain.holds[1].sway_message == "the hold was too short"


def test_no_hold_says_why() -> None:
    block = to_public_balance(
        BalanceAnalysis((), "neither foot was seen off the floor for 1 s or more"), "tandem", None
    )
    assert block.holds == [] and block.message is not None and "neither foot" in block.message
    assert "neither foot" in render_balance_section(block)


def test_table_and_section_show_censored_holds_as_at_least() -> None:
    block = to_public_balance(BalanceAnalysis((_hold("right", 3, 33, "clip-end"),), None), "single-leg", None)
    table = to_balance_table(block)
    assert table.row_count == 1 and "30.0+" in list(table.columns[3].cells)
    html = render_balance_section(block)
    assert "30.0 s or more" in html and "clip ended" in html and "Hurvitz" in html
