"""The annotated video and the HTML report play in a real Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.helpers.browser import CHROMIUM_ARGS, chromium_path, serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium; the real model via sample_report_dir

_PLAY = """async () => {
  const v = document.querySelector('video');
  v.muted = true;
  await v.play();
  const t0 = v.currentTime;
  await new Promise(r => setTimeout(r, 1200));
  return {w: v.videoWidth, h: v.videoHeight, t0, t1: v.currentTime, err: v.error && v.error.code};
}"""


def test_annotated_mp4_plays_in_chromium(sample_report_dir: Path, tmp_path: Path) -> None:
    shutil.copy(sample_report_dir / "annotated.mp4", tmp_path / "annotated.mp4")
    (tmp_path / "index.html").write_text('<video src="annotated.mp4" playsinline></video>')
    with serve_folder(tmp_path) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{url}/index.html")
        state = page.evaluate(_PLAY)
        browser.close()
    assert state["err"] is None
    assert state["w"] > 0 and state["h"] > state["w"]
    assert state["t1"] > state["t0"]


def test_report_html_is_self_contained_and_plays(sample_report_dir: Path) -> None:
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto((sample_report_dir / "report.html").as_uri())
        state = page.evaluate(_PLAY)
        score_text = page.inner_text("body")
        browser.close()
    assert state["w"] > 0 and state["t1"] > state["t0"]
    assert "100" in score_text or any(ch.isdigit() for ch in score_text)
    assert not [u for u in requests if u.startswith("http")], requests
