"""Rep curves in report.html, and a session compared with its baseline (``analyze --baseline``, the result page).

The sessions are synthetic sets of known shape scored without the pose model (a deep squat against a shallow
one, a side view against an angled one); the command-line checks run the real CLI.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import pytest

from api.crud import record_result
from api.db import session_scope
from api.models import Analysis
from api.security import get_or_create_clinic
from movequal.core.assessment import Report
from movequal.core.rep_curves import CURVE_POINTS
from movequal.core.scoring import AssessmentResult, assess
from movequal.pipeline import write_report_folder
from movequal.report.baseline import BaselineError, load_baseline
from movequal.report.build import build_report
from movequal.report.html import render_report_html
from movequal.report.plots import plot_data
from movequal.synthetic import SyntheticSpec, generate
from movequal.synthetic.camera_spec import Camera
from movequal.synthetic.faults_spec import Faults
from tests.helpers import SAMPLE, run_cli
from tests.helpers.api_helpers import add_key, app_client
from tests.test_report import make_kinematics, make_report

ANGLES = ("Knee flexion", "Hip flexion", "Trunk inclination")


def squat_session(
    depth: float = 1.0, view: str = "sagittal-left", *, seed: int = 1, movement: str = "squat"
) -> tuple[Report, AssessmentResult]:
    """Score a synthetic set (4 reps, a little image noise so the reps differ) without the pose model."""
    spec = SyntheticSpec(
        movement=movement, reps=4, camera=Camera(view=view), faults=Faults(depth_factor=depth), noise_px=1.5, seed=seed
    )
    pose, _ = generate(spec)
    result = assess(pose, movement)
    report = build_report(
        result, file=f"{movement}_{depth:g}_{view}.mp4", duration_s=pose.duration, fps=pose.fps,
        frame_size=pose.frame_size, model="lite",
    )  # fmt: skip
    return report, result


def section(page: str, ident: str) -> str:
    """The ``<section>`` with ``id=ident`` (the page's sections do not nest)."""
    start = page.index(f'id="{ident}"')
    return page[start : page.index("</section>", start)]


def curve_charts(curves: str) -> list[dict]:
    """The rep-curve charts' data, as the report's script reads it from each figure's ``data-mq-curve``."""
    return [json.loads(html.unescape(raw)) for raw in re.findall(r'data-mq-curve="([^"]*)"', curves)]


def test_the_report_draws_each_angles_mean_and_band_over_the_rep() -> None:
    report, result = squat_session()
    curves = section(render_report_html(report, result.kinematics, None), "rep-curves")
    assert "<h2>Rep curves</h2>" in curves
    charts = curve_charts(curves)
    assert [c["now"]["label"] for c in charts] == list(ANGLES), "one chart per angle"
    assert all(len(c["now"]["mean"]) == len(c["now"]["sd"]) == CURVE_POINTS for c in charts)
    assert max(max(c["now"]["sd"]) for c in charts) > 0, "the noisy reps differ, so the band has a width"
    assert all(c["base"] is None for c in charts)
    for label in ANGLES:
        assert f"<figcaption>{label} <span" in curves
    assert curves.count("read from the picture (side view)") == 3
    words = [c["words"] for c in charts]  # the charts' text alternative (their aria-label, and a noscript line)
    assert all("peaks at" in w and "% of the rep" in w and "This session starts at" in w for w in words)
    assert curves.count("<noscript>") == 3
    assert "<script" not in curves and "http" not in curves, "drawn by the page's own script, nothing to load"

    angled, result = squat_session(view="oblique")
    curves = section(render_report_html(angled, result.kinematics, None), "rep-curves")
    assert curves.count("from the 3D landmarks") == 3


def test_a_session_without_curves_has_no_curve_section() -> None:
    report = make_report()
    assert report.rep_curves == []
    assert 'id="rep-curves"' not in render_report_html(report, make_kinematics(), None)


def test_a_baseline_overlays_its_curves_and_tables_each_metric_change() -> None:
    shallow, _ = squat_session(0.6, seed=2)
    deep, result = squat_session(1.0)
    page = render_report_html(deep, result.kinematics, None, baseline=load_json(shallow))
    curves = section(page, "rep-curves")
    charts = curve_charts(curves)
    assert len(charts) == 3 and all(c["base"] is not None for c in charts)
    assert all(len(c["base"]["mean"]) == CURVE_POINTS and c["names"]["base"] == "Baseline" for c in charts)
    assert charts[0]["base"]["mean"] != charts[0]["now"]["mean"]
    assert "baseline (orange, dashed): " in curves and "squat_0.6_sagittal-left.mp4" in curves, "names the baseline"
    assert all("This session starts at" in c["words"] and "Baseline starts at" in c["words"] for c in charts)

    table = section(page, "baseline-comparison")
    assert "Same movement, camera view and pose model" in table
    assert re.search(r"<th scope=.col.[^>]*>MDC \(95 %\)</th>", table)
    knee = re.search(r"<tr><th scope='row'>Peak knee flexion</th>(.*?)</tr>", table)
    assert knee is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", knee.group(1))
    assert cells[3] == "±14 deg" and "improved" in cells[4], cells
    assert cells[2].startswith("+") and cells[2].endswith("°")
    assert "vd-not-comparable" not in table
    assert page.index('id="baseline-comparison"') < page.index('id="rep-curves"') < page.index('id="mq-plots"')
    assert "baseline" not in json.dumps(deep.model_dump(mode="json")), "report.json stays the session's own record"


def test_another_camera_view_is_named_and_its_angles_are_not_compared() -> None:
    angled, _ = squat_session(0.6, "oblique", seed=2)
    side, result = squat_session(1.0)
    page = render_report_html(side, result.kinematics, None, baseline=load_json(angled))
    table = section(page, "baseline-comparison")
    assert "The camera view changed (oblique → sagittal-left)" in table
    knee = re.search(r"<tr><th scope='row'>Peak knee flexion</th>(.*?)</tr>", table)
    assert (
        knee is not None
        and "not comparable" in knee.group(1)
        and "from the 3D landmarks in the baseline" in knee.group(1)
    )
    score = re.search(r"<tr><th scope='row'>Overall score</th>(.*?)</tr>", table)
    assert score is not None and "not comparable" not in score.group(1)
    curves = section(page, "rep-curves")
    assert all(c["base"] is None for c in curve_charts(curves)), "no image angle drawn over a 3D one"
    assert curves.count("Baseline not drawn: it was read from the 3D landmarks") == 3
    assert "baseline (orange" not in curves, "the key names no baseline when none is drawn"


def test_another_movement_is_named_and_nothing_is_compared() -> None:
    stand, _ = squat_session(movement="sit-to-stand", seed=3)
    squat, result = squat_session()
    page = render_report_html(squat, result.kinematics, None, baseline=load_json(stand))
    table = section(page, "baseline-comparison")
    assert "The movement differs (sit-to-stand → squat)" in table and "<table" not in table
    curves = section(page, "rep-curves")
    assert "different movement" in curves and all(c["base"] is None for c in curve_charts(curves))


def load_json(report: Report) -> dict[str, object]:
    return report.model_dump(mode="json")


def test_load_baseline_accepts_a_report_or_its_folder_and_refuses_the_rest(tmp_path: Path) -> None:
    report, result = squat_session()
    pose, _ = generate(SyntheticSpec(movement="squat", reps=4, camera=Camera(view="sagittal-left"), noise_px=1.5))
    write_report_folder(tmp_path / "r", pose, report, result, None, html=False)
    assert load_baseline(tmp_path / "r" / "report.json") == load_json(report)
    assert load_baseline(tmp_path / "r") == load_json(report)
    (tmp_path / "text.json").write_text("not json")
    (tmp_path / "other.json").write_text('{"assessment": {}}')
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    for bad, words in [
        (tmp_path / "missing.json", "no such file"),
        (tmp_path / "text.json", "not a movequal report.json (JSONDecodeError)"),
        (tmp_path / "binary.json", "not a movequal report.json"),
        (tmp_path / "other.json", "not a movequal report.json (movequal_version: Field required)"),
        (tmp_path, "no such file"),
    ]:
        with pytest.raises(BaselineError) as caught:
            load_baseline(bad)
        assert words in str(caught.value) and "\n" not in str(caught.value)
        assert caught.value.exit_code == 19


@pytest.mark.parametrize("content", [None, "[1, 2]"])
def test_a_bad_baseline_on_the_command_line_stops_before_the_video(tmp_path: Path, content: str | None) -> None:
    baseline = tmp_path / "report.json"
    if content is not None:
        baseline.write_text(content)
    out = tmp_path / "out"
    result = run_cli("analyze", str(SAMPLE), "--out", str(out), "--baseline", str(baseline))
    assert result.returncode == BaselineError.exit_code == 19, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: baseline {baseline}: ")
    assert not out.exists(), "nothing is written"


@pytest.mark.slow
def test_analyze_with_a_baseline_compares_in_the_html_only(tmp_path: Path) -> None:
    shallow, result = squat_session(0.6, seed=2)
    pose, _ = generate(SyntheticSpec(movement="squat", reps=4, camera=Camera(view="sagittal-left"), noise_px=1.5))
    write_report_folder(tmp_path / "base", pose, shallow, result, None, html=False)
    out = tmp_path / "now"
    run = run_cli(
        "analyze", str(SAMPLE), "--out", str(out), "--no-video", "--model", "lite", "--movement", "squat",
        "--baseline", str(tmp_path / "base" / "report.json"),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="baseline-comparison"' in page and "squat_0.6_sagittal-left.mp4" in page
    assert "<th scope='row'>Overall score</th>" in page
    stored = json.loads((out / "report.json").read_text())
    assert stored["rep_curves"] and "squat_0.6" not in json.dumps(stored)


def test_the_result_page_offers_the_comparison_panel_for_a_patients_session(tmp_path: Path) -> None:
    with app_client(tmp_path / "data") as client:
        key = add_key(client, "North")
        pid = client.post("/v1/patients", json={"reference": "P-1"}, headers={"X-API-Key": key}).json()["id"]
        report, result = squat_session()
        settings = client.app.state.settings  # type: ignore[attr-defined]
        ids = []
        with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
            clinic = get_or_create_clinic(session, "North")
            for patient in (pid, None):
                job = Analysis(
                    clinic_id=clinic.id, patient_id=patient, status="done", source_name="clip.mp4",
                    session_date=date(2026, 10, 1),
                )  # fmt: skip
                session.add(job)
                session.flush()
                record_result(session, job.id, load_json(report))
                ids.append(job.id)
        for aid in ids:
            folder = settings.results_dir / aid
            folder.mkdir(parents=True)
            (folder / "plots.json").write_text(json.dumps(plot_data(report, result.kinematics)), encoding="utf-8")
        client.post("/auth/login", data={"key": key, "next": "/"})
        page = client.get(f"/analyses/{ids[0]}").text
        panel = section(page, "compare")
        assert f'data-analysis="{ids[0]}" data-patient="{pid}" data-movement="squat"' in panel
        assert '<label for="compare-baseline">' in panel and '<select id="compare-baseline"' in panel
        assert '<script src="/static/compare.js" defer></script>' in page and 'id="rep-curves"' in page
        assert client.get("/static/compare.js").status_code == 200
        assert 'id="compare"' not in client.get(f"/analyses/{ids[1]}").text, "no patient, nothing to compare with"
