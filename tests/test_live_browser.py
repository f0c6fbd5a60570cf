"""The live page in a real Chromium whose camera is a real clip (MJPEG fake capture), against a real server.

The fake camera loops its clip; a still tail follows each pass and the session is stopped after one pass,
so the rep count is compared with the clip's hand count (REPS.md) within ±1.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from movequal.core.movement_registry import select_movements
from tests.helpers import shared_clip
from tests.helpers.browser import camera_page
from tests.helpers.fake_camera import clip_duration, write_mjpeg
from tests.helpers.service import Service, create_key, running_service

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium against a real server

MULTI_REP, HAND_COUNT = "squat_side_good_ven.mp4", 3
FAULTY = "deadlift_side_bad-roundedback_tbyr1.mp4"
LEAD_S = 3.0
"""The patient stands still this long before moving: the session starts and calibrates meanwhile
(the fake camera starts playing before the server has loaded the session's pose model)."""
TAIL_S = 20.0
"""The patient stands still this long after the set: on a loaded machine the page's first answer comes seconds
after Chromium started the camera, and the session must be stopped before the clip plays again."""


@pytest.fixture(scope="module")
def live_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    data = tmp_path_factory.mktemp("liveweb") / "data"
    key = create_key(data, "Live Clinic")
    with running_service(data, "--workers", "0") as service:
        yield service, key


def _sign_in(page: Page, url: str, key: str, target: str) -> None:
    page.goto(f"{url}{target}")
    page.fill("#key", key)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))


def test_live_page_counts_reps_and_saves_the_session(live_web: tuple[Service, str], tmp_path: Path) -> None:
    service, key = live_web
    with service.client(key) as client:
        pid = client.post("/v1/patients", json={"reference": "LIVE-WEB"}).json()["id"]
    clip = shared_clip(MULTI_REP)
    # Letterboxed to the 640 x 480 the page asks for: played as it is, the portrait clip is cropped by the browser
    # to that shape, the feet fall out of the picture, and the saved session is (rightly) not scored.
    camera = write_mjpeg(clip, tmp_path / "camera.mjpeg", size=(640, 480), lead_s=LEAD_S, tail_s=TAIL_S)
    with sync_playwright() as p:
        page = camera_page(p, camera)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _sign_in(page, service.url, key, f"/live?patient={pid}")
        expect(page.locator("#live-patient")).to_have_value(pid)
        options = page.locator("#live-movement option")
        followed = select_movements(lambda p: p.followed_live)  # filled from the registry: reps and balance holds
        expect(options).to_have_count(len(followed))
        assert options.evaluate_all("os => os.map(o => o.value)") == list(followed)
        page.select_option("#live-movement", "squat")
        page.click("#live-start")
        page.wait_for_function("() => window.mqLive && window.mqLive.framesAnswered > 0", timeout=60_000)
        started = time.monotonic()
        page.wait_for_timeout(1000 * (LEAD_S + clip_duration(clip) + 1.0))  # one pass, into the still tail
        live = page.evaluate("() => ({...window.mqLive, lastMessage: null})")
        elapsed = time.monotonic() - started
        shots = Path(os.environ.get("MOVEQUAL_SCREENSHOTS") or tmp_path)
        page.screenshot(path=str(shots / "live.png"))
        # A side view cannot check the knees' valgus: the last rep's panel says so, not only "No problems seen".
        expect(page.locator("#live-findings .not-judged")).to_contain_text("knees falling inwards")
        page.click("#live-stop")
        saved = page.locator("#live-saved")
        expect(saved).to_be_visible(timeout=60_000)
        href = saved.get_attribute("href")
        assert not errors, errors
    assert live["skeletonsDrawn"] > 0.8 * live["framesAnswered"], live
    assert abs(live["reps"] - HAND_COUNT) <= 1, live
    assert live["framesAnswered"] / elapsed >= 10, f"browser loop at {live['framesAnswered'] / elapsed:.1f} frames/s"
    assert href and re.fullmatch(r"/analyses/[0-9a-f]{32}", href)
    with service.client(key) as client:
        listed = client.get("/v1/analyses", params={"patient_id": pid}).json()
        assert listed["total"] == 1 and listed["items"][0]["links"]["page"] == href
        assert listed["items"][0]["status"] == "done" and abs(listed["items"][0]["reps"] - HAND_COUNT) <= 1
    assert httpx.get(f"{service.url}/readyz").json()["live_sessions"] == 0


def test_live_page_speaks_a_cue_for_a_labelled_fault(live_web: tuple[Service, str], tmp_path: Path) -> None:
    service, key = live_web
    with service.client(key) as client:
        saved_before = client.get("/v1/analyses").json()["total"]
    camera = write_mjpeg(shared_clip(FAULTY), tmp_path / "camera.mjpeg")
    with sync_playwright() as p:
        page = camera_page(p, camera)
        _sign_in(page, service.url, key, "/live")
        page.select_option("#live-movement", "lift")
        page.click("#live-start")
        page.wait_for_function(
            "() => window.mqLive && window.mqLive.cues.includes('hip_avoidant_bending')", timeout=60_000
        )
        cue_text = page.locator("#live-cue").inner_text()
        page.close()  # the tab goes away mid-session: nothing saved, nothing leaked
    assert "push your hips back" in cue_text.lower(), cue_text
    deadline = time.monotonic() + 10
    while httpx.get(f"{service.url}/readyz").json()["live_sessions"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert httpx.get(f"{service.url}/readyz").json()["live_sessions"] == 0
    with service.client(key) as client:
        assert client.get("/v1/analyses").json()["total"] == saved_before, "a session closed without stop was saved"


def test_live_page_shows_the_hold_timer_for_a_balance_test(live_web: tuple[Service, str], tmp_path: Path) -> None:
    service, key = live_web
    clip = shared_clip(MULTI_REP)  # nobody stands on one leg here: the timer must run and never start a hold
    camera = write_mjpeg(clip, tmp_path / "camera.mjpeg", lead_s=LEAD_S)
    with sync_playwright() as p:
        page = camera_page(p, camera)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _sign_in(page, service.url, key, "/live")
        page.select_option("#live-movement", "single-leg-stance")
        page.click("#live-start")
        page.wait_for_function("() => window.mqLive && window.mqLive.hold && window.mqLive.framesAnswered > 60",
                               timeout=90_000)  # fmt: skip
        expect(page.locator("#live-hold")).to_be_visible()
        expect(page.locator("#live-counts")).to_be_hidden()
        expect(page.locator("#live-hold-best")).to_have_text("Best: left \u2013 \u00b7 right \u2013")
        hold = page.evaluate("() => window.mqLive.hold")
        page.click("#live-stop")
        expect(page.locator("#live-saved")).to_be_visible(timeout=60_000)
        status = page.locator("#live-status").inner_text()
        assert not errors, errors
    assert hold["holds"] == 0 and hold["side"] is None and hold["best_left_s"] is None, hold
    assert "0 holds" in status, status


TUG_CLIP, TUG_TOTAL_S = "sts_front-oblique_unknown_amtug1.mp4", 10.7  # REPS.md: trunk lean 4.8 s to seated 15.5 s
BROWSER_TUG_TOLERANCE_S = 1.0
"""Twice the issue's acceptance for the offline total: the page sends its next frame only when the last is answered,
so with the full model (the lite one reads this clip's sit-down late, offline too) on two shared cores the stopwatch
sees a few frames a second and reads each end to within a frame or two; streamed frame by frame over the socket it
stays within 0.5 s (tests/test_live_service.py)."""


def test_live_page_times_a_real_timed_up_and_go(live_web: tuple[Service, str], tmp_path: Path) -> None:
    service, key = live_web
    clip = shared_clip(TUG_CLIP)
    camera = write_mjpeg(clip, tmp_path / "camera.mjpeg", lead_s=LEAD_S)  # the patient sits while the session starts
    with sync_playwright() as p:
        page = camera_page(p, camera)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _sign_in(page, service.url, key, "/live")
        page.select_option("#live-movement", "tug")
        page.select_option("#live-model", "full")
        page.click("#live-start")
        page.wait_for_function("() => window.mqLive && window.mqLive.stopwatch", timeout=90_000)
        expect(page.locator("#live-stopwatch")).to_be_visible()
        started = time.monotonic()
        page.wait_for_function("() => window.mqLive.stopwatch.trials >= 1", timeout=1000 * (LEAD_S + 40))
        watch = page.evaluate("() => window.mqLive.stopwatch")
        rate = page.evaluate("() => window.mqLive.framesAnswered") / (time.monotonic() - started)
        expect(page.locator("#live-stopwatch-state")).to_contain_text("fall-risk cut-off")
        page.click("#live-stop")
        expect(page.locator("#live-saved")).to_be_visible(timeout=60_000)
        assert not errors, errors
    assert abs(watch["last_total_s"] - TUG_TOTAL_S) <= BROWSER_TUG_TOLERANCE_S, (watch, f"{rate:.1f} frames/s")


WALK_CLIP = "walk_side_unknown_marvp2.mp4"  # one pass, about 116 steps/min offline


def test_live_page_shows_steps_and_cadence_for_a_real_walk(live_web: tuple[Service, str], tmp_path: Path) -> None:
    service, key = live_web
    clip = shared_clip(WALK_CLIP)
    camera = write_mjpeg(clip, tmp_path / "camera.mjpeg", lead_s=LEAD_S, tail_s=TAIL_S)
    with sync_playwright() as p:
        page = camera_page(p, camera)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _sign_in(page, service.url, key, "/live")
        page.select_option("#live-movement", "walk")
        page.select_option("#live-model", "full")
        page.click("#live-start")
        page.wait_for_function("() => window.mqLive && window.mqLive.gait", timeout=90_000)
        expect(page.locator("#live-gait")).to_be_visible()
        expect(page.locator("#live-counts")).to_be_hidden()
        page.wait_for_function(
            "() => window.mqLive.gait.last_cadence_per_min !== null && !window.mqLive.gait.walking",
            timeout=1000 * (LEAD_S + clip_duration(clip) + 15),
        )
        # State and text read in one task of the page: a frame answered between two reads would update both.
        gait, shown = page.evaluate(
            "() => [window.mqLive.gait, document.querySelector('#live-gait-cadence').innerText]"
        )
        page.click("#live-stop")
        saved = page.locator("#live-saved")
        expect(saved).to_be_visible(timeout=60_000)
        analysis = (saved.get_attribute("href") or "").rsplit("/", 1)[-1]
        final, status = page.evaluate("() => [window.mqLive.gait, document.querySelector('#live-status').innerText]")
        assert not errors, errors
    with service.client(key) as client:
        passes = client.get(f"/v1/analyses/{analysis}").json()["result"]["assessment"]["gait"]["passes"]
    offline = passes[0]["cadence_spm"]
    # The page sends a frame only when the last is answered (a few a second with the full model on two cores), so
    # each strike is placed to a frame or two: 10 % here, against 5 % streamed frame by frame (test_live_service).
    assert gait["steps"] >= 6 and abs(gait["last_cadence_per_min"] - offline) <= 0.10 * offline, (gait, offline)
    # The page rounds half up (JavaScript's Math.round); Python's round() would take 118.5 to 118.
    assert shown == f"{math.floor(gait['last_cadence_per_min'] + 0.5)} steps/min", (shown, gait)
    assert final["steps"] >= gait["steps"] and f"{final['steps']} steps" in status, status
