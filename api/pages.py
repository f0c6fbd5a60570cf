"""The web app's page furniture: its Content-Security-Policies and its one navigation bar.

The navigation bar is made here and nowhere else. Each page in ``api/web/static``
holds the placeholder :data:`APPBAR_MARK` where the bar goes, and the web router
serves the pages through :func:`render_static_page`, which puts the bar in; the
result page and the not-found page get the same bar from :func:`render_appbar`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STATIC_DIR = Path(str(resources.files("api").joinpath("web/static")))
APPBAR_MARK = "<!--appbar-->"
"""Where a static page wants the navigation bar."""

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
)
"""The static pages load scripts, styles and data from the app's own origin only."""


def live_csp(host: str) -> str:
    """Return the live page's policy: :data:`PAGE_CSP` plus its WebSocket and WebAssembly.

    The page opens ``/v1/live`` on this host (Safari before 15.4 does not count ``ws:``/``wss:`` of the host
    as ``'self'``), and its in-browser pose mode compiles the MediaPipe WebAssembly served from this origin,
    which needs ``'wasm-unsafe-eval'`` (it allows compiling WebAssembly, not JavaScript ``eval``). Nothing else
    is widened: the runtime, its loader script and the model all come from ``'self'``.
    """
    return PAGE_CSP.replace("connect-src 'self'", f"connect-src 'self' ws://{host} wss://{host}").replace(
        "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
    )


REPORT_ASSETS = "/report-assets"
"""Where the report's stylesheet and script are served, so the result page needs no inline script."""
APP_CSP = (
    "default-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    "media-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""The result page: scripts and style sheets from this origin only, no inline script; the report's bars and
plot cursor set ``style`` attributes, which cannot run code (``style-src-attr``)."""


def for_meta(csp: str) -> str:
    """Return ``csp`` without the directives a ``<meta>`` policy may not carry (browsers warn and ignore them)."""
    ignored = ("frame-ancestors", "report-uri", "sandbox")
    return "; ".join(part for part in csp.split("; ") if not part.startswith(ignored))


NAV_LINKS = (("/", "New analysis"), ("/patients", "Patients"), ("/live", "Live session"))
"""The app's sections, in the order the bar shows them."""


def render_appbar(*, signed_in: bool = True) -> str:
    """Return the navigation bar: the brand, plus the sections, clinic name and sign-out once signed in."""
    brand = '<a class="appbar-brand" href="/">movequal</a>'
    if not signed_in:
        return f'<nav class="appbar">{brand}</nav>'
    links = "".join(f'<a href="{href}">{label}</a>' for href, label in NAV_LINKS)
    return (
        f'<nav class="appbar">{brand}{links}<span class="appbar-spacer"></span>'
        '<span class="appbar-clinic" id="appbar-clinic"></span>'
        '<button type="button" class="appbar-signout" id="appbar-signout" hidden>Sign out</button></nav>'
    )


def render_static_page(name: str, *, signed_in: bool = True) -> str:
    """Return the static page ``name`` (e.g. ``upload.html``) with the navigation bar in place."""
    page = (STATIC_DIR / name).read_text(encoding="utf-8")
    return page.replace(APPBAR_MARK, render_appbar(signed_in=signed_in), 1)
