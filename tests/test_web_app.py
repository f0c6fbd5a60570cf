"""The clinic web app in a real Chromium against a real server with a real worker.

Sign in → add a patient → upload the sample video from the patient's page →
result page with the annotated video playing → patient page with the progress chart.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from movequal.core.movement_registry import MOVEMENT_CHOICES, MOVEMENTS
from tests.helpers import SAMPLE, shared_clip
from tests.helpers.browser import CHROMIUM_ARGS, chromium_path
from tests.helpers.service import Service, create_key, running_service, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium against a real server and worker


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    data = tmp_path_factory.mktemp("web") / "data"
    key = create_key(data, "Riverside Physio")
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
        yield tab
        browser.close()
        assert not errors, f"JavaScript errors: {errors}"


def _sign_in(page: Page, url: str, key: str) -> None:
    page.goto(f"{url}/patients")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("#key", "mq_not-a-key")
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"error=1"))
    page.fill("#key", key)
    page.click("#login-submit")
    expect(page).to_have_url(f"{url}/patients")
    expect(page.locator("#appbar-clinic")).to_have_text("Riverside Physio")


def test_upload_result_video_and_progress_chart(web: tuple[Service, str], page: Page, tmp_path: Path) -> None:
    service, key = web
    shots = Path(os.environ.get("MOVEQUAL_SCREENSHOTS") or tmp_path)  # set it to look at the pages
    blocked: list[str] = []  # the result page's CSP allows no inline script: anything it blocks shows here
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    _sign_in(page, service.url, key)
    page.fill("#new-reference", "E2E-001")
    page.fill("#new-name", "Test Patient")
    page.fill("#new-height", "172")
    page.click("#new-submit")
    page.get_by_role("link", name=re.compile("E2E-001")).click()
    expect(page).to_have_url(re.compile(r"/patients/[0-9a-f]{32}$"))
    patient_id = page.url.rsplit("/", 1)[1]
    with service.client(key) as client:
        assert client.get(f"/v1/patients/{patient_id}").json()["height_m"] == 1.72
    page.click("#new-analysis-link")
    expect(page.locator("#patient")).to_have_value(patient_id)
    options = page.locator("#movement option")
    expect(options).to_have_count(1 + len(MOVEMENTS))  # the menu is filled from the registry
    assert options.evaluate_all("os => os.map(o => o.value)") == list(MOVEMENT_CHOICES)
    labels = options.evaluate_all("os => os.slice(1).map(o => o.textContent.trim())")
    assert labels == [profile.label for profile in MOVEMENTS.values()]
    page.set_input_files("#file-input", str(SAMPLE))
    page.select_option("#movement", "squat")
    page.fill("#session-date", "2026-10-01")
    page.fill("#height-cm", "999")
    page.click("#submit")
    expect(page.locator("#alert")).to_contain_text("between 50 and 250")  # refused before anything is sent
    page.fill("#height-cm", "175")
    page.click("#submit")

    page.wait_for_url(re.compile(r"/analyses/[0-9a-f]{32}$"), timeout=180_000)
    with service.client(key) as client:
        assert client.get(f"/v1/analyses/{page.url.rsplit('/', 1)[1]}").json()["height_m"] == 1.75
    video = page.locator("#mq-video")
    expect(video).to_be_visible(timeout=180_000)
    expect(page.locator(".gauge")).to_be_visible()
    expect(page.locator("#mq-plots figure").first).to_be_visible()
    page.evaluate("document.getElementById('mq-video').muted = true; document.getElementById('mq-video').play()")
    page.wait_for_function(
        "() => { const v = document.getElementById('mq-video');"
        " return v.readyState >= 2 && v.currentTime > 0.3 && !v.error; }",
        timeout=30_000,
    )
    assert page.evaluate("document.getElementById('mq-video').videoWidth") > 0
    assert (
        "'unsafe-inline'"
        not in page.evaluate("document.querySelector('meta[http-equiv]').content").split("style-src-attr")[0]
    )
    assert blocked == [], blocked
    page.screenshot(path=str(shots / "result.png"), full_page=False)

    with service.client(key) as client, SAMPLE.open("rb") as fh:
        second = client.post(
            "/v1/analyses",
            files={"file": (SAMPLE.name, fh, "video/quicktime")},
            data={"patient_id": patient_id, "session_date": "2026-11-01", "movement": "squat"},
        )
        assert wait_for(client, second.json()["id"])["status"] == "done"

    page.goto(f"{service.url}/patients/{patient_id}")
    chart = page.locator("#progress-chart")
    expect(chart.locator(".u-over")).to_be_visible(timeout=20_000)  # drawn by MQCharts (uPlot): one x per session
    assert chart.evaluate("h => h.mqChart.spec.x.values.length") == 2
    expect(page.locator("#change-text")).to_contain_text("measurement error")
    expect(page.locator("#sessions-table")).to_contain_text("1 Nov 2026")
    page.screenshot(path=str(shots / "patient.png"), full_page=True)


def test_api_docs_render_without_internet(web: tuple[Service, str], page: Page) -> None:
    service, _ = web
    page.goto(f"{service.url}/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    assert page.locator(".opblock").count() >= 14
    assert "cdn" not in page.content().lower()


def test_a_timed_up_and_go_upload_shows_its_phases(web: tuple[Service, str], page: Page) -> None:
    service, key = web
    _sign_in(page, service.url, key)
    page.goto(f"{service.url}/")
    page.set_input_files("#file-input", str(shared_clip("sts_front-oblique_unknown_amtug1.mp4")))
    page.select_option("#movement", "tug")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/analyses/[0-9a-f]{32}$"), timeout=180_000)
    section = page.locator("section", has=page.get_by_role("heading", name="Timed up-and-go", exact=True))
    expect(section).to_be_visible(timeout=180_000)
    expect(section).to_contain_text("fall-risk cut-off of 13.5 s")
    expect(section.locator("tbody tr")).to_have_count(5)
    with service.client(key) as client:
        tug = client.get(f"/v1/analyses/{page.url.rsplit('/', 1)[1]}").json()["result"]["assessment"]["tug"]
    expect(section).to_contain_text(f"Total {tug['total_s']:.2f} s")


def test_a_balance_upload_without_a_lifted_foot_says_why(web: tuple[Service, str], page: Page) -> None:
    service, key = web
    _sign_in(page, service.url, key)
    page.goto(f"{service.url}/")
    page.set_input_files("#file-input", str(SAMPLE))
    expect(page.locator("#movement option[value='single-leg-stance']")).to_have_text("Single-leg stance")
    page.select_option("#movement", "single-leg-stance")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/analyses/[0-9a-f]{32}$"), timeout=180_000)
    section = page.locator("section", has=page.get_by_role("heading", name="Single-leg stance", exact=True))
    expect(section).to_be_visible(timeout=180_000)
    expect(section).to_contain_text("No balance hold was found: neither foot was seen off the floor")
