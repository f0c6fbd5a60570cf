"""The CLI end to end on the real pose model: report folder, --json, exit codes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import av
import jsonschema
import pytest

from movequal.core.assessment import Report
from movequal.errors import (
    NOTHING_MEASURED_EXIT_CODE,
    CorruptVideoError,
    EmptyFileError,
    NoPersonError,
    NotAVideoError,
    NoVideoStreamError,
)
from movequal.pipeline import OUTPUT_FILES
from tests.helpers import REPO, SAMPLE, run_cli, shared_clip


@pytest.mark.slow
def test_report_folder_is_complete(sample_report_dir: Path) -> None:
    for name in OUTPUT_FILES:
        path = sample_report_dir / name
        assert path.is_file() and path.stat().st_size > 0, name
    report = json.loads((sample_report_dir / "report.json").read_text())
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(report, schema)
    assert report["source"]["file"] == SAMPLE.name
    assert report["tracking"]["detected_fraction"] > 0.9
    assessment = report["assessment"]
    assert assessment["movement"] == "squat" and len(assessment["reps"]) == 1  # REPS.md: 1 rep, bottom 1.0 s
    assert abs(assessment["reps"][0]["bottom_time"] - 1.0) <= 0.25
    assert 0 <= assessment["score"] <= 100
    lost = sum(f["points_lost"] for f in assessment["findings"])
    assert assessment["score"] == pytest.approx(100 - lost, abs=0.11)


@pytest.mark.slow
def test_annotated_video_is_browser_ready(sample_report_dir: Path) -> None:
    with av.open(str(sample_report_dir / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert stream.height > stream.width  # portrait .mov stays upright
        frames = sum(1 for _ in container.decode(stream))
    assert frames == 65
    head = (sample_report_dir / "annotated.mp4").read_bytes()[:4096]
    assert head.find(b"moov") != -1 and head.find(b"moov") < head.find(b"mdat") if b"mdat" in head else b"moov" in head


@pytest.mark.slow
def test_json_output_parses_and_matches_model(tmp_path: Path) -> None:
    result = run_cli("analyze", str(SAMPLE), "--out", str(tmp_path / "r"), "--json", "--no-video", "--model", "lite")
    assert result.returncode == 0, result.stderr
    report = Report.model_validate_json(result.stdout)
    assert report.source.model == "lite" and report.assessment.reps


@pytest.mark.slow
def test_a_walking_clip_is_measured_step_by_step(tmp_path: Path) -> None:
    out = tmp_path / "walk"
    clip = shared_clip("walk_side_good_gait.mp4")
    result = run_cli("analyze", str(clip), "--out", str(out), "--no-video")
    assert result.returncode == 0, result.stderr
    assert "walk (recognised" in result.stdout and "1 pass(es)" in result.stdout
    assessment = json.loads((out / "report.json").read_text())["assessment"]
    assert assessment["movement"] == "walk" and assessment["findings"] == [] and assessment["score"] == 100
    (walked,) = assessment["gait"]["passes"]
    assert walked["direction"] == "towards image right" and walked["speed_m_s"] is None  # no height given
    assert walked["steps"] >= 4 and 80 <= walked["cadence_spm"] <= 120
    strikes = [e["time"] for e in assessment["gait"]["heel_strikes"]]
    sides = [e["side"] for e in assessment["gait"]["heel_strikes"]]
    assert all(a != b for a, b in itertools.pairwise(sides)), "feet must alternate"
    # REPS.md's heel strikes by eye (±0.1 s); the sixth is behind the shoe rack at the exit.
    for contact in (0.85, 1.4, 2.0, 2.6, 3.2):
        assert min(abs(t - contact) for t in strikes) < 0.15, (contact, strikes)
    assert "<h2>Walking</h2>" in (out / "report.html").read_text()


@pytest.mark.slow
def test_walking_with_no_step_in_view_says_so_with_its_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "no-steps"
    result = run_cli("analyze", str(SAMPLE), "--movement", "walk", "--out", str(out), "--no-video", "--model", "lite")
    assert result.returncode == NOTHING_MEASURED_EXIT_CODE, result.stderr
    assert "No walking measured" in result.stdout and "Traceback" not in result.stderr
    assessment = json.loads((out / "report.json").read_text())["assessment"]
    assert assessment["gait"]["passes"] == [] and assessment["score"] is None
    assert "step" in assessment["message"]


@pytest.mark.slow
def test_a_balance_test_with_no_foot_lifted_says_so_with_its_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "no-hold"
    result = run_cli(
        "analyze", str(SAMPLE), "--movement", "single-leg-stance", "--out", str(out), "--no-video", "--model", "lite"
    )
    assert result.returncode == NOTHING_MEASURED_EXIT_CODE, result.stderr
    assert "No balance hold was found" in result.stdout and "no hold found" in result.stdout
    assessment = json.loads((out / "report.json").read_text())["assessment"]
    assert assessment["movement"] == "single-leg-stance" and assessment["score"] is None
    assert assessment["balance"]["holds"] == [] and "off the floor" in assessment["message"]
    assert "<h2>Single-leg stance</h2>" in (out / "report.html").read_text()


def test_published_schema_is_current() -> None:
    committed = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    assert committed == Report.model_json_schema(), "run: python -m movequal.report.json_schema to regenerate schemas/"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("empty", EmptyFileError.exit_code),
        ("text", NotAVideoError.exit_code),
        ("png", NotAVideoError.exit_code),
        ("truncated", CorruptVideoError.exit_code),
        ("audio", NoVideoStreamError.exit_code),
        ("no_person", NoPersonError.exit_code),
    ],
)
def test_bad_input_gives_one_line_and_exit_code(
    bad_inputs: dict[str, Path], tmp_path: Path, kind: str, code: int
) -> None:
    out = tmp_path / "out"
    result = run_cli("analyze", str(bad_inputs[kind]), "--out", str(out), "--model", "lite")
    assert result.returncode == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and bad_inputs[kind].name in lines[0]
    assert "Traceback" not in result.stderr
    assert not (out / "report.json").exists()


def test_missing_file_and_bad_option() -> None:
    assert run_cli("analyze", "/nonexistent/clip.mp4").returncode == 10
    assert run_cli("analyze", str(SAMPLE), "--movement", "cartwheel").returncode == 2


def test_models_list() -> None:
    result = run_cli("models", "list")
    assert result.returncode == 0 and "full" in result.stdout
