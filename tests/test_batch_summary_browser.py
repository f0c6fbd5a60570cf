"""A batch's ``summary.html`` in a real Chromium, opened from disk (file://), as a clinician would.

The page is written by the batch writer itself (:func:`movequal.batch.summary.write_summary_html`) for a
handful of results: scores spread over the bins, two patients with several dated sessions, a failure. Its
charts must render from the inline JSON with nothing fetched (the page's CSP forbids it), raise no console
error, show a tooltip on hover and export their numbers as CSV.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from movequal.batch.score import ItemResult
from movequal.batch.summary import write_summary_html
from tests.helpers.browser import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium on a page written to disk


def _results() -> list[ItemResult]:
    """Two patients with four weekly squats each (scores 46…77), an undated 100 and a failure."""
    rows = []
    for p in (1, 2):
        for i in range(4):
            day, score = date(2026, 9, 1 + 7 * i), 45.0 + 10 * i + p
            rows.append(
                ItemResult(f"/v/p{p}-{i}.mp4", f"k{p}{i}", f"P-{p}", day, "done", movement="squat", score=score)
            )
    rows.append(ItemResult("/v/solo.mp4", "ks", None, None, "done", movement="lunge", score=100.0))
    rows.append(ItemResult("/v/bad.mp4", "kb", "P-3", None, "failed", error="no person found in view"))
    return rows


def test_the_batch_summary_draws_its_charts_offline_and_exports_csv(tmp_path: Path) -> None:
    shots = Path(os.environ.get("MOVEQUAL_SCREENSHOTS") or tmp_path)  # set it to look at the charts
    page_path = tmp_path / "summary.html"
    write_summary_html(_results(), page_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True).new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
        page.goto(page_path.as_uri())

        charts = page.locator(".chart.mq-chart-host")
        expect(charts).to_have_count(3)  # the histogram and one trend per patient
        for i in range(3):
            expect(charts.nth(i).locator("canvas")).to_have_count(1)
        histogram = page.locator("#score-histogram")
        counts = histogram.evaluate("h => h.mqChart.spec.series[0].values")
        assert counts == [0, 0, 0, 0, 2, 2, 2, 2, 0, 1]  # 46…77 and one 100 (the top bin)
        assert page.locator("[data-trend]").evaluate_all("hs => hs.map(h => h.mqChart.spec.series[0].label)") == [
            "P-1",
            "P-2",
        ]
        label = histogram.locator(".mq-chart[role=img]").get_attribute("aria-label") or ""
        assert "50–60: 2" in label, label

        over = histogram.locator(".u-over")
        over.scroll_into_view_if_needed()
        box = over.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
        expect(histogram.locator(".mq-chart-tip")).to_contain_text("50–60")
        expect(histogram.locator(".mq-chart-tip")).to_contain_text("videos: 2")
        page.mouse.move(0, 0)

        with page.expect_download() as info:
            histogram.locator(".mq-chart-csv").click()
        download = info.value
        assert download.suggested_filename == "score-distribution.csv"
        lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "score,videos" and "50–60,2" in lines and "80–90,0" in lines and "90–100,1" in lines, lines

        with page.expect_download() as info:
            page.locator("[data-trend]").first.locator(".mq-chart-csv").click()
        trend = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
        assert trend == ["session date,P-1", "2026-09-01,46", "2026-09-08,56", "2026-09-15,66", "2026-09-22,76"]

        histogram.screenshot(path=str(shots / "summary-histogram.png"))
        page.locator("[data-trend]").first.screenshot(path=str(shots / "summary-trend.png"))
        browser.close()
    assert not errors, errors
    assert not requests, requests
