"""The session's dose and symptoms: validation, report.json, report.html and ``movequal analyze``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from movequal.cli_dose import DOSE_FLAGS
from movequal.core.assessment import REPORT_SCHEMA_VERSION, Report
from movequal.core.dose import DOSE_FIELDS, PAIN_MCID_POINTS, DoseError, SessionDose, parse_dose
from movequal.core.scoring import assess
from movequal.pipeline import write_report_folder
from movequal.report.build import build_report
from movequal.report.html import render_report_html
from movequal.synthetic import SyntheticSpec, generate
from movequal.synthetic.camera_spec import Camera
from tests.helpers import REPO, SAMPLE, run_cli
from tests.test_report import make_kinematics, make_report

FULL = {
    "load_kg": "20",
    "sets_prescribed": "3",
    "reps_prescribed": "10",
    "sets_done": "3",
    "reps_done": "8",
    "pain_before": "2",
    "pain_after": "5",
    "rpe": "6.5",
}


def test_text_from_forms_and_csv_cells_is_read_as_numbers() -> None:
    dose = parse_dose(FULL)
    assert dose == SessionDose(
        load_kg=20.0,
        sets_prescribed=3,
        reps_prescribed=10,
        sets_done=3,
        reps_done=8,
        pain_before=2,
        pain_after=5,
        rpe=6.5,
    )
    assert dose.pain_change == 3 and not dose.is_empty
    assert tuple(FULL) == DOSE_FIELDS, "the CSV column order is the model's field order"


def test_empty_cells_and_none_mean_not_recorded() -> None:
    dose = parse_dose(dict.fromkeys(DOSE_FIELDS, "  ") | {"pain_before": None})
    assert dose.is_empty and dose == SessionDose() and dose.pain_change is None
    assert parse_dose({"load_kg": " 0 "}).load_kg == 0.0  # body weight only, not "not recorded"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"load_kg": "-1"}, "load_kg: must be a number between 0 and 500 (got '-1')"),
        ({"load_kg": "4000"}, "load_kg: must be a number between 0 and 500 (got '4000')"),
        ({"load_kg": "heavy"}, "load_kg: must be a number between 0 and 500 (got 'heavy')"),
        ({"load_kg": "nan"}, "load_kg: must be a number between 0 and 500 (got 'nan')"),
        ({"pain_after": "11"}, "pain_after: must be a whole number between 0 and 10 (got '11')"),
        ({"pain_after": 11}, "pain_after: must be a whole number between 0 and 10 (got 11)"),
        ({"pain_before": "2.5"}, "pain_before: must be a whole number between 0 and 10 (got '2.5')"),
        ({"pain_before": True}, "pain_before: must be a whole number between 0 and 10 (got True)"),
        ({"sets_prescribed": "0"}, "sets_prescribed: must be a whole number between 1 and 20 (got '0')"),
        ({"reps_done": "101"}, "reps_done: must be a whole number between 0 and 100 (got '101')"),
        ({"rpe": "6.3"}, "rpe: must be a number between 0 and 10 in steps of 0.5 (got '6.3')"),
        ({"rpe": "11"}, "rpe: must be a number between 0 and 10 in steps of 0.5 (got '11')"),
        ({"weight": "20"}, "unknown dose field(s): weight"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_range(values: dict[str, object], message: str) -> None:
    with pytest.raises(DoseError) as caught:
        parse_dose(values)
    assert str(caught.value) == message
    assert caught.value.exit_code == 18


def test_every_bad_field_is_named_on_one_line() -> None:
    with pytest.raises(DoseError) as caught:
        parse_dose({"load_kg": "-2", "pain_after": "11", "rpe": "5"})
    text = str(caught.value)
    assert "\n" not in text and text.startswith("load_kg: ") and "; pain_after: " in text and "rpe" not in text


def test_describe_reads_as_one_line() -> None:
    assert parse_dose(FULL).describe() == "20 kg · 3 × 10 (did 3 × 8) · pain 2 → 5 /10 · effort 6.5/10"
    assert SessionDose(load_kg=0).describe() == "body weight"
    assert SessionDose(sets_done=2, reps_done=12).describe() == "did 2 × 12"
    assert SessionDose(reps_prescribed=10, pain_after=3).describe() == "? × 10 · pain ? → 3 /10"
    assert SessionDose().describe() == "not recorded"


def test_a_pain_rise_of_the_clinically_important_size_is_noted() -> None:
    assert PAIN_MCID_POINTS == 2
    assert SessionDose(pain_before=2, pain_after=3).pain_rise_note() is None
    assert SessionDose(pain_before=5, pain_after=2).pain_rise_note() is None  # pain fell
    assert SessionDose(pain_after=9).pain_rise_note() is None  # no baseline
    note = SessionDose(pain_before=2, pain_after=4).pain_rise_note()
    assert note is not None and note.startswith("Pain rose 2 points over the session (2 → 4 /10)")


def test_the_report_page_shows_the_session_and_a_pain_rise() -> None:
    plain = render_report_html(make_report(), make_kinematics(), None)
    assert "Session:" not in plain and "pain-rise" not in plain.split("</style>")[1]
    dosed = make_report().model_copy(update={"dose": parse_dose(FULL)})
    page = render_report_html(dosed, make_kinematics(), None)
    assert "<strong>Session:</strong> 20 kg · 3 × 10 (did 3 × 8) · pain 2 → 5 /10 · effort 6.5/10" in page
    assert '<p class="pain-rise">Pain rose 3 points' in page and "Farrar et al. 2001" in page
    calm = make_report().model_copy(update={"dose": SessionDose(pain_before=3, pain_after=4)})
    assert '<p class="pain-rise">' not in render_report_html(calm, make_kinematics(), None)


def test_report_json_carries_the_dose_and_an_empty_one_as_null(tmp_path: Path) -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=2, camera=Camera(view="sagittal-left"), seed=1))
    result = assess(pose)

    def build(dose: SessionDose | None) -> Report:
        return build_report(
            result, file="clip.mp4", duration_s=pose.duration, fps=pose.fps, frame_size=pose.frame_size,
            model="lite", dose=dose,
        )  # fmt: skip

    assert build(None).dose is None and build(SessionDose()).dose is None
    write_report_folder(tmp_path, pose, build(parse_dose(FULL)), result, None)
    stored = json.loads((tmp_path / "report.json").read_text())
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(stored, schema)
    assert stored["schema_version"] == REPORT_SCHEMA_VERSION == "1.13.0"
    assert stored["dose"] == {
        "load_kg": 20.0, "sets_prescribed": 3, "reps_prescribed": 10, "sets_done": 3, "reps_done": 8,
        "pain_before": 2, "pain_after": 5, "rpe": 6.5,
    }  # fmt: skip
    assert Report.model_validate(stored).dose == parse_dose(FULL)
    assert "Session:</strong> 20 kg" in (tmp_path / "report.html").read_text()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**stored, "dose": {**stored["dose"], "pain_after": 11}}, schema)


def test_a_bad_dose_on_the_command_line_stops_before_the_video(tmp_path: Path) -> None:
    assert tuple(DOSE_FLAGS) == DOSE_FIELDS, "one flag per dose field"
    out = tmp_path / "out"
    result = run_cli("analyze", str(SAMPLE), "--out", str(out), "--pain-after", "11", "--load-kg", "heavy")
    assert result.returncode == DoseError.exit_code == 18, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "error: --load-kg: must be a number between 0 and 500 (got 'heavy'); "
        "--pain-after: must be a whole number between 0 and 10 (got '11')"
    ]
    assert not out.exists(), "nothing is written"
    assert run_cli("analyze", "/nonexistent/clip.mp4", "--rpe", "-1").returncode == 18, "checked before the file"


@pytest.mark.slow
def test_a_dose_given_on_the_command_line_reaches_the_report(tmp_path: Path) -> None:
    out = tmp_path / "r"
    dose_args = ["--load-kg", "0", "--sets", "3", "--reps", "10", "--reps-done", "8", "--pain-before", "1"]
    result = run_cli(
        "analyze", str(SAMPLE), "--out", str(out), "--no-video", "--model", "lite", *dose_args, "--pain-after", "4"
    )
    assert result.returncode == 0, result.stderr
    assert "Session: body weight · 3 × 10 (did ? × 8) · pain 1 → 4 /10" in result.stdout
    assert "Pain rose 3 points" in " ".join(result.stdout.split())
    report = json.loads((out / "report.json").read_text())
    assert report["dose"] == {
        "load_kg": 0.0, "sets_prescribed": 3, "reps_prescribed": 10, "sets_done": None, "reps_done": 8,
        "pain_before": 1, "pain_after": 4, "rpe": None,
    }  # fmt: skip
    assert "Pain rose 3 points" in (out / "report.html").read_text()
    plain = run_cli("analyze", str(SAMPLE), "--out", str(tmp_path / "p"), "--no-video", "--model", "lite", "--json")
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["dose"] is None
