"""The result page's "Compare with a baseline" panel in a real Chromium against a real server.

Three finished sessions of one patient are stored straight into the service's database (synthetic sets scored
without the pose model): a shallow squat, a deep squat and a sit-to-stand. The deep squat's result page lists
the other two (the squat first), and choosing the shallow one draws the differences, the metric table and
the rep curves overlaid.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Route, expect, sync_playwright

from api.crud import record_result
from api.db import make_engine, make_sessionmaker, session_scope
from api.models import Analysis
from api.security import get_or_create_clinic
from movequal.report.plots import plot_data
from tests.helpers.browser import CHROMIUM_ARGS, chromium_path
from tests.helpers.service import Service, create_key, running_service
from tests.test_curves_report import squat_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium against a real server

CLINIC = "Riverside Physio"


def _store(service: Service, patient_id: str, sessions: list[tuple[str, date, float, str]]) -> list[str]:
    """Record finished analyses (movement, day, depth, view) of the patient, with their plot data; return the ids."""
    engine = make_engine(f"sqlite:///{(service.data_dir / 'movequal.db').resolve()}")
    ids = []
    try:
        for n, (movement, day, depth, view) in enumerate(sessions):
            report, result = squat_session(depth, view, seed=n + 1, movement=movement)
            with session_scope(make_sessionmaker(engine)) as session:
                clinic = get_or_create_clinic(session, CLINIC)
                job = Analysis(
                    clinic_id=clinic.id, patient_id=patient_id, status="done", source_name=report.source.file,
                    session_date=day, movement_requested=movement, model="lite",
                )  # fmt: skip
                session.add(job)
                session.flush()
                record_result(session, job.id, report.model_dump(mode="json"))
                ids.append(job.id)
            folder = service.data_dir / "analyses" / job.id
            folder.mkdir(parents=True)
            (folder / "plots.json").write_text(json.dumps(plot_data(report, result.kinematics)), encoding="utf-8")
    finally:
        engine.dispose()
    return ids


def test_the_result_page_compares_with_a_chosen_baseline(tmp_path: Path) -> None:
    shots = Path(os.environ.get("MOVEQUAL_SCREENSHOTS") or tmp_path)  # set it to look at the page
    data = tmp_path / "data"
    key = create_key(data, CLINIC)
    with running_service(data, "--workers", "0") as service:
        with service.client(key) as client:
            patient = client.post("/v1/patients", json={"reference": "CMP-1"}).json()["id"]
        shallow, deep, stand = _store(
            service,
            patient,
            [
                ("squat", date(2026, 9, 1), 0.6, "sagittal-left"),
                ("squat", date(2026, 10, 1), 1.0, "sagittal-left"),
                ("sit-to-stand", date(2026, 9, 15), 1.0, "sagittal-left"),
            ],
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(f"{service.url}/analyses/{deep}")
            expect(page).to_have_url(re.compile(r"/login\?next="))
            page.fill("#key", key)
            page.click("#login-submit")
            expect(page).to_have_url(f"{service.url}/analyses/{deep}")

            expect(page.locator("#rep-curves figure.curve")).to_have_count(3)  # this session's curves, server-drawn
            choice = page.get_by_label("Baseline session")
            expect(choice).to_be_enabled()
            groups = page.locator("#compare-baseline optgroup")
            expect(groups).to_have_count(2)
            assert "same movement" in (groups.first.get_attribute("label") or "")
            assert groups.first.locator("option").evaluate_all("os => os.map(o => o.value)") == [shallow]
            assert groups.nth(1).locator("option").evaluate_all("os => os.map(o => o.value)") == [stand]
            expect(groups.first.locator("option")).to_contain_text("1 Sep 2026")

            choice.select_option(shallow)
            table = page.locator("#compare-table")
            expect(table).to_be_visible()
            knee = table.locator("tr", has=page.locator("th", has_text="Peak knee flexion"))
            expect(knee).to_contain_text("±14 deg")
            expect(knee).to_contain_text("improved")
            expect(table.locator("thead th")).to_have_count(6)
            expect(page.locator("#compare-differences")).to_contain_text("Same movement, camera view and pose model")
            hosts = page.locator("#compare figure.curve .mq-chart-host")
            expect(hosts).to_have_count(3)
            expect(page.locator("#compare figure.curve canvas")).to_have_count(3)
            series = hosts.evaluate_all("hs => hs.map(h => h.mqChart.spec.series.map(s => s.label))")
            both = ["This session: mean", "This session: SD", "Baseline: mean", "Baseline: SD"]
            assert series == [both] * 3, series  # each chart overlays the baseline's mean and SD
            assert hosts.evaluate_all("hs => hs.map(h => h.mqChart.spec.bands.length)") == [2, 2, 2]
            label = hosts.first.locator(".mq-chart[role=img]").get_attribute("aria-label") or ""
            assert "This session starts at" in label and "Baseline starts at" in label, label
            expect(page.locator("#compare-sessions")).to_contain_text("baseline (orange, dashed): 1 Sep 2026")
            over = hosts.first.locator(".u-over")
            over.scroll_into_view_if_needed()
            box = over.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
            page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            tip = hosts.first.locator(".mq-chart-tip")
            expect(tip).to_be_visible()
            expect(tip).to_contain_text("% of the rep")
            expect(tip).to_contain_text(re.compile(r"This session: -?\d+\.\d° ± \d+\.\d°"))
            expect(tip).to_contain_text(re.compile(r"Baseline: -?\d+\.\d° ± \d+\.\d°"))
            page.mouse.move(0, 0)
            for i in range(3):
                hosts.nth(i).screenshot(path=str(shots / f"compare-curve-{i}.png"))
            expect(page.locator("#compare-status")).to_contain_text("1 Sep 2026")
            page.locator("#compare").screenshot(path=str(shots / "compare.png"))

            choice.select_option(stand)  # another movement: named, nothing compared
            expect(page.locator("#compare-differences")).to_contain_text("The movement differs")
            expect(page.locator("#compare-table")).to_have_count(0)
            expect(page.locator("#compare .mq-chart-host")).to_have_count(0)

            def not_comparable(route: Route) -> None:  # the baseline read one angle in 3D and lacks another
                body = route.fetch().json()
                body["curves"][1]["baseline"]["method"], body["curves"][1]["comparable"] = "3d", False
                body["curves"][2]["baseline"], body["curves"][2]["comparable"] = None, False
                route.fulfill(json=body)

            page.route(re.compile(r"/comparison\?"), not_comparable)
            choice.select_option(shallow)
            expect(hosts).to_have_count(3)
            notes = page.locator("#compare figure.curve p.note")
            expect(notes).to_have_count(2)
            expect(notes.first).to_contain_text("Baseline not drawn: it was read from the 3D landmarks")
            expect(notes.nth(1)).to_have_text("The baseline has no curve of this angle.")
            series = hosts.evaluate_all("hs => hs.map(h => h.mqChart.spec.series.length)")
            assert series == [4, 2, 2], series  # only the first angle overlays the baseline
            label = hosts.nth(1).locator(".mq-chart[role=img]").get_attribute("aria-label") or ""
            assert "This session starts at" in label and "Baseline" not in label, label
            browser.close()
        assert not errors, errors
