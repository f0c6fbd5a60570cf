"""The charting layer every page shares: uPlot (vendored from its npm package) and movequal's own ``mq-charts.js``.

The layer is ``mq-charts-parts.js`` (drawing beside uPlot, export, the data
table) and ``mq-charts.js`` (``MQCharts.create`` and the rep-curve chart).
The self-contained ``report.html`` carries these files inline; the web app
serves the same bytes from its own origin (no CDN). :data:`UPLOT_VERSION` and the
SHA-256 of each vendored file are recorded in ``vendor/uplot/VENDOR.md``, and
``scripts/vendor_uplot.sh`` refreshes them from the npm registry.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

UPLOT_VERSION = "1.6.32"
"""The vendored uPlot release (MIT licence, ``vendor/uplot/LICENSE``)."""

VENDOR_FILES = ("vendor/uplot/uPlot.iife.min.js", "vendor/uplot/uPlot.min.css")
"""The files taken unchanged from uPlot's npm package."""

LAYER_SCRIPTS = ("mq-charts-parts.js", "mq-charts.js")
"""movequal's own chart code, in load order (the second uses the first)."""


def _read(name: str) -> str:
    text = resources.files("movequal.report.charts").joinpath(name).read_text(encoding="utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():  # it could not sit inside the report's inline element
        raise ValueError(f"{name} contains {closing!r}, which would end the report's inline element")
    return text


@cache
def chart_assets() -> tuple[str, str]:
    """Return the charting stylesheet and script: uPlot's, then movequal's layer over it.

    Returns
    -------
    tuple of str
        The CSS and the JavaScript, each one text ready to inline or to serve.

    Notes
    -----
    The script defines the globals ``uPlot`` and ``MQCharts``; a page's own
    chart code must run after it. It starts with uPlot's MIT licence notice,
    which every copy must carry (a report is a copy).
    """
    licence = _read("vendor/uplot/LICENSE").replace("*/", "")
    notice = f"/*! uPlot {UPLOT_VERSION}, vendored unchanged.\n{licence}*/\n"
    css = _read("vendor/uplot/uPlot.min.css") + "\n" + _read("mq-charts.css")
    layer = "\n".join(_read(name) for name in LAYER_SCRIPTS)
    js = notice + _read("vendor/uplot/uPlot.iife.min.js") + "\n" + layer
    return css, js
