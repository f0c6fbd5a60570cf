"""The patient page's "Ready for more?" section in a real Chromium against a real service.

Four squat sessions at 10, 20, 20 and 20 kg are stored straight into the service's database (finished analyses
with their report and dose, no pose model), the last one a flare-up: the page shows "Step back" with its reasons
and the suggested load, the quality-vs-load chart (one score per session, the load bars and the quality threshold
load's step line, drawn by the shared charting layer ``MQCharts`` over uPlot) and its table; the chart's tooltip,
drag-to-zoom and PNG/CSV exports work; a clinician's override is recorded through the form and shown beside the gate.
The progress chart above it (one measure across sessions) gets its own test: points, tooltip, a click opens a session.
Screenshots go to ``MOVEQUAL_SCREENSHOTS`` when it is set (kept as test artifacts), otherwise to the test's folder.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from api.crud import record_result
from api.db import make_engine, make_sessionmaker, session_scope
from api.models import Analysis
from api.security import get_or_create_clinic
from tests.helpers.browser import CHROMIUM_ARGS, chromium_path
from tests.helpers.service import Service, create_key, running_service
from tests.test_report import make_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium against a real server

CLINIC = "Harbour Physio"
START = date(2026, 9, 1)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    data = tmp_path_factory.mktemp("gate") / "data"
    key = create_key(data, CLINIC)
    with running_service(data, "--workers", "1") as service:
        yield service, key


@pytest.fixture
def page(web: tuple[Service, str]) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        yield tab
        browser.close()
        assert not errors, f"JavaScript errors: {errors}"


def _store_sessions(service: Service, patient_id: str, sessions: list[tuple[float, float, bool, int, int]]) -> None:
    """Store finished squat sessions (score, load, faulty, pain before, pain after), a week apart."""
    engine = make_engine(f"sqlite:///{(service.data_dir / 'movequal.db').resolve()}")
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            clinic = get_or_create_clinic(session, CLINIC)
            for week, (score, load, faulty, before, after) in enumerate(sessions):
                report = make_report().model_dump(mode="json")
                report["assessment"]["score"] = score
                if not faulty:  # the sample report's findings: a severe trunk lean on both reps
                    report["assessment"]["findings"] = []
                job = Analysis(
                    clinic_id=clinic.id,
                    patient_id=patient_id,
                    status="done",
                    source_name=f"squat-week{week}.mp4",
                    session_date=START + timedelta(weeks=week),
                    load_kg=load,
                    pain_before=before,
                    pain_after=after,
                )
                session.add(job)
                session.flush()
                record_result(session, job.id, report)
    finally:
        engine.dispose()


def _sign_in(page: Page, url: str, key: str) -> None:
    page.goto(f"{url}/patients")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("#key", key)
    page.click("#login-submit")
    expect(page).to_have_url(f"{url}/patients")


def _chart(host: Locator, expression: str) -> Any:
    """Evaluate ``expression`` with ``c`` bound to the chart object MQCharts stored on ``host`` (``host.mqChart``)."""
    return host.evaluate(f"(h) => {{ const c = h.mqChart; return {expression}; }}")


def _plot_point(host: Locator, x: float) -> tuple[float, float]:
    """The page coordinates of ``x`` (a session index) on the chart's plot, at the plot's mid-height."""
    host.locator(".u-over").scroll_into_view_if_needed()  # the mouse only reaches what is in the viewport
    box, left = _chart(host, f"[c.plot.over.getBoundingClientRect().toJSON(), c.plot.valToPos({x}, 'x')]")
    return box["left"] + left, box["top"] + box["height"] / 2


def _hover(page: Page, host: Locator, i: int) -> None:
    page.mouse.move(*_plot_point(host, i))


def _drag(page: Page, host: Locator, x0: float, x1: float) -> None:
    """Drag across the plot from session index ``x0`` to ``x1``: uPlot zooms the x axis to that span."""
    start, end = _plot_point(host, x0), _plot_point(host, x1)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=12)
    page.mouse.up()


def _shots_folder(tmp_path: Path) -> Path:
    """Where screenshots go: ``MOVEQUAL_SCREENSHOTS`` when set (kept as test artifacts), else the test's folder."""
    shots = Path(os.environ.get("MOVEQUAL_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def test_patient_page_shows_the_gate_the_quality_load_chart_and_an_override(
    web: tuple[Service, str], page: Page, tmp_path: Path
) -> None:
    service, key = web
    shots = _shots_folder(tmp_path)
    with service.client(key) as client:
        made = client.post("/v1/patients", json={"reference": "GATE-001", "display_name": "Load Patient"})
        assert made.status_code == 201, made.text
        patient_id = made.json()["id"]
    _store_sessions(
        service,
        patient_id,
        [(90, 10.0, False, 2, 2), (88, 20.0, False, 2, 2), (89, 20.0, False, 1, 2), (68, 20.0, True, 2, 5)],
    )
    with service.client(key) as client:
        task = client.get(f"/v1/patients/{patient_id}/progression").json()["tasks"][0]
    assert task["recommendation"] == "step back" and task["suggested_load_kg"] == 10.0
    assert [p["threshold_kg"] for p in task["points"]] == [10.0, 20.0, 20.0, 10.0]

    _sign_in(page, service.url, key)
    page.goto(f"{service.url}/patients/{patient_id}")
    section = page.locator("#gate-section")
    squat = section.locator("#gate-squat")
    expect(squat.locator(".gate-recommendation")).to_have_text("Step back", timeout=20_000)
    expect(squat.locator(".gate-reasons li").first).to_contain_text("Flare-up")
    expect(squat.locator(".gate-facts")).to_contain_text("Suggested load: 10\u00a0kg")
    expect(squat.locator(".gate-facts")).to_contain_text("Load now: 20\u00a0kg")

    chart = squat.locator(".qload-chart")
    expect(chart.locator(".u-over")).to_be_visible()
    assert squat.locator("svg").count() == 0  # drawn by the shared charting layer, no hand-made SVG left
    expect(chart.locator(".u-legend")).to_contain_text("Quality threshold load")
    assert _chart(chart, "c.spec.x.values") == [0, 1, 2, 3]  # one slot per session, in session order
    assert _chart(chart, "c.spec.x.csv") == [str(START + timedelta(weeks=w)) for w in range(4)]
    kinds = {"bars": "load", "step": "threshold", "line": "score", "points": "compensation"}
    values = _chart(chart, "Object.fromEntries(c.spec.series.map(s => [s.kind, s.values]))")
    values = {kinds[kind]: v for kind, v in values.items()}
    assert values["load"] == [10, 20, 20, 20]
    assert values["threshold"] == [10, 20, 20, 10]  # one unbroken step line, down to 10 kg after the flare-up
    assert values["score"] == [90, 88, 89, 68]
    assert values["compensation"] == [None, None, None, 68]  # only the session with the severe trunk lean
    assert _chart(chart, "[c.spec.axes.y.range, c.spec.axes.kg.side, c.spec.lines.map(l => l.scale)]") == [
        [0, 100],
        "right",
        ["y"],
    ]
    assert _chart(chart, "c.plot.series.map(s => s.scale)") == ["x", "kg", "kg", "y", "y"]

    tip = chart.locator(".mq-chart-tip")
    _hover(page, chart, 3)
    expect(tip).to_be_visible()
    expect(tip.locator("b")).to_have_text("22 Sep 2026")
    for line in ("Score 68 (target", "Load 20\u00a0kg", "severe", "Pain before \u2192 after: 2 \u2192 5"):
        expect(tip).to_contain_text(line)
    expect(tip).to_contain_text("Quality threshold load: 10\u00a0kg")
    _hover(page, chart, 0)
    expect(tip.locator("b")).to_have_text("1 Sep 2026")
    expect(tip).to_contain_text("Compensation: none consistent")

    reset = chart.locator(".mq-chart-reset")
    expect(reset).to_be_hidden()
    _drag(page, chart, 0.6, 2.4)
    expect(chart).to_have_class(re.compile(r"\bis-zoomed\b"))
    expect(reset).to_be_visible()
    lo, hi = _chart(chart, "[c.plot.scales.x.min, c.plot.scales.x.max]")
    assert 0.4 < lo < 0.8 and 2.2 < hi < 2.6, (lo, hi)
    reset.click()
    expect(chart).not_to_have_class(re.compile(r"\bis-zoomed\b"))
    expect(reset).to_be_hidden()
    assert _chart(chart, "[c.plot.scales.x.min, c.plot.scales.x.max]") == [-0.5, 3.5]

    with page.expect_download() as png:
        chart.locator(".mq-chart-png").click()
    assert png.value.suggested_filename == "quality-against-load-squat.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as table:
        chart.locator(".mq-chart-csv").click()
    assert table.value.suggested_filename == "quality-against-load-squat.csv"
    rows_csv = list(csv.reader(io.StringIO(Path(table.value.path()).read_text())))
    assert rows_csv[0] == [
        "Session date",
        "Load (kg, right axis)",
        "Quality threshold load (kg)",
        "Score",
        "Score with a consistent moderate or severe compensation",
    ]
    assert rows_csv[4] == ["2026-09-22", "20", "10", "68", "68"] and rows_csv[1][4] == ""
    page.mouse.move(0, 0)
    rows = squat.locator(".qload-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(3)).to_contain_text("2 \u2192 5")
    expect(rows.nth(3).locator("td").nth(5)).to_have_text("10\u00a0kg")
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(shots / "progression-gate.png"))

    squat.locator(".gate-override-form summary").click()
    squat.locator("select[name=decision]").select_option("hold")
    squat.locator("textarea[name=reason]").fill("Pain settled by the next morning; keep 20 kg one more week.")
    squat.locator("button[type=submit]").click()
    override = page.locator("#gate-squat .gate-override")
    expect(override).to_contain_text("Clinician decided", timeout=20_000)
    expect(override).to_contain_text("Hold")
    expect(override).to_contain_text("Pain settled by the next morning")
    expect(override).to_contain_text("the gate said step back")
    expect(page.locator("#gate-squat .gate-recommendation")).to_have_text("Step back")  # the gate's own answer stays
    expect(page.locator("#alert")).to_contain_text("Decision recorded")
    with service.client(key) as client:
        listed = client.get(f"/v1/patients/{patient_id}/progression/overrides").json()["items"]
    assert [(o["decision"], o["recommended"]) for o in listed] == [("hold", "step back")]
    page.locator("#gate-section").screenshot(path=str(shots / "progression-override.png"))
    page.screenshot(path=str(shots / "patient-progression.png"), full_page=True)

    page.reload()  # the override is stored, not only shown
    expect(page.locator("#gate-squat .gate-override")).to_contain_text("Pain settled", timeout=20_000)


def test_one_session_is_a_dot_without_a_line(web: tuple[Service, str], page: Page, tmp_path: Path) -> None:
    service, key = web
    shots = _shots_folder(tmp_path)
    with service.client(key) as client:
        patient_id = client.post("/v1/patients", json={"reference": "GATE-002"}).json()["id"]
    _store_sessions(service, patient_id, [(91, 0.0, False, 1, 1)])
    _sign_in(page, service.url, key)
    page.goto(f"{service.url}/patients/{patient_id}")
    squat = page.locator("#gate-squat")
    expect(squat.locator(".gate-recommendation")).to_have_text("Hold", timeout=20_000)
    chart = squat.locator(".qload-chart")
    expect(chart.locator(".u-over")).to_be_visible()
    assert _chart(chart, "[c.spec.x.values, c.spec.x.range]") == [[0], [-0.5, 0.5]]
    values = _chart(chart, "Object.fromEntries(c.spec.series.map(s => [s.kind, s.values]))")
    assert values["line"] == [91] and values["points"] == [None]  # one score, no compensation
    assert values["bars"] == [0] and values["step"][0] is not None  # body weight; a threshold from the first session
    assert _chart(chart, "c.spec.series.find(s => s.kind === 'step').extend") is True  # the step runs on to the edge
    _hover(page, chart, 0)
    expect(chart.locator(".mq-chart-tip")).to_contain_text("Load body weight")
    page.mouse.move(0, 0)
    squat.screenshot(path=str(shots / "progression-one-session.png"))
    expect(squat.locator(".qload-table tbody tr")).to_have_count(1)
    expect(squat.locator(".qload-table tbody tr td").nth(1)).to_have_text("body weight")


def test_the_progress_chart_shows_each_session_with_a_tooltip_and_opens_it(
    web: tuple[Service, str], page: Page, tmp_path: Path
) -> None:
    service, key = web
    shots = _shots_folder(tmp_path)
    with service.client(key) as client:
        patient_id = client.post("/v1/patients", json={"reference": "GATE-003"}).json()["id"]
    _store_sessions(service, patient_id, [(80, 10.0, False, 1, 1), (86, 12.5, False, 1, 1), (91, 15.0, False, 1, 1)])
    _sign_in(page, service.url, key)
    page.goto(f"{service.url}/patients/{patient_id}")
    chart = page.locator("#progress-chart")
    expect(chart.locator(".u-over")).to_be_visible(timeout=20_000)
    assert chart.locator("svg").count() == 0
    metric = page.locator("#metric-select").input_value()
    with service.client(key) as client:
        series = next(
            s for s in client.get(f"/v1/patients/{patient_id}/progress").json()["series"] if s["key"] == metric
        )
    points = sorted(series["points"], key=lambda p: p["session_date"])
    assert _chart(chart, "c.spec.x.values") == [0, 1, 2]  # evenly spaced by session order
    assert _chart(chart, "c.spec.series[0].values") == [p["value"] for p in points]
    if series["measurement_error"] > 0:  # the first value ± the measurement error is shaded
        upper, lower = _chart(chart, "[c.spec.bands[0].upper, c.spec.bands[0].lower]")
        assert upper[0] == pytest.approx(points[0]["value"] + series["measurement_error"])
        assert lower[2] == pytest.approx(points[0]["value"] - series["measurement_error"])
    # the x ticks (drawn on the canvas; uPlot keeps the texts it drew) are the session dates
    assert _chart(chart, "c.plot.axes[0]._values") == ["1 Sep 2026", "8 Sep 2026", "15 Sep 2026"]

    tip = chart.locator(".mq-chart-tip")
    _hover(page, chart, 1)
    expect(tip.locator("b")).to_have_text("8 Sep 2026")
    expect(tip).to_contain_text("since first session")
    expect(tip).to_contain_text("Click to open this session")
    chart.screenshot(path=str(shots / "patient-progress-chart.png"))

    # the stored sessions have no result page to show (their wait page reloads itself): a stand-in answers instead
    page.route(
        re.compile(r"/analyses/[0-9a-f]{32}$"), lambda route: route.fulfill(content_type="text/html", body="<p>")
    )
    page.mouse.click(*_plot_point(chart, 1))
    expect(page).to_have_url(f"{service.url}/analyses/{points[1]['analysis_id']}", timeout=20_000)
    page.goto(f"{service.url}/patients/{patient_id}")
    expect(chart.locator(".u-over")).to_be_visible(timeout=20_000)
    chart.locator(".mq-chart").focus()  # the keyboard: arrows move between sessions, Enter opens one
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(tip.locator("b")).to_have_text("15 Sep 2026")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{service.url}/analyses/{points[2]['analysis_id']}", timeout=20_000)
