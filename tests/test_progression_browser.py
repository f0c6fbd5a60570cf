"""The patient page's "Ready for more?" section in a real Chromium against a real service.

Four squat sessions at 10, 20, 20 and 20 kg are stored straight into the service's database (finished analyses
with their report and dose, no pose model), the last one a flare-up: the page shows "Step back" with its reasons
and the suggested load, the quality-vs-load chart (one dot per session, the load bars and the quality threshold
load's step line) and its table; a clinician's override is recorded through the form and shown beside the gate.
Screenshots go to ``MOVEQUAL_SCREENSHOTS`` when it is set (kept as test artifacts), otherwise to the test's folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

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


def test_patient_page_shows_the_gate_the_quality_load_chart_and_an_override(
    web: tuple[Service, str], page: Page, tmp_path: Path
) -> None:
    service, key = web
    shots = Path(os.environ.get("MOVEQUAL_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
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

    chart = squat.locator(".qload-chart svg")
    expect(chart).to_be_visible()
    expect(chart.locator(".qload-pt")).to_have_count(4)
    expect(chart.locator(".qload-pt.has-compensation")).to_have_count(1)
    expect(chart.locator(".qload-bar")).to_have_count(4)
    expect(chart.locator(".qload-threshold")).to_have_count(1)
    step = chart.locator(".qload-threshold").get_attribute("d") or ""
    assert step.count("M") == 1 and step.count("L") == 7  # one unbroken line: 4 flat steps joined by 3 risers
    title = chart.locator(".qload-pt").nth(3).locator("title").text_content() or ""
    assert "severe" in title and "2 \u2192 5" in title and "Load 20\u00a0kg" in title
    rows = squat.locator(".qload-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(3)).to_contain_text("2 \u2192 5")
    expect(rows.nth(3).locator("td").nth(5)).to_have_text("10\u00a0kg")
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(shots / "progression-gate.png"))

    squat.locator("summary").click()
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


def test_one_session_is_a_dot_without_a_line(web: tuple[Service, str], page: Page) -> None:
    service, key = web
    with service.client(key) as client:
        patient_id = client.post("/v1/patients", json={"reference": "GATE-002"}).json()["id"]
    _store_sessions(service, patient_id, [(91, 0.0, False, 1, 1)])
    _sign_in(page, service.url, key)
    page.goto(f"{service.url}/patients/{patient_id}")
    squat = page.locator("#gate-squat")
    expect(squat.locator(".gate-recommendation")).to_have_text("Hold", timeout=20_000)
    chart = squat.locator(".qload-chart svg")
    expect(chart.locator(".qload-pt")).to_have_count(1)
    expect(chart.locator(".qload-line")).to_have_count(0)
    expect(chart.locator(".qload-threshold")).to_have_count(1)
    expect(squat.locator(".qload-table tbody tr")).to_have_count(1)
    expect(squat.locator(".qload-table tbody tr td").nth(1)).to_have_text("body weight")
