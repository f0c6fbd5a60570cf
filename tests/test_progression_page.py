"""The patient page's "Ready for more?" section without a browser: the page holds it, its files are served, and
the script reads only fields the progression API has (the browser test, ``test_progression_browser.py``, draws it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from fastapi.testclient import TestClient

from api.pages import STATIC_DIR
from api.schemas_progression import Decision, LoadPointPublic, OverridePublic, TaskProgressionPublic
from tests.helpers.api_helpers import add_key, app_client

SCRIPT = STATIC_DIR / "progression.js"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path / "data") as c:
        yield c


def test_the_patient_page_holds_the_section_and_loads_its_files_after_the_chart_helper(client: TestClient) -> None:
    key = add_key(client, "North")
    client.post("/auth/login", data={"key": key, "next": "/"})
    made = client.post("/v1/patients", json={"reference": "P-1"}, headers={"X-Requested-With": "movequal"})
    assert made.status_code == 201, made.text
    page = client.get(f"/patients/{made.json()['id']}")
    assert page.status_code == 200
    text = page.text
    assert '<section class="card" id="gate-section" aria-labelledby="gate-heading">' in text
    assert '<h2 id="gate-heading">Ready for more?</h2>' in text and 'id="gate-tasks"' in text
    scripts = re.findall(r'<script src="/static/([\w-]+\.js)" defer>', text)
    assert scripts.index("progress-chart.js") < scripts.index("progression.js")  # it uses window.mqChart.ordered
    assert scripts.index("common.js") < scripts.index("progression.js")
    charts = text.index('<script src="/report-assets/charts.js" defer>')  # uPlot and MQCharts: both charts use them
    for drawer in ("progress-chart.js", "progression.js"):
        assert charts < text.index(f'<script src="/static/{drawer}" defer>')
    assert '<link rel="stylesheet" href="/report-assets/charts.css">' in text
    assert '<link rel="stylesheet" href="/static/progression.css">' in text
    assert text.index('id="gate-section"') < text.index('id="programme"')  # beside the programme it gates
    for name, kind in (("progression.js", "javascript"), ("progression.css", "css")):
        served = client.get(f"/static/{name}")
        assert served.status_code == 200 and kind in served.headers["content-type"]


def _fields(variable: str, script: str) -> set[str]:
    return set(re.findall(rf"\b{variable}\.([a-z_]+)\b", script))


def test_the_script_reads_only_fields_the_api_answers_with() -> None:
    script = SCRIPT.read_text()
    assert _fields("task", script) <= set(TaskProgressionPublic.model_fields)
    assert _fields("p", script) <= set(LoadPointPublic.model_fields)
    assert _fields("o", script) <= set(OverridePublic.model_fields)
    assert {"recommendation", "reasons", "suggested_load_kg", "target_score", "points", "override"} <= _fields(
        "task", script
    )
    assert {"threshold_kg", "compensation", "pain_before", "pain_after", "load_kg", "score"} <= _fields("p", script)
    # the decisions offered by the override form are the API's, in its order
    offered = re.search(r"var DECISIONS = \[([^\]]*)\]", script)
    assert offered is not None
    assert re.findall(r'"([^"]+)"', offered.group(1)) == list(get_args(Decision))
    assert '"/progression/" + encodeURIComponent(task.movement) + "/override"' in script


def test_the_script_sets_no_style_attributes_the_pages_csp_would_block() -> None:
    script = SCRIPT.read_text()
    assert "style" not in script  # neither a style attribute nor element.style
    assert ".innerHTML" not in script  # text is never parsed as HTML
