"""Tests of the self-contained HTML report."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import av
import numpy as np
import pytest

from movequal.core.assessment import (
    Assessment,
    Evidence,
    Finding,
    MetricSummary,
    Rep,
    Report,
    SourceInfo,
    TrackingQuality,
)
from movequal.core.kinematics import Kinematics
from movequal.report import html as report_mod
from movequal.report.html import render_report_html, write_report_html

INJECTION = 'Trunk lean </script><script>alert("x")</script>'
DATA_RE = re.compile(r'<script type="application/json" id="mq-data">(.*?)</script>', re.S)
VIDEO_RE = re.compile(r'src="data:video/mp4;base64,([A-Za-z0-9+/=]*)"')


def _rep(number: int, start: float, score: float) -> Rep:
    return Rep(
        number=number,
        start_time=start,
        bottom_time=start + 0.8,
        end_time=start + 1.7,
        start_frame=int(start * 10),
        bottom_frame=int(start * 10) + 8,
        end_frame=int(start * 10) + 17,
        descent_s=0.8,
        ascent_s=0.9,
        depth=0.82,
        score=score,
        metrics={
            "peak_knee_flexion_deg": 84.3,
            "trunk_minus_tibia_at_bottom_deg": 21.5,
            "posterior_hip_shift_leg": 0.12,
        },
    )


def _findings() -> list[Finding]:
    shallow = Finding(
        code="shallow_depth",
        title="Shallow squat",
        severity="mild",
        confidence=0.5,
        evidence=[Evidence(name="lowest peak knee flexion", value=84.3, unit="deg", threshold=90.0)],
        cue="Sit a little deeper, as if onto a low chair.",
        reps=[2],
        rep_severity=["mild"],
        frames=[(25, 42)],
        points_lost=2.5,
    )
    lean = Finding(
        code="trunk_lean",
        title=INJECTION,
        severity="severe",
        confidence=1.0,
        evidence=[Evidence(name="trunk minus tibia inclination at bottom", value=41.2, unit="deg", threshold=15.0)],
        cue="Keep your chest up as you sit down.",
        reps=[1, 2],
        rep_severity=["severe", "severe"],
        frames=[(5, 22), (25, 42)],
        points_lost=20.0,
    )
    return [shallow, lean]


def make_report(*, with_reps: bool = True, file: str = "clip<1>.mp4") -> Report:
    """Build a small report: 2 reps and 2 findings, or no reps and no score."""
    reps = [_rep(1, 0.5, 80.0), _rep(2, 2.5, 75.0)] if with_reps else []
    assessment = Assessment(
        movement="squat",
        movement_detected=True,
        view="sagittal-left",
        reps=reps,
        findings=_findings() if with_reps else [],
        score=77.5 if with_reps else None,
        metrics=[
            MetricSummary(name="peak knee flexion", unit="deg", value=92.4, confidence=0.8),
            MetricSummary(
                name="peak trunk inclination",
                unit="deg",
                value=None,
                confidence=0.0,
                note="not measurable from this view",
            ),
        ],
    )
    return Report(
        movequal_version="0.1.0",
        created_at="2025-11-23T19:31:00Z",
        source=SourceInfo(
            file=f"/videos/{file}", duration_s=4.5, fps=10.0, width=64, height=64, rotation=0, model="lite"
        ),
        assessment=assessment,
        tracking=TrackingQuality(
            frames=45,
            frames_with_person=43,
            detected_fraction=0.9556,
            mean_visibility=0.87,
            longest_gap_s=0.2,
            warnings=["Subject partly out of frame <feet>"],
        ),
    )


def make_kinematics() -> Kinematics:
    """Build 45 frames at 10 fps of two squat-like cycles with NaN gaps."""
    t = np.arange(45) / 10.0
    wave = np.zeros_like(t)
    for start in (0.5, 2.5):
        wave += np.where((t >= start) & (t <= start + 1.7), np.sin(np.pi * (t - start) / 1.7), 0.0)
    series = {
        "trunk_inclination": 10 + 30 * wave,
        "hip_flexion_left": 5 + 90 * wave,
        "hip_flexion_right": 6 + 88 * wave,
        "knee_flexion_left": 3 + 85 * wave,
        "knee_flexion_right": 4 + 84 * wave,
        "tibia_inclination_left": 2 + 25 * wave,
        "tibia_inclination_right": 2 + 24 * wave,
        "hip_height": 1 - 0.4 * wave,
    }
    series["knee_flexion_left"][10:14] = np.nan
    series["hip_height"][0] = np.nan
    units = {k: "deg" for k in series} | {"hip_height": "ratio"}
    return Kinematics(timestamps=t, series=series, units=units)


@pytest.fixture
def mp4(tmp_path: Path) -> Path:
    """Write a tiny real H.264 mp4 (10 frames, 64x64)."""
    path = tmp_path / "annotated.mp4"
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 20, np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def test_content_and_escaping(mp4: Path) -> None:
    """Score, findings, cues, evidence and the metric note appear; report strings are escaped."""
    page = render_report_html(make_report(), make_kinematics(), mp4)
    assert ">78<" in page  # 77.5 rounded for the big number
    for finding in _findings():
        assert finding.code in page
        assert finding.cue in page
    assert "84.3°" in page and "90.0°" in page and "&minus;20.0 points" in page
    assert "not measurable from this view" in page
    assert "clip&lt;1&gt;.mp4" in page and "clip<1>" not in page
    assert "&lt;feet&gt;" in page
    assert '<script>alert("x")' not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("</script>") == 2  # the JSON blob and the inline script, nothing injected
    order = [
        page.index(s)
        for s in (
            "Movement quality report",
            "Overall movement score",
            "What we noticed",
            "Repetitions",
            "Measurements",
            "Tracking quality",
            "<video",
            'id="mq-plots"',
        )
    ]
    assert order == sorted(order)


def test_video_embedded_exactly(mp4: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data URI decodes to the mp4 bytes, also when the file spans many chunks."""
    original = mp4.read_bytes()
    for chunk in (report_mod._B64_CHUNK, 999):
        monkeypatch.setattr(report_mod, "_B64_CHUNK", chunk)
        page = render_report_html(make_report(), make_kinematics(), mp4)
        match = VIDEO_RE.search(page)
        assert match is not None
        assert base64.b64decode(match.group(1), validate=True) == original
    assert "<video" in page and "controls" in page


def test_plot_json_has_nulls_for_nan(mp4: Path) -> None:
    """The JSON blob parses, keeps NaN gaps as null and rounds to 0.1."""
    page = render_report_html(make_report(), make_kinematics(), mp4)
    match = DATA_RE.search(page)
    assert match is not None
    assert "</" not in match.group(1)
    data = json.loads(match.group(1))
    knee = data["series"]["knee_flexion_left"]
    assert knee[10:14] == [None] * 4
    assert all(v is not None for v in knee[:10])
    assert data["series"]["hip_height"][0] is None
    assert data["series"]["hip_height"][1] == 100.0  # ratio shown in percent
    assert all(v == round(v, 1) for v in data["series"]["trunk_inclination"])
    assert [g["title"] for g in data["groups"]] == [
        "Trunk inclination",
        "Hip flexion",
        "Knee flexion",
        "Tibia inclination",
        "Hip height",
    ]
    assert [r["n"] for r in data["reps"]] == [1, 2]
    assert data["reps"][1]["bottom"] == pytest.approx(3.3)
    assert len(data["t"]) == 45


def test_self_contained(mp4: Path) -> None:
    """No URL of any kind, no external script, style or font."""
    page = render_report_html(make_report(), make_kinematics(), mp4)
    code = re.sub(r"/\*[\s\S]*?\*/", "", page)  # the charting code's comments name its home page
    assert "http://" not in code and "https://" not in code
    assert "<link" not in page and 'src="//' not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_without_video() -> None:
    """``video_path=None`` renders no video element."""
    page = render_report_html(make_report(), make_kinematics(), None)
    assert "<video" not in page and "data:video/mp4" not in page
    assert 'id="mq-plots"' in page


def test_no_score() -> None:
    """Without reps the score reads 'no complete repetition found'."""
    page = render_report_html(make_report(with_reps=False), make_kinematics(), None)
    assert "no complete repetition found" in page.lower()
    data = json.loads(DATA_RE.search(page).group(1))  # type: ignore[union-attr]
    assert data["reps"] == []


def test_a_scored_partial_is_named_as_such_and_not_counted_as_a_rep() -> None:
    report = make_report()
    a = report.assessment
    pull = a.reps[0].model_copy(update={"partial": True})
    partial = report.model_copy(update={"assessment": a.model_copy(update={"reps": [pull], "partial_reps": 1})})
    assert partial.assessment.full_reps == 0 and a.full_reps == 2
    page = render_report_html(partial, make_kinematics(), None)
    assert "only part of a repetition" in page and "0 repetitions" in page and "1 (partial)</th>" in page
    assert "average over 2 repetitions" in render_report_html(report, make_kinematics(), None)


def test_write_is_atomic(tmp_path: Path, mp4: Path) -> None:
    """The written file equals the rendered page and no temporary file is left behind."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.html"
    target.write_text("old")
    write_report_html(target, make_report(), make_kinematics(), mp4)
    assert target.read_text(encoding="utf-8") == render_report_html(make_report(), make_kinematics(), mp4)
    assert [p.name for p in out_dir.iterdir()] == ["report.html"]
    with pytest.raises(FileNotFoundError):
        write_report_html(target, make_report(), make_kinematics(), tmp_path / "missing.mp4")
    assert [p.name for p in out_dir.iterdir()] == ["report.html"]
    assert "data:video/mp4" in target.read_text(encoding="utf-8")


def test_plots_follow_the_camera_view() -> None:
    from movequal.report.plots import plot_data

    kin = make_kinematics()
    series = dict(kin.series)
    series |= {f"{k.replace('flexion', 'flexion_3d')}": v + 1 for k, v in kin.series.items() if "_flexion_" in k}
    series["trunk_inclination_3d"] = kin.series["trunk_inclination"] + 1
    series["knee_fppa_left"] = series["knee_fppa_right"] = np.zeros_like(kin.timestamps)
    both = Kinematics(kin.timestamps, series, kin.units)
    side = plot_data(make_report(), both)
    assert set(side["series"]) == {k for k in kin.series}  # image angles from the side
    front_report = make_report().model_copy(
        update={"assessment": make_report().assessment.model_copy(update={"view": "frontal"})}
    )
    front = plot_data(front_report, both)
    keys = set(front["series"])
    assert "knee_flexion_left" not in keys and "trunk_inclination" not in keys and "tibia_inclination_left" not in keys
    assert {"knee_flexion_3d_left", "trunk_inclination_3d", "knee_fppa_left", "hip_height"} <= keys
    assert all("3D" in g["title"] for g in front["groups"] if "flexion" in g["title"] or "Trunk" in g["title"])
