"""Self-contained ``report.html`` for one analysis.

The page needs no network access: CSS and JavaScript are inline (from the
package template ``movequal/templates/report.html``), the annotated video is
embedded as a base64 ``data:`` URI and the charts are drawn by uPlot (vendored,
:mod:`movequal.report.charts`) from a JSON blob of the kinematics series. A
Content-Security-Policy meta tag forbids every other source.

This module assembles the page: the template, its CSP, the sections from
:mod:`movequal.report.sections` (which HTML-escape every string from the
report), the rep curves (:mod:`movequal.report.curves_section`) and, given a
baseline session's ``report.json``, the comparison with it
(:mod:`movequal.report.baseline`), the plot data and the video. The JSON blob has ``<``, ``>`` and ``&``
escaped so it cannot close its ``<script>`` element. The web app shows the same
page with its own CSP and navigation bar, which the web layer passes in
(:func:`render_report_page`).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from movequal.core.assessment import Report
from movequal.core.kinematics import Kinematics
from movequal.io.atomic import atomic_text, umask_file_mode
from movequal.report.baseline import baseline_section
from movequal.report.charts import chart_assets
from movequal.report.curves_section import rep_curves_section
from movequal.report.plots import plot_data
from movequal.report.sections import escape, format_date, render_content

_B64_CHUNK = 3 * 256 * 1024
"""Bytes of video read per base64 chunk (a multiple of 3, so chunks concatenate)."""

_VIDEO_MARK = "__MQ_VIDEO_BASE64__"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_STYLE = re.compile(r"<style>\n(.*?)</style>", re.DOTALL)
_SCRIPT = re.compile(r"<script>\n(.*?)</script>", re.DOTALL)

SELF_CONTAINED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; media-src data:; img-src data:"
)
"""The downloadable report may load nothing from anywhere."""


def _script_json(data: dict[str, Any]) -> str:
    r"""Serialise for an inline ``<script>``: ``<``, ``>`` and ``&`` become ``\u003c``-style escapes."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _template() -> str:
    return resources.files("movequal").joinpath("templates/report.html").read_text(encoding="utf-8")


@cache
def report_assets() -> tuple[str, str]:
    """Return the report's stylesheet and script: the charting layer's, then the template's own.

    Notes
    -----
    The downloadable report has these inline, since it must work as a lone
    file; a web app serves them (:func:`render_report_page` with
    ``assets``), so its page needs a CSP that allows no inline script. The
    charts are drawn by uPlot through :mod:`movequal.report.charts`.
    """
    page = _template()
    style, script = _STYLE.search(page), _SCRIPT.search(page)
    assert style is not None and script is not None, "the report template lost its <style> or <script>"
    chart_css, chart_js = chart_assets()
    return chart_css + "\n" + style.group(1), chart_js + "\n" + script.group(1)


def comparison_sections(report: Report, baseline: Mapping[str, Any] | None = None, panel: str = "") -> str:
    """Return the sections after the measurements: with a baseline the comparison, then the rep curves, then ``panel``.

    Parameters
    ----------
    report : Report
        This session.
    baseline : Mapping, optional
        An earlier session's ``report.json`` object (:func:`movequal.report.baseline.load_baseline`).
    panel : str
        Trusted HTML placed after the curves (the web app's own comparison panel).
    """
    data = report.model_dump(mode="json")
    compared = baseline_section(data, baseline) if baseline is not None else ""
    return compared + rep_curves_section(data, baseline) + panel


def _render_parts(
    report: Report,
    plots: dict[str, Any],
    video_src: str | None,
    *,
    csp: str,
    nav: str,
    assets: str | None = None,
    baseline: Mapping[str, Any] | None = None,
    panel: str = "",
) -> str:
    """Render the whole page around ``video_src`` (a URL, or the base64 mark to splice the video in).

    With ``assets`` (a URL path), the stylesheet and script are linked from
    ``<assets>/report.css`` and ``<assets>/report.js`` instead of inline.
    """
    a = report.assessment
    values = {
        "title": escape(f"{a.movement.capitalize()} movement report – {format_date(report.created_at)}"),
        "version": escape(report.movequal_version),
        "csp": csp,
        "nav": nav,
        "content": render_content(report, video_src, comparison_sections(report, baseline, panel)),
        "data": _script_json(plots),
    }
    page = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), _template())
    if assets is not None:
        page = _STYLE.sub(lambda _: f'<link rel="stylesheet" href="{escape(assets)}/report.css">', page, count=1)
        page = _SCRIPT.sub(lambda _: f'<script src="{escape(assets)}/report.js"></script>', page, count=1)
    else:
        css, js = report_assets()
        page = _STYLE.sub(lambda _: f"<style>\n{css}</style>", page, count=1)
        page = _SCRIPT.sub(lambda _: f"<script>\n{js}</script>", page, count=1)
    return page


def _split_at_video(
    report: Report, kinematics: Kinematics, has_video: bool, baseline: Mapping[str, Any] | None
) -> tuple[str, str]:
    """Render the self-contained page as the text before and after the video's base64 payload."""
    src = f"data:video/mp4;base64,{_VIDEO_MARK}" if has_video else None
    plots = plot_data(report, kinematics)
    page = _render_parts(report, plots, src, csp=SELF_CONTAINED_CSP, nav="", baseline=baseline)
    before, mark, after = page.partition(_VIDEO_MARK)
    return (before, after) if mark else (page, "")


def render_report_page(
    report: Report,
    plots: dict[str, Any],
    video_url: str | None,
    *,
    csp: str,
    nav: str = "",
    assets: str | None = None,
    baseline: Mapping[str, Any] | None = None,
    panel: str = "",
) -> str:
    """Render the report as a page of a web app, with the video streamed from ``video_url``.

    Parameters
    ----------
    report : Report
        The analysis result.
    plots : dict
        The angle-plot data, as :func:`movequal.report.plots.plot_data` made it.
    video_url : str or None
        URL of the annotated video; ``None`` leaves the video out.
    csp : str
        The page's Content-Security-Policy: the app's, which must let the page
        load the video from ``video_url`` (the web layer owns it).
    nav : str
        Trusted HTML placed above the report (the app's navigation bar).
    assets : str, optional
        URL path where the server serves :func:`report_assets` as
        ``report.css`` and ``report.js``; the page then has no inline style
        sheet or script, so ``csp`` need not allow them.
    baseline : Mapping, optional
        An earlier session's ``report.json`` object to compare with, as the downloadable report does.
    panel : str
        Trusted HTML placed after the rep curves (the app's comparison panel).

    Returns
    -------
    str
        The whole HTML document.
    """
    return _render_parts(report, plots, video_url, csp=csp, nav=nav, assets=assets, baseline=baseline, panel=panel)


def _iter_base64(path: Path) -> Iterator[str]:
    """Yield the file's base64 encoding in pieces that concatenate to the whole."""
    size = _B64_CHUNK
    buffer = bytearray(size)
    view = memoryview(buffer)
    with path.open("rb") as fh:
        while True:
            filled = 0
            while filled < size and (n := fh.readinto(view[filled:])):
                filled += n
            if filled:
                yield base64.b64encode(view[:filled]).decode("ascii")
            if filled < size:
                return


def render_report_html(
    report: Report, kinematics: Kinematics, video_path: Path | None, baseline: Mapping[str, Any] | None = None
) -> str:
    """Render the self-contained HTML report.

    Parameters
    ----------
    report : Report
        The analysis result.
    kinematics : Kinematics
        Per-frame series behind the angle plots.
    video_path : Path or None
        Annotated H.264 mp4 to embed; ``None`` leaves the video out.
    baseline : Mapping, optional
        An earlier session's ``report.json`` object to compare with (metric changes, curves overlaid).

    Returns
    -------
    str
        The whole HTML document.
    """
    before, after = _split_at_video(report, kinematics, video_path is not None, baseline)
    if video_path is None:
        return before + after
    return "".join([before, *_iter_base64(video_path), after])


def write_report_html(
    path: Path,
    report: Report,
    kinematics: Kinematics,
    video_path: Path | None,
    baseline: Mapping[str, Any] | None = None,
) -> None:
    """Write the HTML report atomically, streaming the video into the file.

    The page goes to a temporary file in the same directory, which then
    replaces ``path``; a failure leaves ``path`` untouched.

    Parameters
    ----------
    path : Path
        Destination, normally ``<out>/report.html``.
    report : Report
        The analysis result.
    kinematics : Kinematics
        Per-frame series behind the angle plots.
    video_path : Path or None
        Annotated H.264 mp4 to embed; ``None`` leaves the video out.
    baseline : Mapping, optional
        An earlier session's ``report.json`` object to compare with (shown, not stored in ``report.json``).
    """
    path = Path(path)
    before, after = _split_at_video(report, kinematics, video_path is not None, baseline)
    with atomic_text(path, mode=umask_file_mode()) as fh:  # as readable as any file the user makes, no more
        fh.write(before)
        if video_path is not None:
            for chunk in _iter_base64(video_path):
                fh.write(chunk)
        fh.write(after)
