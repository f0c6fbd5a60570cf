"""The report's charts (uPlot through ``MQCharts``) in a real Chromium: hover, click to seek, zoom, export, keys.

The report is the real CLI's on the bundled sample video (the real pose model), opened as a lone file. Screenshots
go to ``MOVEQUAL_SCREENSHOTS`` when it is set (kept as test artifacts), otherwise to the test's folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.helpers.browser import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium; the real model via sample_report_dir


@pytest.fixture
def report_page(sample_report_dir: Path) -> Iterator[tuple[Page, list[str]]]:
    """The sample report open in Chromium, with the console errors and network requests it made."""
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: problems.append(r.url) if r.url.startswith("http") else None)
        page.goto((sample_report_dir / "report.html").as_uri())
        page.wait_for_function("document.querySelectorAll('#mq-plots .mq-chart-host canvas').length > 0")
        yield page, problems
        browser.close()


def chart_state(page: Page, index: int = 0) -> dict:
    """The first angle chart's x range, zoom state and series shown, as the page has them."""
    return page.evaluate(
        """i => { const c = document.querySelectorAll('#mq-plots .mq-chart-host')[i].mqChart, u = c.plot;
        return {min: u.scales.x.min, max: u.scales.x.max, zoomed: c.zoomedIn, n: c.spec.x.values.length,
                first: c.spec.x.values[0], last: c.spec.x.values[c.spec.x.values.length - 1],
                marker: c.markerX, shown: u.series.slice(1).map(s => s.show),
                labels: c.spec.series.map(s => s.label)}; }""",
        index,
    )


def test_every_chart_is_drawn_by_the_library_with_nothing_loaded(
    report_page: tuple[Page, list[str]], sample_report_dir: Path, tmp_path: Path
) -> None:
    page, problems = report_page
    plots = json.loads((sample_report_dir / "plots.json").read_text())
    report = json.loads((sample_report_dir / "report.json").read_text())
    expect(page.locator("#mq-plots .mq-chart-host canvas")).to_have_count(len(plots["groups"]))
    expect(page.locator("#rep-curves .mq-chart-host canvas")).to_have_count(len(report["rep_curves"]))
    assert len(report["rep_curves"]) >= 1 and len(plots["groups"]) >= 2
    state = chart_state(page)
    assert state["n"] == len(plots["t"]) and state["labels"] == [s["label"] for s in plots["groups"][0]["series"]]
    label = page.locator("#mq-plots .mq-chart[role=img]").first.get_attribute("aria-label") or ""
    assert "shaded" in label and "Arrow keys" in label
    shots = Path(os.environ.get("MOVEQUAL_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.locator("#mq-plots").screenshot(path=str(shots / "report-angle-charts.png"))
    page.locator("#rep-curves").screenshot(path=str(shots / "report-rep-curves.png"))
    assert problems == [], problems


def test_hover_reads_values_and_a_click_seeks_the_video_on_every_chart(report_page: tuple[Page, list[str]]) -> None:
    page, problems = report_page
    over = page.locator("#mq-plots .u-over").first
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    tip = page.locator("#mq-plots .mq-chart-tip").first
    expect(tip).to_be_visible()
    text = tip.inner_text()
    assert " s" in text and "°" in text, text
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    seconds = page.evaluate("document.getElementById('mq-video').currentTime")
    state = chart_state(page)
    assert state["first"] < seconds < state["last"]
    assert abs(seconds - (state["first"] + state["last"]) / 2) < 0.1 * (state["last"] - state["first"])
    markers = page.evaluate(
        "Array.from(document.querySelectorAll('#mq-plots .mq-chart-host')).map(h => h.mqChart.markerX)"
    )
    assert all(m == pytest.approx(seconds) for m in markers), "every angle chart shows the video's position"
    expect(page.locator("#mq-plots .mq-chart-marker").first).to_be_visible()
    assert problems == [], problems


def test_a_drag_zooms_the_time_axis_and_reset_restores_it(report_page: tuple[Page, list[str]]) -> None:
    page, problems = report_page
    host = page.locator("#mq-plots .mq-chart-host").first
    over = host.locator(".u-over")
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box is not None
    full = chart_state(page)
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.25, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
    page.mouse.up()
    zoomed = chart_state(page)
    assert zoomed["zoomed"] and full["first"] < zoomed["min"] < zoomed["max"] < full["last"]
    assert zoomed["max"] - zoomed["min"] == pytest.approx(0.35 * (full["max"] - full["min"]), rel=0.1)
    expect(host).to_have_class("mq-chart-host is-zoomed")
    reset = host.locator(".mq-chart-reset")
    expect(reset).to_be_visible()
    reset.click()
    after = chart_state(page)
    assert not after["zoomed"]
    assert after["min"] == pytest.approx(full["min"]) and after["max"] == pytest.approx(full["max"])
    expect(reset).to_be_hidden()
    assert problems == [], problems


def test_png_and_csv_export_what_is_shown(report_page: tuple[Page, list[str]], sample_report_dir: Path) -> None:
    page, problems = report_page
    plots = json.loads((sample_report_dir / "plots.json").read_text())
    group = next(g for g in plots["groups"] if len(g["series"]) == 2)
    index = plots["groups"].index(group)
    host = page.locator("#mq-plots .mq-chart-host").nth(index)
    with page.expect_download() as png:
        host.locator(".mq-chart-png").click()
    data = Path(png.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and png.value.suggested_filename.endswith(".png")
    width = int.from_bytes(data[16:20], "big")
    assert width >= (host.bounding_box() or {"width": 0})["width"], "the plot at its drawn resolution, not a thumbnail"

    with page.expect_download() as csv:
        host.locator(".mq-chart-csv").click()
    rows = Path(csv.value.path()).read_text().splitlines()
    assert rows[0] == "Time (s)," + ",".join(s["label"] for s in group["series"])
    assert len(rows) == len(plots["t"]) + 1
    first = plots["series"][group["series"][0]["key"]]
    k = next(i for i, v in enumerate(first) if v is not None)
    assert float(rows[k + 1].split(",")[1]) == pytest.approx(first[k])

    host.locator(".u-legend .u-series").nth(1).locator("th").click()  # uPlot's legend hides a series
    assert chart_state(page, index)["shown"] == [True, False]
    with page.expect_download() as csv:
        host.locator(".mq-chart-csv").click()
    assert Path(csv.value.path()).read_text().splitlines()[0] == "Time (s)," + group["series"][0]["label"]
    assert problems == [], problems


def test_the_keyboard_walks_the_chart_and_enter_seeks(report_page: tuple[Page, list[str]]) -> None:
    page, problems = report_page
    chart = page.locator("#mq-plots .mq-chart").first
    chart.focus()
    page.keyboard.press("End")
    tip = page.locator("#mq-plots .mq-chart-tip").first
    expect(tip).to_be_visible()
    state = chart_state(page)
    assert tip.inner_text().startswith(f"{state['last']:.2f} s")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    seconds = page.evaluate("document.getElementById('mq-video').currentTime")
    second = page.evaluate("document.querySelector('#mq-plots .mq-chart-host').mqChart.spec.x.values[1]")
    assert seconds == pytest.approx(second, abs=0.02)
    assert problems == [], problems
