"""The web app's navigation bar and CSPs live in the web layer, written once and served on every page."""

from __future__ import annotations

from pathlib import Path

from api.pages import APP_CSP, APPBAR_MARK, PAGE_CSP, REPORT_ASSETS, STATIC_DIR, render_appbar
from movequal.report.html import SELF_CONTAINED_CSP, render_report_html, report_assets
from tests.helpers import REPO
from tests.helpers.api_helpers import add_key, app_client
from tests.test_report import make_kinematics, make_report

PAGES = {"/": "upload.html", "/patients": "patients.html", "/live": "live.html", "/patients/p1": "patient.html"}


def test_every_static_page_has_the_placeholder_and_no_pasted_bar() -> None:
    pages = sorted(STATIC_DIR.glob("*.html"))
    assert len(pages) == 6
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.count(APPBAR_MARK) == 1 and 'class="appbar"' not in text, page.name


def test_only_the_web_layer_writes_the_bar_and_the_app_csp() -> None:
    sources = [*(REPO / "movequal").rglob("*.py"), *(REPO / "api").rglob("*.py"), *(REPO / "movequal").rglob("*.html")]
    writers = sorted(str(p.relative_to(REPO)) for p in sources if 'class="appbar"' in p.read_text(encoding="utf-8"))
    assert writers == ["api/pages.py"]
    core = [p for p in (REPO / "movequal").rglob("*.py") if "connect-src" in p.read_text(encoding="utf-8")]
    assert not core, core
    assert "'self'" in APP_CSP and "'self'" not in SELF_CONTAINED_CSP


def test_served_pages_carry_the_one_bar(tmp_path: Path) -> None:
    with app_client(tmp_path / "data") as client:
        login = client.get("/login")
        assert login.status_code == 200 and login.headers["content-security-policy"] == PAGE_CSP
        assert render_appbar(signed_in=False) in login.text and APPBAR_MARK not in login.text
        assert "Sign out" not in login.text
        client.post("/auth/login", data={"key": add_key(client, "North"), "next": "/"})
        for path, name in PAGES.items():
            page = client.get(path)
            assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8", path
            assert render_appbar() in page.text and APPBAR_MARK not in page.text, path
            assert page.text == (STATIC_DIR / name).read_text(encoding="utf-8").replace(APPBAR_MARK, render_appbar())
        host = client.base_url.netloc.decode()
        assert f"ws://{host} wss://{host}" in client.get("/live").headers["content-security-policy"]
        missing = client.get("/analyses/0123456789abcdef0123456789abcdef")
        assert missing.status_code == 404 and render_appbar() in missing.text


def test_the_result_page_links_the_report_assets_instead_of_inlining_them(tmp_path: Path) -> None:
    css, js = report_assets()
    assert "function" in js and "{" in css
    assert "unsafe-inline" not in APP_CSP.split("style-src-attr")[0], "no inline script or style sheet allowed"
    with app_client(tmp_path / "data") as client:
        served_css, served_js = client.get(f"{REPORT_ASSETS}/report.css"), client.get(f"{REPORT_ASSETS}/report.js")
    assert served_css.text == css and served_css.headers["content-type"].startswith("text/css")
    assert served_js.text == js and served_js.headers["content-type"].startswith("text/javascript")
    page = render_report_html(make_report(), make_kinematics(), None)
    assert f"<style>\n{css}</style>" in page and f"<script>\n{js}</script>" in page, (
        "the served assets are the downloadable report's inline ones"
    )
