"""The vendored charting library: unchanged from its npm package, carried whole by the report, served by the app."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

from movequal.report.charts import UPLOT_VERSION, VENDOR_FILES, chart_assets
from movequal.report.html import report_assets
from tests.helpers.api_helpers import app_client

CHARTS = Path(str(resources.files("movequal.report.charts")))


def test_the_vendored_files_match_the_recorded_package() -> None:
    """VENDOR.md records the npm version and each file's SHA-256; an edited or swapped file fails here."""
    record = (CHARTS / "vendor/uplot/VENDOR.md").read_text(encoding="utf-8")
    assert f"`uplot` {UPLOT_VERSION} from the npm registry" in record
    table = dict(re.findall(r"^\| (\S+) \| ([0-9a-f]{64}) \|$", record, re.MULTILINE))
    assert set(table) == {Path(f).name for f in VENDOR_FILES} | {"LICENSE"}
    for name, digest in table.items():
        assert hashlib.sha256((CHARTS / "vendor/uplot" / name).read_bytes()).hexdigest() == digest, name
    banner = (CHARTS / "vendor/uplot/uPlot.iife.min.js").read_text(encoding="utf-8").splitlines()[0]
    assert f"(v{UPLOT_VERSION})" in banner
    assert "MIT" in (CHARTS / "vendor/uplot/LICENSE").read_text(encoding="utf-8")


def test_the_script_carries_the_licence_then_the_library_then_the_layer() -> None:
    css, js = chart_assets()
    library = (CHARTS / "vendor/uplot/uPlot.iife.min.js").read_text(encoding="utf-8")
    parts, layer = ((CHARTS / name).read_text(encoding="utf-8") for name in ("mq-charts-parts.js", "mq-charts.js"))
    assert js.startswith(f"/*! uPlot {UPLOT_VERSION}") and "Permission is hereby granted" in js.split("*/", 1)[0]
    assert js.index(library) < js.index(parts) < js.index(layer), "uPlot, then the parts, then MQCharts"
    assert (CHARTS / "vendor/uplot/uPlot.min.css").read_text(encoding="utf-8") in css and ".mq-chart-tip" in css
    assert "</script" not in js.lower() and "</style" not in css.lower(), "both sit inside the report's own elements"


def test_the_report_assets_begin_with_the_charting_layer() -> None:
    css, js = report_assets()
    chart_css, chart_js = chart_assets()
    assert css.startswith(chart_css) and js.startswith(chart_js)
    own = js[len(chart_js) :]
    assert "Charts.create(" in own and "Charts.repCurve(" in own, "the report's own script draws with the layer"


def test_the_app_serves_the_same_bytes_from_its_own_origin(tmp_path: Path) -> None:
    css, js = chart_assets()
    with app_client(tmp_path) as client:
        got_js = client.get("/report-assets/charts.js")
        got_css = client.get("/report-assets/charts.css")
        report_js = client.get("/report-assets/report.js")
    assert got_js.status_code == got_css.status_code == report_js.status_code == 200
    assert got_js.text == js and got_js.headers["content-type"].startswith("text/javascript")
    assert got_css.text == css and got_css.headers["content-type"].startswith("text/css")
    assert report_js.text == report_assets()[1]
