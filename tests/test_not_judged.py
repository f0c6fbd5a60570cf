"""Checks a camera view cannot make are listed, so "no finding" never reads as "fine" (report schema 1.11.0)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from movequal.batch.score import ItemResult, list_unmade_codes
from movequal.batch.summary import NOT_JUDGED, write_summary_csv
from movequal.cli_summary import print_summary
from movequal.core.assessment import Assessment, Report, UnjudgedCheck
from movequal.core.compensations import RULES, list_unjudged_checks
from movequal.core.scoring import assess
from movequal.core.views import ANY_VIEW, FRONTAL, OBLIQUE, SAGITTAL, describe_views
from movequal.report.html import render_report_html
from movequal.report.not_judged import describe_not_judged
from movequal.report.pdf_html import report_print_html
from movequal.synthetic import Camera, SyntheticSpec, generate
from tests.test_report import make_kinematics, make_report


def test_views_are_named_for_a_reader() -> None:
    assert describe_views(SAGITTAL) == "a side view"
    assert describe_views(FRONTAL) == "a front view"
    assert describe_views(SAGITTAL | OBLIQUE) == "a side or oblique view"
    assert describe_views(frozenset()) == "no camera view"


SIDE_ONLY = ["trunk_lean", "heel_lift"]
FRONT_ONLY = ["asymmetry", "knee_valgus", "lateral_shift"]


@pytest.mark.parametrize(
    ("movement", "view", "expected"),
    [
        ("squat", "frontal", ["trunk_lean", "heel_lift", "knee_dominant", "hips_rise_first"]),
        ("squat", "sagittal-right", FRONT_ONLY),
        ("squat", "oblique", ["asymmetry", "trunk_lean", "knee_valgus", "heel_lift", "lateral_shift"]),
        ("lift", "oblique", ["hip_avoidant_bending", "asymmetry", "knee_valgus", "heel_lift", "lateral_shift"]),
        ("sit-to-stand", "sagittal-left", FRONT_ONLY),
        ("sit-to-stand", "frontal", ["forward_trunk_lean"]),
        ("sit-to-stand", "oblique", ["asymmetry", "knee_valgus", "lateral_shift", "forward_trunk_lean"]),
        ("lunge", "frontal", []),
        ("overhead-reach", "frontal", ["back_arching"]),
        ("overhead-reach", "sagittal-left", ["lateral_trunk_lean"]),
    ],
)
def test_the_checks_each_view_cannot_make(movement: str, view: str, expected: list[str]) -> None:
    listed = list_unjudged_checks(movement, view)  # type: ignore[arg-type]
    assert [c.code for c in listed] == expected
    for check in listed:
        spec = next(s for s in RULES if s.code == check.code)
        assert not spec.applies(movement, view) and view not in check.views  # type: ignore[arg-type]
        assert all(spec.applies(movement, v) for v in check.views)  # type: ignore[arg-type]


@pytest.mark.parametrize("view", sorted(ANY_VIEW))
@pytest.mark.parametrize("movement", ["squat", "lift", "sit-to-stand", "lunge", "bend", "overhead-reach"])
def test_every_check_of_a_movement_is_made_or_listed(movement: str, view: str) -> None:
    """No check falls between the two: it runs in this view, or the report says it could not."""
    listed = {c.code for c in list_unjudged_checks(movement, view)}  # type: ignore[arg-type]
    for spec in RULES:
        if movement in spec.movements:
            assert spec.applies(movement, view) != (spec.code in listed), spec.code  # type: ignore[arg-type]


def test_a_lift_from_45_degrees_says_the_back_was_not_judged() -> None:
    oblique = {c.code: c for c in list_unjudged_checks("lift", "oblique")}
    assert oblique["hip_avoidant_bending"].needs == "a side view"
    assert "back" in oblique["hip_avoidant_bending"].check
    side = [c.code for c in list_unjudged_checks("lift", "sagittal-left")]
    assert "hip_avoidant_bending" not in side and {"knee_valgus", "lateral_shift"} <= set(side)


def _with_unjudged(items: list[UnjudgedCheck]) -> Report:
    report = make_report()
    return report.model_copy(update={"assessment": report.assessment.model_copy(update={"not_judged": items})})


def test_the_sentence_groups_checks_by_the_view_they_need() -> None:
    items = [
        UnjudgedCheck(code="a", check="left and right sides working unevenly", needs="a front view", views=["frontal"]),
        UnjudgedCheck(code="b", check="heels lifting off the floor", needs="a side view", views=["sagittal-left"]),
        UnjudgedCheck(code="c", check="knees falling inwards", needs="a front view", views=["frontal"]),
    ]
    assert describe_not_judged(items) == (
        "Not checked from this camera angle: left and right sides working unevenly and knees falling inwards "
        "(these need a front view); heels lifting off the floor (needs a side view)."
    )
    assert describe_not_judged([]) is None


def _assess(view: str) -> Assessment:
    pose, _ = generate(SyntheticSpec(movement="lift", reps=3, camera=Camera(view=view), noise_px=1.0))  # type: ignore[arg-type]
    return assess(pose, movement="lift").assessment


def test_assess_lists_what_the_clip_view_cannot_check() -> None:
    oblique, side = _assess("oblique"), _assess("sagittal-left")
    assert oblique.view == "oblique" and oblique.reps
    assert [c.code for c in oblique.not_judged] == [c.code for c in list_unjudged_checks("lift", "oblique")]
    assert "hip_avoidant_bending" in {c.code for c in oblique.not_judged}
    assert side.view == "sagittal-left" and "hip_avoidant_bending" not in {c.code for c in side.not_judged}


def test_page_pdf_and_terminal_show_the_unjudged_checks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = _with_unjudged(list_unjudged_checks("lift", "oblique"))
    sentence = describe_not_judged(report.assessment.not_judged)
    assert sentence is not None and "bending through the back rather than the hips" in sentence
    page = render_report_html(report, make_kinematics(), None)
    assert sentence in page
    assert sentence in report_print_html(report)  # the PDF's document
    print_summary(report, tmp_path)
    assert "Not checked from this camera angle" in " ".join(capsys.readouterr().out.split())
    plain = render_report_html(_with_unjudged([]), make_kinematics(), None)
    assert "Not checked from this camera angle" not in plain


def test_the_sentence_is_escaped_on_the_page_and_in_the_pdf() -> None:
    odd = [UnjudgedCheck(code="x", check="<b>hips</b> & knees", needs="a side view", views=["sagittal-left"])]
    for page in (
        render_report_html(_with_unjudged(odd), make_kinematics(), None),
        report_print_html(_with_unjudged(odd)),
    ):
        assert "&lt;b&gt;hips&lt;/b&gt; &amp; knees" in page and "<b>hips</b>" not in page


def test_a_report_without_the_field_still_loads() -> None:
    """Reports written before schema 1.11.0 have no ``not_judged``: it reads back as an empty list."""
    stored = make_report().model_dump(mode="json")
    stored["assessment"].pop("not_judged")
    assert Report.model_validate(stored).assessment.not_judged == []


def test_batch_summary_tells_not_judged_from_not_seen(tmp_path: Path) -> None:
    """In summary.csv an empty finding cell means checked and not seen; a check the view could not make says so."""
    side = ItemResult(
        "/a/side.mp4", "k1", None, None, "done", movement="lift", view="sagittal-left",
        findings={"hip_avoidant_bending": "moderate"}, not_judged=["asymmetry", "knee_valgus", "lateral_shift"],
    )  # fmt: skip
    stored = side.to_json()
    assert ItemResult.from_json(stored) == side
    del stored["not_judged"]  # a result stored before the column existed
    old = ItemResult.from_json({**stored, "path": "/b/old.mp4"})
    write_summary_csv([side, old], tmp_path / "summary.csv")
    with (tmp_path / "summary.csv").open(newline="", encoding="utf-8") as fh:
        rows = {Path(r["path"]).name: r for r in csv.DictReader(fh)}
    assert rows["side.mp4"]["knee_valgus"] == NOT_JUDGED and rows["side.mp4"]["hip_avoidant_bending"] == "moderate"
    assert rows["side.mp4"]["heel_lift"] == ""
    assert rows["old.mp4"]["knee_valgus"] == ""


@pytest.mark.parametrize(("view", "missing"), [("frontal", "heel_lift"), ("sagittal-left", "knee_valgus")])
def test_live_reps_carry_what_the_view_cannot_check(view: str, missing: str) -> None:
    """Each scored live rep names the unmade checks, and the panel's message carries the sentence."""
    from api.routes.live import _frame_message
    from movequal.live.session import LiveSession
    from movequal.pose.sequence import PoseRow

    pose, _ = generate(SyntheticSpec(movement="squat", reps=3, camera=Camera(view=view), noise_px=1.0))  # type: ignore[arg-type]
    session = LiveSession(None, "squat", pose.frame_size, pose.fps, model="lite")
    frames = [
        session.process_row(PoseRow(pose.image[i], pose.visibility[i], pose.world[i], pose.back_bend[i]), t)
        for i, t in enumerate(pose.timestamps)
    ]
    scored = [f for f in frames if f.rep is not None]
    assert len(scored) >= 2
    expected = [c.code for c in list_unjudged_checks("squat", view)]  # type: ignore[arg-type]
    assert missing in expected and all([c.code for c in f.not_judged] == expected for f in scored)
    assert all(not f.not_judged for f in frames if f.rep is None)
    message = _frame_message(1000.0, scored[-1])["rep"]
    assert message["not_judged"] == describe_not_judged(scored[-1].not_judged)
    assert message["not_judged"].startswith("Not checked from this camera angle")


def test_a_check_made_on_some_reps_is_judged_in_a_batch_and_named_with_its_reps() -> None:
    """A front-view check not made on rep 4 only still judged the set: summary.csv must not say ``not judged``."""
    turned = "the patient facing the camera, turned 10° at most; on rep 4 they stood turned about 18°"
    checks = [
        UnjudgedCheck(code="trunk_lean", check="trunk", needs="a side view", views=["sagittal-left"]),
        UnjudgedCheck(code="knee_valgus", check="knees falling inwards", needs=turned, views=["frontal"], reps=[4]),
    ]
    assert list_unmade_codes(checks) == ["trunk_lean"]
    sentence = describe_not_judged(checks)
    assert sentence is not None and "knees falling inwards (needs the patient facing" in sentence
    assert "on rep 4 they stood turned about 18°" in sentence
