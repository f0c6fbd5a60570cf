"""The metric registry: every metric a report or patient progress shows has one entry, found by its stable key."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from movequal.core.assessment import REPORT_SCHEMA_VERSION, Report, SourceInfo
from movequal.core.compensations.metrics import RepMetrics
from movequal.core.kinematics import METRICS
from movequal.core.metric_registry import (
    METRIC_BY_KEY,
    METRIC_BY_REP_KEY,
    METRIC_DEFS,
    NAMES_BEFORE_1_2,
    PER_REP,
    PER_REP_ORDER,
    SUMMARISED,
    find_summary_key,
    get_metric,
    select_summarised,
)
from movequal.core.progress import TRACKED_SEM, SessionResult, compute_progress
from movequal.core.scoring import AssessmentResult, assess
from movequal.core.views import ANY_VIEW
from movequal.report.html import render_report_html
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate

CASES = [
    ("squat", "sagittal-left", Faults()),
    ("squat", "frontal", Faults(valgus_deg=12.0)),
    ("lift", "sagittal-right", Faults()),
    ("bend", "oblique", Faults()),
    ("sit-to-stand", "frontal", Faults()),
]
UNIT_TEXT = {"deg": "°", "deg/s": "°/s", "": "", "%": " %", "leg lengths": " leg lengths", "s": " s"}
"""How the report prints each registry unit after a number."""


@pytest.fixture(scope="module")
def results() -> list[AssessmentResult]:
    """Assessments of synthetic recordings covering side, front and angled views."""
    out = []
    for movement, view, faults in CASES:
        pose, _ = generate(
            SyntheticSpec(movement=movement, reps=3, camera=Camera(view=view), faults=faults, noise_px=1.0, seed=3)
        )
        out.append(assess(pose, movement))
    return out


def _stored(result: AssessmentResult) -> dict[str, Any]:
    """The assessment as ``report.json`` stores it."""
    return json.loads(result.assessment.model_dump_json())


ADDED_SINCE_1_2 = frozenset(
    {"peak_thigh_inclination", "peak_arm_elevation", "trunk_extension", "lateral_trunk_lean", "reach_distance"}
)
"""Summarised metrics that reports of schema 1.1.0 and before cannot hold."""


def _sessions(results: list[AssessmentResult], strip_keys: bool = False) -> list[SessionResult]:
    sessions = []
    for day, result in enumerate([*results, *results], start=1):
        stored = _stored(result)
        if strip_keys:  # as a report of schema 1.1.0 would have stored it
            stored["metrics"] = [m for m in stored["metrics"] if m["key"] not in ADDED_SINCE_1_2]
            for metric in stored["metrics"]:
                del metric["key"]
        sessions.append(SessionResult(f"s{day}", date(2026, 1, day), stored))
    return sessions


def test_registry_entries_are_unique_and_point_at_real_attributes_and_series() -> None:
    for field in ("key", "name", "label"):
        values = [getattr(m, field) for m in METRIC_DEFS]
        assert len(values) == len(set(values)), f"duplicate {field}"
    rep_metric_fields = {f.name for f in dataclasses.fields(RepMetrics)}
    for metric in METRIC_DEFS:
        assert metric.attr is None or metric.attr in rep_metric_fields, metric.key
        assert set(metric.series) <= set(METRICS), metric.key
        assert metric.views <= ANY_VIEW and metric.unit in UNIT_TEXT | {"points": ""}, metric.key
        assert (metric.rep_key is None) == (metric.rep_label == ""), metric.key
        assert metric.better in ("higher", "lower", "none") and (metric.sem is None or metric.sem > 0), metric.key
        if metric.summarised:
            assert metric.attr and metric.joints and metric.sem is not None and metric.sem_source, metric.key
    assert sorted(PER_REP_ORDER) == sorted(m.key for m in METRIC_DEFS if m.rep_key is not None)
    assert get_metric("peak_knee_flexion").rep_key == "peak_knee_flexion_deg"
    with pytest.raises(KeyError, match="no metric registered"):
        get_metric("peak knee flexion")


def test_names_of_old_reports_map_to_every_summarised_metric() -> None:
    assert sorted(NAMES_BEFORE_1_2.values()) == sorted(m.key for m in SUMMARISED if m.key not in ADDED_SINCE_1_2)
    assert find_summary_key({"name": "peak knee valgus (FPPA)", "value": 3.0}) == "peak_knee_valgus"
    assert find_summary_key({"key": "sparc", "name": "anything", "value": -2.0}) == "sparc"
    assert find_summary_key({"name": "a metric nobody registered", "value": 1.0}) is None


def test_every_metric_in_a_report_has_a_registry_key(results: list[AssessmentResult]) -> None:
    seen: set[str] = set()
    for result in results:
        summaries = result.assessment.metrics
        assert [m.key for m in summaries] == [d.key for d in select_summarised(result.assessment.movement)]
        for summary in summaries:
            assert summary.key is not None
            assert (summary.name, summary.unit) == (METRIC_BY_KEY[summary.key].name, METRIC_BY_KEY[summary.key].unit)
        for rep, measured in zip(result.assessment.reps, result.rep_metrics, strict=True):
            order = [METRIC_BY_REP_KEY[k].key for k in rep.metrics]  # KeyError: a per-rep key without an entry
            assert order == [d.key for d in PER_REP if d.key in order], "per-rep metrics keep the registry order"
            for rep_key, value in rep.metrics.items():
                metric = METRIC_BY_REP_KEY[rep_key]
                assert metric.attr is not None
                assert value == round(metric.scale * float(getattr(measured, metric.attr)), 3), rep_key
            seen |= set(rep.metrics)
    assert {"peak_knee_valgus_deg", "trunk_minus_tibia_at_bottom_deg", "hip_share_pct", "sparc"} <= seen


@pytest.mark.slow
def test_the_sample_clip_report_has_registry_keys(sample_report_dir: Path) -> None:
    report = json.loads((sample_report_dir / "report.json").read_text())
    assert report["schema_version"] == REPORT_SCHEMA_VERSION
    assessment = report["assessment"]
    assert [m["key"] for m in assessment["metrics"]] == [d.key for d in select_summarised(assessment["movement"])]
    assert all(METRIC_BY_KEY[m["key"]].name == m["name"] for m in assessment["metrics"])
    assert assessment["reps"] and all(k in METRIC_BY_REP_KEY for r in assessment["reps"] for k in r["metrics"])


def test_every_progress_metric_has_a_registry_key(results: list[AssessmentResult]) -> None:
    series = compute_progress(_sessions(results))
    measured = {
        (r.assessment.movement, m.key) for r in results for m in r.assessment.metrics if m.value is not None
    } | {(r.assessment.movement, "score") for r in results}
    assert {(s.movement, s.key) for s in series} == measured
    for s in series:
        metric = METRIC_BY_KEY[s.key]
        assert (s.metric, s.label, s.unit) == (metric.name, metric.label, metric.unit)
        assert (
            s.higher_is_better == metric.higher_is_better_in(s.movement) and s.measurement_error == TRACKED_SEM[s.key]
        )
        assert len(s.points) >= 2, s.key  # every case is stored twice


def test_reports_without_keys_still_give_the_same_progress(results: list[AssessmentResult]) -> None:
    keyed = compute_progress(_sessions(results))
    old = compute_progress(_sessions(results, strip_keys=True))
    assert len(keyed) > 2 * len(CASES)
    assert old == [s for s in keyed if s.key not in ADDED_SINCE_1_2]


def test_renaming_a_metric_keeps_it_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    knee = METRIC_BY_KEY["peak_knee_flexion"]
    monkeypatch.setitem(METRIC_BY_KEY, knee.key, dataclasses.replace(knee, name="deepest knee bend", label="Knee"))
    old = {"movement": "squat", "score": 80.0, "metrics": [{"name": "peak knee flexion", "value": 90.0}]}
    new = {
        "movement": "squat",
        "score": 82.0,
        "metrics": [{"key": knee.key, "name": "deepest knee bend", "value": 110.0}],
    }
    sessions = [SessionResult("old", date(2026, 1, 1), old), SessionResult("new", date(2026, 2, 1), new)]
    series = {s.key: s for s in compute_progress(sessions)}
    renamed = series[knee.key]
    assert [p[2] for p in renamed.points] == [90.0, 110.0]
    assert (renamed.metric, renamed.label, renamed.verdict) == ("deepest knee bend", "Knee", "improved")


def _page(result: AssessmentResult) -> str:
    source = SourceInfo(file="clip.mp4", duration_s=5.0, fps=30.0, width=640, height=480, rotation=0, model="lite")
    report = Report(
        movequal_version="test",
        created_at="2026-01-01T00:00:00Z",
        source=source,
        assessment=result.assessment,
        tracking=result.tracking,
    )
    return render_report_html(report, result.kinematics, None)


def test_rep_table_labels_and_units_come_from_the_registry(
    results: list[AssessmentResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    for result in results[:2]:
        page = _page(result)
        for rep in result.assessment.reps:
            for rep_key in rep.metrics:
                metric = METRIC_BY_REP_KEY[rep_key]
                pattern = f"<span>{re.escape(html.escape(metric.rep_label))}</span> <b class='num'>[-0-9.]+"
                assert re.search(pattern + re.escape(UNIT_TEXT[metric.unit]) + "</b>", page), rep_key
    sparc = METRIC_BY_REP_KEY["sparc"]
    monkeypatch.setitem(METRIC_BY_REP_KEY, "sparc", dataclasses.replace(sparc, rep_label="jerkiness", unit="s"))
    assert re.search(r"<span>jerkiness</span> <b class='num'>-[0-9.]+ s</b>", _page(results[0]))


def test_depth_is_better_only_where_depth_is_the_task() -> None:
    knee = METRIC_BY_KEY["peak_knee_flexion"]
    assert knee.higher_is_better_in("squat") is True and knee.higher_is_better_in("lunge") is True
    assert knee.higher_is_better_in("lift") is None and knee.higher_is_better_in("sit-to-stand") is None
    assert METRIC_BY_KEY["peak_speed"].higher_is_better_in("lift") is not None  # no restriction: judged anywhere
    # A straighter back is better in a lift; in an unloaded forward bend the lower back rounds by design.
    assert METRIC_BY_KEY["back_bend"].higher_is_better_in("lift") is False
    assert METRIC_BY_KEY["back_bend"].higher_is_better_in("bend") is None
